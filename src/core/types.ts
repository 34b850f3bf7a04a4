/**
 * The pid core: the numbers half of Linux's PID-namespace machinery.
 *
 * A PidCore owns every `struct pid_namespace` and `struct pid` and the
 * allocators that hand out numbers. It knows nothing of tasks, nsproxies or
 * signals (that is src/kernel). Two implementations exist and must agree step
 * by step: the WASM core (assembly/ compiled by AssemblyScript) and the TS
 * twin (src/core/ts/), which runs the same algorithms on typed arrays.
 *
 * Conventions
 * - Every method takes and returns plain numbers (i32 semantics). Handles
 *   (namespace and pid) are byte offsets of the object in the core's memory,
 *   always > 0. Errors are negative Linux errno values (see errno.ts); no
 *   method throws on a domain error. Methods named after kernel functions
 *   model those functions (Linux 6.18 numbering unless `legacy` is set).
 * - State lives in the core's memory (layout.ts); read-mostly data
 *   (struct pid numbers, namespace fields) may be read directly through
 *   `u32()` views. Call `u32()` again after any call that may allocate:
 *   memory can grow, which replaces the underlying buffer.
 * - Out of memory: if memory cannot grow, the operation returns -ENOMEM and
 *   the state is exactly as before (the cores reserve worst-case space up
 *   front before they change anything).
 */
export type CoreName = 'wasm' | 'ts';
/**
 * The number allocators (docs/core-algorithms.md "Allocators"). All give the
 * same numbers (first free ≥ begin with 6.18's cyclic wrap); they differ in
 * structures, memory and work counters:
 * - 'pidmap': the ≤4.14 kernel's bitmap pages with per-page nr_free
 *   (linear scan; full pages skipped).
 * - 'idr': the 4.15+ kernel's IDR, a radix tree of 64-slot nodes with the
 *   IDR_FREE mark, nodes made on demand and freed when empty.
 * - 'hbm': a hierarchical bitmap with "word below is full" summary levels
 *   (our design): any search reads at most 7 words.
 */
export type AllocatorName = 'pidmap' | 'idr' | 'hbm';
/** Every allocator; the index is the kind number the WASM core's set_allocator takes. */
export const ALLOCATOR_NAMES: readonly AllocatorName[] = ['pidmap', 'idr', 'hbm'];

/**
 * Allocator introspection both cores offer besides PidCore (tests, the
 * allocator-lab benchmark). `ns` is a live namespace handle.
 */
export interface AllocatorProbe {
  /** busy(ns, nr) of the allocator: number nr is taken (reserved or published). */
  alloc_busy(ns: number, nr: number): boolean;
  /** The allocator's search on [begin, end) without taking (work counters move): first free number or -1. */
  alloc_search(ns: number, begin: number, end: number): number;
  /** Structural checksum of ns's allocator state (no addresses): equal in both cores after the same calls. */
  allocator_checksum(ns: number): number;
  /** Bytes of ns's allocator structures outside the namespace object (pages / leaf blocks / tree nodes). */
  allocator_bytes(ns: number): number;
  /** Internal consistency of ns's allocator state: 0, else a negative code. */
  check_allocator(ns: number): number;
  /** Lookup chunks (find_pid_ns table blocks of one frame) allocated since the core was made: a deterministic work counter. */
  lookup_chunks_made(): number;
}

export interface CoreOptions {
  /**
   * Which number allocator backs every namespace of the core (default
   * 'pidmap'); fixed for the core's lifetime. Unknown names throw RangeError.
   */
  allocator?: AllocatorName;
  /** Upper bound of the core's memory in bytes (default: 4 GiB for WASM, 2 GiB for TS). */
  maxMemoryBytes?: number;
  /** WASM only: use the SIMD build when the runtime supports it (default true). */
  simd?: boolean;
  /** WASM only: use the debug build (asserts on; slower). Default false. */
  debug?: boolean;
}

export interface PidCore {
  readonly name: CoreName;
  readonly allocator: AllocatorName;
  /** Which build runs: 'ts', 'release', 'release-simd' or 'debug'. */
  readonly build: string;

  /** u32 view of the whole core memory (refreshed after growth). */
  u32(): Uint32Array;
  /** f64 view of the whole core memory (for the stats block). */
  f64(): Float64Array;
  /** Byte offset of the stats block: STAT_SLOTS f64 values (layout.ts STAT_*). */
  readonly statsPtr: number;
  /** Byte offset of the set_tid scratch: SET_TID_MAX i32 values. */
  readonly setTidPtr: number;
  /** Byte offset of the batch buffer: BATCH_MAX u32 pid handles. */
  readonly batchPtr: number;
  /** Current size of the core's memory in bytes. */
  memoryBytes(): number;

  /**
   * create_pid_namespace (kernel/pid_namespace.c): a namespace one level
   * below `parent` (0 = a new root at level 0). Count 1 (the caller's
   * reference); it takes a reference on `parent`. cursor 0, pid_max
   * PID_MAX_LIMIT, pid_allocated PIDNS_ADDING, no reaper.
   * Errors: -ENOSPC when the level would exceed MAX_PID_NS_LEVEL; -ENOMEM.
   */
  create_pid_namespace(parent: number): number;
  /** get_pid_ns: take a reference. */
  get_pid_ns(ns: number): void;
  /**
   * put_pid_ns: drop a reference; at zero the namespace's pages and tables
   * are freed and the reference on its parent is dropped (iteratively).
   * Precondition: no published pid has a number in it (pids hold a reference
   * on their deepest namespace, so this holds by construction).
   */
  put_pid_ns(ns: number): void;
  /**
   * disable_pid_allocation (kernel/pid.c): clear PIDNS_ADDING. A later
   * alloc_pid whose deepest namespace is this one still takes and returns a
   * number at every level, then fails with -ENOMEM (only the deepest
   * namespace's flag is checked, as in 6.18).
   */
  disable_pid_allocation(ns: number): void;

  /**
   * alloc_pid (kernel/pid.c, Linux 6.18) in namespace `ns` with the first
   * `setTidSize` values of the set_tid scratch (index 0 = deepest level).
   * Walks from ns.level down to 0 in one call; see kernel-semantics.md §3.2.
   * Returns a pid handle (count 1; holds a reference on `ns`) or
   * -EINVAL / -EEXIST / -EAGAIN / -ENOMEM.
   */
  alloc_pid(ns: number, setTidSize: number): number;
  /**
   * Up to `n` (≤ BATCH_MAX) alloc_pid(ns, 0) calls in one crossing; handles
   * go to the batch buffer. Returns how many succeeded; when fewer than `n`,
   * stats[STAT_BATCH_ERROR] holds the errno that stopped it (else 0).
   */
  alloc_pid_batch(ns: number, n: number): number;
  /**
   * free_pid (kernel/pid.c): return every level's number (pid_allocated--
   * per level; a namespace whose count drops to exactly PIDNS_ADDING becomes
   * dead, as 6.18 does for a failed first fork), then put_pid.
   */
  free_pid(pid: number): void;
  /** free_pid for the first `n` handles of the batch buffer. */
  free_pid_batch(n: number): void;
  /** get_pid / put_pid: reference count of the struct pid object; at zero it returns to its level's pid_cachep and drops its namespace reference. */
  get_pid(pid: number): void;
  put_pid(pid: number): void;

  /** find_pid_ns: the published pid with number `nr` in `ns`, else 0. */
  find_pid_ns(nr: number, ns: number): number;
  /** pid_nr_ns: the number of `pid` in `ns`, or 0 when not visible there. */
  pid_nr_ns(pid: number, ns: number): number;

  /** /proc/sys/kernel/ns_last_pid read: cursor - 1. */
  ns_last_pid(ns: number): number;
  /** ns_last_pid write: v in [0, pid_max] → cursor = v + 1, returns 0; else -EINVAL. */
  set_ns_last_pid(ns: number, v: number): number;
  /** /proc/sys/kernel/pid_max read (per namespace, Linux ≥ 6.14). */
  pid_max(ns: number): number;
  /** pid_max write: v in [PID_MAX_MIN, PID_MAX_LIMIT] → 0, else -EINVAL. */
  set_pid_max(ns: number, v: number): number;
}
