/**
 * The per-namespace number allocator: a bitmap of BITS_PER_PAGE-bit pages,
 * `pidmap[PIDMAP_ENTRIES]` of { page, nr_free } in the namespace (the
 * ≤4.14 kernel's `struct pidmap`, include/linux/pid_namespace.h), driven by
 * the cyclic search of Linux 4.15–6.18's `idr_alloc_cyclic` (lib/idr.c).
 *
 * Deliberate differences from the kernel: the IDR is a radix tree whose
 * "occupied" state is an entry (NULL while reserved); here a set bit means
 * taken, reserved or published alike, which is what allocation observes.
 * The search and its work counters follow docs/core-algorithms.md exactly
 * (the WASM core does the same, scalar or SIMD).
 */
import {
  BITS_PER_PAGE,
  NS_CURSOR,
  NS_NR_PAGES,
  NS_PIDMAP,
  PAGE_BYTES,
  PIDMAP_ENTRIES,
  PIDMAP_ENTRY_SIZE,
  PIDMAP_NR_FREE,
  PIDMAP_PAGE,
  RESERVED_PIDS,
  STAT_PAGES_ALLOCATED,
  STAT_PAGES_TOUCHED,
  STAT_WORDS_SCANNED,
} from '../layout.js';
import { CoreMemory, mem_alloc, mem_free, STATS_PTR } from './memory.js';

/** log2(BITS_PER_PAGE): the page of number nr is nr >> PAGE_SHIFT. */
export const PAGE_SHIFT = 15;
/** The bit of nr within its page is nr & PAGE_MASK. */
export const PAGE_MASK = BITS_PER_PAGE - 1;
const WORD_SHIFT = 5;
const WORD_MASK = 31;
const STATS = STATS_PTR >> 3;
/** u32-slot offsets inside a pidmap entry, and the entry's size in slots. */
const E_PAGE = PIDMAP_PAGE >> 2;
const E_NR_FREE = PIDMAP_NR_FREE >> 2;
const E_SLOTS = PIDMAP_ENTRY_SIZE >> 2;

/** Byte offset of pidmap entry `page` of namespace `ns`. */
function entry(ns: number, page: number): number {
  return ns + NS_PIDMAP + page * PIDMAP_ENTRY_SIZE;
}

/** Fresh pidmap of create_pid_namespace: page 0 allocated with bit 0 set (pid 0 is never handed out). */
export function pidmap_init(m: CoreMemory, ns: number): void {
  const i32 = m.i32;
  for (let p = 0, e = (ns + NS_PIDMAP) >> 2; p < PIDMAP_ENTRIES; p++, e += E_SLOTS) {
    i32[e + E_PAGE] = 0;
    i32[e + E_NR_FREE] = BITS_PER_PAGE;
  }
  const page = mem_alloc(m, PAGE_BYTES);
  m.f64[STATS + STAT_PAGES_ALLOCATED] += 1;
  i32[(entry(ns, 0) + PIDMAP_PAGE) >> 2] = page;
  i32[(entry(ns, 0) + PIDMAP_NR_FREE) >> 2] = BITS_PER_PAGE - 1;
  i32[page >> 2] = 1;
  i32[(ns + NS_NR_PAGES) >> 2] = 1;
}

/** busy: number nr is taken (its page exists and its bit is set). */
export function pidmap_busy(m: CoreMemory, ns: number, nr: number): boolean {
  const i32 = m.i32;
  const page = i32[(entry(ns, nr >> PAGE_SHIFT) + PIDMAP_PAGE) >> 2];
  if (page === 0) return false;
  const bit = nr & PAGE_MASK;
  return (i32[(page >> 2) + (bit >> WORD_SHIFT)] & (1 << (bit & WORD_MASK))) !== 0;
}

/**
 * take: mark nr taken, allocating its page on first use (the memory was
 * reserved by the caller). Precondition: nr is free.
 */
export function pidmap_take(m: CoreMemory, ns: number, nr: number): void {
  const e = entry(ns, nr >> PAGE_SHIFT) >> 2;
  let page = m.i32[e + E_PAGE];
  if (page === 0) {
    page = mem_alloc(m, PAGE_BYTES);
    m.i32[e + E_PAGE] = page;
    m.i32[(ns + NS_NR_PAGES) >> 2]++;
    m.f64[STATS + STAT_PAGES_ALLOCATED] += 1;
  }
  const i32 = m.i32;
  const bit = nr & PAGE_MASK;
  i32[(page >> 2) + (bit >> WORD_SHIFT)] |= 1 << (bit & WORD_MASK);
  i32[e + E_NR_FREE]--;
}

/** release: free_pidmap of ≤4.14 / idr_remove: clear the bit, nr_free++. Pages are kept. */
export function pidmap_release(m: CoreMemory, ns: number, nr: number): void {
  const i32 = m.i32;
  const e = entry(ns, nr >> PAGE_SHIFT) >> 2;
  const page = i32[e + E_PAGE];
  const bit = nr & PAGE_MASK;
  i32[(page >> 2) + (bit >> WORD_SHIFT)] &= ~(1 << (bit & WORD_MASK));
  i32[e + E_NR_FREE]++;
}

/**
 * search(ns, begin, end): the first clear bit in [begin, end), else -1.
 * Missing pages are all clear; full pages (nr_free 0) are skipped unscanned.
 * Counters: one STAT_PAGES_TOUCHED per page visited, STAT_WORDS_SCANNED
 * for every word from the first examined up to the one that held the bit.
 */
export function pidmap_search(m: CoreMemory, ns: number, begin: number, end: number): number {
  if (begin >= end) return -1;
  const i32 = m.i32;
  const f64 = m.f64;
  const pLast = (end - 1) >> PAGE_SHIFT;
  for (let p = begin >> PAGE_SHIFT; p <= pLast; p++) {
    f64[STATS + STAT_PAGES_TOUCHED] += 1;
    const base = p << PAGE_SHIFT;
    const lo = begin > base ? begin : base;
    const hi = end < base + BITS_PER_PAGE ? end : base + BITS_PER_PAGE;
    const e = entry(ns, p) >> 2;
    const page = i32[e + E_PAGE];
    if (page === 0) return lo; // never touched: all clear
    if (i32[e + E_NR_FREE] === 0) continue; // full: skipped unscanned, as alloc_pidmap did
    const w0 = (lo & PAGE_MASK) >> WORD_SHIFT;
    const w1 = ((hi - 1) & PAGE_MASK) >> WORD_SHIFT;
    const words = page >> 2;
    for (let w = w0; w <= w1; w++) {
      let bits = ~i32[words + w];
      if (w === w0) bits &= -1 << (lo & WORD_MASK);
      if (w === w1) bits &= -1 >>> (WORD_MASK - ((hi - 1) & WORD_MASK));
      if (bits !== 0) {
        f64[STATS + STAT_WORDS_SCANNED] += w - w0 + 1;
        return base + (w << WORD_SHIFT) + (31 - Math.clz32(bits & -bits));
      }
    }
    f64[STATS + STAT_WORDS_SCANNED] += w1 - w0 + 1;
  }
  return -1;
}

/**
 * alloc_cyclic: idr_alloc_cyclic(&ns->idr, NULL, lo, pid_max) as alloc_pid
 * of 6.18 calls it (kernel/pid.c), lo = RESERVED_PIDS once the cursor is
 * past it, else 1. Returns the number (cursor = nr + 1) or -1 when the
 * namespace is full below pid_max (the kernel's -ENOSPC; alloc_pid maps it
 * to -EAGAIN). The cursor is untouched on failure.
 */
export function alloc_cyclic(m: CoreMemory, ns: number, pidMax: number): number {
  const cursor = m.i32[(ns + NS_CURSOR) >> 2];
  const lo = cursor > RESERVED_PIDS ? RESERVED_PIDS : 1;
  const begin = cursor > lo ? cursor : lo;
  let nr = begin < pidMax ? pidmap_search(m, ns, begin, pidMax) : -1;
  if (nr < 0 && begin > lo) nr = pidmap_search(m, ns, lo, pidMax);
  if (nr < 0) return -1;
  pidmap_take(m, ns, nr);
  m.i32[(ns + NS_CURSOR) >> 2] = nr + 1;
  return nr;
}

/** put_pid_ns part: free every page (pages are kept until then, as ≤4.14 did). */
export function pidmap_free_all(m: CoreMemory, ns: number): void {
  const i32 = m.i32;
  for (let p = 0, e = (ns + NS_PIDMAP) >> 2; p < PIDMAP_ENTRIES; p++, e += E_SLOTS) {
    const page = i32[e + E_PAGE];
    if (page !== 0) mem_free(m, page, PAGE_BYTES);
  }
}

/** Bitmap consistency (assembly/pidmap.ts pidmap_check, same codes). */
export function pidmap_check(m: CoreMemory, ns: number): number {
  const i32 = m.i32;
  let pages = 0;
  for (let p = 0; p < PIDMAP_ENTRIES; p++) {
    const e = entry(ns, p) >> 2;
    const page = i32[e + E_PAGE];
    let set = 0;
    if (page !== 0) {
      pages++;
      for (let w = 0; w < BITS_PER_PAGE / 32; w++) for (let v = i32[(page >> 2) + w]; v !== 0; v &= v - 1) set++;
    }
    if (i32[e + E_NR_FREE] + set !== BITS_PER_PAGE) return -(1 + p);
  }
  if (pages !== i32[(ns + NS_NR_PAGES) >> 2]) return -1000;
  return 0;
}

/** FNV-1a as assembly/pidmap.ts pidmap_checksum (page presence, nr_free, words). */
export function pidmap_checksum(m: CoreMemory, ns: number): number {
  const u32 = m.u32;
  let h = 2166136261;
  for (let p = 0; p < PIDMAP_ENTRIES; p++) {
    const e = entry(ns, p) >> 2;
    const page = u32[e + E_PAGE];
    h = Math.imul(h ^ (page !== 0 ? p + 1 : 0), 16777619) >>> 0;
    h = Math.imul(h ^ u32[e + E_NR_FREE], 16777619) >>> 0;
    if (page !== 0) for (let w = 0; w < BITS_PER_PAGE / 32; w++) h = Math.imul(h ^ u32[(page >> 2) + w], 16777619) >>> 0;
  }
  return h | 0;
}
