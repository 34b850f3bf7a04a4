/**
 * struct pid_namespace (include/linux/pid_namespace.h) and its life cycle:
 * create_pid_namespace / get_pid_ns / put_pid_ns (kernel/pid_namespace.c),
 * disable_pid_allocation (kernel/pid.c) and the per-namespace sysctls
 * ns_last_pid and pid_max (Linux ≥ 6.14 keeps pid_max per namespace).
 *
 * Deliberately left out (the kernel model above the core owns them): the
 * owning user namespace and its ucount charge, child_reaper (only the
 * HAS_REAPER flag that alloc_pid's set_tid check needs), proc mounts, inums.
 */
import { ENOMEM, ENOSPC, EINVAL } from '../errno.js';
import {
  MAX_PID_NS_LEVEL,
  NS_COUNT,
  NS_CURSOR,
  NS_FLAGS,
  NS_LEVEL,
  NS_PARENT,
  NS_PID_ALLOCATED,
  NS_PID_MAX,
  NS_SIZE,
  PID_MAX_LIMIT,
  PID_MAX_MIN,
  PIDNS_ADDING,
} from '../layout.js';
import { lookup_free_all } from './lookup.js';
import { CoreMemory, mem_alloc, mem_free, mem_reserve_need, need_add, need_begin } from './memory.js';
import { alloc_ns_free, alloc_ns_init, need_init } from './alloc.js';

/**
 * create_pid_namespace: a namespace one level below `parent` (0 = a new
 * root). Differs from the kernel: no user-ns / ucount checks (kernel model),
 * and the pidmap's page 0 is allocated here as ≤4.14's create_pid_namespace did.
 */
export function create_pid_namespace(m: CoreMemory, parent: number): number {
  const level = parent !== 0 ? m.i32[(parent + NS_LEVEL) >> 2] + 1 : 0;
  if (level > MAX_PID_NS_LEVEL) return -ENOSPC;
  need_begin(m);
  need_add(m, NS_SIZE, 1);
  need_init(m);
  if (!mem_reserve_need(m)) return -ENOMEM;
  const ns = mem_alloc(m, NS_SIZE);
  const i32 = m.i32;
  const s = ns >> 2;
  i32[s + (NS_LEVEL >> 2)] = level;
  i32[s + (NS_PARENT >> 2)] = parent;
  i32[s + (NS_CURSOR >> 2)] = 0;
  // 6.14+ (d385c8bceb14): a new namespace starts at PID_MAX_LIMIT, not the parent's value.
  i32[s + (NS_PID_MAX >> 2)] = PID_MAX_LIMIT;
  i32[s + (NS_PID_ALLOCATED >> 2)] = PIDNS_ADDING | 0;
  i32[s + (NS_FLAGS >> 2)] = 0;
  i32[s + (NS_COUNT >> 2)] = 1;
  // pidmap: page 0 with bit 0; hbm: leaf block 0 with number 0; idr: empty tree.
  alloc_ns_init(m, ns);
  if (parent !== 0) get_pid_ns(m, parent);
  return ns;
}

export function get_pid_ns(m: CoreMemory, ns: number): void {
  m.i32[(ns + NS_COUNT) >> 2]++;
}

/** put_pid_ns: at count 0 free pages, lookup blocks and the namespace, then drop the parent's reference (a loop). */
export function put_pid_ns(m: CoreMemory, ns: number): void {
  while (ns !== 0) {
    const i32 = m.i32;
    if (--i32[(ns + NS_COUNT) >> 2] !== 0) return;
    const parent = i32[(ns + NS_PARENT) >> 2];
    alloc_ns_free(m, ns);
    lookup_free_all(m, ns);
    mem_free(m, ns, NS_SIZE);
    ns = parent;
  }
}

/** disable_pid_allocation (kernel/pid.c): clear PIDNS_ADDING; later alloc_pid here fails with -ENOMEM. */
export function disable_pid_allocation(m: CoreMemory, ns: number): void {
  m.i32[(ns + NS_PID_ALLOCATED) >> 2] &= ~PIDNS_ADDING;
}

/** /proc/sys/kernel/ns_last_pid read (kernel/pid_namespace.c pid_ns_ctl_handler): idr cursor - 1. */
export function ns_last_pid(m: CoreMemory, ns: number): number {
  return (m.i32[(ns + NS_CURSOR) >> 2] - 1) | 0;
}

/** ns_last_pid write: proc_dointvec_minmax with bounds [0, pid_max], then idr_set_cursor(v + 1). */
export function set_ns_last_pid(m: CoreMemory, ns: number, v: number): number {
  v |= 0;
  if (v < 0 || v > m.i32[(ns + NS_PID_MAX) >> 2]) return -EINVAL;
  m.i32[(ns + NS_CURSOR) >> 2] = v + 1;
  return 0;
}

export function pid_max(m: CoreMemory, ns: number): number {
  return m.i32[(ns + NS_PID_MAX) >> 2];
}

/** pid_max write (kernel/pid.c pid_table, per namespace since 6.14): proc_dointvec_minmax in [pid_max_min, pid_max_max]. */
export function set_pid_max(m: CoreMemory, ns: number, v: number): number {
  v |= 0;
  if (v < PID_MAX_MIN || v > PID_MAX_LIMIT) return -EINVAL;
  m.i32[(ns + NS_PID_MAX) >> 2] = v;
  return 0;
}
