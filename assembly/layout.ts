/**
 * Linear-memory layout of the WASM core. The same numbers as
 * src/core/layout.ts (the contract; see the box diagrams there). Every
 * constant is exported from index.ts as a WebAssembly global so the test
 * suite can check that both files agree.
 *
 *   struct pid (include/linux/pid.h `struct pid`), size PID_HEADER + UPID_SIZE * (level + 1)
 *   ┌────────┬────────┬────────┬────────┬───────────────┬───────────────┬─────┐
 *   │ count  │ level  │ task   │ (pad)  │ numbers[0].nr │ numbers[0].ns │ ... │
 *   └────────┴────────┴────────┴────────┴───────────────┴───────────────┴─────┘
 *   0        4        8        12       16              20              24
 *
 *   struct pid_namespace (include/linux/pid_namespace.h), size NS_SIZE
 *   ┌───────┬────────┬────────┬─────────┬───────────────┬───────┬───────┬──────────┬────────┬───────┬─────────────┬──────────────────────────────┐
 *   │ level │ parent │ cursor │ pid_max │ pid_allocated │ flags │ count │ nr_pages │ lookup │ alloc │ lookup_park │ pidmap[128] {page, nr_free} │
 *   └───────┴────────┴────────┴─────────┴───────────────┴───────┴───────┴──────────┴────────┴───────┴─────────────┴──────────────────────────────┘
 *   0       4        8        12        16              20      24      28         32       36      40            64
 */

// struct pid
export const PID_COUNT: i32 = 0;
export const PID_LEVEL: i32 = 4;
export const PID_TASK: i32 = 8;
export const PID_HEADER: i32 = 16;
// struct upid (numbers[i])
export const UPID_NR: i32 = 0;
export const UPID_NS: i32 = 4;
export const UPID_SIZE: i32 = 8;

// struct pid_namespace
export const NS_LEVEL: i32 = 0;
export const NS_PARENT: i32 = 4;
export const NS_CURSOR: i32 = 8;
export const NS_PID_MAX: i32 = 12;
export const NS_PID_ALLOCATED: i32 = 16;
export const NS_FLAGS: i32 = 20;
export const NS_COUNT: i32 = 24;
export const NS_NR_PAGES: i32 = 28;
export const NS_LOOKUP: i32 = 32;
export const NS_ALLOC: i32 = 36;
/** The lookup table's parked empty chunk: its chunk index + 1, 0 = none (lookup.ts). */
export const NS_LOOKUP_PARK: i32 = 40;
export const NS_PIDMAP: i32 = 64;
export const PIDMAP_ENTRY_SIZE: i32 = 8;
export const PIDMAP_PAGE: i32 = 0;
export const PIDMAP_NR_FREE: i32 = 4;

export const NS_FLAG_HAS_REAPER: i32 = 1;

// nr → struct pid table (find_pid_ns): root → dir → chunk
export const LOOKUP_ROOT_ENTRIES: i32 = 128;
export const LOOKUP_DIR_ENTRIES: i32 = 32;
export const LOOKUP_CHUNK_ENTRIES: i32 = 1024;

// Kernel constants (include/linux/threads.h, pid.h, pid_namespace.h)
export const PID_MAX_LIMIT: i32 = 4194304;
export const PID_MAX_DEFAULT: i32 = 32768;
export const RESERVED_PIDS: i32 = 300;
export const PID_MAX_MIN: i32 = 301;
export const MAX_PID_NS_LEVEL: i32 = 32;
/** Flag in pid_allocated while the namespace accepts pids (reads as i32 -2147483648 from JS). */
export const PIDNS_ADDING: u32 = 0x80000000;
export const BITS_PER_PAGE: i32 = 32768;
export const PAGE_BYTES: i32 = BITS_PER_PAGE / 8;
export const WORDS_PER_PAGE: i32 = BITS_PER_PAGE / 32;
export const PIDMAP_ENTRIES: i32 = PID_MAX_LIMIT / BITS_PER_PAGE;
export const NS_SIZE: i32 = NS_PIDMAP + PIDMAP_ENTRIES * PIDMAP_ENTRY_SIZE;

export const SET_TID_MAX: i32 = MAX_PID_NS_LEVEL + 1;
export const BATCH_MAX: i32 = 4096;

// Work counters: f64 slots of the stats block
export const STAT_WORDS_SCANNED: i32 = 0;
export const STAT_PAGES_TOUCHED: i32 = 1;
export const STAT_PAGES_ALLOCATED: i32 = 2;
export const STAT_ALLOCS: i32 = 3;
export const STAT_FREES: i32 = 4;
export const STAT_BATCH_ERROR: i32 = 5;
export const STAT_SLOTS: i32 = 8;

// Derived (not in src/core/layout.ts; named here so no bare numbers appear in the algorithms)
/** log2(BITS_PER_PAGE): page of number nr = nr >> PAGE_SHIFT. */
export const PAGE_SHIFT: i32 = 15;
/** Bit of nr within its page = nr & PAGE_MASK. */
export const PAGE_MASK: i32 = BITS_PER_PAGE - 1;
/** log2(bits per bitmap word). */
export const WORD_SHIFT: i32 = 5;
export const WORD_MASK: i32 = 31;
/** log2(LOOKUP_CHUNK_ENTRIES), log2(LOOKUP_DIR_ENTRIES). */
export const LOOKUP_CHUNK_SHIFT: i32 = 10;
export const LOOKUP_DIR_SHIFT: i32 = 5;
/** Byte sizes of the lookup blocks (u32 slots). */
export const LOOKUP_ROOT_BYTES: i32 = LOOKUP_ROOT_ENTRIES * 4;
export const LOOKUP_DIR_BYTES: i32 = LOOKUP_DIR_ENTRIES * 4;
export const LOOKUP_CHUNK_BYTES: i32 = LOOKUP_CHUNK_ENTRIES * 4;
