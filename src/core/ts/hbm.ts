/**
 * TS twin of assembly/hbm.ts — the `hbm` allocator (our design): a
 * hierarchical bitmap over [0, 2^22) with summary levels L1..L3 where a set
 * bit means "the word below is full". Same memory layout, same search, same
 * work counters as the WASM core (see the header of assembly/hbm.ts and
 * docs/core-algorithms.md "hbm"). u64 words are handled as (lo, hi) i32
 * pairs at the same byte offsets (little-endian).
 */
import { NS_NR_PAGES, NS_PIDMAP, PID_MAX_LIMIT, STAT_PAGES_ALLOCATED, STAT_PAGES_TOUCHED, STAT_WORDS_SCANNED } from '../layout.js';
import { CoreMemory, mem_alloc, mem_free, STATS_PTR } from './memory.js';

const STATS = STATS_PTR >> 3;
const LEAF_SHIFT = 15;
export const HBM_LEAVES = PID_MAX_LIMIT >> LEAF_SHIFT; // 128
const L0_PER_LEAF_SHIFT = 9;
const L0_PER_LEAF_MASK = 511;
const L1_PER_LEAF_SHIFT = 3;
const L1_PER_LEAF_MASK = 7;
/** i32 slot of the L0 words inside a leaf block (byte 64). */
const LEAF_L0_SLOT = 16;
export const HBM_LEAF_BYTES = 64 + 4096;
export const HBM_L2 = NS_PIDMAP + 4 * HBM_LEAVES;
export const HBM_L3 = HBM_L2 + 16 * 8;
const L1_BITS = PID_MAX_LIMIT >> 6;
const L2_BITS = L1_BITS >> 6;
const L3_BITS = L2_BITS >> 6; // 16
const NONE = -1;

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}
/** Lowest clear bit ≥ from (0..63) of the u64 (lo, hi), or -1. */
function firstZero(lo: number, hi: number, from: number): number {
  if (from < 32) {
    const b = ~lo & (-1 << from);
    if (b !== 0) return ctz32(b);
    const c = ~hi;
    return c !== 0 ? 32 + ctz32(c) : -1;
  }
  const c = ~hi & (-1 << (from - 32));
  return c !== 0 ? 32 + ctz32(c) : -1;
}

function leafPtr(i32: Int32Array, ns: number, b: number): number {
  return i32[(ns + NS_PIDMAP + 4 * b) >> 2];
}
/** i32 slot of L0 word j, or -1 when its leaf block is missing. */
function l0Slot(i32: Int32Array, ns: number, j: number): number {
  const leaf = leafPtr(i32, ns, j >>> L0_PER_LEAF_SHIFT);
  return leaf === 0 ? -1 : (leaf >> 2) + LEAF_L0_SLOT + ((j & L0_PER_LEAF_MASK) << 1);
}
function l1Slot(i32: Int32Array, ns: number, k: number): number {
  const leaf = leafPtr(i32, ns, k >>> L1_PER_LEAF_SHIFT);
  return leaf === 0 ? -1 : (leaf >> 2) + ((k & L1_PER_LEAF_MASK) << 1);
}
function l2Slot(ns: number, l: number): number {
  return (ns + HBM_L2 + 8 * l) >> 2;
}
/** Lowest zero ≥ from of the word at slot s (-1 slot = missing block = all zero). */
function zeroAt(i32: Int32Array, s: number, from: number): number {
  return s < 0 ? from : firstZero(i32[s], i32[s + 1], from);
}

export function hbm_init(m: CoreMemory, ns: number): void {
  const i32 = m.i32;
  for (let b = 0; b < HBM_LEAVES; b++) i32[(ns + NS_PIDMAP + 4 * b) >> 2] = 0;
  for (let l = 0; l < L3_BITS; l++) { const s = l2Slot(ns, l); i32[s] = 0; i32[s + 1] = 0; }
  // L3 bits 16..63 (out of range) preset "full".
  i32[(ns + HBM_L3) >> 2] = ~0xffff;
  i32[((ns + HBM_L3) >> 2) + 1] = -1;
  i32[(ns + NS_NR_PAGES) >> 2] = 0;
  hbm_take(m, ns, 0);
}

export function hbm_free_all(m: CoreMemory, ns: number): void {
  for (let b = 0; b < HBM_LEAVES; b++) {
    const leaf = leafPtr(m.i32, ns, b);
    if (leaf !== 0) mem_free(m, leaf, HBM_LEAF_BYTES);
  }
}

/** Sets bit `bit` (0..63) of the u64 at slot s; true when the word became all ones. */
function setBit(i32: Int32Array, s: number, bit: number): boolean {
  if (bit < 32) i32[s] |= 1 << bit;
  else i32[s + 1] |= 1 << (bit - 32);
  return i32[s] === -1 && i32[s + 1] === -1;
}
/** Clears bit `bit` of the u64 at slot s; true when the word was all ones before. */
function clearBit(i32: Int32Array, s: number, bit: number): boolean {
  const was = i32[s] === -1 && i32[s + 1] === -1;
  if (bit < 32) i32[s] &= ~(1 << bit);
  else i32[s + 1] &= ~(1 << (bit - 32));
  return was;
}

export function hbm_take(m: CoreMemory, ns: number, nr: number): void {
  const b = nr >>> LEAF_SHIFT;
  const ps = (ns + NS_PIDMAP + 4 * b) >> 2;
  let leaf = m.i32[ps];
  if (leaf === 0) {
    leaf = mem_alloc(m, HBM_LEAF_BYTES);
    m.i32[ps] = leaf;
    m.i32[(ns + NS_NR_PAGES) >> 2]++;
    m.f64[STATS + STAT_PAGES_ALLOCATED] += 1;
  }
  const i32 = m.i32;
  const j = nr >>> 6;
  if (!setBit(i32, (leaf >> 2) + LEAF_L0_SLOT + ((j & L0_PER_LEAF_MASK) << 1), nr & 63)) return;
  const k = j >>> 6;
  if (!setBit(i32, (leaf >> 2) + ((k & L1_PER_LEAF_MASK) << 1), j & 63)) return;
  const l = k >>> 6;
  if (!setBit(i32, l2Slot(ns, l), k & 63)) return;
  setBit(i32, (ns + HBM_L3) >> 2, l);
}

export function hbm_release(m: CoreMemory, ns: number, nr: number): void {
  const i32 = m.i32;
  const leaf = leafPtr(i32, ns, nr >>> LEAF_SHIFT);
  const j = nr >>> 6;
  if (!clearBit(i32, (leaf >> 2) + LEAF_L0_SLOT + ((j & L0_PER_LEAF_MASK) << 1), nr & 63)) return;
  const k = j >>> 6;
  if (!clearBit(i32, (leaf >> 2) + ((k & L1_PER_LEAF_MASK) << 1), j & 63)) return;
  const l = k >>> 6;
  if (!clearBit(i32, l2Slot(ns, l), k & 63)) return;
  clearBit(i32, (ns + HBM_L3) >> 2, l);
}

export function hbm_busy(m: CoreMemory, ns: number, nr: number): boolean {
  const s = l0Slot(m.i32, ns, nr >>> 6);
  if (s < 0) return false;
  const bit = nr & 63;
  return ((bit < 32 ? m.i32[s] >>> bit : m.i32[s + 1] >>> (bit - 32)) & 1) !== 0;
}

/** First free number ≥ x, or -1 (assembly/hbm.ts hbm_find, same counters). */
function hbm_find(m: CoreMemory, ns: number, x: number): number {
  const i32 = m.i32;
  const f64 = m.f64;
  let z = zeroAt(i32, l0Slot(i32, ns, x >>> 6), x & 63);
  if (z >= 0) {
    f64[STATS + STAT_WORDS_SCANNED] += 1;
    f64[STATS + STAT_PAGES_TOUCHED] += 1;
    return (x & ~63) + z;
  }
  let words = 1;
  let j = 0;
  let found = false;
  const p1 = (x >>> 6) + 1;
  if (p1 < L1_BITS) {
    words++;
    z = zeroAt(i32, l1Slot(i32, ns, p1 >>> 6), p1 & 63);
    if (z >= 0) {
      j = (p1 & ~63) + z;
      found = true;
    } else {
      const p2 = (p1 >>> 6) + 1;
      if (p2 < L2_BITS) {
        words++;
        z = zeroAt(i32, l2Slot(ns, p2 >>> 6), p2 & 63);
        let k = 0;
        if (z >= 0) {
          k = (p2 & ~63) + z;
          found = true;
        } else {
          const p3 = (p2 >>> 6) + 1;
          if (p3 < L3_BITS) {
            words++;
            z = zeroAt(i32, (ns + HBM_L3) >> 2, p3);
            if (z >= 0) {
              words++;
              k = (z << 6) + zeroAt(i32, l2Slot(ns, z), 0);
              found = true;
            }
          }
        }
        if (found) {
          words++;
          j = (k << 6) + zeroAt(i32, l1Slot(i32, ns, k), 0);
        }
      }
    }
  }
  if (!found) {
    f64[STATS + STAT_WORDS_SCANNED] += words;
    f64[STATS + STAT_PAGES_TOUCHED] += 1;
    return NONE;
  }
  words++;
  f64[STATS + STAT_WORDS_SCANNED] += words;
  f64[STATS + STAT_PAGES_TOUCHED] += 2;
  return (j << 6) + zeroAt(i32, l0Slot(i32, ns, j), 0);
}

export function hbm_search(m: CoreMemory, ns: number, begin: number, end: number): number {
  if (begin >= end) return -1;
  const r = hbm_find(m, ns, begin);
  return r >= 0 && r < end ? r : -1;
}

export function hbm_bytes(m: CoreMemory, ns: number): number {
  return m.i32[(ns + NS_NR_PAGES) >> 2] * HBM_LEAF_BYTES;
}

/** FNV-1a as assembly/hbm.ts hbm_checksum (block presence, block contents, L2, L3). */
export function hbm_checksum(m: CoreMemory, ns: number): number {
  const u32 = m.u32;
  let h = 2166136261;
  for (let b = 0; b < HBM_LEAVES; b++) {
    const leaf = u32[(ns + NS_PIDMAP + 4 * b) >> 2];
    h = Math.imul(h ^ (leaf !== 0 ? b + 1 : 0), 16777619) >>> 0;
    if (leaf === 0) continue;
    for (let s = leaf >> 2, e = (leaf + HBM_LEAF_BYTES) >> 2; s < e; s++) h = Math.imul(h ^ u32[s], 16777619) >>> 0;
  }
  for (let s = (ns + HBM_L2) >> 2, e = (ns + HBM_L3 + 8) >> 2; s < e; s++) h = Math.imul(h ^ u32[s], 16777619) >>> 0;
  return h | 0;
}

/** Summary consistency (assembly/hbm.ts hbm_check, same codes). */
export function hbm_check(m: CoreMemory, ns: number): number {
  const i32 = m.i32;
  let blocks = 0;
  for (let b = 0; b < HBM_LEAVES; b++) if (leafPtr(i32, ns, b) !== 0) blocks++;
  if (blocks !== i32[(ns + NS_NR_PAGES) >> 2]) return -1000;
  const full = (s: number) => s >= 0 && i32[s] === -1 && i32[s + 1] === -1;
  const bitOf = (s: number, i: number) => s >= 0 && ((i < 32 ? i32[s] >>> i : i32[s + 1] >>> (i - 32)) & 1) === 1;
  for (let k = 0; k < L2_BITS; k++) {
    const s1 = l1Slot(i32, ns, k);
    if (s1 < 0) continue; // missing block: all zero, consistent
    for (let i = 0; i < 64; i++) if (full(l0Slot(i32, ns, (k << 6) + i)) !== bitOf(s1, i)) return -1;
  }
  for (let l = 0; l < L3_BITS; l++) {
    for (let i = 0; i < 64; i++) if (full(l1Slot(i32, ns, (l << 6) + i)) !== bitOf(l2Slot(ns, l), i)) return -2;
  }
  const s3 = (ns + HBM_L3) >> 2;
  if ((i32[s3] & ~0xffff) !== ~0xffff || i32[s3 + 1] !== -1) return -3;
  for (let l = 0; l < L3_BITS; l++) if (full(l2Slot(ns, l)) !== bitOf(s3, l)) return -3;
  return 0;
}
