/**
 * The WASM core's exports: every PidCore method (src/core/types.ts) under the
 * same name, taking and returning i32 only (handles are byte offsets > 0,
 * errors negative errno), the static-buffer pointers, and the layout
 * constants as WebAssembly globals (checked against src/core/layout.ts by
 * test/wasm-core.test.ts).
 *
 * Nothing here allocates a managed object: the build links `--runtime stub`
 * and all state lives in linear memory managed by memory.ts.
 */
import * as ns_ from "./namespace";
import * as pid_ from "./pid";
import * as pidmap_ from "./pidmap";
import * as alloc_ from "./alloc";
import { STATS, SET_TID, BATCH, heap_top as heapTop_, free_frames as freeFrames_, slab_free_objects as slabFreeObjects_ } from "./memory";
import { PID_MAX_LIMIT } from "./layout";
import { lookup_chunks_made as lookupChunksMade_ } from "./lookup";

export * from "./layout";

// ── static buffers ───────────────────────────────────────────────────────────
export function stats_ptr(): i32 { return <i32>STATS; }
export function set_tid_ptr(): i32 { return <i32>SET_TID; }
export function batch_ptr(): i32 { return <i32>BATCH; }
/** End of the bump region (diagnostics). */
export function heap_top(): i32 { return <i32>heapTop_(); }
/** Frames on the core allocator's frame free list (tests and diagnostics). */
export function free_frames(): i32 { return <i32>freeFrames_(); }
/** Free objects on the partial slabs of one size (tests and diagnostics). */
export function slab_free_objects(size: i32): i32 { return <i32>slabFreeObjects_(<usize>size); }
/** Lookup chunks allocated since start (a work counter for tests and diagnostics). */
export function lookup_chunks_made(): i32 { return <i32>lookupChunksMade_(); }
/** 1 in the SIMD build, else 0. */
export function simd_enabled(): i32 { return ASC_FEATURE_SIMD ? 1 : 0; }
/** 1 in the debug build (invariants asserted), else 0. */
export function debug_enabled(): i32 { return DEBUG ? 1 : 0; }

// ── namespaces ───────────────────────────────────────────────────────────────
export function create_pid_namespace(parent: i32): i32 { return ns_.create_pid_namespace(<usize>parent); }
export function get_pid_ns(ns: i32): void { ns_.get_pid_ns(<usize>ns); }
export function put_pid_ns(ns: i32): void { ns_.put_pid_ns(<usize>ns); }
export function disable_pid_allocation(ns: i32): void { ns_.disable_pid_allocation(<usize>ns); }
export function ns_last_pid(ns: i32): i32 { return ns_.ns_last_pid(<usize>ns); }
export function set_ns_last_pid(ns: i32, v: i32): i32 { return ns_.set_ns_last_pid(<usize>ns, v); }
export function pid_max(ns: i32): i32 { return ns_.pid_max(<usize>ns); }
export function set_pid_max(ns: i32, v: i32): i32 { return ns_.set_pid_max(<usize>ns, v); }

// ── pids ─────────────────────────────────────────────────────────────────────
export function alloc_pid(ns: i32, setTidSize: i32): i32 { return pid_.alloc_pid(<usize>ns, setTidSize); }
export function alloc_pid_batch(ns: i32, n: i32): i32 { return pid_.alloc_pid_batch(<usize>ns, n); }
export function free_pid(pid: i32): void { pid_.free_pid(<usize>pid); }
export function free_pid_batch(n: i32): void { pid_.free_pid_batch(n); }
export function get_pid(pid: i32): void { pid_.get_pid(<usize>pid); }
export function put_pid(pid: i32): void { pid_.put_pid(<usize>pid); }
export function find_pid_ns(nr: i32, ns: i32): i32 { return pid_.find_pid_ns(nr, <usize>ns); }
export function pid_nr_ns(pid: i32, ns: i32): i32 { return pid_.pid_nr_ns(<usize>pid, <usize>ns); }

// ── test hooks (not part of PidCore) ─────────────────────────────────────────

/** pidmap search on [begin, end) of `ns` without taking (counters are updated); -1 if none. */
export function pidmap_search(ns: i32, begin: i32, end: i32): i32 {
  if (begin < 0 || end <= begin || alloc_.allocKind != alloc_.ALLOC_PIDMAP) return -1;
  return pidmap_.pidmap_search(<usize>ns, <u32>begin, <u32>end);
}

/** Consistency check of a pidmap namespace's bitmap (pidmap.ts pidmap_check): 0 or a negative code. */
export function check_pidmap(ns: i32): i32 { return pidmap_.pidmap_check(<usize>ns); }

// ── allocator lab (alloc.ts) ─────────────────────────────────────────────────

/** Chooses the number allocator (0 pidmap, 1 idr, 2 hbm) before the first namespace; 0 or -EINVAL. */
export function set_allocator(kind: i32): i32 { return alloc_.set_allocator(kind); }
/** The allocator kind in use. */
export function allocator_kind(): i32 { return alloc_.allocKind; }
/** Test hook: busy(ns, nr) of the core's allocator (1/0); nr outside [0, PID_MAX_LIMIT) → 0. */
export function alloc_busy(ns: i32, nr: i32): i32 {
  if (nr < 0 || nr >= PID_MAX_LIMIT) return 0;
  return alloc_.alloc_busy(<usize>ns, <u32>nr) ? 1 : 0;
}
/** Test hook: the allocator's search on [begin, end) without taking (counters are updated); -1 if none. */
export function alloc_search(ns: i32, begin: i32, end: i32): i32 {
  if (begin < 0 || end <= begin || end > PID_MAX_LIMIT) return -1;
  return alloc_.alloc_search(<usize>ns, <u32>begin, <u32>end);
}
/** Structural checksum of ns's allocator state (no addresses): equal in the TS twin after the same operations. */
export function allocator_checksum(ns: i32): i32 { return <i32>alloc_.alloc_checksum(<usize>ns); }
/** Bytes of ns's allocator structures outside the namespace object. */
export function allocator_bytes(ns: i32): i32 { return <i32>alloc_.alloc_bytes(<usize>ns); }
/** Internal consistency of ns's allocator state: 0 or a negative code. */
export function check_allocator(ns: i32): i32 { return alloc_.alloc_check(<usize>ns); }
export * from "./errno";
