/**
 * One namespace's number allocator, read from the core's memory as both
 * cores lay it out (layout.ts, docs/core-algorithms.md "Allocators"):
 * - pidmap (the ≤4.14 kernel's `struct pidmap`): PIDMAP_ENTRIES entries of
 *   { page, nr_free } at NS_PIDMAP; a page is BITS_PER_PAGE bits, bit set ⇔
 *   number taken.
 * - idr (4.15+ IDR): a radix tree of 64-slot nodes at NS_ALLOC; node i32
 *   slots parent, offset, shift, count, free (u64 IDR_FREE mark: set ⇔
 *   free below), then slots[64] on inner nodes. Number 0 is never in it.
 * - hbm: leaf blocks (pointers at NS_PIDMAP + 4b) of 8 L1 u64 words then
 *   512 L0 u64 words; L2 (16 u64) and L3 (one u64) inline in the namespace.
 * Nothing is computed by calling the allocator: the tests compare these
 * readings with the core's own alloc_busy and counters.
 */
import {
  BITS_PER_PAGE,
  NS_ALLOC,
  NS_CURSOR,
  NS_NR_PAGES,
  NS_PIDMAP,
  PIDMAP_ENTRIES,
  PIDMAP_ENTRY_SIZE,
  PIDMAP_NR_FREE,
  PIDMAP_PAGE,
} from '../core/layout.js';
import type { AllocatorName, PidCore } from '../core/types.js';

/** One 32768-number stretch of the space (a pidmap page, an hbm leaf block, or that range of the IDR). */
export interface PageInfo {
  index: number;
  /** Memory exists for it (pidmap page / hbm leaf block / an IDR node covering part of it). */
  present: boolean;
  /** Free numbers in it: pidmap's stored nr_free; counted from the bits for the others. */
  nrFree: number;
}

export interface IdrNodeView {
  /** Byte offset of the node in the core's memory. */
  handle: number;
  shift: number;
  /** First number it covers and how many (64 << shift). */
  base: number;
  span: number;
  /** Inner: non-empty slots; leaf: numbers taken. */
  count: number;
  /** The IDR_FREE mark, 64 characters, bit 0 first ('1' = free below / number free). */
  free: string;
  children: { slot: number; node: IdrNodeView }[];
}

export interface HbmView {
  /** L3's 16 used bits (bit l ⇔ L2 word l full), bit 0 first. */
  l3: string;
  /** L2 words with any bit set: index and 64 bits, bit 0 first. */
  l2: { index: number; bits: string }[];
  /** Per present leaf block, its L1 words with any bit set. */
  l1: { block: number; words: { index: number; bits: string }[] }[];
}

export interface AllocatorState {
  kind: AllocatorName;
  nsHandle: number;
  cursor: number;
  /** ns_last_pid: cursor - 1 (-1 before the first cyclic allocation). */
  lastPid: number;
  pidMax: number;
  /** NS_NR_PAGES: pidmap pages / live IDR nodes / hbm leaf blocks. */
  nrPages: number;
  pages: PageInfo[];
  /** Every taken number as inclusive ranges, ascending. */
  taken: [number, number][];
  idr: IdrNodeView | null;
  hbm: HbmView | null;
}

const HBM_L2 = NS_PIDMAP + 4 * PIDMAP_ENTRIES;
const HBM_L3 = HBM_L2 + 16 * 8;
const HBM_L0_BYTE = 64;
const N_SHIFT = 2;
const N_COUNT = 3;
const N_FREE = 4;
const N_SLOTS = 6;

function bits64(u: Uint32Array, at: number, n = 64): string {
  let s = '';
  for (let i = 0; i < n; i++) s += (u[at + (i >> 5)] >>> (i & 31)) & 1;
  return s;
}

/** Is number nr taken? (reads the structures; no allocator call) */
export type BusyReader = (nr: number) => boolean;

/** A reader of one namespace's allocator bits from the current core memory. */
export function busyReader(core: PidCore, ns: number): BusyReader {
  const u = core.u32();
  if (core.allocator === 'pidmap') {
    return (nr) => {
      const page = u[(ns + NS_PIDMAP + Math.floor(nr / BITS_PER_PAGE) * PIDMAP_ENTRY_SIZE + PIDMAP_PAGE) >> 2];
      if (page === 0) return false;
      const b = nr % BITS_PER_PAGE;
      return ((u[(page >> 2) + (b >> 5)] >>> (b & 31)) & 1) === 1;
    };
  }
  if (core.allocator === 'hbm') {
    return (nr) => {
      const leaf = u[(ns + NS_PIDMAP + 4 * Math.floor(nr / BITS_PER_PAGE)) >> 2];
      if (leaf === 0) return false;
      const b = nr % BITS_PER_PAGE;
      return ((u[((leaf + HBM_L0_BYTE) >> 2) + (b >> 5)] >>> (b & 31)) & 1) === 1;
    };
  }
  return (nr) => {
    let node = u[(ns + NS_ALLOC) >> 2];
    if (node === 0) return false;
    let s = u[(node >> 2) + N_SHIFT];
    if (nr > (64 << s) - 1) return false;
    for (; s > 0; s -= 6) {
      node = u[(node >> 2) + N_SLOTS + ((nr >>> s) & 63)];
      if (node === 0) return false;
    }
    const o = nr & 63;
    return ((u[(node >> 2) + N_FREE + (o >> 5)] >>> (o & 31)) & 1) === 0;
  };
}

/** Bits [lo, lo + count) of ns's allocator: 1 = taken. */
export function readBits(core: PidCore, ns: number, lo: number, count: number): Uint8Array {
  const busy = busyReader(core, ns);
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = busy(lo + i) ? 1 : 0;
  return out;
}

function idrNode(u: Uint32Array, node: number, base: number): IdrNodeView {
  const n = node >> 2;
  const shift = u[n + N_SHIFT];
  const children: IdrNodeView['children'] = [];
  if (shift > 0) {
    for (let o = 0; o < 64; o++) {
      const c = u[n + N_SLOTS + o];
      if (c !== 0) children.push({ slot: o, node: idrNode(u, c, base + (o << shift)) });
    }
  }
  return { handle: node, shift, base, span: 64 << shift, count: u[n + N_COUNT], free: bits64(u, n + N_FREE), children };
}

/** Taken ranges of an IDR subtree (leaf bits clear = taken). */
function idrTaken(v: IdrNodeView, out: number[]): void {
  if (v.shift === 0) {
    for (let o = 0; o < 64; o++) if (v.free[o] === '0') out.push(v.base + o);
    return;
  }
  for (const c of v.children) idrTaken(c.node, out);
}

function toRanges(sorted: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && last[1] === n - 1) last[1] = n;
    else out.push([n, n]);
  }
  return out;
}

/** Set bits of a page-sized u32 bitmap at word index `w0`, offset by `base`. */
function pageTaken(u: Uint32Array, w0: number, base: number, out: number[]): number {
  let count = 0;
  for (let w = 0; w < BITS_PER_PAGE / 32; w++) {
    let x = u[w0 + w];
    while (x !== 0) {
      const b = 31 - Math.clz32(x & -x);
      out.push(base + w * 32 + b);
      x &= x - 1;
      count++;
    }
  }
  return count;
}

/** The allocator of namespace handle `ns`, as plain data. */
export function allocatorState(core: PidCore, ns: number): AllocatorState {
  const u = core.u32();
  const taken: number[] = [];
  const pages: PageInfo[] = [];
  let idr: IdrNodeView | null = null;
  let hbm: HbmView | null = null;
  if (core.allocator === 'pidmap') {
    for (let i = 0; i < PIDMAP_ENTRIES; i++) {
      const e = (ns + NS_PIDMAP + i * PIDMAP_ENTRY_SIZE) >> 2;
      const page = u[e + (PIDMAP_PAGE >> 2)];
      const nrFree = u[e + (PIDMAP_NR_FREE >> 2)];
      if (page !== 0) pageTaken(u, page >> 2, i * BITS_PER_PAGE, taken);
      if (page !== 0 || nrFree !== BITS_PER_PAGE) pages.push({ index: i, present: page !== 0, nrFree });
    }
  } else if (core.allocator === 'hbm') {
    const l1: HbmView['l1'] = [];
    for (let i = 0; i < PIDMAP_ENTRIES; i++) {
      const leaf = u[(ns + NS_PIDMAP + 4 * i) >> 2];
      if (leaf === 0) continue;
      const n = pageTaken(u, (leaf + HBM_L0_BYTE) >> 2, i * BITS_PER_PAGE, taken);
      pages.push({ index: i, present: true, nrFree: BITS_PER_PAGE - n });
      const words = [];
      for (let w = 0; w < 8; w++) {
        const bits = bits64(u, (leaf >> 2) + 2 * w);
        if (bits.includes('1')) words.push({ index: i * 8 + w, bits });
      }
      l1.push({ block: i, words });
    }
    const l2 = [];
    for (let w = 0; w < 16; w++) {
      const bits = bits64(u, ((ns + HBM_L2) >> 2) + 2 * w);
      if (bits.includes('1')) l2.push({ index: w, bits });
    }
    hbm = { l3: bits64(u, (ns + HBM_L3) >> 2, 16), l2, l1 };
  } else {
    const root = u[(ns + NS_ALLOC) >> 2];
    if (root !== 0) {
      idr = idrNode(u, root, 0);
      idrTaken(idr, taken);
    }
    const perPage = new Map<number, number>();
    for (const n of taken) perPage.set(Math.floor(n / BITS_PER_PAGE), (perPage.get(Math.floor(n / BITS_PER_PAGE)) ?? 0) + 1);
    for (const [index, n] of [...perPage].sort((a, b) => a[0] - b[0])) pages.push({ index, present: true, nrFree: BITS_PER_PAGE - n });
  }
  return {
    kind: core.allocator,
    nsHandle: ns,
    cursor: u[(ns + NS_CURSOR) >> 2],
    lastPid: core.ns_last_pid(ns),
    pidMax: core.pid_max(ns),
    nrPages: u[(ns + NS_NR_PAGES) >> 2],
    pages,
    taken: toRanges(taken),
    idr,
    hbm,
  };
}

/** Expand ranges into the numbers (for small states and tests). */
export function rangeNumbers(ranges: readonly [number, number][]): number[] {
  const out: number[] = [];
  for (const [a, b] of ranges) for (let n = a; n <= b; n++) out.push(n);
  return out;
}

/** "0-4, 7" */
export function formatRanges(ranges: readonly [number, number][]): string {
  return ranges.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join(', ');
}
