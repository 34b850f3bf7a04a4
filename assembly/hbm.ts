/**
 * The `hbm` number allocator (our own design, no kernel counterpart): a
 * hierarchical bitmap over the whole number space [0, PID_MAX_LIMIT = 2^22)
 * with three summary levels, so "first free number ≥ x" reads at most seven
 * 64-bit words (up to four on the way up, three on the way down) whatever the
 * occupancy — O(log₆₄ n) instead of the pidmap's linear scan. It gives
 * exactly the numbering of docs/core-algorithms.md (first free ≥ begin, the
 * cyclic wrap of 6.18's idr_alloc_cyclic is alloc.ts's, shared by all
 * allocators).
 *
 * Levels (bit set ⇔ FULL, so a missing leaf block reads as all zero = empty):
 *   L0  2^22 bits, one per number: set ⇔ taken.            (65536 u64 words)
 *   L1  2^16 bits: bit j set ⇔ L0 word j is all ones.      (1024 u64 words)
 *   L2  2^10 bits: bit k set ⇔ L1 word k is all ones.      (16 u64 words)
 *   L3  16 bits:   bit l set ⇔ L2 word l is all ones; bits 16..63 are set
 *       at creation (out of range = "full"), so the climb stops there.
 *
 * Storage:
 *   - Leaf blocks of HBM_LEAF_BYTES, one per 32768 numbers (the pidmap's
 *     page size), allocated lazily on the first take in their range and kept
 *     until the namespace is freed (like pidmap pages):
 *       [0, 64)      the 8 L1 words summarising this block's 512 L0 words
 *       [64, 4160)   the 512 L0 words
 *   - In the namespace's inline allocator area (NS_PIDMAP .. NS_SIZE, which
 *     the pidmap uses for pidmap[128]):
 *       NS_PIDMAP + 4p     leaf block pointer of block p (128 × u32)
 *       HBM_L2             the 16 L2 words
 *       HBM_L3             the L3 word
 *   - nr_pages counts leaf blocks; STAT_PAGES_ALLOCATED += 1 per leaf block.
 *
 * Work counters (positional, identical in the TS twin): STAT_WORDS_SCANNED
 * += every u64 word the search examines at any level (a word of a missing
 * leaf block counts: it is examined, as zero); STAT_PAGES_TOUCHED += 1 for
 * the start leaf block, + 1 when the answer is not in the start word (the
 * search descended to a leaf again). Successful search: 1..7 words.
 *
 * Number 0 is taken at creation (like pidmap's bit 0), so leaf block 0
 * exists from the start.
 */
import { NS_PIDMAP, NS_NR_PAGES, PID_MAX_LIMIT, STAT_WORDS_SCANNED, STAT_PAGES_TOUCHED, STAT_PAGES_ALLOCATED } from "./layout";
import { alloc_block, free_block, stat_add } from "./memory";

/** Numbers per leaf block, log2 (= pidmap's BITS_PER_PAGE). */
const LEAF_SHIFT: u32 = 15;
export const HBM_LEAVES: i32 = PID_MAX_LIMIT >> LEAF_SHIFT; // 128
/** L0 words per leaf block, and L1 words per leaf block. */
const L0_PER_LEAF_SHIFT: u32 = 9;
const L0_PER_LEAF_MASK: u32 = (1 << L0_PER_LEAF_SHIFT) - 1;
const L1_PER_LEAF_SHIFT: u32 = 3;
const L1_PER_LEAF_MASK: u32 = (1 << L1_PER_LEAF_SHIFT) - 1;
/** Byte offset of the L0 words inside a leaf block. */
const LEAF_L0: usize = 64;
export const HBM_LEAF_BYTES: i32 = 64 + 4096;
/** Inline area of the namespace. */
const HBM_PTRS: usize = <usize>NS_PIDMAP;
export const HBM_L2: i32 = NS_PIDMAP + 4 * HBM_LEAVES; // 16 u64
export const HBM_L3: i32 = HBM_L2 + 16 * 8; // 1 u64
/** Level sizes in bits. */
const L1_BITS: u32 = <u32>PID_MAX_LIMIT >> 6; // 65536
const L2_BITS: u32 = L1_BITS >> 6; // 1024
const L3_BITS: u32 = L2_BITS >> 6; // 16
/** L3 bits beyond the space, preset (read as full). */
const L3_OUT_OF_RANGE: u64 = ~((<u64>1 << L3_BITS) - 1);
const ALL: u64 = 0xFFFFFFFFFFFFFFFF;
const NONE: u32 = 0xFFFFFFFF;

// ── accessors ────────────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline function leaf_ptr(ns: usize, b: u32): usize {
  return <usize>load<u32>(ns + HBM_PTRS + (<usize>b << 2));
}
/** L0 word j (global index) as a value; 0 when its leaf block is missing. */
// @ts-ignore: decorator
@inline function l0_word(ns: usize, j: u32): u64 {
  let leaf = leaf_ptr(ns, j >> L0_PER_LEAF_SHIFT);
  return leaf ? load<u64>(leaf + LEAF_L0 + (<usize>(j & L0_PER_LEAF_MASK) << 3)) : 0;
}
/** L1 word k (global index); 0 when its leaf block is missing. */
// @ts-ignore: decorator
@inline function l1_word(ns: usize, k: u32): u64 {
  let leaf = leaf_ptr(ns, k >> L1_PER_LEAF_SHIFT);
  return leaf ? load<u64>(leaf + (<usize>(k & L1_PER_LEAF_MASK) << 3)) : 0;
}
// @ts-ignore: decorator
@inline function l2_addr(ns: usize, l: u32): usize {
  return ns + <usize>HBM_L2 + (<usize>l << 3);
}

// ── lifecycle ────────────────────────────────────────────────────────────────

/** create_pid_namespace part: empty pointers and summaries, out-of-range L3 bits set, number 0 taken. Reservation: HBM_LEAF_BYTES. */
export function hbm_init(ns: usize): void {
  for (let b: u32 = 0; b < <u32>HBM_LEAVES; b++) store<u32>(ns + HBM_PTRS + (<usize>b << 2), 0);
  for (let l: u32 = 0; l < L3_BITS; l++) store<u64>(l2_addr(ns, l), 0);
  store<u64>(ns + <usize>HBM_L3, L3_OUT_OF_RANGE);
  store<u32>(ns, 0, NS_NR_PAGES);
  hbm_take(ns, 0);
}

/** put_pid_ns part: free every leaf block. */
export function hbm_free_all(ns: usize): void {
  for (let b: u32 = 0; b < <u32>HBM_LEAVES; b++) {
    let leaf = leaf_ptr(ns, b);
    if (leaf) free_block(leaf, <usize>HBM_LEAF_BYTES);
  }
}

// ── primitives ───────────────────────────────────────────────────────────────

/** take(ns, nr): set the L0 bit; a word that became full sets its bit one level up, and so on. Allocates the leaf block if missing (reserved by the caller). */
export function hbm_take(ns: usize, nr: u32): void {
  let b = nr >> LEAF_SHIFT;
  let slot = ns + HBM_PTRS + (<usize>b << 2);
  let leaf = <usize>load<u32>(slot);
  if (!leaf) {
    leaf = alloc_block(<usize>HBM_LEAF_BYTES);
    store<u32>(slot, <u32>leaf);
    store<u32>(ns, load<u32>(ns, NS_NR_PAGES) + 1, NS_NR_PAGES);
    stat_add(STAT_PAGES_ALLOCATED, 1);
  }
  let j = nr >> 6;
  let a0 = leaf + LEAF_L0 + (<usize>(j & L0_PER_LEAF_MASK) << 3);
  let w0 = load<u64>(a0);
  if (DEBUG) assert(!((w0 >> (nr & 63)) & 1), "hbm_take: number already taken");
  w0 |= <u64>1 << (nr & 63);
  store<u64>(a0, w0);
  if (w0 != ALL) return;
  let k = j >> 6;
  let a1 = leaf + (<usize>(k & L1_PER_LEAF_MASK) << 3);
  let w1 = load<u64>(a1) | (<u64>1 << (j & 63));
  store<u64>(a1, w1);
  if (w1 != ALL) return;
  let l = k >> 6;
  let a2 = l2_addr(ns, l);
  let w2 = load<u64>(a2) | (<u64>1 << (k & 63));
  store<u64>(a2, w2);
  if (w2 != ALL) return;
  let a3 = ns + <usize>HBM_L3;
  store<u64>(a3, load<u64>(a3) | (<u64>1 << l));
}

/** release(ns, nr): clear the L0 bit; a word that was full clears its bit one level up, and so on. */
export function hbm_release(ns: usize, nr: u32): void {
  let leaf = leaf_ptr(ns, nr >> LEAF_SHIFT);
  if (DEBUG) assert(leaf != 0, "hbm_release: leaf block missing");
  let j = nr >> 6;
  let a0 = leaf + LEAF_L0 + (<usize>(j & L0_PER_LEAF_MASK) << 3);
  let w0 = load<u64>(a0);
  if (DEBUG) assert(((w0 >> (nr & 63)) & 1) != 0, "hbm_release: number not taken");
  store<u64>(a0, w0 & ~(<u64>1 << (nr & 63)));
  if (w0 != ALL) return;
  let k = j >> 6;
  let a1 = leaf + (<usize>(k & L1_PER_LEAF_MASK) << 3);
  let w1 = load<u64>(a1);
  store<u64>(a1, w1 & ~(<u64>1 << (j & 63)));
  if (w1 != ALL) return;
  let l = k >> 6;
  let a2 = l2_addr(ns, l);
  let w2 = load<u64>(a2);
  store<u64>(a2, w2 & ~(<u64>1 << (k & 63)));
  if (w2 != ALL) return;
  let a3 = ns + <usize>HBM_L3;
  store<u64>(a3, load<u64>(a3) & ~(<u64>1 << l));
}

/** busy(ns, nr): the L0 bit is set (a missing leaf block is all clear). */
export function hbm_busy(ns: usize, nr: u32): bool {
  return ((l0_word(ns, nr >> 6) >> (nr & 63)) & 1) != 0;
}

// ── search ───────────────────────────────────────────────────────────────────

/**
 * The first free number ≥ x in the whole space, or NONE. Climb: examine the
 * word holding position p at level L masked to bits ≥ p; if it has a zero,
 * descend from there taking the lowest zero of each word below; else move to
 * level L+1 at position (p >> 6) + 1 (the next word of level L).
 */
function hbm_find(ns: usize, x: u32): u32 {
  // L0
  let bits = ~l0_word(ns, x >> 6) & (ALL << (x & 63));
  if (bits) {
    stat_add(STAT_WORDS_SCANNED, 1);
    stat_add(STAT_PAGES_TOUCHED, 1);
    return (x & ~63) + <u32>ctz(bits);
  }
  let words: u32 = 1;
  let j: u32 = 0;
  let found = false;
  // L1
  let p1 = (x >> 6) + 1;
  if (p1 < L1_BITS) {
    words++;
    bits = ~l1_word(ns, p1 >> 6) & (ALL << (p1 & 63));
    if (bits) {
      j = (p1 & ~63) + <u32>ctz(bits);
      found = true;
    } else {
      // L2
      let p2 = (p1 >> 6) + 1;
      if (p2 < L2_BITS) {
        words++;
        bits = ~load<u64>(l2_addr(ns, p2 >> 6)) & (ALL << (p2 & 63));
        let k: u32 = 0;
        if (bits) {
          k = (p2 & ~63) + <u32>ctz(bits);
          found = true;
        } else {
          // L3 (one word; out-of-range bits are preset)
          let p3 = (p2 >> 6) + 1;
          if (p3 < L3_BITS) {
            words++;
            bits = ~load<u64>(ns + <usize>HBM_L3) & (ALL << p3);
            if (bits) {
              let l = <u32>ctz(bits);
              words++;
              k = (l << 6) + <u32>ctz(~load<u64>(l2_addr(ns, l)));
              found = true;
            }
          }
        }
        if (found) {
          words++;
          j = (k << 6) + <u32>ctz(~l1_word(ns, k));
        }
      }
    }
  }
  if (!found) {
    stat_add(STAT_WORDS_SCANNED, <f64>words);
    stat_add(STAT_PAGES_TOUCHED, 1);
    return NONE;
  }
  words++;
  stat_add(STAT_WORDS_SCANNED, <f64>words);
  stat_add(STAT_PAGES_TOUCHED, 2);
  return (j << 6) + <u32>ctz(~l0_word(ns, j));
}

/** search(ns, begin, end): the first free number in [begin, end), else -1. Precondition: begin < end ≤ PID_MAX_LIMIT. */
export function hbm_search(ns: usize, begin: u32, end: u32): i32 {
  let r = hbm_find(ns, begin);
  return r < end ? <i32>r : -1;
}

/** Bytes of allocator structures outside the namespace object (leaf blocks). */
export function hbm_bytes(ns: usize): u32 {
  return load<u32>(ns, NS_NR_PAGES) * <u32>HBM_LEAF_BYTES;
}

/**
 * Consistency of the summaries: every L1/L2/L3 bit equals "the word below is
 * all ones", L3's out-of-range bits are set, nr_pages counts the blocks.
 * Returns 0 or a negative code naming the first bad level.
 */
export function hbm_check(ns: usize): i32 {
  let blocks: u32 = 0;
  for (let b: u32 = 0; b < <u32>HBM_LEAVES; b++) if (leaf_ptr(ns, b)) blocks++;
  if (blocks != load<u32>(ns, NS_NR_PAGES)) return -1000;
  for (let k: u32 = 0; k < L2_BITS; k++) {
    if (!leaf_ptr(ns, k >> L1_PER_LEAF_SHIFT)) continue; // missing block: all zero, consistent
    let w1 = l1_word(ns, k);
    for (let i: u32 = 0; i < 64; i++) {
      let full = l0_word(ns, (k << 6) + i) == ALL;
      if (full != (((w1 >> i) & 1) != 0)) return -1;
    }
  }
  for (let l: u32 = 0; l < L3_BITS; l++) {
    let w2 = load<u64>(l2_addr(ns, l));
    for (let i: u32 = 0; i < 64; i++) {
      let full = l1_word(ns, (l << 6) + i) == ALL;
      if (full != (((w2 >> i) & 1) != 0)) return -2;
    }
  }
  let w3 = load<u64>(ns + <usize>HBM_L3);
  if ((w3 & L3_OUT_OF_RANGE) != L3_OUT_OF_RANGE) return -3;
  for (let l: u32 = 0; l < L3_BITS; l++) {
    let full = load<u64>(l2_addr(ns, l)) == ALL;
    if (full != (((w3 >> l) & 1) != 0)) return -3;
  }
  return 0;
}

/** FNV-1a-style checksum over the structure (pointers excluded: they are addresses, compared separately). */
export function hbm_checksum(ns: usize): u32 {
  let h: u32 = 2166136261;
  for (let b: u32 = 0; b < <u32>HBM_LEAVES; b++) {
    let leaf = leaf_ptr(ns, b);
    h = (h ^ (leaf ? b + 1 : 0)) * 16777619;
    if (!leaf) continue;
    for (let o: usize = 0; o < <usize>HBM_LEAF_BYTES; o += 4) h = (h ^ load<u32>(leaf + o)) * 16777619;
  }
  for (let o: usize = <usize>HBM_L2; o < <usize>HBM_L3 + 8; o += 4) h = (h ^ load<u32>(ns + o)) * 16777619;
  return h;
}
