/**
 * Conformance of a pid core to the contract (src/core/types.ts, layout.ts,
 * docs/core-algorithms.md) and to the kernel rules of Linux 6.18's
 * kernel/pid.c (kernel-semantics.md §3, kernel-behaviour.md items 1–8).
 *
 * ONE suite, written as a function and run once per backend (TS twin, WASM
 * release / release-simd / debug), so the backends cannot drift apart in what
 * is tested. Every expected number below was worked out by hand from the
 * kernel rules (the comments show the arithmetic), never read back from an
 * implementation.
 */
import { describe, expect, it } from 'vitest';
import { EAGAIN, EEXIST, EINVAL, ENOMEM, ENOSPC } from '../src/core/errno.js';
import {
  BATCH_MAX,
  BITS_PER_PAGE,
  MAX_PID_NS_LEVEL,
  NS_COUNT,
  NS_CURSOR,
  NS_FLAG_HAS_REAPER,
  NS_FLAGS,
  NS_LEVEL,
  NS_LOOKUP,
  NS_NR_PAGES,
  NS_PARENT,
  NS_PID_ALLOCATED,
  NS_PID_MAX,
  NS_PIDMAP,
  PID_COUNT,
  PID_HEADER,
  PID_LEVEL,
  PID_MAX_LIMIT,
  PID_TASK,
  PIDMAP_ENTRIES,
  PIDMAP_ENTRY_SIZE,
  PIDMAP_NR_FREE,
  PIDMAP_PAGE,
  PIDNS_ADDING,
  SET_TID_MAX,
  STAT_ALLOCS,
  STAT_BATCH_ERROR,
  STAT_FREES,
  STAT_PAGES_ALLOCATED,
  STAT_PAGES_TOUCHED,
  STAT_SLOTS,
  STAT_WORDS_SCANNED,
  UPID_NR,
  UPID_NS,
  UPID_SIZE,
  WORDS_PER_PAGE,
} from '../src/core/layout.js';
import * as errno from '../src/core/errno.js';
import * as layout from '../src/core/layout.js';
import type { AllocatorProbe, PidCore } from '../src/core/types.js';
import { coreVariants, type CoreVariant } from './helpers/cores.js';

// ── helpers: read the core's memory through the layout contract ─────────────

function field(c: PidCore, obj: number, off: number): number {
  return c.u32()[(obj + off) >> 2];
}
const level = (c: PidCore, ns: number) => field(c, ns, NS_LEVEL);
const cursor = (c: PidCore, ns: number) => field(c, ns, NS_CURSOR);
const allocated = (c: PidCore, ns: number) => field(c, ns, NS_PID_ALLOCATED);
const flags = (c: PidCore, ns: number) => field(c, ns, NS_FLAGS);
const count = (c: PidCore, ns: number) => field(c, ns, NS_COUNT);
const nrPages = (c: PidCore, ns: number) => field(c, ns, NS_NR_PAGES);
const pageOf = (c: PidCore, ns: number, p: number) => field(c, ns, NS_PIDMAP + p * PIDMAP_ENTRY_SIZE + PIDMAP_PAGE);
const nrFree = (c: PidCore, ns: number, p: number) => field(c, ns, NS_PIDMAP + p * PIDMAP_ENTRY_SIZE + PIDMAP_NR_FREE);
/** Bitmap word w of page p of ns (the page must be allocated). */
function word(c: PidCore, ns: number, p: number, w: number): number {
  const page = pageOf(c, ns, p);
  if (page === 0) throw new Error(`page ${p} not allocated`);
  return c.u32()[(page >> 2) + w];
}
/** Is number nr taken in ns? (the allocator's busy; for pidmap, its bit, checked against the bitmap itself) */
function bit(c: PidCore, ns: number, nr: number): boolean {
  const busy = (c as PidCore & AllocatorProbe).alloc_busy(ns, nr);
  if (c.allocator === 'pidmap') {
    const page = pageOf(c, ns, nr >> 15);
    const inMap = page !== 0 && ((c.u32()[(page >> 2) + ((nr & 32767) >> 5)] >>> (nr & 31)) & 1) === 1;
    if (inMap !== busy) throw new Error(`alloc_busy(${nr}) = ${busy} but the bitmap says ${inMap}`);
  }
  return busy;
}
/** [nr at level 0, ..., nr at level pid.level], read straight from struct pid. */
function numbers(c: PidCore, pid: number): number[] {
  const lv = field(c, pid, PID_LEVEL);
  const out: number[] = [];
  for (let i = 0; i <= lv; i++) out.push(field(c, pid, PID_HEADER + i * UPID_SIZE + UPID_NR));
  return out;
}
function stats(c: PidCore): number[] {
  const f = c.f64();
  const s = c.statsPtr >> 3;
  return Array.from(f.subarray(s, s + STAT_SLOTS));
}
/** Counter deltas produced by fn. */
function delta(c: PidCore, fn: () => void): { words: number; pages: number; allocated: number } {
  const a = stats(c);
  fn();
  const b = stats(c);
  return {
    words: b[STAT_WORDS_SCANNED] - a[STAT_WORDS_SCANNED],
    pages: b[STAT_PAGES_TOUCHED] - a[STAT_PAGES_TOUCHED],
    allocated: b[STAT_PAGES_ALLOCATED] - a[STAT_PAGES_ALLOCATED],
  };
}
/** alloc_pid with a set_tid list (index 0 = deepest level). */
function fork(c: PidCore, ns: number, setTid: number[] = []): number {
  const v = new Int32Array(c.u32().buffer, c.setTidPtr, SET_TID_MAX);
  for (let i = 0; i < setTid.length; i++) v[i] = setTid[i];
  return c.alloc_pid(ns, setTid.length);
}
/** fork and return the new pid's number in `ns` (throws on error). */
function forkNr(c: PidCore, ns: number, setTid: number[] = []): number {
  const pid = fork(c, ns, setTid);
  if (pid <= 0) throw new Error(`alloc_pid failed: ${pid}`);
  return c.pid_nr_ns(pid, ns);
}
/** n pids in ns through alloc_pid_batch (any n); returns their handles. */
function fill(c: PidCore, ns: number, n: number): number[] {
  const out: number[] = [];
  while (n > 0) {
    const k = Math.min(n, BATCH_MAX);
    const got = c.alloc_pid_batch(ns, k);
    const u = c.u32();
    for (let i = 0; i < got; i++) out.push(u[(c.batchPtr >> 2) + i]);
    if (got !== k) throw new Error(`alloc_pid_batch stopped at ${got}/${k}: ${stats(c)[STAT_BATCH_ERROR]}`);
    n -= k;
  }
  return out;
}
/** A root namespace with pid_max set. */
function rootWith(c: PidCore, pidMax?: number): number {
  const ns = c.create_pid_namespace(0);
  expect(ns).toBeGreaterThan(0);
  if (pidMax !== undefined) expect(c.set_pid_max(ns, pidMax)).toBe(0);
  return ns;
}
/** A copy of the core's memory with the set_tid scratch (an input, written by fork()) zeroed. */
function snapshot(c: PidCore): Uint32Array {
  const s = c.u32().slice();
  s.fill(0, c.setTidPtr >> 2, (c.setTidPtr >> 2) + SET_TID_MAX);
  return s;
}
/**
 * The state is as before. Fails with the first differing word (toEqual on a
 * whole memory is slow and unreadable). Memory may have grown (an operation
 * reserves its worst case before it checks anything), but only by zeros.
 */
function expectSame(after: Uint32Array, before: Uint32Array): void {
  expect(after.length).toBeGreaterThanOrEqual(before.length);
  for (let i = 0; i < after.length; i++) {
    if (after[i] !== (i < before.length ? before[i] : 0)) throw new Error(`memory word ${i} (byte ${i * 4}) changed: ${before[i]} → ${after[i]}`);
  }
}
/**
 * The observable state of some namespaces: every field, every pidmap entry,
 * every word of every allocated page, and the stats. (Freed blocks keep
 * stale bytes, so a failed alloc_pid, which frees its struct pid, is
 * compared through this rather than the whole memory.)
 */
function nsState(c: PidCore, namespaces: number[]): number[] {
  const u = c.u32();
  const out: number[] = [...stats(c)];
  if (c.allocator !== 'pidmap') {
    // other allocators: the namespace header, and the allocator's structure through its probes
    const probe = c as PidCore & AllocatorProbe;
    for (const ns of namespaces) {
      for (let i = 0; i < NS_PIDMAP; i += 4) out.push(u[(ns + i) >> 2]);
      out.push(probe.allocator_checksum(ns), probe.allocator_bytes(ns), probe.check_allocator(ns));
    }
    return out;
  }
  for (const ns of namespaces) {
    for (let i = 0; i < NS_PIDMAP + PIDMAP_ENTRIES * PIDMAP_ENTRY_SIZE; i += 4) out.push(u[(ns + i) >> 2]);
    for (let p = 0; p < PIDMAP_ENTRIES; p++) {
      const page = pageOf(c, ns, p);
      if (page !== 0) out.push(...u.subarray(page >> 2, (page >> 2) + WORDS_PER_PAGE));
    }
  }
  return out;
}
const ADDING = PIDNS_ADDING >>> 0;

// ── the suite ───────────────────────────────────────────────────────────────

function conformance(backend: CoreVariant): void {
  const make = (opts?: Parameters<CoreVariant['make']>[0]) => backend.make(opts);
  /** pidmap internals (pages, words, nr_free, its work counters) are checked on pidmap cores only; test/allocators.test.ts covers the others' structures. */
  const pm = backend.allocator === 'pidmap';

  describe('identity and layout', () => {
    it('names itself and places its buffers inside memory', () => {
      const c = make();
      expect(c.build).toBe(backend.backend);
      expect(c.name).toBe(backend.backend === 'ts' ? 'ts' : 'wasm');
      expect(c.allocator).toBe(backend.allocator);
      expect(c.statsPtr % 8).toBe(0);
      expect(c.setTidPtr % 4).toBe(0);
      expect(c.batchPtr % 4).toBe(0);
      for (const [p, len] of [[c.statsPtr, STAT_SLOTS * 8], [c.setTidPtr, SET_TID_MAX * 4], [c.batchPtr, BATCH_MAX * 4]]) {
        expect(p).toBeGreaterThan(0);
        expect(p + len).toBeLessThanOrEqual(c.memoryBytes());
      }
      expect(c.u32().length * 4).toBe(c.memoryBytes());
      expect(c.f64().length * 8).toBe(c.memoryBytes());
      expect(stats(c)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    });

    // (the TS twin imports layout.ts itself)
    if (backend.backend !== 'ts') it('exports every layout.ts and errno.ts constant as a global of the same value', () => {
      const c = make();
      const constants = Object.entries({ ...layout, ...errno }).filter((e): e is [string, number] => typeof e[1] === 'number');
      expect(constants.length).toBeGreaterThan(50);
      const exps = (c as unknown as { exports: Record<string, unknown> }).exports;
      for (const [name, value] of constants) {
        const g = exps[name];
        expect(g, name).toBeInstanceOf(WebAssembly.Global);
        expect(((g as WebAssembly.Global).value as number) >>> 0, name).toBe(value >>> 0);
      }
    });

    it('create_pid_namespace(0) makes a root with the initial state of §4.2', () => {
      const c = make();
      const ns = c.create_pid_namespace(0);
      expect(ns).toBeGreaterThan(0);
      expect(ns % 8).toBe(0);
      expect(level(c, ns)).toBe(0);
      expect(field(c, ns, NS_PARENT)).toBe(0);
      expect(cursor(c, ns)).toBe(0);
      expect(field(c, ns, NS_PID_MAX)).toBe(PID_MAX_LIMIT);
      expect(allocated(c, ns)).toBe(ADDING);
      expect(flags(c, ns)).toBe(0);
      expect(count(c, ns)).toBe(1);
      expect(field(c, ns, NS_LOOKUP)).toBe(0);
      expect(c.ns_last_pid(ns)).toBe(-1);
      expect(c.pid_max(ns)).toBe(PID_MAX_LIMIT);
      expect(c.check_allocator(ns)).toBe(0);
      for (const nr of [1, 2, 300, 32768, PID_MAX_LIMIT - 1]) expect(bit(c, ns, nr)).toBe(false);
      // pidmap and hbm take number 0 at creation (one page / leaf block); idr starts empty
      expect(nrPages(c, ns)).toBe(backend.allocator === 'idr' ? 0 : 1);
      expect(stats(c)[STAT_PAGES_ALLOCATED]).toBe(backend.allocator === 'idr' ? 0 : 1);
      if (!pm) return;
      expect(pageOf(c, ns, 0)).toBeGreaterThan(0);
      expect(nrFree(c, ns, 0)).toBe(BITS_PER_PAGE - 1);
      expect(word(c, ns, 0, 0)).toBe(1); // pid 0 is never handed out
      for (let w = 1; w < WORDS_PER_PAGE; w++) expect(word(c, ns, 0, w)).toBe(0);
      for (let p = 1; p < PIDMAP_ENTRIES; p++) {
        expect(pageOf(c, ns, p)).toBe(0);
        expect(nrFree(c, ns, p)).toBe(BITS_PER_PAGE);
      }
    });

    it('a child namespace is one level down, holds a reference on its parent, and starts at PID_MAX_LIMIT', () => {
      const c = make();
      const root = rootWith(c, 500);
      const child = c.create_pid_namespace(root);
      expect(level(c, child)).toBe(1);
      expect(field(c, child, NS_PARENT)).toBe(root);
      expect(count(c, root)).toBe(2);
      expect(count(c, child)).toBe(1);
      // 6.14+ (d385c8bceb14): not inherited from the parent's 500.
      expect(c.pid_max(child)).toBe(PID_MAX_LIMIT);
      expect(c.pid_max(root)).toBe(500);
    });
  });

  describe('cyclic allocation (kernel-behaviour 1)', () => {
    it('hands out 1, 2, 3 from a fresh namespace and fills struct pid', () => {
      const c = make();
      const ns = rootWith(c);
      const p1 = fork(c, ns);
      expect(p1).toBeGreaterThan(0);
      expect(field(c, p1, PID_COUNT)).toBe(1);
      expect(field(c, p1, PID_LEVEL)).toBe(0);
      expect(field(c, p1, PID_TASK)).toBe(0);
      expect(field(c, p1, PID_HEADER + UPID_NR)).toBe(1);
      expect(field(c, p1, PID_HEADER + UPID_NS)).toBe(ns);
      expect(forkNr(c, ns)).toBe(2);
      expect(forkNr(c, ns)).toBe(3);
      expect(c.ns_last_pid(ns)).toBe(3);
      expect(cursor(c, ns)).toBe(4);
      expect(allocated(c, ns)).toBe(ADDING + 3);
      for (const nr of [1, 2, 3]) expect(bit(c, ns, nr)).toBe(true);
      expect(bit(c, ns, 4)).toBe(false);
      if (pm) expect(word(c, ns, 0, 0)).toBe(0b1111);
      if (pm) expect(nrFree(c, ns, 0)).toBe(BITS_PER_PAGE - 4);
      expect(stats(c)[STAT_ALLOCS]).toBe(3);
    });

    it('does not reuse a freed number before the wrap; a lowered ns_last_pid brings it back', () => {
      const c = make();
      const ns = rootWith(c);
      const pids = fill(c, ns, 5); // 1..5
      c.free_pid(pids[1]); // 2
      expect(bit(c, ns, 2)).toBe(false);
      expect(forkNr(c, ns)).toBe(6);
      expect(forkNr(c, ns)).toBe(7);
      expect(c.set_ns_last_pid(ns, 0)).toBe(0); // cursor 1: search [1, pid_max) finds 2
      expect(forkNr(c, ns)).toBe(2);
      expect(forkNr(c, ns)).toBe(8);
      expect(stats(c)[STAT_FREES]).toBe(1);
    });

    it('wraps to 300 when the cursor is past 300: pid_max 400, ns_last_pid 397 → 398, 399, 300, 301', () => {
      const c = make();
      const ns = rootWith(c, 400);
      expect(c.set_ns_last_pid(ns, 397)).toBe(0);
      expect([forkNr(c, ns), forkNr(c, ns), forkNr(c, ns), forkNr(c, ns)]).toEqual([398, 399, 300, 301]);
      expect(c.ns_last_pid(ns)).toBe(301);
    });

    it('ns_last_pid 299 (cursor 300, not past 300) → 300', () => {
      const c = make();
      const ns = rootWith(c, 400);
      expect(c.set_ns_last_pid(ns, 299)).toBe(0);
      expect(forkNr(c, ns)).toBe(300);
      expect(c.set_ns_last_pid(ns, 5)).toBe(0);
      expect(forkNr(c, ns)).toBe(6);
    });

    it('wraps to 1 when the cursor is at most 300, never below 300 when past it', () => {
      const c = make();
      const ns = rootWith(c, 400);
      const pids = fill(c, ns, 399); // 1..399: full
      c.free_pid(pids[4]); // number 5 free
      // cursor 251: [251, 400) full, lo = 1 → [1, 400) finds 5
      expect(c.set_ns_last_pid(ns, 250)).toBe(0);
      expect(forkNr(c, ns)).toBe(5);
      expect(cursor(c, ns)).toBe(6);
      c.free_pid(c.find_pid_ns(5, ns));
      // cursor 301 (> 300): lo = 300, [301, 400) and [300, 400) full → EAGAIN although 5 is free
      expect(c.set_ns_last_pid(ns, 300)).toBe(0);
      expect(fork(c, ns)).toBe(-EAGAIN);
      expect(cursor(c, ns)).toBe(301); // untouched by the failure
      // cursor 300 (not > 300): lo = 1 → 5
      expect(c.set_ns_last_pid(ns, 299)).toBe(0);
      expect(forkNr(c, ns)).toBe(5);
    });

    it('pid_max 301 with the cursor past 300 can only reuse 300', () => {
      const c = make();
      const ns = rootWith(c, 301);
      expect(c.set_ns_last_pid(ns, 299)).toBe(0);
      expect(forkNr(c, ns)).toBe(300);
      // cursor 301 ≥ pid_max: only [300, 301) is searched → full; 1..299 stay unused
      expect(fork(c, ns)).toBe(-EAGAIN);
      expect(c.set_ns_last_pid(ns, 0)).toBe(0);
      expect(forkNr(c, ns)).toBe(1);
    });

    it('gives EAGAIN on exhaustion, leaving the cursor and the bitmap as they were (kernel-behaviour 3)', () => {
      const c = make();
      const ns = rootWith(c, 310);
      fill(c, ns, 309); // 1..309
      expect(fork(c, ns)).toBe(-EAGAIN);
      const before = nsState(c, [ns]);
      expect(fork(c, ns)).toBe(-EAGAIN);
      // the same failing search again: only the counters moved
      const counted = stats(c);
      const again = nsState(c, [ns]);
      for (let i = 0; i < STAT_SLOTS; i++) before[i] = again[i];
      expect(again).toEqual(before);
      expect(counted[STAT_ALLOCS]).toBe(309);
      expect(c.alloc_pid_batch(ns, 3)).toBe(0);
      expect(stats(c)[STAT_BATCH_ERROR]).toBe(-EAGAIN);
      expect(cursor(c, ns)).toBe(310);
      expect(allocated(c, ns)).toBe(ADDING + 309);
      // bits 0..309: words 0..8 full, word 9 holds 288..309 = 22 bits
      for (let nr = 1; nr < 310; nr++) if (!bit(c, ns, nr)) throw new Error(`${nr} is free`);
      expect(bit(c, ns, 310)).toBe(false);
      expect(c.check_allocator(ns)).toBe(0);
      if (!pm) return;
      for (let w = 0; w <= 8; w++) expect(word(c, ns, 0, w)).toBe(0xffffffff);
      expect(word(c, ns, 0, 9)).toBe(0x3fffff);
      expect(word(c, ns, 0, 10)).toBe(0);
      expect(nrFree(c, ns, 0)).toBe(BITS_PER_PAGE - 310);
    });
  });

  describe('sysctls (kernel-behaviour 5, 6)', () => {
    it('ns_last_pid reads cursor - 1 and accepts writes in [0, pid_max] only', () => {
      const c = make();
      const ns = rootWith(c, 1000);
      expect(c.ns_last_pid(ns)).toBe(-1);
      expect(c.set_ns_last_pid(ns, -1)).toBe(-EINVAL);
      expect(c.set_ns_last_pid(ns, 1001)).toBe(-EINVAL);
      expect(c.set_ns_last_pid(ns, -2147483648)).toBe(-EINVAL);
      expect(cursor(c, ns)).toBe(0);
      expect(c.set_ns_last_pid(ns, 0)).toBe(0);
      expect(c.ns_last_pid(ns)).toBe(0);
      expect(cursor(c, ns)).toBe(1);
      expect(c.set_ns_last_pid(ns, 1000)).toBe(0); // = pid_max is accepted
      expect(c.ns_last_pid(ns)).toBe(1000);
      // cursor 1001 ≥ pid_max: wrap straight to [300, 1000)
      expect(forkNr(c, ns)).toBe(300);
    });

    it('pid_max accepts [301, 4194304] only and leaves the value on EINVAL', () => {
      const c = make();
      const ns = rootWith(c);
      expect(c.set_pid_max(ns, 300)).toBe(-EINVAL);
      expect(c.set_pid_max(ns, 4194305)).toBe(-EINVAL);
      expect(c.set_pid_max(ns, -1)).toBe(-EINVAL);
      expect(c.set_pid_max(ns, 0)).toBe(-EINVAL);
      expect(c.pid_max(ns)).toBe(PID_MAX_LIMIT);
      expect(c.set_pid_max(ns, 301)).toBe(0);
      expect(c.pid_max(ns)).toBe(301);
      expect(c.set_pid_max(ns, 4194304)).toBe(0);
      expect(c.pid_max(ns)).toBe(4194304);
      expect(field(c, ns, NS_PID_MAX)).toBe(4194304);
    });

    it('lowering pid_max below the cursor wraps at the next allocation', () => {
      const c = make();
      const ns = rootWith(c);
      expect(c.set_ns_last_pid(ns, 999)).toBe(0);
      expect(c.set_pid_max(ns, 500)).toBe(0);
      // cursor 1000 ≥ 500: lo = 300 → 300
      expect(forkNr(c, ns)).toBe(300);
      // ns_last_pid may now be written up to 500 only
      expect(c.set_ns_last_pid(ns, 501)).toBe(-EINVAL);
      expect(c.set_ns_last_pid(ns, 500)).toBe(0);
    });

    it('checks each level against its own pid_max', () => {
      const c = make();
      const root = rootWith(c, 400);
      expect(c.set_ns_last_pid(root, 397)).toBe(0);
      const child = c.create_pid_namespace(root);
      const got = [fork(c, child), fork(c, child), fork(c, child)].map((p) => numbers(c, p));
      // child (pid_max 4194304) counts 1, 2, 3; the root wraps 398, 399, 300
      expect(got).toEqual([[398, 1], [399, 2], [300, 3]]);
      // now the child wraps below its own pid_max while the root does not
      expect(c.set_pid_max(child, 350)).toBe(0);
      expect(c.set_ns_last_pid(child, 348)).toBe(0);
      expect([fork(c, child), fork(c, child)].map((p) => numbers(c, p))).toEqual([[301, 349], [302, 300]]);
    });
  });

  describe('alloc_pid across levels (kernel-behaviour 2, 4)', () => {
    it('takes the deepest level first and keeps deeper cursors moved when an ancestor fails', () => {
      const c = make();
      const a = rootWith(c, 400);
      const b = c.create_pid_namespace(a);
      expect(numbers(c, fork(c, b))).toEqual([1, 1]);
      const aPids = fill(c, a, 398); // A: 2..399 → full
      expect(fork(c, b)).toBe(-EAGAIN); // B took 2, A failed, 2 returned
      expect(fork(c, b)).toBe(-EAGAIN); // B took 3
      expect(c.ns_last_pid(b)).toBe(3);
      expect(bit(c, b, 2) || bit(c, b, 3)).toBe(false);
      expect(allocated(c, b)).toBe(ADDING + 1);
      if (pm) expect(nrFree(c, b, 0)).toBe(BITS_PER_PAGE - 2);
      // A's cursor is 400 (> 300): the wrap searches [300, 400) only
      c.free_pid(aPids[348]); // A's number 350
      expect(numbers(c, fork(c, b))).toEqual([350, 4]);
    });

    it('resets the cursor of a never-populated namespace on failure, so its first pid is still 1', () => {
      const c = make();
      const a = rootWith(c, 400);
      const aPids = fill(c, a, 399); // full
      const fresh = c.create_pid_namespace(a);
      expect(fork(c, fresh)).toBe(-EAGAIN);
      expect(c.ns_last_pid(fresh)).toBe(-1);
      expect(fork(c, fresh)).toBe(-EAGAIN);
      expect(cursor(c, fresh)).toBe(0);
      expect(bit(c, fresh, 1)).toBe(false);
      c.free_pid(aPids[349]); // A's 350
      expect(numbers(c, fork(c, fresh))).toEqual([350, 1]);
      expect(flags(c, fresh) & NS_FLAG_HAS_REAPER).toBe(NS_FLAG_HAS_REAPER);
    });

    it('a disabled namespace still takes and returns a number at every level, then gives ENOMEM', () => {
      const c = make();
      const r = rootWith(c);
      const d = c.create_pid_namespace(r);
      fork(c, d);
      fork(c, d); // D: 1, 2; R: 1, 2
      c.disable_pid_allocation(d);
      expect(allocated(c, d)).toBe(2);
      expect(fork(c, d)).toBe(-ENOMEM);
      expect([c.ns_last_pid(d), c.ns_last_pid(r)]).toEqual([3, 3]);
      expect(fork(c, d)).toBe(-ENOMEM);
      expect([c.ns_last_pid(d), c.ns_last_pid(r)]).toEqual([4, 4]);
      expect(c.alloc_pid_batch(d, 5)).toBe(0);
      expect(stats(c)[STAT_BATCH_ERROR]).toBe(-ENOMEM);
      expect([c.ns_last_pid(d), c.ns_last_pid(r)]).toEqual([5, 5]);
      expect(bit(c, d, 3) || bit(c, d, 4) || bit(c, r, 3) || bit(c, r, 4)).toBe(false);
      expect(allocated(c, d)).toBe(2);
      expect(allocated(c, r)).toBe(ADDING + 2);
      // set_tid in a dead namespace also reserves first (d: 7, r: cyclic 6), then ENOMEM
      expect(fork(c, d, [7])).toBe(-ENOMEM);
      expect(bit(c, d, 7) || bit(c, r, 6)).toBe(false);
      expect([c.ns_last_pid(d), c.ns_last_pid(r)]).toEqual([5, 6]);
      expect(forkNr(c, r)).toBe(7);
      expect(stats(c)[STAT_ALLOCS]).toBe(3);
    });

    it('checks PIDNS_ADDING of the deepest namespace only (kernel/pid.c alloc_pid)', () => {
      const c = make();
      const r = rootWith(c);
      const d = c.create_pid_namespace(r);
      fork(c, d);
      const e = c.create_pid_namespace(d);
      c.disable_pid_allocation(d);
      // E still accepts pids: alloc_pid tests ns->pid_allocated of E alone;
      // the kernel model kills E's tasks through zap_pid_ns_processes instead.
      expect(numbers(c, fork(c, e))).toEqual([2, 2, 1]);
      expect(allocated(c, d)).toBe(2);
    });

    it('free_pid of the only pid of a still-open namespace makes it dead (6.18)', () => {
      const c = make();
      const r = rootWith(c);
      fork(c, r); // r: 1, so that r outlives f's pid
      const f = c.create_pid_namespace(r);
      const p = fork(c, f); // f: 1, r: 2
      expect(allocated(c, f)).toBe(ADDING + 1);
      c.free_pid(p);
      expect(allocated(c, f)).toBe(0);
      expect(allocated(c, r)).toBe(ADDING + 1);
      expect(c.find_pid_ns(1, f)).toBe(0);
      expect(fork(c, f)).toBe(-ENOMEM); // f: 2, r: 3, both returned
      // pid_allocated is 0, not PIDNS_ADDING: no cursor reset
      expect([c.ns_last_pid(f), c.ns_last_pid(r)]).toEqual([2, 3]);
      expect(forkNr(c, r)).toBe(4);
    });

    it('a root whose pids all died is dead as well (pid_allocated drops to exactly PIDNS_ADDING)', () => {
      const c = make();
      const r = rootWith(c);
      const a = fork(c, r);
      const b = fork(c, r);
      c.free_pid(a);
      expect(allocated(c, r)).toBe(ADDING + 1);
      c.free_pid(b);
      expect(allocated(c, r)).toBe(0);
      expect(fork(c, r)).toBe(-ENOMEM);
    });

    it('HAS_REAPER is set when the deepest number is 1, only on the deepest namespace', () => {
      const c = make();
      const r = rootWith(c);
      const ch = c.create_pid_namespace(r);
      expect(numbers(c, fork(c, ch))).toEqual([1, 1]);
      expect(flags(c, ch)).toBe(NS_FLAG_HAS_REAPER);
      expect(flags(c, r)).toBe(0);
      // so the root has no reaper yet: set_tid other than 1 is refused there
      expect(fork(c, r, [5])).toBe(-EINVAL);
      const r2 = rootWith(c);
      expect(c.set_ns_last_pid(r2, 4)).toBe(0);
      expect(forkNr(c, r2)).toBe(5);
      expect(flags(c, r2)).toBe(0);
      expect(c.set_ns_last_pid(r2, 0)).toBe(0);
      expect(forkNr(c, r2)).toBe(1);
      expect(flags(c, r2)).toBe(NS_FLAG_HAS_REAPER);
    });
  });

  describe('set_tid (kernel-behaviour 7, kernel-semantics §3.3)', () => {
    it('refuses a list longer than level + 1 before doing anything', () => {
      const c = make();
      const r = rootWith(c);
      const ch = c.create_pid_namespace(r);
      const before = snapshot(c);
      expect(fork(c, r, [1, 1])).toBe(-EINVAL);
      expect(fork(c, ch, [1, 1, 1])).toBe(-EINVAL);
      expect(c.alloc_pid(ch, -1)).toBe(-EINVAL); // size_t in the kernel: huge
      expectSame(snapshot(c), before);
      expect(numbers(c, fork(c, ch, [1, 1]))).toEqual([1, 1]);
    });

    it('range: 1 ≤ tid < pid_max of that level', () => {
      const c = make();
      const r = rootWith(c, 1000);
      fork(c, r); // 1: reaper
      expect(fork(c, r, [0])).toBe(-EINVAL);
      expect(fork(c, r, [-5])).toBe(-EINVAL);
      expect(fork(c, r, [1000])).toBe(-EINVAL);
      expect(forkNr(c, r, [999])).toBe(999);
      const ch = c.create_pid_namespace(r);
      // the child's pid_max is 4194304: 4194303 is fine there, but not in the root
      expect(fork(c, ch, [1, 4194303])).toBe(-EINVAL);
      expect(numbers(c, fork(c, ch, [1, 998]))).toEqual([998, 1]);
      expect(fork(c, ch, [4194304])).toBe(-EINVAL);
      expect(c.pid_nr_ns(fork(c, ch, [4194303]), ch)).toBe(4194303);
    });

    it('without a reaper only tid 1 is accepted', () => {
      const c = make();
      const r = rootWith(c);
      const ch = c.create_pid_namespace(r);
      expect(fork(c, ch, [5])).toBe(-EINVAL);
      expect(c.ns_last_pid(ch)).toBe(-1);
      expect(forkNr(c, ch, [1])).toBe(1);
      expect(flags(c, ch)).toBe(NS_FLAG_HAS_REAPER);
      // pids that all came from set_tid leave ns_last_pid at -1 (kernel-behaviour 6)
      expect(c.ns_last_pid(ch)).toBe(-1);
      expect(forkNr(c, ch, [5])).toBe(5);
      expect(c.ns_last_pid(ch)).toBe(-1);
    });

    it('busy → EEXIST; set_tid does not move the cursor; unlisted levels are cyclic', () => {
      const c = make();
      const r = rootWith(c);
      fill(c, r, 3); // 1, 2, 3
      expect(fork(c, r, [1])).toBe(-EEXIST);
      expect(fork(c, r, [3])).toBe(-EEXIST);
      expect(c.ns_last_pid(r)).toBe(3);
      expect(forkNr(c, r, [100])).toBe(100);
      expect(c.ns_last_pid(r)).toBe(3);
      expect(forkNr(c, r)).toBe(4);
      // the cyclic search skips the set_tid number
      expect(c.set_ns_last_pid(r, 98)).toBe(0);
      expect([forkNr(c, r), forkNr(c, r)]).toEqual([99, 101]);
      // only the deepest level listed: the root level is cyclic (cursor 102)
      const ch = c.create_pid_namespace(r);
      expect(numbers(c, fork(c, ch, [1]))).toEqual([102, 1]);
      expect(c.ns_last_pid(ch)).toBe(-1);
    });

    it('checks levels deepest first: a deeper error masks an upper one, taken numbers are returned', () => {
      const c = make();
      const r = rootWith(c, 1000);
      const m = c.create_pid_namespace(r);
      const g = c.create_pid_namespace(m);
      // first pid: 1 everywhere; only g (the deepest) gets a reaper
      expect(numbers(c, fork(c, g))).toEqual([1, 1, 1]);
      expect([flags(c, r), flags(c, m), flags(c, g)]).toEqual([0, 0, NS_FLAG_HAS_REAPER]);
      const before = nsState(c, [r, m, g]);
      // set_tid[0] = g, [1] = m, [2] = r
      expect(fork(c, g, [1, 5])).toBe(-EEXIST); // g busy masks m's missing reaper
      expect(fork(c, g, [0, 1])).toBe(-EINVAL); // g range masks m busy
      expect(fork(c, g, [5, 1, 0])).toBe(-EEXIST); // g ok, m busy masks r's range error
      expect(fork(c, g, [5, 5])).toBe(-EINVAL); // g took 5, m has no reaper: 5 returned
      expect(fork(c, g, [6, 1000, 0])).toBe(-EINVAL); // m's missing reaper masks r's range error
      expect(nsState(c, [r, m, g])).toEqual(before); // nothing moved, nothing kept, nothing searched
      // the listed deepest level does not move g's cursor; m and r are cyclic
      expect(numbers(c, fork(c, g, [5]))).toEqual([2, 2, 5]);
      expect(c.ns_last_pid(g)).toBe(1);
    });

    it('a list exactly level + 1 long sets every level', () => {
      const c = make();
      const r = rootWith(c);
      const ch = c.create_pid_namespace(r);
      fork(c, r); // r: 1 (reaper)
      expect(numbers(c, fork(c, ch, [1, 77]))).toEqual([77, 1]);
      expect(numbers(c, fork(c, ch, [9, 78]))).toEqual([78, 9]);
      expect([c.ns_last_pid(r), c.ns_last_pid(ch)]).toEqual([1, -1]);
      expect(fork(c, ch, [10, 77])).toBe(-EEXIST);
      expect(bit(c, ch, 10)).toBe(false);
    });
  });

  describe('nesting limit (kernel-behaviour 8)', () => {
    it('creates levels 0..32, refuses level 33 with ENOSPC, and allocates through all 33 levels', () => {
      const c = make();
      const chain = [c.create_pid_namespace(0)];
      for (let i = 1; i <= MAX_PID_NS_LEVEL; i++) {
        const ns = c.create_pid_namespace(chain[i - 1]);
        expect(ns).toBeGreaterThan(0);
        expect(level(c, ns)).toBe(i);
        chain.push(ns);
      }
      const deepest = chain[MAX_PID_NS_LEVEL];
      const before = snapshot(c);
      expect(c.create_pid_namespace(deepest)).toBe(-ENOSPC);
      expectSame(snapshot(c), before);
      expect(count(c, deepest)).toBe(1);
      for (let i = 0; i <= MAX_PID_NS_LEVEL; i++) expect(c.set_ns_last_pid(chain[i], 10 * i)).toBe(0);
      const pid = fork(c, deepest);
      const want = chain.map((_, i) => 10 * i + 1);
      expect(numbers(c, pid)).toEqual(want);
      for (let i = 0; i <= MAX_PID_NS_LEVEL; i++) {
        expect(c.pid_nr_ns(pid, chain[i])).toBe(want[i]);
        expect(c.find_pid_ns(want[i], chain[i])).toBe(pid);
        expect(field(c, pid, PID_HEADER + i * UPID_SIZE + UPID_NS)).toBe(chain[i]);
        expect(allocated(c, chain[i])).toBe(ADDING + 1);
      }
      expect(flags(c, deepest)).toBe(0); // deepest number 321, not 1
      // a full-length set_tid list (33 = SET_TID_MAX) is accepted; 34 is not
      expect(c.alloc_pid(deepest, SET_TID_MAX + 1)).toBe(-EINVAL);
      const chain2 = [c.create_pid_namespace(0)];
      for (let i = 1; i <= MAX_PID_NS_LEVEL; i++) chain2.push(c.create_pid_namespace(chain2[i - 1]));
      const ones = new Array<number>(SET_TID_MAX).fill(1);
      expect(numbers(c, fork(c, chain2[MAX_PID_NS_LEVEL], ones))).toEqual(ones);
    });
  });

  describe('find_pid_ns and pid_nr_ns', () => {
    it('see a pid in its own namespace and every ancestor only', () => {
      const c = make();
      const r = rootWith(c);
      const a = c.create_pid_namespace(r);
      const b = c.create_pid_namespace(r);
      const a2 = c.create_pid_namespace(a);
      const p = fork(c, a); // r: 1, a: 1
      expect(c.pid_nr_ns(p, r)).toBe(1);
      expect(c.pid_nr_ns(p, a)).toBe(1);
      expect(c.pid_nr_ns(p, b)).toBe(0); // sibling
      expect(c.pid_nr_ns(p, a2)).toBe(0); // below the pid's level
      expect(c.find_pid_ns(1, r)).toBe(p);
      expect(c.find_pid_ns(1, a)).toBe(p);
      expect(c.find_pid_ns(1, b)).toBe(0);
      expect(c.find_pid_ns(1, a2)).toBe(0);
      for (const nr of [0, -1, 2, 32767, 32768, 4194303, PID_MAX_LIMIT, -2147483648, 2147483647]) {
        expect(c.find_pid_ns(nr, r)).toBe(0);
      }
      const q = fork(c, r, [4194303 - 0]); // r has no reaper → EINVAL
      expect(q).toBe(-EINVAL);
    });

    it('find_pid_ns reaches numbers in every lookup block; free_pid unpublishes', () => {
      const c = make();
      const r = rootWith(c);
      fork(c, r); // 1: reaper
      const nrs = [2, 1023, 1024, 32767, 32768, 1048575, 1048576, 4194303];
      const pids = nrs.map((nr) => fork(c, r, [nr]));
      nrs.forEach((nr, i) => {
        expect(c.find_pid_ns(nr, r)).toBe(pids[i]);
        expect(c.pid_nr_ns(pids[i], r)).toBe(nr);
      });
      expect(c.find_pid_ns(1022, r)).toBe(0);
      expect(c.find_pid_ns(4194302, r)).toBe(0);
      c.get_pid(pids[0]);
      c.free_pid(pids[0]);
      expect(c.find_pid_ns(2, r)).toBe(0);
      expect(bit(c, r, 2)).toBe(false);
      // the struct pid keeps its numbers while a reference is held (kernel pid_nr_ns reads upid)
      expect(c.pid_nr_ns(pids[0], r)).toBe(2);
      c.put_pid(pids[0]);
    });
  });

  describe('reference counts and memory reuse', () => {
    it('get/put_pid_ns and get/put_pid count, and the last put frees up the chain', () => {
      const c = make();
      const r = rootWith(c);
      const ch = c.create_pid_namespace(r);
      expect(count(c, r)).toBe(2);
      const p = fork(c, ch);
      expect(count(c, ch)).toBe(2); // the pid holds its deepest namespace
      expect(count(c, r)).toBe(2); // ...but not the ancestors directly
      c.get_pid_ns(ch);
      expect(count(c, ch)).toBe(3);
      c.put_pid_ns(ch);
      c.put_pid_ns(ch); // the creator's reference
      expect(count(c, ch)).toBe(1);
      c.get_pid(p);
      expect(field(c, p, PID_COUNT)).toBe(2);
      c.u32()[(p + PID_TASK) >> 2] = 0xdead; // the embedder's field
      c.free_pid(p);
      expect(field(c, p, PID_COUNT)).toBe(1);
      expect(count(c, ch)).toBe(1);
      expect(stats(c)[STAT_FREES]).toBe(1);
      c.put_pid(p); // frees the pid, then ch, then drops ch's reference on r
      expect(count(c, r)).toBe(1);
      // The namespace slab still holds r, so the next namespace reuses ch's
      // slot (LIFO); p's slab became empty and went back as a frame.
      const ch2 = c.create_pid_namespace(r);
      expect(ch2).toBe(ch);
      expect(count(c, r)).toBe(2);
      expect(cursor(c, ch2)).toBe(0);
      expect(allocated(c, ch2)).toBe(ADDING);
      expect(nrPages(c, ch2)).toBe(backend.allocator === 'idr' ? 0 : 1);
      if (pm) expect(word(c, ch2, 0, 0)).toBe(1);
      expect(c.check_allocator(ch2)).toBe(0);
      expect(field(c, ch2, NS_LOOKUP)).toBe(0);
      const p2 = fork(c, ch2);
      expect(numbers(c, p2)).toEqual([2, 1]);
      expect(field(c, p2, PID_COUNT)).toBe(1);
      expect(field(c, p2, PID_TASK)).toBe(0);
    });

    it('an identical round reuses the same memory', () => {
      const c = make();
      const r = rootWith(c);
      fork(c, r);
      const round = () => {
        // r outlives the rounds: rewind its cursor so each round reuses the same
        // numbers in r (else r's lookup table grows a chunk every 1024 numbers).
        c.set_ns_last_pid(r, 1);
        const n1 = c.create_pid_namespace(r);
        const n2 = c.create_pid_namespace(n1);
        const pids = fill(c, n2, 1000);
        fork(c, n2, [50000]); // n2 got init 1: reaper; allocates page 1 of n2
        const last = c.find_pid_ns(50000, n2);
        c.free_pid(last);
        c.free_pid_batch(1000);
        c.put_pid_ns(n2);
        c.put_pid_ns(n1);
        return { handles: [n1, n2, last, ...[...pids].sort((x, y) => x - y)], bytes: c.memoryBytes() };
      };
      const one = round();
      const two = round();
      const three = round();
      const four = round();
      // The namespaces reuse their slab slots (LIFO); the pids and pages come
      // from freed frames, in the order the frame free list gives them.
      for (const r2 of [two, three, four]) expect(r2.handles.slice(0, 2)).toEqual(one.handles.slice(0, 2));
      // Only the first round moved the bump pointer; from then on nothing grows.
      expect(two.bytes).toBe(one.bytes);
      expect(four.bytes).toBe(one.bytes);
      expect(count(c, r)).toBe(2); // the creator's and r's own pid's
    });

    it('put_pid_ns frees a 33-level chain iteratively and the next chain reuses it', () => {
      const c = make();
      const chain = () => {
        const ns = [c.create_pid_namespace(0)];
        for (let i = 1; i <= MAX_PID_NS_LEVEL; i++) ns.push(c.create_pid_namespace(ns[i - 1]));
        return ns;
      };
      const release = (ns: number[]) => {
        for (let i = 0; i < MAX_PID_NS_LEVEL; i++) c.put_pid_ns(ns[i]);
        for (let i = 0; i < MAX_PID_NS_LEVEL; i++) expect(count(c, ns[i])).toBe(1); // the child's reference
        c.put_pid_ns(ns[MAX_PID_NS_LEVEL]);
      };
      const a = chain();
      release(a);
      const b = chain();
      const bytes = c.memoryBytes();
      release(b);
      const d = chain();
      expect([...b].sort((x, y) => x - y)).toEqual([...a].sort((x, y) => x - y));
      expect([...d].sort((x, y) => x - y)).toEqual([...a].sort((x, y) => x - y));
      expect(c.memoryBytes()).toBe(bytes);
      for (let i = 1; i <= MAX_PID_NS_LEVEL; i++) expect(field(c, d[i], NS_PARENT)).toBe(d[i - 1]);
    });
  });

  describe('batches', () => {
    it('alloc_pid_batch / free_pid_batch equal one-at-a-time calls', () => {
      const one = make();
      const many = make();
      const setup = (c: PidCore) => {
        const r = rootWith(c, 700);
        const ch = c.create_pid_namespace(r);
        return { r, ch };
      };
      const A = setup(one);
      const B = setup(many);
      expect(B).toEqual(A);
      const compare = () => {
        const x = one.u32();
        const y = many.u32();
        expect(x.length).toBe(y.length);
        const b0 = one.batchPtr >> 2;
        const e0 = (one.statsPtr >> 2) + STAT_BATCH_ERROR * 2;
        for (let i = 0; i < x.length; i++) {
          if (i >= b0 && i < b0 + BATCH_MAX) continue;
          if (i === e0 || i === e0 + 1) continue;
          if (x[i] !== y[i]) throw new Error(`memory word ${i}: batch ${x[i]} vs singles ${y[i]}`);
        }
      };
      const batchAlloc = (n: number): number[] => {
        const got = many.alloc_pid_batch(B.ch, n);
        return Array.from(many.u32().subarray(many.batchPtr >> 2, (many.batchPtr >> 2) + got));
      };
      const singleAlloc = (n: number): number[] => {
        const out: number[] = [];
        for (let i = 0; i < n; i++) {
          const p = one.alloc_pid(A.ch, 0);
          if (p < 0) break;
          out.push(p);
        }
        return out;
      };
      let x = singleAlloc(400);
      let y = batchAlloc(400);
      expect(y).toEqual(x);
      expect(stats(many)[STAT_BATCH_ERROR]).toBe(0);
      compare();
      // free every fourth one
      const victims = x.filter((_, i) => i % 4 === 0);
      for (const p of victims) one.free_pid(p);
      many.u32().set(victims, many.batchPtr >> 2);
      many.free_pid_batch(victims.length);
      compare();
      // up to exhaustion of r (pid_max 700): the batch stops with EAGAIN where singles fail
      x = singleAlloc(BATCH_MAX);
      y = batchAlloc(BATCH_MAX);
      expect(y).toEqual(x);
      expect(y.length).toBeLessThan(BATCH_MAX);
      expect(stats(many)[STAT_BATCH_ERROR]).toBe(-EAGAIN);
      compare();
      expect(stats(many)[STAT_ALLOCS]).toBe(400 + y.length);
      expect(stats(many)[STAT_FREES]).toBe(victims.length);
    });

    it('alloc_pid_batch stops at the first error and reports it; a full batch reports 0', () => {
      const c = make();
      const r = rootWith(c, 310);
      fill(c, r, 300); // 1..300
      expect(c.alloc_pid_batch(r, 20)).toBe(9); // 301..309
      expect(stats(c)[STAT_BATCH_ERROR]).toBe(-EAGAIN);
      const got = Array.from(c.u32().subarray(c.batchPtr >> 2, (c.batchPtr >> 2) + 9)).map((p) => c.pid_nr_ns(p, r));
      expect(got).toEqual([301, 302, 303, 304, 305, 306, 307, 308, 309]);
      c.free_pid_batch(9);
      expect(c.alloc_pid_batch(r, 9)).toBe(9); // wrap: 300 is taken → [300, 310) gives 301..309
      expect(stats(c)[STAT_BATCH_ERROR]).toBe(0);
      expect(c.alloc_pid_batch(r, 0)).toBe(0);
      expect(stats(c)[STAT_BATCH_ERROR]).toBe(0);
    });
  });

  // Positional counters are defined for the pidmap allocator (idr and hbm count their own units: test/allocators.test.ts).
  if (pm) describe('work counters (positional, docs/core-algorithms.md search)', () => {
    it('first allocation: one page, one word', () => {
      const c = make();
      const r = rootWith(c);
      expect(delta(c, () => fork(c, r))).toEqual({ words: 1, pages: 1, allocated: 0 });
    });

    it('a scan starting mid-word masks the bits below the start', () => {
      const c = make();
      const r = rootWith(c);
      const pids = fill(c, r, 40);
      c.free_pid(pids[2]); // 3
      c.free_pid(pids[34]); // 35
      expect(c.set_ns_last_pid(r, 33)).toBe(0);
      let nr = 0;
      // word 1 holds 32..63; bits 32, 33 masked off; 35 is the first clear one
      expect(delta(c, () => (nr = forkNr(c, r)))).toEqual({ words: 1, pages: 1, allocated: 0 });
      expect(nr).toBe(35);
    });

    it('counts every word from the first examined to the hit', () => {
      const c = make();
      const r = rootWith(c);
      const pids = fill(c, r, 100);
      c.free_pid(pids[69]); // 70, in word 2 (64..95)
      expect(c.set_ns_last_pid(r, 4)).toBe(0);
      let nr = 0;
      expect(delta(c, () => (nr = forkNr(c, r)))).toEqual({ words: 3, pages: 1, allocated: 0 });
      expect(nr).toBe(70);
    });

    it('masks the bits at and above the end (pid_max) in the last word', () => {
      const c = make();
      const r = rootWith(c, 330);
      fill(c, r, 329);
      // cursor 330 ≥ pid_max: first search skipped; [300, 330) = words 9, 10; 330.. is clear but masked
      expect(delta(c, () => expect(fork(c, r)).toBe(-EAGAIN))).toEqual({ words: 2, pages: 1, allocated: 0 });
    });

    it('a failed wrap counts both searches', () => {
      const c = make();
      const r = rootWith(c, 400);
      fill(c, r, 399);
      expect(c.set_ns_last_pid(r, 349)).toBe(0);
      // [350, 400): words 10..12 = 3; [300, 400): words 9..12 = 4
      expect(delta(c, () => expect(fork(c, r)).toBe(-EAGAIN))).toEqual({ words: 7, pages: 2, allocated: 0 });
    });

    it('the wrap of kernel-behaviour 1 counts one word per allocation', () => {
      const c = make();
      const r = rootWith(c, 400);
      expect(c.set_ns_last_pid(r, 397)).toBe(0);
      expect(delta(c, () => { forkNr(c, r); forkNr(c, r); forkNr(c, r); })).toEqual({ words: 3, pages: 3, allocated: 0 });
    });

    it('a missing page is clear (no words); a full page is skipped unscanned', () => {
      const c = make();
      const r = rootWith(c);
      fill(c, r, BITS_PER_PAGE - 1); // 1..32767: page 0 full
      expect(nrFree(c, r, 0)).toBe(0);
      expect(cursor(c, r)).toBe(32768);
      let nr = 0;
      expect(delta(c, () => (nr = forkNr(c, r)))).toEqual({ words: 0, pages: 1, allocated: 1 });
      expect(nr).toBe(32768);
      expect(nrPages(c, r)).toBe(2);
      expect(nrFree(c, r, 1)).toBe(BITS_PER_PAGE - 1);
      expect(word(c, r, 1, 0)).toBe(1);
      expect(c.set_ns_last_pid(r, 0)).toBe(0);
      // page 0: touched, full, skipped; page 1: word 0 → 32769
      expect(delta(c, () => (nr = forkNr(c, r)))).toEqual({ words: 1, pages: 2, allocated: 0 });
      expect(nr).toBe(32769);
    });

    it('long scans count every word whatever the start and end alignment (SIMD = scalar)', () => {
      const c = make();
      const r = rootWith(c);
      const pids = fill(c, r, 32100); // 1..32100
      c.free_pid(pids[32009]); // 32010 = word 1000 (32000..32031), bit 10
      expect(c.set_ns_last_pid(r, 99)).toBe(0); // cursor 100: word 3
      let nr = 0;
      expect(delta(c, () => (nr = forkNr(c, r)))).toEqual({ words: 1000 - 3 + 1, pages: 1, allocated: 0 });
      expect(nr).toBe(32010);
    });

    it('a failed scan up to a pid_max inside a page counts words w0..w1', () => {
      const c = make();
      const r = rootWith(c, 32050);
      fill(c, r, 32049); // full
      // cursor 32050 = pid_max: [300, 32050) = words 9 .. 32049 >> 5 = 1001
      expect(delta(c, () => expect(fork(c, r)).toBe(-EAGAIN))).toEqual({ words: 1001 - 9 + 1, pages: 1, allocated: 0 });
    });

    it('a page with free bits only below the start is scanned to its end, then the next page', () => {
      const c = make();
      const r = rootWith(c);
      const pids = fill(c, r, BITS_PER_PAGE - 1); // 1..32767
      c.free_pid(pids[4]); // 5: page 0 has nr_free 1, so it is not skipped
      expect(c.set_ns_last_pid(r, 99)).toBe(0);
      let nr = 0;
      // page 0: words 3..1023 (1021), no hit; page 1: missing → 32768
      expect(delta(c, () => (nr = forkNr(c, r)))).toEqual({ words: 1021, pages: 2, allocated: 1 });
      expect(nr).toBe(32768);
    });

    it('a jump past the allocated pages allocates the page it lands in', () => {
      const c = make();
      const r = rootWith(c);
      expect(c.set_ns_last_pid(r, 99999)).toBe(0);
      let nr = 0;
      expect(delta(c, () => (nr = forkNr(c, r)))).toEqual({ words: 0, pages: 1, allocated: 1 });
      expect(nr).toBe(100000);
      // 100000 = page 3 (from 98304) bit 1696 = word 53 bit 0
      expect(nrPages(c, r)).toBe(2);
      expect(pageOf(c, r, 1)).toBe(0);
      expect(nrFree(c, r, 3)).toBe(BITS_PER_PAGE - 1);
      expect(word(c, r, 3, 53)).toBe(1);
      expect(stats(c)[STAT_PAGES_ALLOCATED]).toBe(2);
    });

    it('set_tid searches nothing; a page allocated by a failed alloc_pid stays', () => {
      const c = make();
      const a = rootWith(c, 301);
      fork(c, a);
      expect(delta(c, () => forkNr(c, a, [250]))).toEqual({ words: 0, pages: 0, allocated: 0 });
      fill(c, a, 298); // a: full (1..300)
      const b = c.create_pid_namespace(a);
      expect(c.set_ns_last_pid(b, 99999)).toBe(0);
      // b takes 100000 (allocating page 3), a fails: 100000 returned, b's cursor reset (never populated)
      // a: cursor 301 ≥ pid_max, [300, 301) = word 9 only
      expect(delta(c, () => expect(fork(c, b)).toBe(-EAGAIN))).toEqual({ words: 1, pages: 2, allocated: 1 });
      expect(nrPages(c, b)).toBe(2);
      expect(pageOf(c, b, 3)).toBeGreaterThan(0);
      expect(nrFree(c, b, 3)).toBe(BITS_PER_PAGE);
      expect(word(c, b, 3, 53)).toBe(0);
      expect(cursor(c, b)).toBe(0);
    });
  });

  describe('memory', () => {
    it('growth replaces the views: old ones read length 0, contents are kept', () => {
      const c = make();
      const r = rootWith(c);
      const p = fork(c, r);
      const old = c.u32();
      const bytes = c.memoryBytes();
      const made: number[] = [];
      while (c.memoryBytes() === bytes) made.push(c.create_pid_namespace(r));
      expect(old.length).toBe(0);
      expect(c.u32().length * 4).toBe(c.memoryBytes());
      expect(c.f64().length * 8).toBe(c.memoryBytes());
      expect(numbers(c, p)).toEqual([1]);
      expect(count(c, r)).toBe(2 + made.length); // creator, p, children
      for (const ns of made) expect(field(c, ns, NS_PARENT)).toBe(r);
    });

    it('ENOMEM with a small maxMemoryBytes leaves the state exactly unchanged', () => {
      const max = 512 * 1024;
      const c = make({ maxMemoryBytes: max });
      expect(c.memoryBytes()).toBeLessThanOrEqual(max);
      const r = rootWith(c);
      const ch = c.create_pid_namespace(r);
      let p = 0;
      let n = 0;
      for (; n < 100000; n++) {
        p = fork(c, ch);
        if (p < 0) break;
      }
      expect(p).toBe(-ENOMEM);
      expect(n).toBeGreaterThan(0);
      expect(c.memoryBytes()).toBeLessThanOrEqual(max);
      let before = snapshot(c);
      const bytes = c.memoryBytes();
      expect(fork(c, ch)).toBe(-ENOMEM);
      expectSame(snapshot(c), before);
      expect(c.memoryBytes()).toBe(bytes);
      // a too-long set_tid list is refused before the reservation
      expect(fork(c, ch, [1, 1, 1])).toBe(-EINVAL);
      expect(c.alloc_pid_batch(ch, 10)).toBe(0);
      expect(stats(c)[STAT_BATCH_ERROR]).toBe(-ENOMEM);
      before = snapshot(c);
      expect(c.alloc_pid_batch(ch, 10)).toBe(0);
      expectSame(snapshot(c), before);
      let ns = 0;
      for (let k = 0; k < 1000; k++) {
        ns = c.create_pid_namespace(r);
        if (ns < 0) break;
      }
      expect(ns).toBe(-ENOMEM);
      before = snapshot(c);
      expect(c.create_pid_namespace(r)).toBe(-ENOMEM);
      expect(c.create_pid_namespace(0)).toBe(-ENOMEM);
      expectSame(snapshot(c), before);
      expect(c.memoryBytes()).toBeLessThanOrEqual(max);
      // the pids made before are intact
      expect(c.pid_nr_ns(c.find_pid_ns(n, ch), ch)).toBe(n);
      expect(allocated(c, ch)).toBe(ADDING + n);
    });
  });
}

describe.each(coreVariants)('pid core conformance: $name', (backend) => {
  conformance(backend);
});
