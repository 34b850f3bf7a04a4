/**
 * struct pid: alloc_pid, free_pid, get_pid/put_pid, find_pid_ns, pid_nr_ns
 * (kernel/pid.c, Linux 6.18). docs/core-algorithms.md fixes each step.
 *
 * Invariants of a published struct pid (layout.ts has the diagram):
 * - count >= 1; level = numbers[level].ns.level;
 * - numbers[i].ns is the level-i ancestor of numbers[level].ns, and
 *   numbers[i].nr is taken in its bitmap and published in its lookup table;
 * - it holds one reference on numbers[level].ns.
 * Deliberate difference: `task` is one u32 the embedder owns, standing for
 * the kernel's tasks[PIDTYPE_MAX] hlists.
 */
import {
  PID_COUNT, PID_LEVEL, PID_TASK, PID_HEADER, UPID_NR, UPID_NS, UPID_SIZE,
  NS_LEVEL, NS_PARENT, NS_CURSOR, NS_PID_MAX, NS_PID_ALLOCATED, NS_FLAGS, NS_FLAG_HAS_REAPER,
  PIDNS_ADDING, PID_MAX_LIMIT, LOOKUP_ROOT_BYTES,
  STAT_ALLOCS, STAT_FREES, STAT_BATCH_ERROR, BATCH_MAX, SET_TID_MAX,
} from "./layout";
import { EINVAL, EEXIST, EAGAIN, ENOMEM } from "./errno";
import { need_begin, need_add, reserve_need, reserve_quick, alloc_block_raw, free_block, stat_add, stat_set, SET_TID, BATCH } from "./memory";
import { alloc_take, alloc_release, alloc_busy, alloc_cyclic, need_takes, take_objects } from "./alloc";
import { lookup_set, lookup_clear, lookup_get, LOOKUP_DIR_BLOCK, LOOKUP_CHUNK_BLOCK } from "./lookup";
import { get_pid_ns, put_pid_ns, ns_is_live } from "./namespace";
import { is_heap_object } from "./memory";

const UPID_SHIFT: i32 = 3; // log2(UPID_SIZE); a upid is copied as one u64
/** The (pad) word of the struct pid header (layout.ts diagram). */
const PID_PAD: i32 = 12;
const I32_SHIFT: i32 = 2;
/** numbers[0..level] of the struct pid alloc_pid is building. */
const UPIDS: usize = memory.data(SET_TID_MAX * UPID_SIZE, 16);

// ── accessors ────────────────────────────────────────────────────────────────

/** Object size of a struct pid of `level`: its level's pid_cachep size. */
// @ts-ignore: decorator
@inline export function pid_size(level: u32): usize {
  return <usize>PID_HEADER + (<usize>(level + 1) << UPID_SHIFT);
}
// @ts-ignore: decorator
@inline function upid(pid: usize, i: u32): usize {
  return pid + PID_HEADER + (<usize>i << UPID_SHIFT);
}
/** numbers[i] of the struct pid being built (UPIDS scratch). */
// @ts-ignore: decorator
@inline function scratch_upid(i: u32): usize {
  return UPIDS + (<usize>i << UPID_SHIFT);
}
// @ts-ignore: decorator
@inline function upid_nr(pid: usize, i: u32): u32 {
  return load<u32>(upid(pid, i), UPID_NR);
}
// @ts-ignore: decorator
@inline function upid_ns(pid: usize, i: u32): usize {
  return <usize>load<u32>(upid(pid, i), UPID_NS);
}

// ── alloc_pid ────────────────────────────────────────────────────────────────

/**
 * alloc_pid (kernel/pid.c, 6.18) in `ns` with the first `setTidSize` entries
 * of the set_tid scratch (index 0 = deepest level). Takes a number at every
 * level from ns.level up to 0, then publishes all of them, or undoes the
 * levels already taken and returns the error. Capability checks on set_tid
 * (-EPERM) are the kernel model's; the pids cgroup and proc mount are not
 * modelled.
 */
export function alloc_pid(ns: usize, setTidSize: i32): i32 {
  if (DEBUG) assert(ns_is_live(ns), "alloc_pid: not a live namespace");
  let level = load<u32>(ns, NS_LEVEL);
  // -EINVAL before anything: clone3 gave more set_tid entries than levels.
  if (setTidSize < 0 || setTidSize > <i32>level + 1) return -EINVAL;
  let size = pid_size(level);
  // Worst case: the object, and at every level a take and a new lookup root,
  // dir and chunk (stated per size only when the quick check fails).
  if (!reserve_quick(1 + (level + 1) * (take_objects() + 3))) {
    need_begin();
    need_add(size, 1);
    need_takes(level + 1);
    need_add(<usize>LOOKUP_ROOT_BYTES, level + 1);
    need_add(<usize>LOOKUP_DIR_BLOCK, level + 1);
    need_add(<usize>LOOKUP_CHUNK_BLOCK, level + 1);
    if (!reserve_need()) return -ENOMEM;
  }

  // numbers[] are gathered in the UPIDS scratch and the struct pid is made
  // only once every level succeeded, so a failed call leaves the object
  // allocator untouched (the kernel frees its kmem_cache object instead; the
  // handle the next success gets is the same either way).
  let tmp = ns;
  let i = <i32>level;
  let err: i32 = 0;
  for (; i >= 0; i--) {
    let pidmax = load<u32>(tmp, NS_PID_MAX);
    let tid: i32 = 0;
    if (setTidSize > 0) {
      tid = load<i32>(SET_TID + (<usize>(<i32>level - i) << I32_SHIFT));
      if (tid < 1 || <u32>tid >= pidmax) { err = -EINVAL; break; }
      // Only an init (pid 1) may be placed in a namespace that has no reaper yet.
      if (tid != 1 && !(load<u32>(tmp, NS_FLAGS) & NS_FLAG_HAS_REAPER)) { err = -EINVAL; break; }
      setTidSize--;
    }
    let nr: i32;
    if (tid != 0) {
      // idr_alloc(tid, tid + 1): -ENOSPC there is -EEXIST here; the cursor does not move.
      if (alloc_busy(tmp, <u32>tid)) { err = -EEXIST; break; }
      alloc_take(tmp, <u32>tid);
      nr = tid;
    } else {
      nr = alloc_cyclic(tmp, pidmax);
      if (nr < 0) { err = -EAGAIN; break; } // idr -ENOSPC → -EAGAIN (35f71bc0a09a)
    }
    let u = scratch_upid(<u32>i);
    store<u32>(u, <u32>nr, UPID_NR);
    store<u32>(u, <u32>tmp, UPID_NS);
    tmp = <usize>load<u32>(tmp, NS_PARENT);
  }
  // ENOMEM is the documented answer for a namespace whose init has exited
  // (or that disable_pid_allocation closed); it comes only after every
  // level took a number, so every cursor has moved.
  if (!err && !(load<u32>(ns, NS_PID_ALLOCATED) & PIDNS_ADDING)) err = -ENOMEM;

  if (err) {
    // Give back the numbers of levels i+1 .. level (all of them for -ENOMEM,
    // where i = -1); the cursors they moved stay moved. The scratch is
    // zeroed too (it is all zeros between calls), so a failed call leaves
    // no trace in memory but the cursors, counters and lazily made pages.
    for (let j = i + 1; j <= <i32>level; j++) {
      let u = scratch_upid(<u32>j);
      alloc_release(<usize>load<u32>(u, UPID_NS), load<u32>(u, UPID_NR));
      store<u64>(u, 0);
    }
    // A namespace that never had a pid restarts at 1 (idr_set_cursor(&ns->idr, 0)).
    if (load<u32>(ns, NS_PID_ALLOCATED) == PIDNS_ADDING) store<u32>(ns, 0, NS_CURSOR);
    return err;
  }

  // Every word of the object is written below (the pad word too), which is
  // the zero-fill the allocator would otherwise do.
  let pid = alloc_block_raw(size);
  store<u32>(pid, 1, PID_COUNT);
  store<u32>(pid, level, PID_LEVEL);
  store<u32>(pid, 0, PID_TASK);
  store<u32>(pid, 0, PID_PAD);
  for (let j: u32 = 0; j <= level; j++) {
    let u = scratch_upid(j);
    store<u64>(upid(pid, j), load<u64>(u));
    store<u64>(u, 0);
  }

  for (let j = <i32>level; j >= 0; j--) {
    let upns = upid_ns(pid, <u32>j);
    lookup_set(upns, upid_nr(pid, <u32>j), pid);
    store<u32>(upns, load<u32>(upns, NS_PID_ALLOCATED) + 1, NS_PID_ALLOCATED);
  }
  // copy_process: is_child_reaper(pid) → ns->child_reaper = p.
  if (upid_nr(pid, level) == 1) store<u32>(ns, load<u32>(ns, NS_FLAGS) | NS_FLAG_HAS_REAPER, NS_FLAGS);
  get_pid_ns(ns);
  stat_add(STAT_ALLOCS, 1);
  return <i32>pid;
}

/**
 * Up to `n` alloc_pid(ns, 0) in one call, handles to the batch buffer. Each
 * iteration reserves for itself, so -ENOMEM stops the batch with the pids
 * already made kept. Returns how many succeeded; STAT_BATCH_ERROR = the
 * errno that stopped it, else 0. `n` is clamped to [0, BATCH_MAX].
 */
export function alloc_pid_batch(ns: usize, n: i32): i32 {
  if (n > BATCH_MAX) n = BATCH_MAX;
  stat_set(STAT_BATCH_ERROR, 0);
  let k: i32 = 0;
  for (; k < n; k++) {
    let r = alloc_pid(ns, 0);
    if (r < 0) {
      stat_set(STAT_BATCH_ERROR, <f64>r);
      break;
    }
    store<u32>(BATCH + (<usize>k << I32_SHIFT), <u32>r);
  }
  return k;
}

// ── free_pid / references ────────────────────────────────────────────────────

/**
 * free_pid (kernel/pid.c): unpublish and release the number at every level
 * (pid_allocated--; a namespace left at exactly PIDNS_ADDING — its first pid
 * died — becomes dead, as 6.18 does), then put_pid. The reaper wake-up of
 * the kernel is the kernel model's business.
 */
export function free_pid(pid: usize): void {
  if (DEBUG) assert(is_heap_object(pid) && load<u32>(pid, PID_COUNT) > 0, "free_pid: not a live pid");
  let level = load<u32>(pid, PID_LEVEL);
  for (let i: u32 = 0; i <= level; i++) {
    let ns = upid_ns(pid, i);
    let nr = upid_nr(pid, i);
    if (DEBUG) assert((load<u32>(ns, NS_PID_ALLOCATED) & ~PIDNS_ADDING) != 0, "free_pid: pid_allocated underflow");
    let allocated = load<u32>(ns, NS_PID_ALLOCATED) - 1;
    if (allocated == PIDNS_ADDING) allocated = 0;
    store<u32>(ns, allocated, NS_PID_ALLOCATED);
    if (DEBUG) assert(lookup_get(ns, nr) == pid, "free_pid: number not published for this pid");
    lookup_clear(ns, nr);
    alloc_release(ns, nr);
  }
  stat_add(STAT_FREES, 1);
  put_pid(pid);
}

/** free_pid for the first `n` handles of the batch buffer. */
export function free_pid_batch(n: i32): void {
  if (n > BATCH_MAX) n = BATCH_MAX;
  for (let k: i32 = 0; k < n; k++) free_pid(<usize>load<u32>(BATCH + (<usize>k << I32_SHIFT)));
}

/** get_pid: take a reference on the struct pid. */
export function get_pid(pid: usize): void {
  if (DEBUG) assert(load<u32>(pid, PID_COUNT) > 0, "get_pid: freed pid");
  store<u32>(pid, load<u32>(pid, PID_COUNT) + 1, PID_COUNT);
}

/**
 * put_pid: drop a reference; at zero the object returns to its level's
 * pid_cachep (free list) and its namespace reference is dropped.
 */
export function put_pid(pid: usize): void {
  let count = load<u32>(pid, PID_COUNT);
  if (DEBUG) assert(count > 0, "put_pid: count underflow");
  store<u32>(pid, count - 1, PID_COUNT);
  if (count != 1) return;
  let level = load<u32>(pid, PID_LEVEL);
  let ns = upid_ns(pid, level);
  free_block(pid, pid_size(level));
  put_pid_ns(ns);
}

// ── lookups ──────────────────────────────────────────────────────────────────

/** find_pid_ns: the published pid with number `nr` in `ns`, else 0. */
export function find_pid_ns(nr: i32, ns: usize): i32 {
  if (nr < 1 || nr >= PID_MAX_LIMIT || !ns) return 0;
  return <i32>lookup_get(ns, <u32>nr);
}

/** pid_nr_ns: the number of `pid` in `ns`, 0 when it has none there (or either handle is 0). */
export function pid_nr_ns(pid: usize, ns: usize): i32 {
  if (!pid || !ns) return 0;
  let nsLevel = load<u32>(ns, NS_LEVEL);
  if (nsLevel > load<u32>(pid, PID_LEVEL)) return 0;
  let u = upid(pid, nsLevel);
  if (<usize>load<u32>(u, UPID_NS) != ns) return 0;
  return <i32>load<u32>(u, UPID_NR);
}
