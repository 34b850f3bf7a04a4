/**
 * struct pid_namespace: creation, references and the per-namespace sysctls
 * (kernel/pid_namespace.c, kernel/pid.c of Linux 6.18).
 *
 * Field invariants (layout.ts has the diagram):
 * - level = parent.level + 1 (0 for a root), level <= MAX_PID_NS_LEVEL.
 * - count >= 1 while the namespace is alive; every child namespace and every
 *   struct pid whose deepest number is in it holds one reference.
 * - pid_allocated & ~PIDNS_ADDING = number of published pids with a number here.
 * - The area from NS_PIDMAP and the alloc slot belong to the core's number
 *   allocator (alloc.ts): pidmap: pidmap[i].nr_free = BITS_PER_PAGE - (set
 *   bits of page i), a page pointer of 0 means "all clear", page 0 always
 *   exists with bit 0 set; hbm: leaf pointers and summaries (hbm.ts); idr:
 *   alloc = the tree's root (idr.ts).
 * - nr_pages = pidmap pages / hbm leaf blocks / idr tree nodes.
 */
import {
  NS_LEVEL, NS_PARENT, NS_CURSOR, NS_PID_MAX, NS_PID_ALLOCATED, NS_FLAGS, NS_COUNT,
  NS_NR_PAGES, NS_LOOKUP, NS_LOOKUP_PARK, NS_ALLOC, NS_SIZE, PID_MAX_LIMIT, PID_MAX_MIN, MAX_PID_NS_LEVEL, PIDNS_ADDING,
} from "./layout";
import { ENOSPC, ENOMEM, EINVAL } from "./errno";
import { need_begin, need_add, reserve_need, alloc_block, free_block, is_heap_object } from "./memory";
import { alloc_ns_init, alloc_ns_free, need_init } from "./alloc";
import { lookup_free } from "./lookup";

/** Debug checks: `ns` is a live namespace handle. */
export function ns_is_live(ns: usize): bool {
  return is_heap_object(ns) && load<u32>(ns, NS_COUNT) > 0 && load<u32>(ns, NS_LEVEL) <= <u32>MAX_PID_NS_LEVEL;
}

/**
 * create_pid_namespace (kernel/pid_namespace.c): a namespace one level below
 * `parent` (0 = a new root at level 0). Count 1; takes a reference on the
 * parent. Like the ≤4.14 kernel it allocates pidmap page 0 at once with bit 0
 * set (pid 0 is never handed out). The user-ns and ucount checks of the
 * kernel live in the kernel model (src/kernel), not here.
 * Returns the handle, -ENOSPC past MAX_PID_NS_LEVEL, or -ENOMEM.
 */
export function create_pid_namespace(parent: usize): i32 {
  if (DEBUG) assert(parent == 0 || ns_is_live(parent), "create_pid_namespace: parent is not a live namespace");
  let level: u32 = parent ? load<u32>(parent, NS_LEVEL) + 1 : 0;
  if (level > <u32>MAX_PID_NS_LEVEL) return -ENOSPC;
  need_begin();
  need_add(<usize>NS_SIZE, 1);
  need_init();
  if (!reserve_need()) return -ENOMEM;
  let ns = alloc_block(<usize>NS_SIZE);
  store<u32>(ns, level, NS_LEVEL);
  store<u32>(ns, <u32>parent, NS_PARENT);
  store<u32>(ns, 0, NS_CURSOR);
  store<u32>(ns, <u32>PID_MAX_LIMIT, NS_PID_MAX);
  store<u32>(ns, PIDNS_ADDING, NS_PID_ALLOCATED);
  store<u32>(ns, 0, NS_FLAGS);
  store<u32>(ns, 1, NS_COUNT);
  store<u32>(ns, 0, NS_NR_PAGES);
  store<u32>(ns, 0, NS_LOOKUP);
  store<u32>(ns, 0, NS_LOOKUP_PARK);
  store<u32>(ns, 0, NS_ALLOC);
  // pidmap: page 0 allocated (nr_pages 1, STAT_PAGES_ALLOCATED += 1) with
  // bit 0 set; hbm: leaf block 0 with number 0 taken; idr: empty tree.
  alloc_ns_init(ns);
  if (parent) get_pid_ns(parent);
  return <i32>ns;
}

/** get_pid_ns: take a reference. */
export function get_pid_ns(ns: usize): void {
  if (DEBUG) assert(load<u32>(ns, NS_COUNT) > 0, "get_pid_ns: dead namespace");
  store<u32>(ns, load<u32>(ns, NS_COUNT) + 1, NS_COUNT);
}

/**
 * put_pid_ns: drop a reference; at zero free the namespace (pages, lookup
 * table, the object) and drop its reference on the parent — a loop up the
 * ancestry, as the kernel's put_pid_ns does. Precondition: no published pid
 * has a number in a namespace being freed.
 */
export function put_pid_ns(ns: usize): void {
  if (DEBUG) assert(ns_is_live(ns), "put_pid_ns: not a live namespace");
  while (ns) {
    let count = load<u32>(ns, NS_COUNT);
    if (DEBUG) assert(count > 0, "put_pid_ns: count underflow");
    store<u32>(ns, count - 1, NS_COUNT);
    if (count != 1) return;
    if (DEBUG) assert((load<u32>(ns, NS_PID_ALLOCATED) & ~PIDNS_ADDING) == 0, "put_pid_ns: pids still published");
    let parent = <usize>load<u32>(ns, NS_PARENT);
    alloc_ns_free(ns);
    lookup_free(ns);
    free_block(ns, <usize>NS_SIZE);
    ns = parent;
  }
}

/** disable_pid_allocation (kernel/pid.c): clear PIDNS_ADDING; alloc_pid then fails with -ENOMEM. */
export function disable_pid_allocation(ns: usize): void {
  store<u32>(ns, load<u32>(ns, NS_PID_ALLOCATED) & ~PIDNS_ADDING, NS_PID_ALLOCATED);
}

/** /proc/sys/kernel/ns_last_pid read (pid_ns_ctl_handler): cursor - 1; -1 before any cyclic allocation. */
export function ns_last_pid(ns: usize): i32 {
  return <i32>load<u32>(ns, NS_CURSOR) - 1;
}

/** ns_last_pid write: v in [0, pid_max] → cursor = v + 1 (idr_set_cursor), else -EINVAL. */
export function set_ns_last_pid(ns: usize, v: i32): i32 {
  if (v < 0 || <u32>v > load<u32>(ns, NS_PID_MAX)) return -EINVAL;
  store<u32>(ns, <u32>v + 1, NS_CURSOR);
  return 0;
}

/** /proc/sys/kernel/pid_max read (per namespace since Linux 6.14). */
export function pid_max(ns: usize): i32 {
  return <i32>load<u32>(ns, NS_PID_MAX);
}

/** pid_max write: [PID_MAX_MIN, PID_MAX_LIMIT] (proc_dointvec_minmax) → 0, else -EINVAL. */
export function set_pid_max(ns: usize, v: i32): i32 {
  if (v < PID_MAX_MIN || v > PID_MAX_LIMIT) return -EINVAL;
  store<u32>(ns, <u32>v, NS_PID_MAX);
  return 0;
}
