/**
 * The allocator lab (docs/core-algorithms.md "Allocators"): the idr and hbm
 * allocators' own structures and positional work counters, on every backend
 * (TS twin and the three WASM builds). Numbering itself is covered by the
 * conformance suite and the differential test, which run every allocator.
 *
 * Counter expectations are derived by hand from the algorithms in
 * docs/core-algorithms.md (the derivation is in each test's comment); they
 * are the same on every backend, so SIMD/scalar/TS cannot drift.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EINVAL } from '../src/core/errno.js';
import { PID_MAX_LIMIT, STAT_PAGES_ALLOCATED, STAT_PAGES_TOUCHED, STAT_WORDS_SCANNED, BATCH_MAX, NS_NR_PAGES, NS_ALLOC } from '../src/core/layout.js';
import { ALLOCATOR_NAMES, type AllocatorName, type AllocatorProbe, type PidCore } from '../src/core/types.js';
import { createWasmCoreSync } from '../src/core/wasm-node.js';
import { createTsCore } from '../src/core/ts/index.js';
import { backends, variant } from './helpers/cores.js';

type Core = PidCore & AllocatorProbe;

function stats(c: Core): { words: number; pages: number; allocated: number } {
  const f = c.f64();
  const s = c.statsPtr >> 3;
  return { words: f[s + STAT_WORDS_SCANNED], pages: f[s + STAT_PAGES_TOUCHED], allocated: f[s + STAT_PAGES_ALLOCATED] };
}
function delta(c: Core, fn: () => void): { words: number; pages: number; allocated: number } {
  const a = stats(c);
  fn();
  const b = stats(c);
  return { words: b.words - a.words, pages: b.pages - a.pages, allocated: b.allocated - a.allocated };
}
function field(c: Core, obj: number, off: number): number {
  return c.u32()[(obj + off) >> 2];
}
/** n pids in ns (handles, in allocation order). */
function fill(c: Core, ns: number, n: number): number[] {
  const out: number[] = [];
  while (out.length < n) {
    const k = Math.min(BATCH_MAX, n - out.length);
    const got = c.alloc_pid_batch(ns, k);
    const u = c.u32();
    for (let i = 0; i < got; i++) out.push(u[(c.batchPtr >> 2) + i]);
    if (got !== k) throw new Error(`batch stopped at ${got}/${k}`);
  }
  return out;
}
function forkNr(c: Core, ns: number): number {
  const p = c.alloc_pid(ns, 0);
  if (p < 0) throw new Error(`alloc_pid: ${p}`);
  return c.pid_nr_ns(p, ns);
}

describe('allocator selection', () => {
  it('ALLOCATOR_NAMES lists pidmap, idr, hbm; both cores accept each and report it', () => {
    expect(ALLOCATOR_NAMES).toEqual(['pidmap', 'idr', 'hbm']);
    for (const a of ALLOCATOR_NAMES) {
      expect(createTsCore({ allocator: a }).allocator).toBe(a);
      expect(createWasmCoreSync({ allocator: a }).allocator).toBe(a);
      expect(createWasmCoreSync({ allocator: a, simd: false }).exports.allocator_kind()).toBe(ALLOCATOR_NAMES.indexOf(a));
    }
    expect(() => createTsCore({ allocator: 'buddy' as AllocatorName })).toThrow(/allocator/);
    expect(() => createWasmCoreSync({ allocator: 'buddy' as AllocatorName })).toThrow(/allocator/);
  });

  it('the WASM kind is fixed once a namespace exists (set_allocator → -EINVAL)', () => {
    const c = createWasmCoreSync({ allocator: 'hbm' });
    expect(c.exports.set_allocator(0)).toBe(0); // no namespace yet: may change
    expect(c.exports.set_allocator(2)).toBe(0);
    expect(c.create_pid_namespace(0)).toBeGreaterThan(0);
    expect(c.exports.set_allocator(0)).toBe(-EINVAL);
    expect(c.exports.set_allocator(2)).toBe(0); // the same kind is fine
    expect(c.exports.set_allocator(3)).toBe(-EINVAL);
  });
});

describe.each(backends)('allocator lab: $name', (backend) => {
  const make = (a: AllocatorName) => variant(backend, a).make();

  it('idr: the tree grows with the largest number (radix_tree_extend) and shrinks back (radix_tree_shrink)', () => {
    const c = make('idr');
    const r = c.create_pid_namespace(0);
    expect(field(c, r, NS_ALLOC)).toBe(0);
    expect(c.allocator_bytes(r)).toBe(0);
    // empty tree: the search examines nothing; pid 1 needs only a leaf root (shift 0 covers 0..63)
    expect(delta(c, () => expect(forkNr(c, r)).toBe(1))).toEqual({ words: 0, pages: 0, allocated: 1 });
    expect(field(c, r, NS_NR_PAGES)).toBe(1);
    expect(c.allocator_bytes(r)).toBe(24);
    // second: the leaf root's mark, read once
    let p2 = 0;
    expect(delta(c, () => { p2 = c.alloc_pid(r, 0); })).toEqual({ words: 1, pages: 1, allocated: 0 });
    expect(c.check_allocator(r)).toBe(0);
    // 300000 is beyond the leaf root (free, nothing read); the take puts roots of shift 6, 12 and 18
    // on top (the old root in slot 0 of each), then makes the shift-12, shift-6 and leaf nodes below.
    expect(c.set_ns_last_pid(r, 300000 - 1)).toBe(0);
    let far = 0;
    expect(delta(c, () => { far = c.alloc_pid(r, 0); })).toEqual({ words: 0, pages: 0, allocated: 6 });
    expect(c.pid_nr_ns(far, r)).toBe(300000);
    expect(field(c, r, NS_NR_PAGES)).toBe(7);
    expect(c.allocator_bytes(r)).toBe(5 * 280 + 2 * 24);
    expect(c.check_allocator(r)).toBe(0);
    // freeing it empties its path up to the root, which then has one child in slot 0: shrink to the leaf
    c.free_pid(far);
    expect(field(c, r, NS_NR_PAGES)).toBe(1);
    expect(c.allocator_bytes(r)).toBe(24);
    expect(c.check_allocator(r)).toBe(0);
    c.free_pid(p2);
    const init = c.find_pid_ns(1, r);
    c.free_pid(init); // the namespace dies; its tree is empty again
    expect(field(c, r, NS_ALLOC)).toBe(0);
    expect(field(c, r, NS_NR_PAGES)).toBe(0);
    expect(c.allocator_bytes(r)).toBe(0);
  });

  it('idr: a release that leaves the root other children does not shrink it', () => {
    const c = make('idr');
    const r = c.create_pid_namespace(0);
    const pids = fill(c, r, 200); // 1..200: root shift 6 with leaves 0..3
    expect(field(c, r, NS_NR_PAGES)).toBe(5);
    for (let i = 63; i < 127; i++) c.free_pid(pids[i]); // 64..127: leaf 1 freed, root keeps slots 0, 2, 3
    expect(field(c, r, NS_NR_PAGES)).toBe(4);
    expect(c.check_allocator(r)).toBe(0);
    for (let i = 127; i < 200; i++) c.free_pid(pids[i]); // leaves 2 and 3 go: slot 0 alone, shrink to it
    expect(field(c, r, NS_NR_PAGES)).toBe(1);
    expect(c.check_allocator(r)).toBe(0);
    expect(c.alloc_search(r, 1, PID_MAX_LIMIT)).toBe(64);
  });

  it('hbm: number 0 and leaf block 0 exist from creation; leaves are made lazily and kept', () => {
    const c = make('hbm');
    const r = c.create_pid_namespace(0);
    expect(field(c, r, NS_NR_PAGES)).toBe(1);
    expect(c.allocator_bytes(r)).toBe(4160);
    expect(c.alloc_busy(r, 0)).toBe(true);
    expect(delta(c, () => expect(forkNr(c, r)).toBe(1))).toEqual({ words: 1, pages: 1, allocated: 0 });
    expect(c.set_ns_last_pid(r, 99999)).toBe(0); // block 3
    let p = 0;
    expect(delta(c, () => { p = c.alloc_pid(r, 0); })).toEqual({ words: 1, pages: 1, allocated: 1 });
    expect(c.pid_nr_ns(p, r)).toBe(100000);
    c.free_pid(p);
    expect(field(c, r, NS_NR_PAGES)).toBe(2); // kept, as pidmap pages are
    expect(c.check_allocator(r)).toBe(0);
  });

  it('a wrap at pid_max 4096: counters of each allocator (derivations in the comment)', () => {
    // 1..4095 taken but 500; cursor 4001. Search [4001, 4096) fails, then [300, 4096) finds 500.
    // pidmap: words 125..127 (3) then 9..15 (7), one page each: 10 words, 2 pages.
    // hbm: L0 w62, L1 w0, L2 w0 (bit 1 free), down L1 w1, L0 w64 → 4096 ≥ end: 5 words;
    //      then L0 w4, L1 w0 (bit 7), L0 w7 → 500: 3 words. Pages 2 + 2.
    // idr: numbers ≤ 4095 make a 2-level tree (root shift 6). Root slot 62 full, no mark after it: climbing out
    //      of the root answers 4096 (beyond its range) ≥ end: 1 word, 1 node;
    //      then root slot 4 full, slot 7 marked, leaf 7 → 500: 2 words, 2 nodes.
    const want: Record<AllocatorName, { words: number; pages: number; allocated: number }> = {
      pidmap: { words: 10, pages: 2, allocated: 0 },
      hbm: { words: 8, pages: 4, allocated: 0 },
      idr: { words: 3, pages: 3, allocated: 0 },
    };
    for (const a of ALLOCATOR_NAMES) {
      const c = make(a);
      const r = c.create_pid_namespace(0);
      expect(c.set_pid_max(r, 4096)).toBe(0);
      const pids = fill(c, r, 4095);
      c.free_pid(pids[499]);
      expect(c.set_ns_last_pid(r, 4000)).toBe(0);
      let nr = 0;
      expect(delta(c, () => { nr = forkNr(c, r); }), a).toEqual(want[a]);
      expect(nr).toBe(500);
      expect(c.check_allocator(r)).toBe(0);
    }
  });

  it('hbm climbs to L3 and back down in 7 words where pidmap scans pages; idr descends a sibling subtree', () => {
    // 1..300000 taken, cursor 200000: numbers 0..262143 (L2 word 0) are all full, so hbm reads
    // L0, L1, L2 (word 0), L3, L2 (word 1), L1 (word 73), L0 (word 4687) → 300001: 7 words, 2 pages.
    // idr: root slot 0 is still marked free (the IDR never holds 0), so it descends to the shift-12 node
    //      (slot 48 full), climbs back to the root (slot 1 marked) and descends 3 levels: 6 words, 5 nodes.
    // pidmap: pages 6, 7, 8 are full (nr_free 0: skipped unscanned), page 9 words 0..159: 160 words, 4 pages.
    const want: Record<AllocatorName, { words: number; pages: number; allocated: number }> = {
      pidmap: { words: 160, pages: 4, allocated: 0 },
      hbm: { words: 7, pages: 2, allocated: 0 },
      idr: { words: 6, pages: 5, allocated: 0 },
    };
    for (const a of ALLOCATOR_NAMES) {
      const c = make(a);
      const r = c.create_pid_namespace(0);
      fill(c, r, 300000);
      expect(c.set_ns_last_pid(r, 199999)).toBe(0);
      let nr = 0;
      expect(delta(c, () => { nr = forkNr(c, r); }), a).toEqual(want[a]);
      expect(nr).toBe(300001);
      expect(c.alloc_search(r, 1, PID_MAX_LIMIT)).toBe(300002);
      expect(c.alloc_search(r, 300002, 300003)).toBe(300002);
      expect(c.alloc_search(r, 1, 300001)).toBe(-1);
      expect(c.check_allocator(r)).toBe(0);
    }
  });

  it('search over the whole 4M space matches a naive model: runs of taken numbers, holes, queries (fast-check, seeded)', () => {
    // Runs are made with ns_last_pid + alloc_pid_batch (the next n free numbers from a point), holes with free_pid;
    // every allocator must answer alloc_search(x, end) with the model's first free number ≥ x below end.
    const SEED = Number(process.env.PIDNS_SEED ?? 20261129);
    console.log(`allocators search property: seed=${SEED} (replay: PIDNS_SEED=${SEED})`);
    const runArb = fc.record({ start: fc.integer({ min: 1, max: PID_MAX_LIMIT - 2 }), len: fc.integer({ min: 1, max: 70000 }) });
    fc.assert(
      fc.property(
        fc.array(runArb, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 200 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: PID_MAX_LIMIT - 1 }), fc.integer({ min: 2, max: PID_MAX_LIMIT })), { minLength: 1, maxLength: 60 }),
        (runs, holes, queries) => {
          const answers: Record<string, number[]> = {};
          for (const a of ALLOCATOR_NAMES) {
            const c = make(a);
            const r = c.create_pid_namespace(0);
            const byNr = new Map<number, number>();
            const add = (ps: number[]) => { for (const p of ps) byNr.set(c.pid_nr_ns(p, r), p); };
            add(fill(c, r, 1)); // init (1)
            for (const run of runs) {
              expect(c.set_ns_last_pid(r, run.start - 1)).toBe(0);
              const n = Math.min(run.len, PID_MAX_LIMIT - 1 - byNr.size);
              if (n > 0) add(fill(c, r, n));
            }
            const taken = [...byNr.keys()].sort((x, y) => x - y);
            for (const h of holes) {
              if (taken.length < 2) break;
              const nr = taken[1 + (h % (taken.length - 1))];
              const p = byNr.get(nr);
              if (p === undefined) continue;
              c.free_pid(p);
              byNr.delete(nr);
            }
            expect(c.check_allocator(r), a).toBe(0);
            const set = byNr;
            const got: number[] = [];
            // random points, plus points inside the runs (where the searches are long)
            const qs = [...queries, ...runs.flatMap((u): [number, number][] => [[u.start, PID_MAX_LIMIT], [Math.min(u.start + (u.len >> 1), PID_MAX_LIMIT - 1), PID_MAX_LIMIT], [u.start, Math.min(u.start + u.len, PID_MAX_LIMIT)]])];
            for (const [x, e] of qs) {
              const end = Math.max(e, x + 1) > PID_MAX_LIMIT ? PID_MAX_LIMIT : Math.max(e, x + 1);
              let want = x;
              while (want < end && set.has(want)) want++;
              if (want >= end) want = -1;
              const answer = c.alloc_search(r, x, end);
              if (answer !== want) throw new Error(`${a}: alloc_search(${x}, ${end}) = ${answer}, model ${want}`);
              got.push(answer);
            }
            for (const nr of set.keys()) if (!c.alloc_busy(r, nr)) throw new Error(`${a}: ${nr} not busy`);
            for (const p of [...set.values()].reverse()) c.free_pid(p);
            expect(c.check_allocator(r), a).toBe(0);
            if (a === 'idr') expect(c.allocator_bytes(r)).toBe(0); // every node freed with the last number
            answers[a] = got;
          }
          expect(answers.idr).toEqual(answers.pidmap);
          expect(answers.hbm).toEqual(answers.pidmap);
        },
      ),
      { seed: SEED, numRuns: 4 },
    );
  }, 120_000);

  it('all allocators agree on numbers, and each core pair on structure, through churn with wraps (seeded)', () => {
    const SEED = 4242;
    console.log(`allocators churn: seed=${SEED}`);
    const sums: Record<string, number[]> = {};
    const numbersOf: Record<string, number[]> = {};
    for (const a of ALLOCATOR_NAMES) {
      const c = make(a);
      const r = c.create_pid_namespace(0);
      expect(c.set_pid_max(r, 5000)).toBe(0);
      const ch = c.create_pid_namespace(r);
      const live: number[] = [c.alloc_pid(r, 0), c.alloc_pid(ch, 0)];
      let s = SEED;
      const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) / (1 << 24);
      const got: number[] = [];
      for (let i = 0; i < 6000; i++) {
        if (rnd() < 0.6) {
          const ns = rnd() < 0.5 ? r : ch;
          const p = c.alloc_pid(ns, 0);
          got.push(p < 0 ? p : c.pid_nr_ns(p, r));
          if (p > 0) live.push(p);
        } else if (live.length > 2) {
          const k = 2 + Math.floor(rnd() * (live.length - 2));
          c.free_pid(live[k]);
          live[k] = live[live.length - 1];
          live.pop();
        }
      }
      expect(c.check_allocator(r)).toBe(0);
      expect(c.check_allocator(ch)).toBe(0);
      numbersOf[a] = got;
      sums[a] = [c.allocator_checksum(r), c.allocator_checksum(ch), c.allocator_bytes(r), c.allocator_bytes(ch), stats(c).words, stats(c).pages];
    }
    expect(numbersOf.idr).toEqual(numbersOf.pidmap);
    expect(numbersOf.hbm).toEqual(numbersOf.pidmap);
    // the same structure on the TS twin (the reference for the WASM builds)
    if (backend.name !== 'ts') {
      for (const a of ALLOCATOR_NAMES) {
        const t = variant(backends.find((b) => b.name === 'ts') ?? backend, a).make();
        const r = t.create_pid_namespace(0);
        t.set_pid_max(r, 5000);
        const ch = t.create_pid_namespace(r);
        const live: number[] = [t.alloc_pid(r, 0), t.alloc_pid(ch, 0)];
        let s = SEED;
        const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) / (1 << 24);
        for (let i = 0; i < 6000; i++) {
          if (rnd() < 0.6) {
            const p = t.alloc_pid(rnd() < 0.5 ? r : ch, 0);
            if (p > 0) live.push(p);
          } else if (live.length > 2) {
            const k = 2 + Math.floor(rnd() * (live.length - 2));
            t.free_pid(live[k]);
            live[k] = live[live.length - 1];
            live.pop();
          }
        }
        expect([t.allocator_checksum(r), t.allocator_checksum(ch), t.allocator_bytes(r), t.allocator_bytes(ch), stats(t).words, stats(t).pages], a).toEqual(sums[a]);
      }
    }
  });
});
