/**
 * The library entries: src/index.ts (browser-safe: no `node:` import anywhere
 * in its import graph) and src/node.ts (synchronous creation in Node).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as lib from '../src/index.js';
import * as nodeLib from '../src/node.js';

const SRC = join(import.meta.dirname, '..', 'src');

/** Every module reachable from `entry` through relative imports, with its imports. */
function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const todo = [entry];
  while (todo.length) {
    const file = todo.pop()!;
    if (graph.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
    graph.set(file, specs);
    for (const s of specs) if (s.startsWith('.')) todo.push(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
  }
  return graph;
}

describe('library entries', () => {
  it('the browser entry imports no node: module, directly or not', () => {
    const graph = importGraph(join(SRC, 'index.ts'));
    expect(graph.size).toBeGreaterThan(5);
    for (const [file, specs] of graph) {
      for (const s of specs) expect(s.startsWith('node:') || s === 'fs' || s === 'path', `${file} imports ${s}`).toBe(false);
    }
    // and the Node entry does reach node:fs (through the WASM loader)
    const nodeGraph = importGraph(join(SRC, 'node.ts'));
    expect([...nodeGraph.values()].some((specs) => specs.includes('node:fs'))).toBe(true);
  });

  it('createKernel (async) and createKernelSync give working kernels on both cores', async () => {
    for (const core of ['ts', 'wasm'] as const) {
      const k = await nodeLib.createKernel({ core });
      expect(k.core.name).toBe(core);
      const a = k.unwrap(k.clone(k.init, 'NEWPID'));
      expect(k.unwrap(k.nspid(a))).toEqual([2, 1]);
      const s = nodeLib.createKernelSync({ core });
      expect(s.unwrap(s.getpid(s.init))).toBe(1);
    }
    const ts = await lib.createKernel({ core: 'ts' });
    expect(ts.core.name).toBe('ts');
    const given = await lib.createKernel({ core: nodeLib.createCoreSync('ts') });
    expect(given.unwrap(given.fork(given.init)).state).toBe(0);
  });

  it('runs scenario text from the entries', async () => {
    const text = 'a = clone init NEWPID\nb = fork a\nkill init 2 9\nwait init\n';
    const want = ['a = clone init NEWPID -> 2 1', 'b = fork a -> 3 2', 'kill init 2 9 -> ok', 'wait init -> 2 killed 9'];
    expect(nodeLib.runScenarioTextSync(text, { core: 'wasm' }).lines).toEqual(want);
    expect((await lib.runScenarioText(text, { core: 'ts' })).lines).toEqual(want);
    const bad = nodeLib.runScenarioTextSync('a = fork init\nexit a\n', { core: 'ts' });
    expect(bad.error).toEqual({ line: 2, message: 'usage: exit T CODE' });
    expect(bad.lines).toEqual(['a = fork init -> 2']);
  });
});
