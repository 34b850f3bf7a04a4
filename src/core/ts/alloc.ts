/**
 * TS twin of assembly/alloc.ts: the number-allocator dispatch. The kind is
 * fixed per core (CoreMemory.allocKind, set once by createTsCore), and the
 * pidmap paths are the untouched functions of pidmap.ts, so the default
 * pays one predictable comparison per call. Every allocator answers
 * search(ns, begin, end) = first free number in [begin, end) or -1, and
 * alloc_cyclic is 6.18's idr_alloc_cyclic on top of it
 * (docs/core-algorithms.md), so the numbering is the same for all kinds.
 */
import { NS_CURSOR, NS_NR_PAGES, PAGE_BYTES, RESERVED_PIDS } from '../layout.js';
import type { AllocatorName } from '../types.js';
import { hbm_busy, hbm_bytes, hbm_check, hbm_checksum, hbm_free_all, hbm_init, HBM_LEAF_BYTES, hbm_release, hbm_search, hbm_take } from './hbm.js';
import { idr_busy, idr_bytes, idr_check, idr_checksum, idr_free_all, idr_init, idr_release, idr_search, idr_take, IDR_LEAF_BYTES, IDR_NODE_BYTES, IDR_TAKE_WORST_NODES } from './idr.js';
import { need_add, type CoreMemory } from './memory.js';
import * as pidmap from './pidmap.js';

export const ALLOC_PIDMAP = 0;
export const ALLOC_IDR = 1;
export const ALLOC_HBM = 2;
/** Kind numbers in the order of ALLOCATOR_NAMES (types.ts) — the same numbers the WASM core's set_allocator takes. */
export const ALLOC_KIND: Readonly<Record<AllocatorName, number>> = { pidmap: ALLOC_PIDMAP, idr: ALLOC_IDR, hbm: ALLOC_HBM };

/** Blocks one take may allocate (for the quick reservation check). */
export function take_objects(m: CoreMemory): number {
  return m.allocKind === ALLOC_IDR ? IDR_TAKE_WORST_NODES + 1 : 1;
}
/** Adds the blocks `n` takes may allocate to the reservation's worst case (memory.ts need_add). */
export function need_takes(m: CoreMemory, n: number): void {
  if (m.allocKind === ALLOC_PIDMAP) need_add(m, PAGE_BYTES, n);
  else if (m.allocKind === ALLOC_HBM) need_add(m, HBM_LEAF_BYTES, n);
  else {
    // a leaf root grown to shift 18 by three new roots, then two inner nodes and a leaf
    need_add(m, IDR_NODE_BYTES, IDR_TAKE_WORST_NODES * n);
    need_add(m, IDR_LEAF_BYTES, n);
  }
}
/** Adds the blocks alloc_ns_init may allocate (create_pid_namespace's worst case, beyond NS_SIZE). */
export function need_init(m: CoreMemory): void {
  if (m.allocKind === ALLOC_PIDMAP) need_add(m, PAGE_BYTES, 1);
  else if (m.allocKind === ALLOC_HBM) need_add(m, HBM_LEAF_BYTES, 1);
}
export function alloc_ns_init(m: CoreMemory, ns: number): void {
  if (m.allocKind === ALLOC_PIDMAP) pidmap.pidmap_init(m, ns);
  else if (m.allocKind === ALLOC_HBM) hbm_init(m, ns);
  else idr_init(m, ns);
}
export function alloc_ns_free(m: CoreMemory, ns: number): void {
  if (m.allocKind === ALLOC_PIDMAP) pidmap.pidmap_free_all(m, ns);
  else if (m.allocKind === ALLOC_HBM) hbm_free_all(m, ns);
  else idr_free_all(m, ns);
}
export function alloc_take(m: CoreMemory, ns: number, nr: number): void {
  if (m.allocKind === ALLOC_PIDMAP) pidmap.pidmap_take(m, ns, nr);
  else if (m.allocKind === ALLOC_HBM) hbm_take(m, ns, nr);
  else idr_take(m, ns, nr);
}
export function alloc_release(m: CoreMemory, ns: number, nr: number): void {
  if (m.allocKind === ALLOC_PIDMAP) pidmap.pidmap_release(m, ns, nr);
  else if (m.allocKind === ALLOC_HBM) hbm_release(m, ns, nr);
  else idr_release(m, ns, nr);
}
export function alloc_busy(m: CoreMemory, ns: number, nr: number): boolean {
  if (m.allocKind === ALLOC_PIDMAP) return pidmap.pidmap_busy(m, ns, nr);
  if (m.allocKind === ALLOC_HBM) return hbm_busy(m, ns, nr);
  return idr_busy(m, ns, nr);
}
export function alloc_search(m: CoreMemory, ns: number, begin: number, end: number): number {
  if (m.allocKind === ALLOC_PIDMAP) return pidmap.pidmap_search(m, ns, begin, end);
  if (m.allocKind === ALLOC_HBM) return hbm_search(m, ns, begin, end);
  return idr_search(m, ns, begin, end);
}
/** alloc_cyclic (6.18 idr_alloc_cyclic, see pidmap.ts): -1 when full. */
export function alloc_cyclic(m: CoreMemory, ns: number, pidMax: number): number {
  if (m.allocKind === ALLOC_PIDMAP) return pidmap.alloc_cyclic(m, ns, pidMax);
  const cursor = m.i32[(ns + NS_CURSOR) >> 2];
  const lo = cursor > RESERVED_PIDS ? RESERVED_PIDS : 1;
  const begin = cursor > lo ? cursor : lo;
  const hb = m.allocKind === ALLOC_HBM;
  let nr = -1;
  if (begin < pidMax) nr = hb ? hbm_search(m, ns, begin, pidMax) : idr_search(m, ns, begin, pidMax);
  if (nr < 0 && begin > lo) nr = hb ? hbm_search(m, ns, lo, pidMax) : idr_search(m, ns, lo, pidMax);
  if (nr < 0) return -1;
  if (hb) hbm_take(m, ns, nr);
  else idr_take(m, ns, nr);
  m.i32[(ns + NS_CURSOR) >> 2] = nr + 1;
  return nr;
}
export function alloc_bytes(m: CoreMemory, ns: number): number {
  if (m.allocKind === ALLOC_PIDMAP) return m.i32[(ns + NS_NR_PAGES) >> 2] * PAGE_BYTES;
  if (m.allocKind === ALLOC_HBM) return hbm_bytes(m, ns);
  return idr_bytes(m, ns);
}
export function alloc_checksum(m: CoreMemory, ns: number): number {
  if (m.allocKind === ALLOC_PIDMAP) return pidmap.pidmap_checksum(m, ns);
  if (m.allocKind === ALLOC_HBM) return hbm_checksum(m, ns);
  return idr_checksum(m, ns);
}
export function alloc_check(m: CoreMemory, ns: number): number {
  if (m.allocKind === ALLOC_PIDMAP) return pidmap.pidmap_check(m, ns);
  if (m.allocKind === ALLOC_HBM) return hbm_check(m, ns);
  return idr_check(m, ns);
}
