/**
 * Linear-memory layout shared by both cores (the WASM core's memory and the
 * TS twin's ArrayBuffer) and by the kernel model, which reads `struct pid`
 * numbers straight from memory instead of calling into the core.
 *
 * `assembly/layout.ts` holds the same numbers; the conformance suite checks
 * that the WASM module's exported layout globals equal these.
 *
 * All offsets are in bytes; every field is a little-endian u32 unless said.
 *
 *   struct pid (one per task; models include/linux/pid.h `struct pid`)
 *   ┌────────┬────────┬────────┬────────┬───────────────┬───────────────┬─────┐
 *   │ count  │ level  │ task   │ (pad)  │ numbers[0].nr │ numbers[0].ns │ ... │  numbers[0..level]
 *   └────────┴────────┴────────┴────────┴───────────────┴───────────────┴─────┘
 *   0        4        8        12       16              20              24
 *   size = PID_HEADER + UPID_SIZE * (level + 1)   — the per-level pid_cachep
 *   object size (kernel: "pid" for level 0, "pid_<level+1>" deeper).
 *   `task` stands for the kernel's `tasks[]` hlists: a u32 the embedder (the
 *   kernel model) owns and writes directly; the core sets it to 0 on alloc and
 *   never reads it.
 *
 *   struct pid_namespace (models include/linux/pid_namespace.h)
 *   ┌───────┬────────┬────────┬─────────┬───────────────┬───────┬───────┬──────────┬──────────┬──────────┐
 *   │ level │ parent │ cursor │ pid_max │ pid_allocated │ flags │ count │ nr_pages │ lookup   │ alloc    │ ...
 *   └───────┴────────┴────────┴─────────┴───────────────┴───────┴───────┴──────────┴──────────┴──────────┘
 *   0       4        8        12        16              20      24      28         32         36
 *   then at NS_PIDMAP: pidmap[PIDMAP_ENTRIES] of { page ptr, nr_free }  (8 bytes each)
 *
 *   - cursor: the IDR cursor of Linux 4.15+ (`idr_next`): last allocated + 1;
 *     0 in a namespace that never allocated cyclically. ns_last_pid reads
 *     cursor - 1 (so -1 before any cyclic allocation).
 *   - pid_allocated: number of published pids with a number in this namespace
 *     (threads and zombies included) | PIDNS_ADDING while it accepts pids.
 *   - flags: NS_FLAG_HAS_REAPER once a pid with deepest number 1 was
 *     published in it (copy_process: is_child_reaper → ns->child_reaper).
 *   - count: reference count (get_pid_ns / put_pid_ns).
 *   - lookup: pointer to the namespace's nr → struct pid table (find_pid_ns),
 *     0 until the first pid is published. A three-level radix table filled
 *     lazily: root[LOOKUP_ROOT_ENTRIES] → dir[LOOKUP_DIR_ENTRIES] →
 *     chunk[LOOKUP_CHUNK_ENTRIES] of struct pid pointers (0 = none);
 *     nr = (r * LOOKUP_DIR_ENTRIES + d) * LOOKUP_CHUNK_ENTRIES + c.
 *     A dir and a chunk carry a u32 count of non-empty slots after their
 *     slots (blocks of 32*4 + 8 and 1024*4 + 8 bytes) and are freed when it
 *     drops to 0; the root is kept until the namespace is freed.
 *   - pidmap page: PAGE_BYTES bytes = BITS_PER_PAGE bits; bit n set ⇔ number
 *     (page index * BITS_PER_PAGE + n) is taken (reserved or published).
 *     Page 0 is allocated at namespace creation with bit 0 set (pid 0 is never
 *     handed out), like the ≤4.14 kernel's pidmap_init/create_pid_namespace.
 */
export const PID_COUNT = 0;
export const PID_LEVEL = 4;
export const PID_TASK = 8;
export const PID_HEADER = 16;
export const UPID_NR = 0;
export const UPID_NS = 4;
export const UPID_SIZE = 8;

export const NS_LEVEL = 0;
export const NS_PARENT = 4;
export const NS_CURSOR = 8;
export const NS_PID_MAX = 12;
export const NS_PID_ALLOCATED = 16;
export const NS_FLAGS = 20;
export const NS_COUNT = 24;
export const NS_NR_PAGES = 28;
export const NS_LOOKUP = 32;
/** Allocator-specific root (idr: tree root; hbm: summary block; pidmap: unused). See docs/core-algorithms.md "Allocators". */
export const NS_ALLOC = 36;
/** The lookup table's parked empty chunk: its chunk index + 1, 0 = none (lookup.ts "hysteresis"). */
export const NS_LOOKUP_PARK = 40;
export const NS_PIDMAP = 64;
export const PIDMAP_ENTRY_SIZE = 8;
export const PIDMAP_PAGE = 0;
export const PIDMAP_NR_FREE = 4;

export const NS_FLAG_HAS_REAPER = 1;

export const LOOKUP_ROOT_ENTRIES = 128;
export const LOOKUP_DIR_ENTRIES = 32;
export const LOOKUP_CHUNK_ENTRIES = 1024;

/** Kernel constants (include/linux/threads.h, include/linux/pid.h, pid_namespace.h). */
export const PID_MAX_LIMIT = 4194304;
export const PID_MAX_DEFAULT = 32768;
export const RESERVED_PIDS = 300;
/** pid_max_min with 2 possible CPUs: max(RESERVED_PIDS + 1, 8 * ncpus). */
export const PID_MAX_MIN = 301;
export const MAX_PID_NS_LEVEL = 32;
export const PIDNS_ADDING = 0x80000000;
export const BITS_PER_PAGE = 32768;
export const PAGE_BYTES = BITS_PER_PAGE / 8;
export const WORDS_PER_PAGE = BITS_PER_PAGE / 32;
export const PIDMAP_ENTRIES = PID_MAX_LIMIT / BITS_PER_PAGE; // 128
export const NS_SIZE = NS_PIDMAP + PIDMAP_ENTRIES * PIDMAP_ENTRY_SIZE;

/** Most set_tid entries clone3 accepts (MAX_PID_NS_LEVEL + 1). */
export const SET_TID_MAX = MAX_PID_NS_LEVEL + 1;
/** Capacity of the batch buffer (pid handles) used by alloc_pid_batch / free_pid_batch. */
export const BATCH_MAX = 4096;

/**
 * Work counters, f64 slots in the stats block (`PidCore.statsPtr`). Both
 * cores maintain them identically; they are positional (derived from where
 * a search started and stopped), not operational, so a SIMD scan and a
 * scalar one count the same.
 */
export const STAT_WORDS_SCANNED = 0; // pidmap: 32-bit bitmap words examined by searches (idr, hbm: see docs/core-algorithms.md "Allocators")
export const STAT_PAGES_TOUCHED = 1; // pidmap: entries (pages) visited by searches, skipped full ones included (idr: nodes, hbm: blocks)
export const STAT_PAGES_ALLOCATED = 2; // bitmap pages allocated (cumulative)
export const STAT_ALLOCS = 3; // successful alloc_pid
export const STAT_FREES = 4; // free_pid
export const STAT_BATCH_ERROR = 5; // errno (negative) that stopped the last alloc_pid_batch early, else 0
export const STAT_SLOTS = 8;
