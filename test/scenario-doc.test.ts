/**
 * docs/scenario-language.md, the language reference, lists every statement
 * keyword in its "Statement index". This test holds that list equal to the
 * parser's (src/scenario/parse.ts): the keywords of the parser's Statement
 * type (its `kind`s) must be exactly the documented ones, and every
 * documented example must parse.
 *
 * NOT_YET_IN_PARSER names the version-2 statements that the document
 * describes but this parser does not know yet (they are being added in the
 * same release). Each must really be unknown to the parser — so when a
 * statement lands in the parser, this test fails until its name is removed
 * from the list. The list is meant to end up empty.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLine } from '../src/scenario/parse.js';

const REPO = join(import.meta.dirname, '..');
const DOC = readFileSync(join(REPO, 'docs', 'scenario-language.md'), 'utf8');
const PARSER = readFileSync(join(REPO, 'src', 'scenario', 'parse.ts'), 'utf8');

/** Documented (language version 2) but not in this parser yet: the integrator empties this list. */
const NOT_YET_IN_PARSER: readonly string[] = [];

interface Row {
  keyword: string;
  version: number;
  example: string;
}

/** The rows of the statement index (between its two HTML comments). */
function docIndex(): Row[] {
  const m = /<!-- statement-index:[^>]*-->\n([\s\S]*?)<!-- \/statement-index -->/.exec(DOC);
  if (!m) throw new Error('docs/scenario-language.md has no statement index');
  const rows: Row[] = [];
  for (const line of m[1].split('\n')) {
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
    if (cells.length !== 3 || cells[0] === 'keyword' || /^-+$/.test(cells[0])) continue;
    const code = (c: string): string => {
      const x = /^`(.*)`$/.exec(c);
      if (!x) throw new Error(`statement index: '${c}' is not in backticks`);
      return x[1].replace(/\\\|/g, '|');
    };
    rows.push({ keyword: code(cells[0]), version: Number(cells[1]), example: code(cells[2]) });
  }
  return rows;
}

/** The statement keywords of the parser: every `kind` of its exported Statement type. */
function parserKinds(): string[] {
  const m = /export type Statement =([\s\S]*?);\n\n/.exec(PARSER);
  if (!m) throw new Error('src/scenario/parse.ts: no `export type Statement = ...;` found');
  const kinds = new Set<string>();
  for (const k of m[1].matchAll(/kind: ((?:'[a-z0-9_]+'(?: \| )?)+)/g)) {
    for (const q of k[1].matchAll(/'([a-z0-9_]+)'/g)) kinds.add(q[1]);
  }
  return [...kinds].sort();
}

/** Parse a line with every name defined except the one being created. */
function parse(line: string): ReturnType<typeof parseLine> {
  const tok = line.trim().split(/\s+/);
  const creating = tok[1] === '=' ? tok[0] : null;
  return parseLine(line, (n) => n !== creating);
}

describe('docs/scenario-language.md: the statement index', () => {
  const rows = docIndex();

  it('has one row per keyword, versions 1 and 2 only', () => {
    expect(rows.length).toBeGreaterThan(10);
    expect(new Set(rows.map((r) => r.keyword)).size).toBe(rows.length);
    for (const r of rows) expect([1, 2]).toContain(r.version);
  });

  it("equals the parser's statement list (but for the named version-2 statements not in this parser yet)", () => {
    const documented = rows.map((r) => r.keyword).filter((k) => !NOT_YET_IN_PARSER.includes(k)).sort();
    expect(parserKinds()).toEqual(documented);
  });

  it('the statements named as not yet in the parser are documented, version 2, and really unknown to the parser', () => {
    for (const k of NOT_YET_IN_PARSER) {
      const row = rows.find((r) => r.keyword === k);
      expect(row, `${k} is in NOT_YET_IN_PARSER but not in the document`).toBeDefined();
      expect(row?.version).toBe(2);
      // Once the parser knows it, this fails: remove it from NOT_YET_IN_PARSER.
      expect(() => parse(row!.example), `${k} is in the parser now: remove it from NOT_YET_IN_PARSER`).toThrow(/unknown (statement|call)/);
    }
  });

  it('every other example parses to its own keyword and echoes itself', () => {
    for (const r of rows.filter((x) => !NOT_YET_IN_PARSER.includes(x.keyword))) {
      const p = parse(r.example);
      expect(p, r.example).not.toBeNull();
      expect(p!.statement.kind).toBe(r.keyword);
      expect(p!.text).toBe(r.example);
    }
  });

  it('every documented keyword is described in the Statements table and in the transcript table', () => {
    const statements = /## Statements\n([\s\S]*?)\n## The transcript/.exec(DOC)?.[1] ?? '';
    const transcript = /## The transcript\n([\s\S]*?)\n## Scenario errors/.exec(DOC)?.[1] ?? '';
    for (const r of rows) {
      expect(statements, `${r.keyword} in the Statements table`).toMatch(new RegExp(`\`(NEW = )?${r.keyword}\\b`));
      expect(transcript, `${r.keyword} in the transcript table`).toMatch(new RegExp(`\`${r.keyword}\\b`));
    }
  });

  it('documents every flag and NSTYPE the parser accepts', async () => {
    const { FLAG_NAMES, NS_TYPES } = await import('../src/kernel/flags.js');
    for (const f of Object.keys(FLAG_NAMES)) expect(DOC).toContain(`\`${f}\``);
    for (const t of NS_TYPES) expect(DOC).toContain(`\`${t}\``);
  });
});

describe('the reference is where users look', () => {
  it('pidns run --help and the playground point to docs/scenario-language.md', async () => {
    const { runCli } = await import('./helpers/cli.js');
    const help = await runCli(['run', '--help']);
    expect(help.out).toContain('docs/scenario-language.md');
    const html = readFileSync(join(REPO, 'web', 'playground.html'), 'utf8');
    expect(html).toContain('href="/docs/scenario-language.md"');
    expect(html).not.toMatch(/<code>scenario-language\.md<\/code>/);
    // The reference (and the JSON Schemas under docs/schema/) ship in the package, where --help says it is.
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('docs');
  });
});
