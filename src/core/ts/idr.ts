/**
 * TS twin of assembly/idr.ts — the `idr` allocator: the 4.15+ kernel's IDR
 * (lib/idr.c, lib/radix-tree.c) as a radix tree of 64-slot nodes with the
 * IDR_FREE mark, whose height follows the largest number (extend on take,
 * shrink on release), nodes made on demand and freed when empty. Same node layout, search and work counters as the WASM
 * core; see the header of assembly/idr.ts for the deliberate differences
 * from the kernel. The u64 IDR_FREE mark is an (lo, hi) i32 pair.
 */
import { NS_ALLOC, NS_NR_PAGES, STAT_PAGES_ALLOCATED, STAT_PAGES_TOUCHED, STAT_WORDS_SCANNED } from '../layout.js';
import { CoreMemory, mem_alloc, mem_free, STATS_PTR } from './memory.js';

const STATS = STATS_PTR >> 3;
/** i32 slots of the node header. */
const N_PARENT = 0;
const N_OFFSET = 1;
const N_SHIFT = 2;
const N_COUNT = 3;
const N_FREE = 4; // lo; hi at 5
const N_SLOTS = 6;
export const IDR_NODE_BYTES = 24 + 64 * 4;
export const IDR_LEAF_BYTES = 24;
export const IDR_MAX_SHIFT = 18;
/** Worst case one take allocates: this many inner nodes (a leaf root grown to shift 18, then two below it) and a leaf. */
export const IDR_TAKE_WORST_NODES = 5;

/** shift_maxindex: the largest number a root of `shift` covers. */
function maxIndex(shift: number): number {
  return (64 << shift) - 1; // shift ≤ 18: fits an int32
}
/** The shift of the smallest root whose range holds nr. */
function shiftFor(nr: number): number {
  let s = 0;
  while (nr > maxIndex(s)) s += 6;
  return s;
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}
/** Lowest set bit ≥ from (0..64) of the u64 (lo, hi), or -1. */
function firstSet(lo: number, hi: number, from: number): number {
  if (from < 32) {
    const b = lo & (-1 << from);
    if (b !== 0) return ctz32(b);
    return hi !== 0 ? 32 + ctz32(hi) : -1;
  }
  if (from >= 64) return -1;
  const c = hi & (-1 << (from - 32));
  return c !== 0 ? 32 + ctz32(c) : -1;
}
function bitSet(i32: Int32Array, n: number, o: number): boolean {
  return ((o < 32 ? i32[n + N_FREE] >>> o : i32[n + N_FREE + 1] >>> (o - 32)) & 1) === 1;
}
function nodeBytes(shift: number): number {
  return shift !== 0 ? IDR_NODE_BYTES : IDR_LEAF_BYTES;
}

function new_node(m: CoreMemory, ns: number, parent: number, offset: number, shift: number): number {
  const node = mem_alloc(m, nodeBytes(shift));
  const i32 = m.i32;
  const n = node >> 2;
  i32[n + N_PARENT] = parent;
  i32[n + N_OFFSET] = offset;
  i32[n + N_SHIFT] = shift;
  i32[n + N_FREE] = -1; // all_tag_set(IDR_FREE)
  i32[n + N_FREE + 1] = -1;
  i32[(ns + NS_NR_PAGES) >> 2]++;
  m.f64[STATS + STAT_PAGES_ALLOCATED] += 1;
  return node;
}

export function idr_init(m: CoreMemory, ns: number): void {
  m.i32[(ns + NS_ALLOC) >> 2] = 0;
  m.i32[(ns + NS_NR_PAGES) >> 2] = 0;
}

export function idr_take(m: CoreMemory, ns: number, nr: number): void {
  let node = m.i32[(ns + NS_ALLOC) >> 2];
  if (node === 0) {
    node = new_node(m, ns, 0, 0, shiftFor(nr));
    m.i32[(ns + NS_ALLOC) >> 2] = node;
  }
  let top = m.i32[(node >> 2) + N_SHIFT];
  // radix_tree_extend: new roots on top while nr is beyond the root's range.
  while (nr > maxIndex(top)) {
    const root = new_node(m, ns, 0, 0, top + 6);
    const i32 = m.i32;
    const r = root >> 2;
    i32[r + N_SLOTS] = node;
    i32[r + N_COUNT] = 1;
    if (i32[(node >> 2) + N_FREE] === 0 && i32[(node >> 2) + N_FREE + 1] === 0) i32[r + N_FREE] = -2;
    i32[(node >> 2) + N_PARENT] = root;
    i32[(ns + NS_ALLOC) >> 2] = root;
    node = root;
    top += 6;
  }
  for (let s = top; s > 0; s -= 6) {
    const o = (nr >>> s) & 63;
    const sa = (node >> 2) + N_SLOTS + o;
    let child = m.i32[sa];
    if (child === 0) {
      child = new_node(m, ns, node, o, s - 6);
      m.i32[sa] = child;
      m.i32[(node >> 2) + N_COUNT]++;
    }
    node = child;
  }
  const i32 = m.i32;
  let n = node >> 2;
  const o = nr & 63;
  if (o < 32) i32[n + N_FREE] &= ~(1 << o);
  else i32[n + N_FREE + 1] &= ~(1 << (o - 32));
  i32[n + N_COUNT]++;
  while (i32[n + N_FREE] === 0 && i32[n + N_FREE + 1] === 0) {
    const parent = i32[n + N_PARENT];
    if (parent === 0) break;
    const po = i32[n + N_OFFSET];
    n = parent >> 2;
    if (po < 32) i32[n + N_FREE] &= ~(1 << po);
    else i32[n + N_FREE + 1] &= ~(1 << (po - 32));
  }
}

function idr_leaf(m: CoreMemory, ns: number, nr: number): number {
  const i32 = m.i32;
  let node = i32[(ns + NS_ALLOC) >> 2];
  if (node === 0) return 0;
  let s = i32[(node >> 2) + N_SHIFT];
  if (nr > maxIndex(s)) return 0;
  for (; s > 0 && node !== 0; s -= 6) node = i32[(node >> 2) + N_SLOTS + ((nr >>> s) & 63)];
  return node;
}

/** idr_remove (assembly/idr.ts idr_release): node_tag_set, delete_node, radix_tree_shrink. */
export function idr_release(m: CoreMemory, ns: number, nr: number): void {
  const i32 = m.i32;
  const leaf = idr_leaf(m, ns, nr);
  let node = leaf;
  let o = nr & 63;
  while (node !== 0) {
    const n = node >> 2;
    if (bitSet(i32, n, o)) break;
    if (o < 32) i32[n + N_FREE] |= 1 << o;
    else i32[n + N_FREE + 1] |= 1 << (o - 32);
    o = i32[n + N_OFFSET];
    node = i32[n + N_PARENT];
  }
  node = leaf;
  i32[(node >> 2) + N_COUNT]--;
  while (i32[(node >> 2) + N_COUNT] === 0) {
    const n = node >> 2;
    const parent = i32[n + N_PARENT];
    o = i32[n + N_OFFSET];
    mem_free(m, node, nodeBytes(i32[n + N_SHIFT]));
    i32[(ns + NS_NR_PAGES) >> 2]--;
    if (parent === 0) { i32[(ns + NS_ALLOC) >> 2] = 0; return; }
    i32[(parent >> 2) + N_SLOTS + o] = 0;
    i32[(parent >> 2) + N_COUNT]--;
    node = parent;
  }
  if (i32[(node >> 2) + N_PARENT] === 0) idr_shrink(m, ns);
}

/** radix_tree_shrink: while the root is inner with a single child in slot 0, that child becomes the root. */
function idr_shrink(m: CoreMemory, ns: number): void {
  const i32 = m.i32;
  for (;;) {
    const root = i32[(ns + NS_ALLOC) >> 2];
    const r = root >> 2;
    if (i32[r + N_SHIFT] === 0 || i32[r + N_COUNT] !== 1) return;
    const child = i32[r + N_SLOTS];
    if (child === 0) return;
    i32[(child >> 2) + N_PARENT] = 0;
    i32[(ns + NS_ALLOC) >> 2] = child;
    mem_free(m, root, IDR_NODE_BYTES);
    i32[(ns + NS_NR_PAGES) >> 2]--;
  }
}

export function idr_busy(m: CoreMemory, ns: number, nr: number): boolean {
  const leaf = idr_leaf(m, ns, nr);
  return leaf !== 0 && !bitSet(m.i32, leaf >> 2, nr & 63);
}

/** First free number ≥ x, or -1 (assembly/idr.ts idr_find, same counters). */
function idr_find(m: CoreMemory, ns: number, x: number): number {
  const i32 = m.i32;
  const f64 = m.f64;
  let node = i32[(ns + NS_ALLOC) >> 2];
  if (node === 0) return x;
  const top = i32[(node >> 2) + N_SHIFT];
  if (x > maxIndex(top)) return x;
  let s = top;
  let nodes = 1;
  let words = 0;
  let o = 0;
  for (;;) {
    o = (x >>> s) & 63;
    words++;
    if (!bitSet(i32, node >> 2, o)) break;
    const child = s === 0 ? 0 : i32[(node >> 2) + N_SLOTS + o];
    if (child === 0) {
      f64[STATS + STAT_PAGES_TOUCHED] += nodes;
      f64[STATS + STAT_WORDS_SCANNED] += words;
      return x;
    }
    node = child;
    s -= 6;
    nodes++;
  }
  let j = firstSet(i32[(node >> 2) + N_FREE], i32[(node >> 2) + N_FREE + 1], o + 1);
  while (j < 0) {
    const parent = i32[(node >> 2) + N_PARENT];
    if (parent === 0) {
      f64[STATS + STAT_PAGES_TOUCHED] += nodes;
      f64[STATS + STAT_WORDS_SCANNED] += words;
      return maxIndex(top) + 1;
    }
    o = i32[(node >> 2) + N_OFFSET];
    node = parent;
    s += 6;
    words++;
    j = firstSet(i32[(node >> 2) + N_FREE], i32[(node >> 2) + N_FREE + 1], o + 1);
  }
  const span = s + 6;
  x = (((x >>> span) << span) | (j << s)) >>> 0;
  while (s !== 0) {
    const child = i32[(node >> 2) + N_SLOTS + j];
    if (child === 0) break;
    node = child;
    s -= 6;
    nodes++;
    words++;
    j = firstSet(i32[(node >> 2) + N_FREE], i32[(node >> 2) + N_FREE + 1], 0);
    x |= j << s;
  }
  f64[STATS + STAT_PAGES_TOUCHED] += nodes;
  f64[STATS + STAT_WORDS_SCANNED] += words;
  return x;
}

export function idr_search(m: CoreMemory, ns: number, begin: number, end: number): number {
  if (begin >= end) return -1;
  const r = idr_find(m, ns, begin);
  return r >= 0 && r < end ? r : -1;
}

/** Depth-first walk in slot order through parent pointers; visit(n) per node (i32 slot index). */
function walk(m: CoreMemory, ns: number, visit: (n: number) => void): void {
  const i32 = m.i32;
  let node = i32[(ns + NS_ALLOC) >> 2];
  let next = 0;
  let entered = true;
  while (node !== 0) {
    const n = node >> 2;
    const shift = i32[n + N_SHIFT];
    if (entered) { visit(n); entered = false; }
    let child = 0;
    if (shift !== 0) {
      while (next < 64 && child === 0) child = i32[n + N_SLOTS + next++];
    }
    if (child !== 0) {
      node = child;
      next = 0;
      entered = true;
    } else {
      next = i32[n + N_OFFSET] + 1;
      node = i32[n + N_PARENT];
    }
  }
}

export function idr_bytes(m: CoreMemory, ns: number): number {
  let bytes = 0;
  walk(m, ns, (n) => { bytes += nodeBytes(m.i32[n + N_SHIFT]); });
  return bytes;
}

/** FNV-1a as assembly/idr.ts idr_checksum (shift, offset, count, mark lo, hi per node). */
export function idr_checksum(m: CoreMemory, ns: number): number {
  const u32 = m.u32;
  let h = 2166136261;
  walk(m, ns, (n) => {
    h = Math.imul(h ^ u32[n + N_SHIFT], 16777619) >>> 0;
    h = Math.imul(h ^ u32[n + N_OFFSET], 16777619) >>> 0;
    h = Math.imul(h ^ u32[n + N_COUNT], 16777619) >>> 0;
    h = Math.imul(h ^ u32[n + N_FREE], 16777619) >>> 0;
    h = Math.imul(h ^ u32[n + N_FREE + 1], 16777619) >>> 0;
  });
  return h | 0;
}

/** Tree consistency (assembly/idr.ts idr_check, same codes). */
export function idr_check(m: CoreMemory, ns: number): number {
  const i32 = m.i32;
  const root = i32[(ns + NS_ALLOC) >> 2];
  let nodes = 0;
  let bad = 0;
  const popcnt = (v: number) => { let c = 0; for (; v !== 0; v &= v - 1) c++; return c; };
  walk(m, ns, (n) => {
    if (bad !== 0) return;
    nodes++;
    const shift = i32[n + N_SHIFT];
    const count = i32[n + N_COUNT];
    if (count === 0) { bad = -1; return; }
    if (n << 2 === root) {
      if (shift > IDR_MAX_SHIFT || shift % 6 !== 0 || i32[n + N_PARENT] !== 0) { bad = -2; return; }
      if (shift !== 0 && count === 1 && i32[n + N_SLOTS] !== 0) { bad = -3; return; }
    }
    if (shift === 0) {
      if (popcnt(~i32[n + N_FREE]) + popcnt(~i32[n + N_FREE + 1]) !== count) bad = -4;
      return;
    }
    let c = 0;
    for (let o = 0; o < 64; o++) {
      const ch = i32[n + N_SLOTS + o];
      let want: boolean;
      if (ch !== 0) {
        c++;
        const cn = ch >> 2;
        if (i32[cn + N_PARENT] !== n << 2 || i32[cn + N_OFFSET] !== o || i32[cn + N_SHIFT] + 6 !== shift) { bad = -5; return; }
        want = i32[cn + N_FREE] !== 0 || i32[cn + N_FREE + 1] !== 0;
      } else {
        want = true;
      }
      if (want !== bitSet(i32, n, o)) { bad = -6; return; }
    }
    if (c !== count) bad = -7;
  });
  if (bad !== 0) return bad;
  if (nodes !== i32[(ns + NS_NR_PAGES) >> 2]) return -1000;
  return 0;
}

export function idr_free_all(m: CoreMemory, ns: number): void {
  const i32 = m.i32;
  let node = i32[(ns + NS_ALLOC) >> 2];
  while (node !== 0) {
    const n = node >> 2;
    const shift = i32[n + N_SHIFT];
    let child = 0;
    if (shift !== 0) {
      for (let o = 0; o < 64 && child === 0; o++) {
        child = i32[n + N_SLOTS + o];
        if (child !== 0) i32[n + N_SLOTS + o] = 0;
      }
    }
    if (child !== 0) { node = child; continue; }
    const parent = i32[n + N_PARENT];
    mem_free(m, node, nodeBytes(shift));
    node = parent;
  }
  i32[(ns + NS_ALLOC) >> 2] = 0;
}
