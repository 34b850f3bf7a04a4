/**
 * Every type that appears in a public signature is exported (issue 8.4): a
 * user must be able to name the types of what they pass and get back
 * (AllocatorName, WasmPidCore, WasmCoreOptions, ...). The test emits the
 * package's declarations (tsc, as `npm run build:ts` does, into a temporary
 * folder), then walks every export of each entry (`pidns`, `pidns/node`)
 * through the type checker: every named type its public declaration
 * mentions (parameters, results, fields, base types; private members
 * excluded), transitively, must be declared outside the package (lib) or be
 * exported from that entry.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..');
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
const OUT = mkdtempSync(join(tmpdir(), 'pidns-dts-'));
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

function emitDeclarations(): void {
  const r = spawnSync(process.execPath, [TSC, '-p', join(REPO, 'tsconfig.json'), '--emitDeclarationOnly', '--declarationMap', 'false', '--sourceMap', 'false', '--outDir', OUT], { encoding: 'utf8', cwd: REPO });
  expect(r.stdout + r.stderr).toBe('');
}

/** Names of types used by the public declarations of `entry` but not exported from it, with where each is used. */
export function unexportedTypes(entry: string): string[] {
  const program = ts.createProgram([entry], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, types: ['node'], skipLibCheck: true });
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(entry);
  if (!sf) throw new Error(`no ${entry}`);
  const mod = checker.getSymbolAtLocation(sf);
  if (!mod) throw new Error(`${entry} is not a module`);
  const resolve = (s: ts.Symbol): ts.Symbol => ((s.flags & ts.SymbolFlags.Alias) !== 0 ? checker.getAliasedSymbol(s) : s);
  const exported = new Set(checker.getExportsOfModule(mod).map(resolve));
  const ours = (d: ts.Declaration) => d.getSourceFile().fileName.startsWith(OUT);
  const missing = new Map<string, string>();
  const visited = new Set<ts.Symbol>();
  const queue: [ts.Symbol, string][] = [...exported].map((s) => [s, s.getName()]);

  const isPrivate = (n: ts.Node) =>
    ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword);

  const mention = (s: ts.Symbol | undefined, from: string) => {
    if (!s) return;
    const t = resolve(s);
    if ((t.flags & ts.SymbolFlags.TypeParameter) !== 0) return;
    const decls = t.getDeclarations() ?? [];
    if (decls.length === 0 || !decls.some(ours)) return;
    if (!exported.has(t) && !missing.has(t.getName())) missing.set(t.getName(), from);
    queue.push([t, t.getName()]);
  };

  const walk = (n: ts.Node, from: string): void => {
    if (isPrivate(n) || ((ts.isPropertyDeclaration(n) || ts.isMethodDeclaration(n)) && ts.isPrivateIdentifier(n.name))) return;
    if (ts.isTypeReferenceNode(n)) mention(checker.getSymbolAtLocation(n.typeName), from);
    else if (ts.isExpressionWithTypeArguments(n)) mention(checker.getSymbolAtLocation(n.expression), from);
    else if (ts.isTypeQueryNode(n)) mention(checker.getSymbolAtLocation(n.exprName), from);
    else if (ts.isImportTypeNode(n)) {
      const ty = checker.getTypeFromTypeNode(n);
      mention(ty.aliasSymbol ?? ty.getSymbol(), from);
    }
    ts.forEachChild(n, (c) => walk(c, from));
  };

  while (queue.length > 0) {
    const [s, from] = queue.shift()!;
    if (visited.has(s)) continue;
    visited.add(s);
    for (const d of s.getDeclarations() ?? []) {
      if (!ours(d)) continue;
      // A variable's initializer is not part of its type; a module's body is its own exports.
      if (ts.isSourceFile(d) || ts.isModuleDeclaration(d)) continue;
      walk(d, from === s.getName() ? from : `${from} → ${s.getName()}`);
    }
  }
  return [...missing].map(([name, from]) => `${name} (used by ${from})`).sort();
}

describe('public types', () => {
  it('every type in a public signature of pidns and pidns/node is exported', () => {
    emitDeclarations();
    const index = unexportedTypes(join(OUT, 'index.d.ts'));
    const node = unexportedTypes(join(OUT, 'node.d.ts'));
    expect({ index, node }).toEqual({ index: [], node: [] });
  }, 120_000);
});
