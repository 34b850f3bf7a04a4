/**
 * Number-allocator dispatch: one allocator per core instance, chosen once
 * (set_allocator, called by the loader right after instantiation, before the
 * first namespace exists) and read from one global at the four entry points
 * take / release / busy / alloc_cyclic and at namespace create / free.
 *
 * Why a core-global and not a per-namespace kind or one build per
 * allocator: the choice is per core (CoreOptions.allocator), so a global
 * is the whole truth; the pidmap test is `global.get; br_if` on a value that
 * never changes, which the branch predictor makes free (measured on the
 * SIMD build, best of 30 interleaved rounds of 100k ops, before → after this
 * dispatch: sparse alloc+free 49.8 → 49.1 ns, depth-4 walk 208 → 190 ns,
 * i.e. within noise), while separate builds would triple the three
 * builds and the loaders' module caches. The pidmap paths are the untouched
 * functions of pidmap.ts (alloc_cyclic included), so the default costs one
 * predictable branch per call.
 *
 * Kinds: ALLOC_PIDMAP (0, pidmap.ts), ALLOC_IDR (1, idr.ts), ALLOC_HBM (2,
 * hbm.ts) — the order of ALLOCATOR_NAMES in src/core/types.ts.
 *
 * Every allocator answers the same question the same way: search(ns, begin,
 * end) = the first free number in [begin, end) or -1; alloc_cyclic below is
 * 6.18's idr_alloc_cyclic wrap on top of it (docs/core-algorithms.md), so the
 * numbering is identical; only the structures and work counters differ.
 */
import { NS_CURSOR, RESERVED_PIDS, PAGE_BYTES, NS_NR_PAGES } from "./layout";
import { EAGAIN, EINVAL } from "./errno";
import * as pidmap from "./pidmap";
import { need_add } from "./memory";
import * as idr from "./idr";
import * as hbm from "./hbm";

export const ALLOC_PIDMAP: i32 = 0;
export const ALLOC_IDR: i32 = 1;
export const ALLOC_HBM: i32 = 2;
const ALLOC_KINDS: i32 = 3;

/** The core's allocator kind (fixed once a namespace exists). */
export let allocKind: i32 = ALLOC_PIDMAP;
/** Set by the first create_pid_namespace: the kind can no longer change. */
let allocFrozen: bool = false;

/** Chooses the allocator: 0 on success, -EINVAL for an unknown kind or once a namespace was created. */
export function set_allocator(kind: i32): i32 {
  if (kind < 0 || kind >= ALLOC_KINDS) return -EINVAL;
  if (allocFrozen && kind != allocKind) return -EINVAL;
  allocKind = kind;
  return 0;
}

/** Blocks one take may allocate (for the quick reservation check). */
// @ts-ignore: decorator
@inline export function take_objects(): u32 {
  return allocKind == ALLOC_IDR ? idr.IDR_TAKE_WORST_NODES + 1 : 1;
}

/** Adds the blocks `n` takes may allocate to the reservation's worst case (memory.ts need_add). */
export function need_takes(n: u32): void {
  if (allocKind == ALLOC_PIDMAP) need_add(<usize>PAGE_BYTES, n);
  else if (allocKind == ALLOC_HBM) need_add(<usize>hbm.HBM_LEAF_BYTES, n);
  else {
    // a leaf root grown to shift 18 by three new roots, then two inner nodes and a leaf
    need_add(<usize>idr.IDR_NODE_BYTES, idr.IDR_TAKE_WORST_NODES * n);
    need_add(<usize>idr.IDR_LEAF_BYTES, n);
  }
}

/** Adds the blocks alloc_ns_init may allocate (create_pid_namespace's worst case, beyond NS_SIZE). */
export function need_init(): void {
  if (allocKind == ALLOC_PIDMAP) need_add(<usize>PAGE_BYTES, 1);
  else if (allocKind == ALLOC_HBM) need_add(<usize>hbm.HBM_LEAF_BYTES, 1);
}

/** create_pid_namespace part: the allocator's initial state (pidmap: page 0 with bit 0; hbm: block 0 with number 0; idr: empty tree). */
export function alloc_ns_init(ns: usize): void {
  allocFrozen = true;
  if (allocKind == ALLOC_PIDMAP) {
    pidmap.pidmap_init(ns);
  } else if (allocKind == ALLOC_HBM) {
    hbm.hbm_init(ns);
  } else {
    idr.idr_init(ns);
  }
}

/** put_pid_ns part: free the allocator's blocks. */
export function alloc_ns_free(ns: usize): void {
  if (allocKind == ALLOC_PIDMAP) pidmap.pidmap_free_all(ns);
  else if (allocKind == ALLOC_HBM) hbm.hbm_free_all(ns);
  else idr.idr_free_all(ns);
}

// @ts-ignore: decorator
@inline export function alloc_take(ns: usize, nr: u32): void {
  if (allocKind == ALLOC_PIDMAP) pidmap.pidmap_take(ns, nr);
  else if (allocKind == ALLOC_HBM) hbm.hbm_take(ns, nr);
  else idr.idr_take(ns, nr);
}

// @ts-ignore: decorator
@inline export function alloc_release(ns: usize, nr: u32): void {
  if (allocKind == ALLOC_PIDMAP) pidmap.pidmap_release(ns, nr);
  else if (allocKind == ALLOC_HBM) hbm.hbm_release(ns, nr);
  else idr.idr_release(ns, nr);
}

// @ts-ignore: decorator
@inline export function alloc_busy(ns: usize, nr: u32): bool {
  if (allocKind == ALLOC_PIDMAP) return pidmap.pidmap_busy(ns, nr);
  if (allocKind == ALLOC_HBM) return hbm.hbm_busy(ns, nr);
  return idr.idr_busy(ns, nr);
}

/** search(ns, begin, end) of the core's allocator. Precondition: begin < end ≤ PID_MAX_LIMIT. */
export function alloc_search(ns: usize, begin: u32, end: u32): i32 {
  if (allocKind == ALLOC_PIDMAP) return pidmap.pidmap_search(ns, begin, end);
  if (allocKind == ALLOC_HBM) return hbm.hbm_search(ns, begin, end);
  return idr.idr_search(ns, begin, end);
}

/**
 * alloc_cyclic(ns, pid_max): idr_alloc_cyclic of 6.18 (pidmap.ts has the
 * commented original, which the pidmap kind calls unchanged).
 */
export function alloc_cyclic(ns: usize, pid_max: u32): i32 {
  if (allocKind == ALLOC_PIDMAP) return pidmap.alloc_cyclic(ns, pid_max);
  let cursor = load<u32>(ns, NS_CURSOR);
  let lo: u32 = cursor > <u32>RESERVED_PIDS ? <u32>RESERVED_PIDS : 1;
  let begin = max(cursor, lo);
  let hb = allocKind == ALLOC_HBM;
  let nr: i32 = -1;
  if (begin < pid_max) nr = hb ? hbm.hbm_search(ns, begin, pid_max) : idr.idr_search(ns, begin, pid_max);
  if (nr < 0 && begin > lo) nr = hb ? hbm.hbm_search(ns, lo, pid_max) : idr.idr_search(ns, lo, pid_max);
  if (nr < 0) return -EAGAIN;
  if (hb) hbm.hbm_take(ns, <u32>nr);
  else idr.idr_take(ns, <u32>nr);
  store<u32>(ns, <u32>nr + 1, NS_CURSOR);
  return nr;
}

/** Bytes of allocator structures outside the namespace object. */
export function alloc_bytes(ns: usize): u32 {
  if (allocKind == ALLOC_PIDMAP) return load<u32>(ns, NS_NR_PAGES) * <u32>PAGE_BYTES;
  if (allocKind == ALLOC_HBM) return hbm.hbm_bytes(ns);
  return idr.idr_bytes(ns);
}

/** Structural checksum (no addresses) of the allocator state, equal in both cores. */
export function alloc_checksum(ns: usize): u32 {
  if (allocKind == ALLOC_PIDMAP) return pidmap.pidmap_checksum(ns);
  if (allocKind == ALLOC_HBM) return hbm.hbm_checksum(ns);
  return idr.idr_checksum(ns);
}

/** Internal consistency of the allocator state: 0 or a negative code. */
export function alloc_check(ns: usize): i32 {
  if (allocKind == ALLOC_PIDMAP) return pidmap.pidmap_check(ns);
  if (allocKind == ALLOC_HBM) return hbm.hbm_check(ns);
  return idr.idr_check(ns);
}
