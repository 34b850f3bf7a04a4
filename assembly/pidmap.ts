/**
 * The pidmap number allocator: the ≤4.14 kernel's bitmap pages
 * (`struct pidmap { nr_free; page }`, kernel/pid.c alloc_pidmap/free_pidmap),
 * driven with the 4.15–6.18 IDR semantics of `idr_alloc_cyclic` (cursor,
 * wrap to RESERVED_PIDS only when the cursor is above it). See
 * docs/core-algorithms.md "Bitmap primitives" — every step here, including the
 * work counters, is fixed there so that the TS twin agrees exactly.
 *
 *   ns + NS_PIDMAP + p * PIDMAP_ENTRY_SIZE
 *   ┌───────────┬──────────┐
 *   │ page ptr  │ nr_free  │   page: PAGE_BYTES of bits, bit n set ⇔ number
 *   └───────────┴──────────┘         p * BITS_PER_PAGE + n is taken
 *   0           4
 *
 * Deliberate difference from the kernel: the IDR frees nothing we need to
 * model, and the ≤4.14 pidmap never freed pages; we keep pages until the
 * namespace is freed (put_pid_ns), like the kernel's pidmap era.
 */
import {
  NS_PIDMAP, PIDMAP_PAGE, PIDMAP_NR_FREE, NS_NR_PAGES, NS_CURSOR,
  PAGE_BYTES, BITS_PER_PAGE, PAGE_SHIFT, PAGE_MASK, WORD_SHIFT, WORD_MASK,
  RESERVED_PIDS, STAT_WORDS_SCANNED, STAT_PAGES_TOUCHED, STAT_PAGES_ALLOCATED,
  PIDMAP_ENTRIES, WORDS_PER_PAGE,
} from "./layout";
import { EAGAIN } from "./errno";
import { alloc_block, free_block, stat_add } from "./memory";

/** log2(PIDMAP_ENTRY_SIZE). */
const PIDMAP_ENTRY_SHIFT: i32 = 3;
/** Bytes per bitmap word, log2. */
const WORD_BYTES_SHIFT: i32 = 2;
const ALL_ONES: u32 = 0xFFFFFFFF;
const ALL_ONES_64: u64 = 0xFFFFFFFFFFFFFFFF;
/** Words per v128 in the SIMD skip loop, and the unrolled stride (two vectors). */
const WORDS_PER_V128: u32 = 4;
const WORDS_PER_2V128: u32 = 8;
const WORDS_PER_U64: u32 = 2;
const WORDS_PER_4U64: u32 = 8;
const U64_BYTES: usize = 8;
const V128_BYTES: usize = 16;

// ── accessors ────────────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline export function pidmap_entry(ns: usize, p: u32): usize {
  return ns + NS_PIDMAP + (<usize>p << PIDMAP_ENTRY_SHIFT);
}
// @ts-ignore: decorator
@inline export function map_page(entry: usize): usize {
  return load<u32>(entry, PIDMAP_PAGE);
}
// @ts-ignore: decorator
@inline function map_nr_free(entry: usize): u32 {
  return load<u32>(entry, PIDMAP_NR_FREE);
}
// @ts-ignore: decorator
@inline function set_map_nr_free(entry: usize, v: u32): void {
  store<u32>(entry, v, PIDMAP_NR_FREE);
}
/** Address of the bitmap word holding page-relative bit `bit`. */
// @ts-ignore: decorator
@inline function word_addr(page: usize, bit: u32): usize {
  return page + (<usize>(bit >> WORD_SHIFT) << WORD_BYTES_SHIFT);
}
// @ts-ignore: decorator
@inline function word_at(page: usize, w: u32): usize {
  return page + (<usize>w << WORD_BYTES_SHIFT);
}

// ── primitives ───────────────────────────────────────────────────────────────

/**
 * Allocates pidmap page `p` of `ns` (alloc_pidmap's lazy kzalloc of a page):
 * zeroed, nr_pages++, STAT_PAGES_ALLOCATED++; nr_free stays BITS_PER_PAGE.
 * Precondition: a reservation covers PAGE_BYTES.
 */
export function pidmap_alloc_page(ns: usize, entry: usize): usize {
  let page = alloc_block(<usize>PAGE_BYTES);
  store<u32>(entry, <u32>page, PIDMAP_PAGE);
  store<u32>(ns, load<u32>(ns, NS_NR_PAGES) + 1, NS_NR_PAGES);
  stat_add(STAT_PAGES_ALLOCATED, 1);
  return page;
}

/** take(ns, nr): mark `nr` taken, allocating its page first if needed. */
export function pidmap_take(ns: usize, nr: u32): void {
  let entry = pidmap_entry(ns, nr >> PAGE_SHIFT);
  let page = map_page(entry);
  if (!page) page = pidmap_alloc_page(ns, entry);
  let bit = nr & PAGE_MASK;
  let addr = word_addr(page, bit);
  let word = load<u32>(addr);
  let m: u32 = 1 << (bit & WORD_MASK);
  if (DEBUG) assert(!(word & m), "pidmap_take: number already taken");
  store<u32>(addr, word | m);
  set_map_nr_free(entry, map_nr_free(entry) - 1);
}

/** release(ns, nr): free_pidmap — clear the bit, nr_free++. */
export function pidmap_release(ns: usize, nr: u32): void {
  let entry = pidmap_entry(ns, nr >> PAGE_SHIFT);
  let page = map_page(entry);
  if (DEBUG) assert(page != 0, "pidmap_release: page not allocated");
  let bit = nr & PAGE_MASK;
  let addr = word_addr(page, bit);
  let word = load<u32>(addr);
  let m: u32 = 1 << (bit & WORD_MASK);
  if (DEBUG) assert((word & m) != 0, "pidmap_release: number not taken");
  store<u32>(addr, word & ~m);
  set_map_nr_free(entry, map_nr_free(entry) + 1);
  if (DEBUG) assert(map_nr_free(entry) <= <u32>BITS_PER_PAGE, "pidmap_release: nr_free overflow");
}

/** busy(ns, nr): page allocated and bit set. */
export function pidmap_busy(ns: usize, nr: u32): bool {
  let page = map_page(pidmap_entry(ns, nr >> PAGE_SHIFT));
  if (!page) return false;
  let bit = nr & PAGE_MASK;
  return ((load<u32>(word_addr(page, bit)) >> (bit & WORD_MASK)) & 1) != 0;
}

// ── search ───────────────────────────────────────────────────────────────────

/**
 * Index of the first word in [w, w1) that is not all ones, or w1 — the fast
 * part of the search. Skipped words are still counted by the caller (the
 * counters are positional), so any stride gives the same counts.
 * SIMD build: two v128 (8 words) then one v128 (4 words) at a time.
 * Scalar build: four u64 (8 words) then one u64 (2 words) at a time.
 */
// @ts-ignore: decorator
@inline function skip_full_words(page: usize, w: u32, w1: u32): u32 {
  if (ASC_FEATURE_SIMD) {
    while (w + WORDS_PER_2V128 <= w1) {
      let p = word_at(page, w);
      let v = v128.and(v128.load(p), v128.load(p + V128_BYTES));
      if (v128.any_true(v128.not(v))) break;
      w += WORDS_PER_2V128;
    }
    while (w + WORDS_PER_V128 <= w1) {
      if (v128.any_true(v128.not(v128.load(word_at(page, w))))) break;
      w += WORDS_PER_V128;
    }
  } else {
    while (w + WORDS_PER_4U64 <= w1) {
      let p = word_at(page, w);
      let x = load<u64>(p) & load<u64>(p + U64_BYTES) & load<u64>(p + 2 * U64_BYTES) & load<u64>(p + 3 * U64_BYTES);
      if (x != ALL_ONES_64) break;
      w += WORDS_PER_4U64;
    }
    while (w + WORDS_PER_U64 <= w1) {
      if (load<u64>(word_at(page, w)) != ALL_ONES_64) break;
      w += WORDS_PER_U64;
    }
  }
  return w;
}

/**
 * search(ns, begin, end): the first clear bit in [begin, end), else -1
 * (alloc_pidmap's find_next_offset loop, page by page). Counts
 * STAT_PAGES_TOUCHED per page visited (full pages skipped unscanned
 * included) and STAT_WORDS_SCANNED per word from the first word of the range
 * in that page to the word where the search stopped. Precondition:
 * begin < end <= PID_MAX_LIMIT.
 */
export function pidmap_search(ns: usize, begin: u32, end: u32): i32 {
  if (DEBUG) assert(begin < end, "pidmap_search: empty range");
  let pLast = (end - 1) >> PAGE_SHIFT;
  let touched: u32 = 0;
  let scanned: u32 = 0;
  let result: i32 = -1;
  for (let p = begin >> PAGE_SHIFT; p <= pLast; p++) {
    touched++;
    let pageStart = p << PAGE_SHIFT;
    let lo = max(begin, pageStart);
    let hi = min(end, pageStart + <u32>BITS_PER_PAGE);
    let entry = pidmap_entry(ns, p);
    let page = map_page(entry);
    if (!page) { result = <i32>lo; break; } // never touched: all clear, no words counted
    if (!map_nr_free(entry)) continue; // full page skipped unscanned
    let loBit = lo & PAGE_MASK;
    let hiBit = (hi - 1) & PAGE_MASK; // last bit in range, inclusive
    let w0 = loBit >> WORD_SHIFT;
    let w1 = hiBit >> WORD_SHIFT;
    let w = w0;
    let bits = ~load<u32>(word_at(page, w)) & (ALL_ONES << (loBit & WORD_MASK));
    while (w < w1 && !bits) {
      w = skip_full_words(page, w + 1, w1);
      bits = ~load<u32>(word_at(page, w));
    }
    if (w == w1) bits &= ALL_ONES >> (WORD_MASK - (hiBit & WORD_MASK));
    scanned += w - w0 + 1;
    if (bits) {
      result = <i32>(pageStart + (w << WORD_SHIFT) + ctz(bits));
      break;
    }
  }
  stat_add(STAT_PAGES_TOUCHED, <f64>touched);
  stat_add(STAT_WORDS_SCANNED, <f64>scanned);
  return result;
}

/**
 * alloc_cyclic(ns, pid_max): idr_alloc_cyclic(&ns->idr, NULL, lo, pid_max)
 * as alloc_pid of 6.18 calls it, with lo = RESERVED_PIDS once the cursor is
 * above it, else 1. Returns the number taken (cursor = nr + 1) or -EAGAIN
 * (the IDR's -ENOSPC, which alloc_pid maps to -EAGAIN; the cursor is then
 * untouched).
 */
export function alloc_cyclic(ns: usize, pid_max: u32): i32 {
  let cursor = load<u32>(ns, NS_CURSOR);
  let lo: u32 = cursor > <u32>RESERVED_PIDS ? <u32>RESERVED_PIDS : 1;
  let begin = max(cursor, lo);
  let nr: i32 = begin < pid_max ? pidmap_search(ns, begin, pid_max) : -1;
  if (nr < 0 && begin > lo) nr = pidmap_search(ns, lo, pid_max);
  if (nr < 0) return -EAGAIN;
  pidmap_take(ns, <u32>nr);
  store<u32>(ns, <u32>nr + 1, NS_CURSOR);
  return nr;
}

// ── lifecycle and introspection (alloc.ts dispatch) ──────────────────────────

/**
 * create_pid_namespace part: every entry {0, BITS_PER_PAGE}, then page 0
 * allocated with bit 0 set (pid 0 is never handed out), like the ≤4.14
 * kernel's create_pid_namespace. Reservation: PAGE_BYTES.
 */
export function pidmap_init(ns: usize): void {
  store<u32>(ns, 0, NS_NR_PAGES);
  for (let i: u32 = 0; i < <u32>PIDMAP_ENTRIES; i++) {
    let e = pidmap_entry(ns, i);
    store<u32>(e, 0, PIDMAP_PAGE);
    store<u32>(e, <u32>BITS_PER_PAGE, PIDMAP_NR_FREE);
  }
  pidmap_take(ns, 0);
}

/** put_pid_ns part: free every page. */
export function pidmap_free_all(ns: usize): void {
  for (let i: u32 = 0; i < <u32>PIDMAP_ENTRIES; i++) {
    let page = map_page(pidmap_entry(ns, i));
    if (page) free_block(page, <usize>PAGE_BYTES);
  }
}

/**
 * Consistency of the bitmap: every page's nr_free equals BITS_PER_PAGE minus
 * its popcount, and nr_pages counts the pages. 0, or -(1 + first bad page),
 * or -1000 for nr_pages.
 */
export function pidmap_check(ns: usize): i32 {
  let pages: u32 = 0;
  for (let p: u32 = 0; p < <u32>PIDMAP_ENTRIES; p++) {
    let e = pidmap_entry(ns, p);
    let page = map_page(e);
    let set: u32 = 0;
    if (page) {
      pages++;
      for (let w: u32 = 0; w < <u32>WORDS_PER_PAGE; w++) set += popcnt(load<u32>(word_at(page, w)));
    }
    if (map_nr_free(e) + set != <u32>BITS_PER_PAGE) return -(1 + <i32>p);
  }
  if (pages != load<u32>(ns, NS_NR_PAGES)) return -1000;
  return 0;
}

/** FNV-1a over nr_free and the words of every page (page addresses excluded). */
export function pidmap_checksum(ns: usize): u32 {
  let h: u32 = 2166136261;
  for (let p: u32 = 0; p < <u32>PIDMAP_ENTRIES; p++) {
    let e = pidmap_entry(ns, p);
    let page = map_page(e);
    h = (h ^ (page ? p + 1 : 0)) * 16777619;
    h = (h ^ map_nr_free(e)) * 16777619;
    if (page) for (let w: u32 = 0; w < <u32>WORDS_PER_PAGE; w++) h = (h ^ load<u32>(word_at(page, w))) * 16777619;
  }
  return h;
}
