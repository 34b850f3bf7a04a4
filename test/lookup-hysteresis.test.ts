/**
 * The lookup table's hysteresis (assembly/lookup.ts, src/core/ts/lookup.ts,
 * docs/core-algorithms.md "Lookup"): each namespace's table keeps at most
 * one empty chunk parked instead of freeing it, so a fork storm with one live
 * child at a time (the `wide` storm: fork, exit, wait) does not free and
 * re-make (and zero) a 4 KiB chunk at every level on every fork.
 *
 * Counted with the cores' deterministic work counter lookup_chunks_made
 * (chunks taken from the core allocator). Before the hysteresis every cycle
 * made one chunk per level: O(N) for N cycles; now a table only makes a
 * chunk when it needs more live chunks than it ever had (plus one parked).
 */
import { describe, expect, it } from 'vitest';
import { LOOKUP_CHUNK_ENTRIES, NS_LOOKUP, NS_LOOKUP_PARK } from '../src/core/layout.js';
import type { AllocatorProbe, PidCore } from '../src/core/types.js';
import { coreVariants } from './helpers/cores.js';

const DEPTH = 4;

/** A chain: root namespace and DEPTH nested ones, each with its init; returns the namespaces. */
function chain(c: PidCore): number[] {
  const nss = [c.create_pid_namespace(0)];
  expect(c.alloc_pid(nss[0], 0)).toBeGreaterThan(0);
  for (let l = 1; l <= DEPTH; l++) {
    const ns = c.create_pid_namespace(nss[l - 1]);
    expect(ns).toBeGreaterThan(0);
    expect(c.alloc_pid(ns, 0)).toBeGreaterThan(0);
    nss.push(ns);
  }
  return nss;
}

/** n cycles of fork in `ns`, check it is found at every level, then reap it (free_pid). */
function cycles(c: PidCore & AllocatorProbe, nss: number[], n: number): void {
  const deepest = nss[nss.length - 1];
  for (let i = 0; i < n; i++) {
    const p = c.alloc_pid(deepest, 0);
    if (p <= 0) throw new Error(`fork ${i}: ${p}`);
    for (const ns of nss) {
      const nr = c.pid_nr_ns(p, ns);
      if (c.find_pid_ns(nr, ns) !== p) throw new Error(`cycle ${i}: ${nr} not found in ns ${ns}`);
    }
    c.free_pid(p);
  }
}

describe.each(coreVariants)('lookup hysteresis: $name', (v) => {
  it('N fork+exit+wait cycles at depth 4 make O(1) lookup chunks, not O(N)', () => {
    const c = v.make();
    const nss = chain(c);
    const start = c.lookup_chunks_made();
    // Several chunk ranges at every level: the numbers move on through 6 chunks.
    const n = 6 * LOOKUP_CHUNK_ENTRIES;
    cycles(c, nss, n);
    const made = c.lookup_chunks_made() - start;
    // Per level: the chunk of the first new range, and one more while the
    // chunk holding the inits (chunk 0) stays live; never one per cycle or per range.
    expect(made).toBeLessThanOrEqual(2 * nss.length);
    // Twice the work makes no more chunks.
    cycles(c, nss, n);
    expect(c.lookup_chunks_made() - start).toBe(made);
  });

  it('a table keeps at most one empty chunk: the rest go back as they empty, a new chunk takes its block', () => {
    const c = v.make();
    const root = c.create_pid_namespace(0);
    expect(c.alloc_pid(root, 0)).toBeGreaterThan(0); // init: number 1, in chunk 0
    const u32 = () => c.u32();
    // Numbers 2 … 4·1024−1: chunks 0 to 3.
    const pids: number[] = [];
    for (let i = 0; i < 4 * LOOKUP_CHUNK_ENTRIES - 2; i++) pids.push(c.alloc_pid(root, 0));
    expect(pids.every((p) => p > 0)).toBe(true);
    const made = c.lookup_chunks_made();
    for (const p of pids) c.free_pid(p);
    // Chunks 1, 2, 3 emptied in turn: each was parked and freed when the next emptied; chunk 3 is parked.
    expect(u32()[(root + NS_LOOKUP_PARK) >> 2]).toBe(3 + 1);
    const dir = () => u32()[u32()[(root + NS_LOOKUP) >> 2] >> 2];
    const live = () => {
      let n = 0;
      for (let d = 0; d < 32; d++) if (u32()[(dir() >> 2) + d] !== 0) n++;
      return n;
    };
    expect(live()).toBe(2); // chunk 0 (init) and the parked chunk 3
    // The next number (4·1024) needs chunk 4: it takes the parked block, no new chunk is made.
    const p = c.alloc_pid(root, 0);
    expect(c.pid_nr_ns(p, root)).toBe(4 * LOOKUP_CHUNK_ENTRIES);
    expect(c.find_pid_ns(4 * LOOKUP_CHUNK_ENTRIES, root)).toBe(p);
    expect(c.find_pid_ns(4 * LOOKUP_CHUNK_ENTRIES - 1, root)).toBe(0);
    expect(u32()[(root + NS_LOOKUP_PARK) >> 2]).toBe(0);
    expect(live()).toBe(2); // chunks 0 and 4
    expect(c.lookup_chunks_made()).toBe(made);
  });
});
