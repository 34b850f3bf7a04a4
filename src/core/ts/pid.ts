/**
 * struct pid (include/linux/pid.h) and its allocator: alloc_pid, free_pid,
 * get_pid / put_pid and pid_nr_ns of kernel/pid.c, Linux 6.18 numbering
 * (docs/core-algorithms.md, kernel-semantics.md §3.2 and §3.5).
 *
 * A struct pid is `PID_HEADER + UPID_SIZE * (level + 1)` bytes with
 * numbers[0] the root namespace's number and numbers[level] the number in the
 * namespace it was allocated in; objects of one level share a free list
 * (the kernel's per-level pid_cachep).
 *
 * Deliberately left out: the set_tid capability check (-EPERM, the kernel
 * model checks capabilities), pidfs / proc mounting, the wakeups of
 * child_reaper in free_pid.
 */
import { EAGAIN, EEXIST, EINVAL, ENOMEM } from '../errno.js';
import {
  NS_FLAG_HAS_REAPER,
  NS_FLAGS,
  NS_LEVEL,
  NS_PARENT,
  NS_PID_ALLOCATED,
  NS_PID_MAX,
  PID_COUNT,
  PID_HEADER,
  PID_LEVEL,
  PID_TASK,
  PIDNS_ADDING,
  STAT_ALLOCS,
  STAT_FREES,
  UPID_NR,
  UPID_NS,
  UPID_SIZE,
  NS_CURSOR,
} from '../layout.js';
import { find_pid_ns, lookup_set, LOOKUP_CHUNK_BLOCK, LOOKUP_DIR_BLOCK, LOOKUP_ROOT_BYTES } from './lookup.js';
import { CoreMemory, mem_alloc, mem_free, mem_reserve_need, mem_reserve_quick, need_add, need_begin, SET_TID_PTR, STATS_PTR } from './memory.js';
import { get_pid_ns, put_pid_ns } from './namespace.js';
import { alloc_busy, alloc_cyclic, alloc_release, alloc_take, need_takes, take_objects } from './alloc.js';

const STATS = STATS_PTR >> 3;
const ADDING = PIDNS_ADDING | 0;

function pid_size(level: number): number {
  return PID_HEADER + UPID_SIZE * (level + 1);
}

/**
 * alloc_pid (kernel/pid.c, 6.18): deepest level first; set_tid[0] is the
 * deepest level's wish. Returns the pid handle or a negative errno; one
 * unwind path (kernel label out_free) gives back the numbers taken so far.
 */
export function alloc_pid(m: CoreMemory, ns: number, setTidSize: number): number {
  const level = m.i32[(ns + NS_LEVEL) >> 2];
  // set_tid_size is a size_t in the kernel: a negative i32 is huge.
  let setTidLeft = setTidSize >>> 0;
  if (setTidLeft > level + 1) return -EINVAL;
  const size = pid_size(level);
  // Worst case: the object, and at every level a take and a new lookup root,
  // dir and chunk (stated per size only when the quick check fails).
  if (!mem_reserve_quick(m, 1 + (level + 1) * (take_objects(m) + 3))) {
    need_begin(m);
    need_add(m, size, 1);
    need_takes(m, level + 1);
    need_add(m, LOOKUP_ROOT_BYTES, level + 1);
    need_add(m, LOOKUP_DIR_BLOCK, level + 1);
    need_add(m, LOOKUP_CHUNK_BLOCK, level + 1);
    if (!mem_reserve_need(m)) return -ENOMEM;
  }

  const pid = mem_alloc(m, size);
  const i32 = m.i32; // no growth after the reservation: the view stays valid
  const p = pid >> 2;
  i32[p + (PID_COUNT >> 2)] = 1;
  i32[p + (PID_LEVEL >> 2)] = level;
  i32[p + (PID_TASK >> 2)] = 0;

  const setTid = SET_TID_PTR >> 2;
  let err = 0;
  let i = level;
  let tmp = ns;
  for (; i >= 0; i--) {
    const pidmax = i32[(tmp + NS_PID_MAX) >> 2];
    let tid = 0;
    if (setTidLeft > 0) {
      tid = i32[setTid + level - i];
      if (tid < 1 || tid >= pidmax) { err = -EINVAL; break; }
      // Only init (nr 1) may be placed by number into a namespace without a child reaper.
      if (tid !== 1 && (i32[(tmp + NS_FLAGS) >> 2] & NS_FLAG_HAS_REAPER) === 0) { err = -EINVAL; break; }
      setTidLeft--;
    }
    let nr: number;
    if (tid !== 0) {
      // idr_alloc(tid, tid + 1): -ENOSPC there becomes -EEXIST; the cursor does not move.
      if (alloc_busy(m, tmp, tid)) { err = -EEXIST; break; }
      alloc_take(m, tmp, tid);
      nr = tid;
    } else {
      nr = alloc_cyclic(m, tmp, pidmax);
      // fork reports pid exhaustion as EAGAIN (35f71bc0a09a), not the IDR's ENOSPC.
      if (nr < 0) { err = -EAGAIN; break; }
    }
    const u = p + ((PID_HEADER + i * UPID_SIZE) >> 2);
    i32[u + (UPID_NR >> 2)] = nr;
    i32[u + (UPID_NS >> 2)] = tmp;
    tmp = i32[(tmp + NS_PARENT) >> 2];
  }

  // Every level reserved a number; a namespace whose init died (or that never
  // got one) refuses the pid only now. ENOMEM is documented behaviour here.
  if (err === 0 && (i32[(ns + NS_PID_ALLOCATED) >> 2] & ADDING) === 0) {
    err = -ENOMEM;
    i = -1;
  }
  if (err !== 0) {
    // out_free: release levels i+1 .. level; cursors keep what alloc_cyclic did to them.
    while (++i <= level) {
      const u = p + ((PID_HEADER + i * UPID_SIZE) >> 2);
      alloc_release(m, i32[u + (UPID_NS >> 2)], i32[u + (UPID_NR >> 2)]);
    }
    // On failure to allocate the first pid, reset the state (the next try gets 1).
    if (i32[(ns + NS_PID_ALLOCATED) >> 2] === ADDING) i32[(ns + NS_CURSOR) >> 2] = 0;
    mem_free(m, pid, size);
    return err;
  }

  for (i = level; i >= 0; i--) {
    const u = p + ((PID_HEADER + i * UPID_SIZE) >> 2);
    const upidNs = i32[u + (UPID_NS >> 2)];
    lookup_set(m, upidNs, i32[u + (UPID_NR >> 2)], pid);
    m.i32[(upidNs + NS_PID_ALLOCATED) >> 2]++;
  }
  // copy_process: a thread-group leader numbered 1 becomes the child reaper.
  if (i32[p + ((PID_HEADER + level * UPID_SIZE + UPID_NR) >> 2)] === 1) {
    i32[(ns + NS_FLAGS) >> 2] |= NS_FLAG_HAS_REAPER;
  }
  get_pid_ns(m, ns);
  m.f64[STATS + STAT_ALLOCS] += 1;
  return pid;
}

/**
 * free_pid (kernel/pid.c, 6.18): unpublish and release every level's
 * number, then put_pid. A namespace whose pid_allocated drops to exactly
 * PIDNS_ADDING lost its first process without an init taking over: dead.
 */
export function free_pid(m: CoreMemory, pid: number): void {
  const i32 = m.i32;
  const p = pid >> 2;
  const level = i32[p + (PID_LEVEL >> 2)];
  for (let i = 0; i <= level; i++) {
    const u = p + ((PID_HEADER + i * UPID_SIZE) >> 2);
    const ns = i32[u + (UPID_NS >> 2)];
    const nr = i32[u + (UPID_NR >> 2)];
    const a = (ns + NS_PID_ALLOCATED) >> 2;
    if (--i32[a] === ADDING) i32[a] = 0;
    lookup_set(m, ns, nr, 0);
    alloc_release(m, ns, nr);
  }
  m.f64[STATS + STAT_FREES] += 1;
  put_pid(m, pid);
}

export function get_pid(m: CoreMemory, pid: number): void {
  m.i32[(pid + PID_COUNT) >> 2]++;
}

/** put_pid: at count 0 the object returns to its level's cache and drops its namespace reference. */
export function put_pid(m: CoreMemory, pid: number): void {
  const i32 = m.i32;
  if (--i32[(pid + PID_COUNT) >> 2] !== 0) return;
  const level = i32[(pid + PID_LEVEL) >> 2];
  const ns = i32[(pid + PID_HEADER + level * UPID_SIZE + UPID_NS) >> 2];
  mem_free(m, pid, pid_size(level));
  put_pid_ns(m, ns);
}

/** pid_nr_ns (kernel/pid.c): the number of pid in ns, 0 when ns is not one of its levels. */
export function pid_nr_ns(m: CoreMemory, pid: number, ns: number): number {
  if (pid === 0 || ns === 0) return 0;
  const i32 = m.i32;
  const nsLevel = i32[(ns + NS_LEVEL) >> 2];
  if (nsLevel > i32[(pid + PID_LEVEL) >> 2]) return 0;
  const u = (pid + PID_HEADER + nsLevel * UPID_SIZE) >> 2;
  return i32[u + (UPID_NS >> 2)] === ns ? i32[u + (UPID_NR >> 2)] : 0;
}

export { find_pid_ns };
