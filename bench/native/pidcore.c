/*
 * pidcore.c — a native C port of the pidns WASM core's pid allocation
 * (assembly/pidmap.ts, pid.ts, lookup.ts, namespace.ts, memory.ts), used to
 * measure how close the WASM core gets to native code running the SAME
 * algorithm on the SAME data structures (docs/core-algorithms.md).
 *
 * Faithfulness choices (so that only the compiler/engine differs):
 * - One "linear memory": a 2 GiB anonymous mapping (MAP_NORESERVE, zero
 *   filled on first touch, like a WASM memory with guard regions). Handles
 *   are u32 byte offsets into it; every object has the layout of
 *   src/core/layout.ts (struct pid, pid_namespace with pidmap[128] {page,
 *   nr_free}, lookup root/dir/chunk of u32 slots).
 * - The same allocator: 4160-byte frames from a bump pointer, whole-frame
 *   blocks and per-size slabs with partial lists, empty slabs back to the
 *   frame free list; worst-case reservation (object counts per size) before
 *   every mutating operation, geometric "memory growth" bookkeeping (no copy
 *   is needed natively).
 * - The same work counters (f64 stats, STAT_*), updated the same way.
 * - skip_full_words: the scalar build's 4×u64 / u64 stride (PIDCORE_SIMD=0)
 *   or the SIMD build's 2×v128 / v128 stride with SSE2 (PIDCORE_SIMD=1).
 * - The API functions (create_pid_namespace, alloc_pid, free_pid, ...) are
 *   noinline, so the benchmark makes one real call per operation as the JS
 *   harness does into WASM; internal helpers are left to the compiler, as
 *   Binaryen/V8 do with the AssemblyScript ones.
 *
 * Usage: pidcore bench [--min-time SEC] [--reps N] [--filter SUBSTR] [--batched]
 *          cases: sparse, dense, dense9999, walk depth 1/4/32 (bench/core.ts,
 *          non-batched) and "calls" (two pid_max calls per op: call overhead);
 *          --batched: bench/core.ts's batched steps instead (alloc_pid_batch /
 *          free_pid_batch of 64), no "calls" case
 *        pidcore checksum
 * Output: JSON lines. See bench/native/README.md.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>

#ifndef PIDCORE_SIMD
#define PIDCORE_SIMD 0
#endif
#if PIDCORE_SIMD
#include <emmintrin.h>
#endif
#ifndef PIDCORE_VARIANT
#define PIDCORE_VARIANT "c"
#endif

#define NOINLINE __attribute__((noinline))
#define INLINE static inline __attribute__((always_inline))

/* ── layout (src/core/layout.ts) ─────────────────────────────────────────── */
enum {
  PID_COUNT = 0, PID_LEVEL = 4, PID_TASK = 8, PID_PAD = 12, PID_HEADER = 16,
  UPID_NR = 0, UPID_NS = 4, UPID_SIZE = 8, UPID_SHIFT = 3,
  NS_LEVEL = 0, NS_PARENT = 4, NS_CURSOR = 8, NS_PID_MAX = 12, NS_PID_ALLOCATED = 16,
  NS_FLAGS = 20, NS_COUNT = 24, NS_NR_PAGES = 28, NS_LOOKUP = 32, NS_ALLOC = 36, NS_LOOKUP_PARK = 40,
  NS_PIDMAP = 64, PIDMAP_ENTRY_SIZE = 8, PIDMAP_ENTRY_SHIFT = 3, PIDMAP_PAGE = 0, PIDMAP_NR_FREE = 4,
  NS_FLAG_HAS_REAPER = 1,
  LOOKUP_ROOT_ENTRIES = 128, LOOKUP_DIR_ENTRIES = 32, LOOKUP_CHUNK_ENTRIES = 1024,
  LOOKUP_CHUNK_SHIFT = 10, LOOKUP_DIR_SHIFT = 5,
  LOOKUP_ROOT_BYTES = LOOKUP_ROOT_ENTRIES * 4, LOOKUP_DIR_BYTES = LOOKUP_DIR_ENTRIES * 4,
  LOOKUP_CHUNK_BYTES = LOOKUP_CHUNK_ENTRIES * 4,
  PID_MAX_LIMIT = 4194304, PID_MAX_DEFAULT = 32768, RESERVED_PIDS = 300, PID_MAX_MIN = 301,
  MAX_PID_NS_LEVEL = 32,
  BITS_PER_PAGE = 32768, PAGE_BYTES = BITS_PER_PAGE / 8, PAGE_SHIFT = 15, PAGE_MASK = BITS_PER_PAGE - 1,
  WORD_SHIFT = 5, WORD_MASK = 31,
  PIDMAP_ENTRIES = PID_MAX_LIMIT / BITS_PER_PAGE,
  NS_SIZE = NS_PIDMAP + PIDMAP_ENTRIES * PIDMAP_ENTRY_SIZE,
  SET_TID_MAX = MAX_PID_NS_LEVEL + 1, BATCH_MAX = 4096,
  STAT_WORDS_SCANNED = 0, STAT_PAGES_TOUCHED = 1, STAT_PAGES_ALLOCATED = 2, STAT_ALLOCS = 3,
  STAT_FREES = 4, STAT_BATCH_ERROR = 5, STAT_SLOTS = 8,
};
#define PIDNS_ADDING 0x80000000u
enum { EINVAL_ = 22, EEXIST_ = 17, EAGAIN_ = 11, ENOMEM_ = 12, ENOSPC_ = 28 };

/* ── the linear memory and its allocator (assembly/memory.ts) ────────────── */
#define WASM_PAGE_SHIFT 16
#define HEAP_LIMIT 0x80000000ull
#define HEAP_LIMIT_PAGES (HEAP_LIMIT >> WASM_PAGE_SHIFT)
#define BLOCK_ALIGN 8u
/* Frames of the largest object (an hbm leaf block, PAGE_BYTES + 64); blocks above SLAB_MAX_BYTES take one. */
#define FRAME_BYTES ((uint32_t)PAGE_BYTES + 64u)
#define SLAB_FREE 0u
#define SLAB_INUSE 4u
#define SLAB_PREV 8u
#define SLAB_NEXT 12u
#define SLAB_CARVE 16u
#define SLAB_CAP 20u
#define SLAB_HEADER_BYTES 24u
#define SLAB_MAX_BYTES ((FRAME_BYTES - SLAB_HEADER_BYTES) >> 1)
#define SLAB_CLASSES ((SLAB_MAX_BYTES >> 3) + 1)
#define NEED_MAX 8
#define SMALL_BLOCK_BYTES 512u
/* Where the object area starts (the WASM build's __heap_base is after its static data). */
#define HEAP_BASE 0x8000u
#define MAP_BYTES (HEAP_LIMIT + 65536ull)

static uint8_t *mem;          /* base of the linear memory */
static uint64_t mem_bytes;    /* "memory.size()" in bytes (grown geometrically, like memory.grow) */
static uint64_t mem_end;      /* memEnd */
static uint32_t heap_top;     /* heapTop */
static double stats[STAT_SLOTS];
static int32_t set_tid[SET_TID_MAX];
static uint32_t batch[BATCH_MAX];
static uint32_t partial[SLAB_CLASSES];   /* PARTIAL: head of each slab size's partial list */
static uint32_t free_objs[SLAB_CLASSES]; /* FREE_OBJS */
static uint32_t frame_free, frame_free_count;
static uint32_t need_size[NEED_MAX], need_count[NEED_MAX];
static int need_len;
static uint32_t need_objects;
static uint64_t upids[SET_TID_MAX]; /* UPIDS scratch of alloc_pid */

INLINE uint32_t ld32(uint32_t a) { return *(const uint32_t *)(mem + a); }
INLINE void st32(uint32_t a, uint32_t v) { *(uint32_t *)(mem + a) = v; }
INLINE uint64_t ld64u(uint32_t a) { uint64_t v; memcpy(&v, mem + a, 8); return v; }
INLINE void st64(uint32_t a, uint64_t v) { memcpy(mem + a, &v, 8); }
INLINE void stat_add(int slot, double v) { stats[slot] += v; }

static void mem_reset(void) {
  if (mem) munmap(mem, MAP_BYTES);
  mem = mmap(NULL, MAP_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mem == MAP_FAILED) { perror("mmap"); exit(2); }
  mem_bytes = 65536;          /* INITIAL_PAGES = 1 */
  mem_end = 0;
  heap_top = HEAP_BASE;
  memset(stats, 0, sizeof stats);
  memset(set_tid, 0, sizeof set_tid);
  memset(batch, 0, sizeof batch);
  memset(partial, 0, sizeof partial);
  memset(free_objs, 0, sizeof free_objs);
  frame_free = frame_free_count = 0;
  need_len = 0;
  need_objects = 0;
  memset(upids, 0, sizeof upids);
}

static int reserve(uint32_t bytes) {
  uint64_t need = (uint64_t)heap_top + bytes;
  if (need <= mem_end) return 1;
  if (need > HEAP_LIMIT) return 0;
  uint64_t have_pages = mem_bytes >> WASM_PAGE_SHIFT;
  uint64_t have = mem_bytes;
  if (need > have) {
    uint64_t need_pages = (need - have + 65535) >> WASM_PAGE_SHIFT;
    uint64_t want = need_pages > have_pages ? need_pages : have_pages;
    uint64_t room = HEAP_LIMIT_PAGES + 1 - have_pages;
    if (want > room) want = room;
    if (want < need_pages) { if (need_pages > room) return 0; want = need_pages; }
    mem_bytes += want << WASM_PAGE_SHIFT;
    have = mem_bytes;
  }
  mem_end = have < HEAP_LIMIT ? have : HEAP_LIMIT;
  return 1;
}

/* need_begin / need_add / reserve_need (assembly/memory.ts) */
INLINE void need_begin(void) { need_len = 0; need_objects = 0; }

static void need_add(uint32_t size, uint32_t n) {
  if (n == 0) return;
  need_objects += n;
  for (int i = 0; i < need_len; i++) {
    if (need_size[i] == size) { need_count[i] += n; return; }
  }
  need_size[need_len] = size;
  need_count[need_len] = n;
  need_len++;
}

static uint32_t need_frames(void) {
  uint32_t frames = 0;
  for (int i = 0; i < need_len; i++) {
    uint32_t size = need_size[i], n = need_count[i];
    if (size > SLAB_MAX_BYTES) {
      frames += n;
    } else {
      uint32_t free = free_objs[size >> 3];
      if (n > free) {
        uint32_t cap = (FRAME_BYTES - SLAB_HEADER_BYTES) / size;
        frames += (n - free + cap - 1) / cap;
      }
    }
  }
  return frames;
}

static int reserve_need(void) {
  uint64_t quick = (uint64_t)heap_top + (uint64_t)need_objects * FRAME_BYTES;
  if (quick <= mem_end) return 1;
  uint32_t frames = need_frames();
  uint32_t bump = frames > frame_free_count ? frames - frame_free_count : 0;
  return reserve(bump * FRAME_BYTES);
}

/* frames and slabs */
static int reused;
static uint32_t take_frame(void) {
  uint32_t f = frame_free;
  if (f) {
    frame_free = ld32(f);
    frame_free_count--;
    reused = 1;
    return f;
  }
  f = heap_top;
  heap_top += FRAME_BYTES;
  reused = 0;
  return f;
}

INLINE void put_frame(uint32_t f) {
  st32(f, frame_free);
  frame_free = f;
  frame_free_count++;
}

static void partial_push(uint32_t *head, uint32_t s) {
  uint32_t first = *head;
  st32(s + SLAB_PREV, 0);
  st32(s + SLAB_NEXT, first);
  if (first) st32(first + SLAB_PREV, s);
  *head = s;
}

static void partial_unlink(uint32_t *head, uint32_t s) {
  uint32_t prev = ld32(s + SLAB_PREV), next = ld32(s + SLAB_NEXT);
  if (prev) st32(prev + SLAB_NEXT, next);
  else *head = next;
  if (next) st32(next + SLAB_PREV, prev);
}

INLINE int slab_full(uint32_t s, uint32_t size) {
  return ld32(s + SLAB_FREE) == 0 && ld32(s + SLAB_CARVE) + size > s + FRAME_BYTES;
}

static uint32_t slab_alloc(uint32_t size) {
  uint32_t *head = &partial[size >> 3];
  uint32_t *objs = &free_objs[size >> 3];
  uint32_t s = *head;
  if (!s) {
    s = take_frame();
    uint32_t cap = (FRAME_BYTES - SLAB_HEADER_BYTES) / size;
    st32(s + SLAB_FREE, 0);
    st32(s + SLAB_INUSE, 0);
    st32(s + SLAB_CARVE, s + SLAB_HEADER_BYTES);
    st32(s + SLAB_CAP, cap);
    partial_push(head, s);
    *objs += cap;
  }
  uint32_t p = ld32(s + SLAB_FREE);
  if (p) {
    st32(s + SLAB_FREE, ld32(p));
  } else {
    p = ld32(s + SLAB_CARVE);
    st32(s + SLAB_CARVE, p + size);
  }
  st32(s + SLAB_INUSE, ld32(s + SLAB_INUSE) + 1);
  *objs -= 1;
  if (slab_full(s, size)) partial_unlink(head, s);
  return p;
}

static void slab_free(uint32_t p, uint32_t size) {
  uint32_t s = HEAP_BASE + (p - HEAP_BASE) / FRAME_BYTES * FRAME_BYTES;
  uint32_t *head = &partial[size >> 3];
  uint32_t *objs = &free_objs[size >> 3];
  int was_full = slab_full(s, size);
  st32(p, ld32(s + SLAB_FREE));
  st32(s + SLAB_FREE, p);
  uint32_t inuse = ld32(s + SLAB_INUSE) - 1;
  st32(s + SLAB_INUSE, inuse);
  *objs += 1;
  if (inuse == 0) {
    if (!was_full) partial_unlink(head, s);
    *objs -= ld32(s + SLAB_CAP);
    put_frame(s);
  } else if (was_full) {
    partial_push(head, s);
  }
}

INLINE uint32_t alloc_block_raw(uint32_t size) {
  return size > SLAB_MAX_BYTES ? take_frame() : slab_alloc(size);
}

INLINE void zero_block(uint32_t p, uint32_t size) {
  if (size <= SMALL_BLOCK_BYTES) {
    for (uint32_t q = p, end = p + size; q < end; q += BLOCK_ALIGN) st64(q, 0);
  } else {
    memset(mem + p, 0, size);
  }
}

static uint32_t alloc_block(uint32_t size) {
  if (size > SLAB_MAX_BYTES) {
    uint32_t f = take_frame();
    if (reused) zero_block(f, size);
    return f;
  }
  uint32_t p = slab_alloc(size);
  zero_block(p, size);
  return p;
}

static void free_block(uint32_t p, uint32_t size) {
  if (size > SLAB_MAX_BYTES) put_frame(p);
  else slab_free(p, size);
}

/* ── pidmap (assembly/pidmap.ts) ─────────────────────────────────────────── */
INLINE uint32_t pidmap_entry(uint32_t ns, uint32_t p) { return ns + NS_PIDMAP + (p << PIDMAP_ENTRY_SHIFT); }
INLINE uint32_t map_page(uint32_t entry) { return ld32(entry + PIDMAP_PAGE); }
INLINE uint32_t map_nr_free(uint32_t entry) { return ld32(entry + PIDMAP_NR_FREE); }
INLINE void set_map_nr_free(uint32_t entry, uint32_t v) { st32(entry + PIDMAP_NR_FREE, v); }
INLINE uint32_t word_addr(uint32_t page, uint32_t bit) { return page + ((bit >> WORD_SHIFT) << 2); }
INLINE uint32_t word_at(uint32_t page, uint32_t w) { return page + (w << 2); }

static uint32_t pidmap_alloc_page(uint32_t ns, uint32_t entry) {
  uint32_t page = alloc_block(PAGE_BYTES);
  st32(entry + PIDMAP_PAGE, page);
  st32(ns + NS_NR_PAGES, ld32(ns + NS_NR_PAGES) + 1);
  stat_add(STAT_PAGES_ALLOCATED, 1);
  return page;
}

static void pidmap_take(uint32_t ns, uint32_t nr) {
  uint32_t entry = pidmap_entry(ns, nr >> PAGE_SHIFT);
  uint32_t page = map_page(entry);
  if (!page) page = pidmap_alloc_page(ns, entry);
  uint32_t bit = nr & PAGE_MASK;
  uint32_t addr = word_addr(page, bit);
  st32(addr, ld32(addr) | (1u << (bit & WORD_MASK)));
  set_map_nr_free(entry, map_nr_free(entry) - 1);
}

static void pidmap_release(uint32_t ns, uint32_t nr) {
  uint32_t entry = pidmap_entry(ns, nr >> PAGE_SHIFT);
  uint32_t page = map_page(entry);
  uint32_t bit = nr & PAGE_MASK;
  uint32_t addr = word_addr(page, bit);
  st32(addr, ld32(addr) & ~(1u << (bit & WORD_MASK)));
  set_map_nr_free(entry, map_nr_free(entry) + 1);
}

static int pidmap_busy(uint32_t ns, uint32_t nr) {
  uint32_t page = map_page(pidmap_entry(ns, nr >> PAGE_SHIFT));
  if (!page) return 0;
  uint32_t bit = nr & PAGE_MASK;
  return ((ld32(word_addr(page, bit)) >> (bit & WORD_MASK)) & 1) != 0;
}

/* First word in [w, w1) that is not all ones, else w1 (the search's fast part). */
INLINE uint32_t skip_full_words(uint32_t page, uint32_t w, uint32_t w1) {
#if PIDCORE_SIMD
  const __m128i ones = _mm_set1_epi32(-1);
  while (w + 8 <= w1) {
    const uint8_t *p = mem + word_at(page, w);
    __m128i v = _mm_and_si128(_mm_loadu_si128((const __m128i *)p), _mm_loadu_si128((const __m128i *)(p + 16)));
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(v, ones)) != 0xFFFF) break;
    w += 8;
  }
  while (w + 4 <= w1) {
    __m128i v = _mm_loadu_si128((const __m128i *)(mem + word_at(page, w)));
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(v, ones)) != 0xFFFF) break;
    w += 4;
  }
#else
  while (w + 8 <= w1) {
    uint32_t p = word_at(page, w);
    uint64_t x = ld64u(p) & ld64u(p + 8) & ld64u(p + 16) & ld64u(p + 24);
    if (x != UINT64_MAX) break;
    w += 8;
  }
  while (w + 2 <= w1) {
    if (ld64u(word_at(page, w)) != UINT64_MAX) break;
    w += 2;
  }
#endif
  return w;
}

static int32_t pidmap_search(uint32_t ns, uint32_t begin, uint32_t end) {
  uint32_t p_last = (end - 1) >> PAGE_SHIFT;
  uint32_t touched = 0, scanned = 0;
  int32_t result = -1;
  for (uint32_t p = begin >> PAGE_SHIFT; p <= p_last; p++) {
    touched++;
    uint32_t page_start = p << PAGE_SHIFT;
    uint32_t lo = begin > page_start ? begin : page_start;
    uint32_t hi = end < page_start + BITS_PER_PAGE ? end : page_start + BITS_PER_PAGE;
    uint32_t entry = pidmap_entry(ns, p);
    uint32_t page = map_page(entry);
    if (!page) { result = (int32_t)lo; break; }
    if (!map_nr_free(entry)) continue;
    uint32_t lo_bit = lo & PAGE_MASK;
    uint32_t hi_bit = (hi - 1) & PAGE_MASK;
    uint32_t w0 = lo_bit >> WORD_SHIFT;
    uint32_t w1 = hi_bit >> WORD_SHIFT;
    uint32_t w = w0;
    uint32_t bits = ~ld32(word_at(page, w)) & (0xFFFFFFFFu << (lo_bit & WORD_MASK));
    while (w < w1 && !bits) {
      w = skip_full_words(page, w + 1, w1);
      bits = ~ld32(word_at(page, w));
    }
    if (w == w1) bits &= 0xFFFFFFFFu >> (WORD_MASK - (hi_bit & WORD_MASK));
    scanned += w - w0 + 1;
    if (bits) {
      result = (int32_t)(page_start + (w << WORD_SHIFT) + (uint32_t)__builtin_ctz(bits));
      break;
    }
  }
  stat_add(STAT_PAGES_TOUCHED, (double)touched);
  stat_add(STAT_WORDS_SCANNED, (double)scanned);
  return result;
}

static int32_t alloc_cyclic(uint32_t ns, uint32_t pid_max) {
  uint32_t cursor = ld32(ns + NS_CURSOR);
  uint32_t lo = cursor > RESERVED_PIDS ? RESERVED_PIDS : 1;
  uint32_t begin = cursor > lo ? cursor : lo;
  int32_t nr = begin < pid_max ? pidmap_search(ns, begin, pid_max) : -1;
  if (nr < 0 && begin > lo) nr = pidmap_search(ns, lo, pid_max);
  if (nr < 0) return -EAGAIN_;
  pidmap_take(ns, (uint32_t)nr);
  st32(ns + NS_CURSOR, (uint32_t)nr + 1);
  return nr;
}

/* ── lookup table (assembly/lookup.ts) ───────────────────────────────────── */
#define ROOT_SHIFT (LOOKUP_CHUNK_SHIFT + LOOKUP_DIR_SHIFT)
#define DIR_MASK (LOOKUP_DIR_ENTRIES - 1u)
#define CHUNK_MASK (LOOKUP_CHUNK_ENTRIES - 1u)
INLINE uint32_t slot(uint32_t block, uint32_t index) { return block + (index << 2); }
/* Blocks: the slots, then a u32 count of non-empty slots (padded to 8); empty dirs are freed,
 * at most one empty chunk per table stays parked (NS_LOOKUP_PARK = chunk index + 1), the one
 * parked before is freed; a new chunk takes the parked chunk's block. */
#define LOOKUP_DIR_BLOCK (LOOKUP_DIR_BYTES + 8u)
#define LOOKUP_CHUNK_BLOCK (LOOKUP_CHUNK_BYTES + 8u)
/* Takes the parked chunk out of the table (slot and park cleared, its dir freed if left empty): its block, else 0. */
static uint32_t lookup_unpark(uint32_t ns, uint32_t root) {
  uint32_t park = ld32(ns + NS_LOOKUP_PARK);
  if (!park) return 0;
  st32(ns + NS_LOOKUP_PARK, 0);
  uint32_t idx = park - 1;
  uint32_t rs = slot(root, idx >> LOOKUP_DIR_SHIFT);
  uint32_t dir = ld32(rs);
  uint32_t ds = slot(dir, idx & DIR_MASK);
  uint32_t chunk = ld32(ds);
  st32(ds, 0);
  uint32_t d = ld32(dir + LOOKUP_DIR_BYTES) - 1;
  st32(dir + LOOKUP_DIR_BYTES, d);
  if (!d) { free_block(dir, LOOKUP_DIR_BLOCK); st32(rs, 0); }
  return chunk;
}
static void lookup_set(uint32_t ns, uint32_t nr, uint32_t pid) {
  uint32_t root = ld32(ns + NS_LOOKUP);
  if (!root) { root = alloc_block(LOOKUP_ROOT_BYTES); st32(ns + NS_LOOKUP, root); }
  uint32_t rs = slot(root, nr >> ROOT_SHIFT);
  uint32_t dir = ld32(rs);
  if (!dir) { dir = alloc_block(LOOKUP_DIR_BLOCK); st32(rs, dir); }
  uint32_t ds = slot(dir, (nr >> LOOKUP_CHUNK_SHIFT) & DIR_MASK);
  uint32_t chunk = ld32(ds);
  uint32_t n = chunk ? ld32(chunk + LOOKUP_CHUNK_BYTES) : 0;
  if (!chunk) {
    st32(dir + LOOKUP_DIR_BYTES, ld32(dir + LOOKUP_DIR_BYTES) + 1);
    chunk = lookup_unpark(ns, root);
    if (!chunk) chunk = alloc_block(LOOKUP_CHUNK_BLOCK);
    st32(ds, chunk);
  } else if (!n) {
    st32(ns + NS_LOOKUP_PARK, 0);
  }
  st32(slot(chunk, nr & CHUNK_MASK), pid);
  st32(chunk + LOOKUP_CHUNK_BYTES, n + 1);
}
static uint32_t lookup_get(uint32_t ns, uint32_t nr) {
  uint32_t root = ld32(ns + NS_LOOKUP);
  if (!root) return 0;
  uint32_t dir = ld32(slot(root, nr >> ROOT_SHIFT));
  if (!dir) return 0;
  uint32_t chunk = ld32(slot(dir, (nr >> LOOKUP_CHUNK_SHIFT) & DIR_MASK));
  if (!chunk) return 0;
  return ld32(slot(chunk, nr & CHUNK_MASK));
}
static void lookup_clear(uint32_t ns, uint32_t nr) {
  uint32_t root = ld32(ns + NS_LOOKUP);
  uint32_t dir = ld32(slot(root, nr >> ROOT_SHIFT));
  uint32_t chunk = ld32(slot(dir, (nr >> LOOKUP_CHUNK_SHIFT) & DIR_MASK));
  st32(slot(chunk, nr & CHUNK_MASK), 0);
  uint32_t n = ld32(chunk + LOOKUP_CHUNK_BYTES) - 1;
  st32(chunk + LOOKUP_CHUNK_BYTES, n);
  if (n) return;
  uint32_t old = lookup_unpark(ns, root);
  if (old) free_block(old, LOOKUP_CHUNK_BLOCK);
  st32(ns + NS_LOOKUP_PARK, (nr >> LOOKUP_CHUNK_SHIFT) + 1);
}
static void lookup_free(uint32_t ns) {
  uint32_t root = ld32(ns + NS_LOOKUP);
  if (!root) return;
  for (uint32_t r = 0; r < LOOKUP_ROOT_ENTRIES; r++) {
    uint32_t dir = ld32(slot(root, r));
    if (!dir) continue;
    for (uint32_t d = 0; d < LOOKUP_DIR_ENTRIES; d++) {
      uint32_t chunk = ld32(slot(dir, d));
      if (chunk) free_block(chunk, LOOKUP_CHUNK_BLOCK);
    }
    free_block(dir, LOOKUP_DIR_BLOCK);
  }
  free_block(root, LOOKUP_ROOT_BYTES);
  st32(ns + NS_LOOKUP, 0);
  st32(ns + NS_LOOKUP_PARK, 0);
}

/* ── namespaces (assembly/namespace.ts) ──────────────────────────────────── */
NOINLINE void get_pid_ns(uint32_t ns) { st32(ns + NS_COUNT, ld32(ns + NS_COUNT) + 1); }

NOINLINE int32_t create_pid_namespace(uint32_t parent) {
  uint32_t level = parent ? ld32(parent + NS_LEVEL) + 1 : 0;
  if (level > MAX_PID_NS_LEVEL) return -ENOSPC_;
  need_begin();
  need_add(NS_SIZE, 1);
  need_add(PAGE_BYTES, 1);
  if (!reserve_need()) return -ENOMEM_;
  uint32_t ns = alloc_block(NS_SIZE);
  st32(ns + NS_LEVEL, level);
  st32(ns + NS_PARENT, parent);
  st32(ns + NS_CURSOR, 0);
  st32(ns + NS_PID_MAX, PID_MAX_LIMIT);
  st32(ns + NS_PID_ALLOCATED, PIDNS_ADDING);
  st32(ns + NS_FLAGS, 0);
  st32(ns + NS_COUNT, 1);
  st32(ns + NS_NR_PAGES, 0);
  st32(ns + NS_LOOKUP, 0);
  st32(ns + NS_LOOKUP_PARK, 0);
  for (uint32_t i = 0; i < PIDMAP_ENTRIES; i++) {
    uint32_t e = pidmap_entry(ns, i);
    st32(e + PIDMAP_PAGE, 0);
    st32(e + PIDMAP_NR_FREE, BITS_PER_PAGE);
  }
  pidmap_take(ns, 0);
  if (parent) get_pid_ns(parent);
  return (int32_t)ns;
}

NOINLINE void put_pid_ns(uint32_t ns) {
  while (ns) {
    uint32_t count = ld32(ns + NS_COUNT);
    st32(ns + NS_COUNT, count - 1);
    if (count != 1) return;
    uint32_t parent = ld32(ns + NS_PARENT);
    for (uint32_t i = 0; i < PIDMAP_ENTRIES; i++) {
      uint32_t page = map_page(pidmap_entry(ns, i));
      if (page) free_block(page, PAGE_BYTES);
    }
    lookup_free(ns);
    free_block(ns, NS_SIZE);
    ns = parent;
  }
}

NOINLINE int32_t ns_last_pid(uint32_t ns) { return (int32_t)ld32(ns + NS_CURSOR) - 1; }
NOINLINE int32_t set_ns_last_pid(uint32_t ns, int32_t v) {
  if (v < 0 || (uint32_t)v > ld32(ns + NS_PID_MAX)) return -EINVAL_;
  st32(ns + NS_CURSOR, (uint32_t)v + 1);
  return 0;
}
NOINLINE int32_t pid_max(uint32_t ns) { return (int32_t)ld32(ns + NS_PID_MAX); }
NOINLINE int32_t set_pid_max(uint32_t ns, int32_t v) {
  if (v < PID_MAX_MIN || v > PID_MAX_LIMIT) return -EINVAL_;
  st32(ns + NS_PID_MAX, (uint32_t)v);
  return 0;
}

/* ── struct pid (assembly/pid.ts) ────────────────────────────────────────── */
INLINE uint32_t pid_size(uint32_t level) { return PID_HEADER + ((level + 1) << UPID_SHIFT); }
INLINE uint32_t upid(uint32_t pid, uint32_t i) { return pid + PID_HEADER + (i << UPID_SHIFT); }
INLINE uint32_t upid_nr(uint32_t pid, uint32_t i) { return ld32(upid(pid, i) + UPID_NR); }
INLINE uint32_t upid_ns(uint32_t pid, uint32_t i) { return ld32(upid(pid, i) + UPID_NS); }
INLINE uint64_t mk_upid(uint32_t nr, uint32_t ns) { return (uint64_t)nr | ((uint64_t)ns << 32); }

NOINLINE int32_t alloc_pid(uint32_t ns, int32_t set_tid_size) {
  uint32_t level = ld32(ns + NS_LEVEL);
  if (set_tid_size < 0 || set_tid_size > (int32_t)level + 1) return -EINVAL_;
  uint32_t size = pid_size(level);
  if ((uint64_t)heap_top + (uint64_t)(1 + (level + 1) * 4) * FRAME_BYTES > mem_end) { /* reserve_quick */
    need_begin();
    need_add(size, 1);
    need_add(PAGE_BYTES, level + 1);
    need_add(LOOKUP_ROOT_BYTES, level + 1);
    need_add(LOOKUP_DIR_BLOCK, level + 1);
    need_add(LOOKUP_CHUNK_BLOCK, level + 1);
    if (!reserve_need()) return -ENOMEM_;
  }

  uint32_t tmp = ns;
  int32_t i = (int32_t)level;
  int32_t err = 0;
  for (; i >= 0; i--) {
    uint32_t pidmax = ld32(tmp + NS_PID_MAX);
    int32_t tid = 0;
    if (set_tid_size > 0) {
      tid = set_tid[(int32_t)level - i];
      if (tid < 1 || (uint32_t)tid >= pidmax) { err = -EINVAL_; break; }
      if (tid != 1 && !(ld32(tmp + NS_FLAGS) & NS_FLAG_HAS_REAPER)) { err = -EINVAL_; break; }
      set_tid_size--;
    }
    int32_t nr;
    if (tid != 0) {
      if (pidmap_busy(tmp, (uint32_t)tid)) { err = -EEXIST_; break; }
      pidmap_take(tmp, (uint32_t)tid);
      nr = tid;
    } else {
      nr = alloc_cyclic(tmp, pidmax);
      if (nr < 0) { err = -EAGAIN_; break; }
    }
    upids[i] = mk_upid((uint32_t)nr, tmp);
    tmp = ld32(tmp + NS_PARENT);
  }
  if (!err && !(ld32(ns + NS_PID_ALLOCATED) & PIDNS_ADDING)) err = -ENOMEM_;

  if (err) {
    for (int32_t j = i + 1; j <= (int32_t)level; j++) {
      uint64_t u = upids[j];
      pidmap_release((uint32_t)(u >> 32), (uint32_t)u);
      upids[j] = 0;
    }
    if (ld32(ns + NS_PID_ALLOCATED) == PIDNS_ADDING) st32(ns + NS_CURSOR, 0);
    return err;
  }

  uint32_t pid = alloc_block_raw(size);
  st32(pid + PID_COUNT, 1);
  st32(pid + PID_LEVEL, level);
  st32(pid + PID_TASK, 0);
  st32(pid + PID_PAD, 0);
  for (uint32_t j = 0; j <= level; j++) {
    st64(upid(pid, j), upids[j]);
    upids[j] = 0;
  }
  for (int32_t j = (int32_t)level; j >= 0; j--) {
    uint32_t upns = upid_ns(pid, (uint32_t)j);
    lookup_set(upns, upid_nr(pid, (uint32_t)j), pid);
    st32(upns + NS_PID_ALLOCATED, ld32(upns + NS_PID_ALLOCATED) + 1);
  }
  if (upid_nr(pid, level) == 1) st32(ns + NS_FLAGS, ld32(ns + NS_FLAGS) | NS_FLAG_HAS_REAPER);
  get_pid_ns(ns);
  stat_add(STAT_ALLOCS, 1);
  return (int32_t)pid;
}

NOINLINE int32_t alloc_pid_batch(uint32_t ns, int32_t n) {
  if (n > BATCH_MAX) n = BATCH_MAX;
  stats[STAT_BATCH_ERROR] = 0;
  int32_t k = 0;
  for (; k < n; k++) {
    int32_t r = alloc_pid(ns, 0);
    if (r < 0) { stats[STAT_BATCH_ERROR] = r; break; }
    batch[k] = (uint32_t)r;
  }
  return k;
}

NOINLINE void put_pid(uint32_t pid) {
  uint32_t count = ld32(pid + PID_COUNT);
  st32(pid + PID_COUNT, count - 1);
  if (count != 1) return;
  uint32_t level = ld32(pid + PID_LEVEL);
  uint32_t ns = upid_ns(pid, level);
  free_block(pid, pid_size(level));
  put_pid_ns(ns);
}

NOINLINE void free_pid(uint32_t pid) {
  uint32_t level = ld32(pid + PID_LEVEL);
  for (uint32_t i = 0; i <= level; i++) {
    uint32_t ns = upid_ns(pid, i);
    uint32_t nr = upid_nr(pid, i);
    uint32_t allocated = ld32(ns + NS_PID_ALLOCATED) - 1;
    if (allocated == PIDNS_ADDING) allocated = 0;
    st32(ns + NS_PID_ALLOCATED, allocated);
    lookup_clear(ns, nr);
    pidmap_release(ns, nr);
  }
  stat_add(STAT_FREES, 1);
  put_pid(pid);
}

NOINLINE void free_pid_batch(int32_t n) {
  if (n > BATCH_MAX) n = BATCH_MAX;
  for (int32_t k = 0; k < n; k++) free_pid(batch[k]);
}

NOINLINE int32_t find_pid_ns(int32_t nr, uint32_t ns) {
  if (nr < 1 || nr >= PID_MAX_LIMIT || !ns) return 0;
  return (int32_t)lookup_get(ns, (uint32_t)nr);
}

NOINLINE int32_t pid_nr_ns(uint32_t pid, uint32_t ns) {
  if (!pid || !ns) return 0;
  uint32_t ns_level = ld32(ns + NS_LEVEL);
  if (ns_level > ld32(pid + PID_LEVEL)) return 0;
  uint32_t u = upid(pid, ns_level);
  if (ld32(u + UPID_NS) != ns) return 0;
  return (int32_t)ld32(u + UPID_NR);
}

/* ── harness ─────────────────────────────────────────────────────────────── */
static uint32_t rng_state;
static void rng_seed(uint32_t s) { rng_state = s; }
/* mulberry32, bit-identical to bench/core.ts rng() */
static double rng_next(void) {
  rng_state += 0x6d2b79f5u;
  uint32_t t = rng_state;
  t = (t ^ (t >> 15)) * (t | 1u);
  t ^= t + (t ^ (t >> 7)) * (t | 61u);
  return (double)(t ^ (t >> 14)) / 4294967296.0;
}

static int32_t check(int32_t v, const char *what) {
  if (v < 0) { fprintf(stderr, "%s failed: errno %d\n", what, -v); exit(1); }
  return v;
}

static double clock_ns(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}
static double now_ns(void) { return clock_ns(CLOCK_MONOTONIC); }
static double cpu_ns(void) { return clock_ns(CLOCK_THREAD_CPUTIME_ID); }

#define LIVE 64
static uint32_t *dense_handles;

/* Bench state of the current case. */
static uint32_t b_ns;
static uint32_t b_live[LIVE];
static uint32_t b_head;
static int b_kind; /* 0 = ring (sparse/walk), 1 = dense, 2 = calls (two cheap API calls) */
static volatile int32_t b_sink;
static int b_batched;      /* --batched: bench/core.ts's batched step (64 ops per call pair) */
static uint32_t b_ops = 1; /* operations per step */
#define BATCH_OPS 64

static uint32_t ns_at_depth(int depth) {
  uint32_t ns = (uint32_t)check(create_pid_namespace(0), "create_pid_namespace");
  check(alloc_pid(ns, 0), "alloc_pid");
  for (int d = 1; d <= depth; d++) {
    ns = (uint32_t)check(create_pid_namespace(ns), "create_pid_namespace");
    check(alloc_pid(ns, 0), "alloc_pid");
  }
  return ns;
}

static void setup_ring(int depth, int32_t pidmax) {
  mem_reset();
  b_kind = 0;
  b_ns = ns_at_depth(depth);
  check(set_pid_max(b_ns, pidmax), "set_pid_max");
  for (int i = 0; i < LIVE; i++) b_live[i] = (uint32_t)check(alloc_pid(b_ns, 0), "alloc_pid");
  b_head = 0;
  b_ops = b_batched ? BATCH_OPS : 1;
}

static void setup_dense(int free_count) {
  mem_reset();
  b_kind = 1;
  b_ns = (uint32_t)check(create_pid_namespace(0), "create_pid_namespace");
  if (!dense_handles) dense_handles = malloc(sizeof(uint32_t) * PID_MAX_LIMIT);
  memset(dense_handles, 0, sizeof(uint32_t) * PID_MAX_LIMIT);
  for (;;) {
    int32_t got = alloc_pid_batch(b_ns, 4096);
    for (int32_t i = 0; i < got; i++) dense_handles[pid_nr_ns(batch[i], b_ns)] = batch[i];
    if (got < 4096) break;
  }
  rng_seed(0x5eed);
  int left = free_count;
  while (left > 0) {
    uint32_t nr = 2 + (uint32_t)(rng_next() * (double)(PID_MAX_LIMIT - 2));
    if (dense_handles[nr] == 0) continue;
    free_pid(dense_handles[nr]);
    dense_handles[nr] = 0;
    left--;
  }
  b_ops = b_batched ? (free_count < BATCH_OPS ? (uint32_t)free_count : BATCH_OPS) : 1;
}

/* One step (b_ops operations), exactly as bench/core.ts's step(). */
static inline void step(void) {
  if (b_batched) {
    if (b_kind == 0) {
      uint32_t fresh[BATCH_OPS];
      if (alloc_pid_batch(b_ns, BATCH_OPS) != BATCH_OPS) { fprintf(stderr, "batch allocation failed\n"); exit(1); }
      memcpy(fresh, batch, sizeof fresh);
      memcpy(batch, b_live, sizeof fresh);
      free_pid_batch(BATCH_OPS);
      memcpy(b_live, fresh, sizeof fresh);
    } else {
      alloc_pid_batch(b_ns, (int32_t)b_ops);
      free_pid_batch((int32_t)b_ops);
    }
    return;
  }
  if (b_kind == 0) {
    int32_t p = alloc_pid(b_ns, 0);
    free_pid(b_live[b_head]);
    b_live[b_head] = (uint32_t)p;
    b_head = (b_head + 1) & (LIVE - 1);
  } else if (b_kind == 1) {
    free_pid((uint32_t)alloc_pid(b_ns, 0));
  } else {
    b_sink = pid_max(b_ns);
    b_sink = pid_max(b_ns);
  }
}

/* Not a bench/core.ts case: two calls of the cheapest API function per op,
 * to size the per-call cost (native call here, JS→WASM call in wasm-timing.ts). */
static void setup_calls(void) {
  mem_reset();
  b_kind = 2;
  b_ns = (uint32_t)check(create_pid_namespace(0), "create_pid_namespace");
  b_ops = 1;
}

static double run_steps(uint64_t n) {
  double t0 = now_ns();
  for (uint64_t i = 0; i < n; i++) step();
  return now_ns() - t0;
}

/*
 * One repetition of n steps (n * b_ops operations; all figures below are per step), timed three ways: wall clock over the whole
 * repetition (the figure asked for: ns/op of the best repetition), this
 * thread's CPU time over it (excludes time the loaded machine ran something
 * else), and the fastest `slice`-operation slice by wall clock (≈1 ms slices;
 * most of them run without being preempted).
 */
struct rep { double wall, cpu, slice; };
static struct rep run_rep(uint64_t n, uint64_t slice) {
  struct rep r = { 0, 0, 1e300 };
  double t0 = now_ns(), c0 = cpu_ns();
  for (uint64_t done = 0; done < n;) {
    uint64_t k = n - done < slice ? n - done : slice;
    double s0 = now_ns();
    for (uint64_t i = 0; i < k; i++) step();
    double per = (now_ns() - s0) / (double)k;
    if (k == slice && per < r.slice) r.slice = per;
    done += k;
  }
  r.wall = (now_ns() - t0) / (double)n;
  r.cpu = (cpu_ns() - c0) / (double)n;
  return r;
}

static void bench_case(const char *name, int depth, double min_time, int reps) {
  /* warm up and calibrate: double n until a run takes >= 50 ms wall, run it
   * once more, and size the repetitions from the lower CPU time per op (on a
   * loaded machine wall time over-estimates the cost). */
  uint64_t n = 1000;
  for (;;) {
    if (run_steps(n) >= 5e7) break;
    n *= 2;
  }
  double cpu_per_op = 1e300;
  for (int k = 0; k < 2; k++) {
    double c0 = cpu_ns();
    run_steps(n);
    double per = (cpu_ns() - c0) / (double)n;
    if (per < cpu_per_op) cpu_per_op = per;
  }
  if (cpu_per_op < 1) cpu_per_op = 1; /* (per step here) */
  uint64_t per_rep = (uint64_t)(min_time * 1e9 / cpu_per_op) + 1;
  uint64_t slice = (uint64_t)(1e6 / cpu_per_op) + 1;
  struct rep best = { 1e300, 1e300, 1e300 };
  for (int r = 0; r < reps; r++) {
    struct rep x = run_rep(per_rep, slice);
    if (x.wall < best.wall) best.wall = x.wall;
    if (x.cpu < best.cpu) best.cpu = x.cpu;
    if (x.slice < best.slice) best.slice = x.slice;
  }
  printf("{\"case\":\"%s\",\"depth\":%d,\"batched\":%s,\"nsPerOp\":%.2f,\"cpuNsPerOp\":%.2f,\"minSliceNsPerOp\":%.2f,"
         "\"variant\":\"%s\",\"opsPerRep\":%llu,\"opsPerSlice\":%llu,\"reps\":%d}\n",
         name, depth, b_batched ? "true" : "false", best.wall / b_ops, best.cpu / b_ops, best.slice / b_ops,
         PIDCORE_VARIANT, (unsigned long long)per_rep * b_ops, (unsigned long long)slice * b_ops, reps);
  fflush(stdout);
}

static int bench_main(double min_time, int reps, const char *filter) {
  struct { const char *name; int depth; int kind; int32_t arg; } cases[] = {
    {"sparse", 0, 0, 32768},
    {"dense", 0, 1, 4194},
    {"dense9999", 0, 1, 419},
    {"walk", 1, 0, PID_MAX_LIMIT},
    {"walk", 4, 0, PID_MAX_LIMIT},
    {"walk", 32, 0, PID_MAX_LIMIT},
    {"calls", 0, 2, 0},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    char label[64];
    if (cases[c].depth) snprintf(label, sizeof label, "%s/depth=%d", cases[c].name, cases[c].depth);
    else snprintf(label, sizeof label, "%s", cases[c].name);
    if (b_batched) {
      if (cases[c].kind == 2) continue;
      strncat(label, "/batched", sizeof label - strlen(label) - 1);
    }
    if (filter && !strstr(label, filter)) continue;
    if (cases[c].kind == 0) setup_ring(cases[c].depth, cases[c].arg);
    else if (cases[c].kind == 1) setup_dense(cases[c].arg);
    else setup_calls();
    bench_case(cases[c].name, cases[c].depth, min_time, reps);
  }
  return 0;
}

/* ── checksum: a fixed operation sequence (mirrored by checksum.ts) ──────── */
static uint32_t fnv;
static void mix(uint32_t v) { fnv = (fnv ^ v) * 16777619u; }

#define CK_DEPTH 4
#define CK_STEPS 400000

static void print_stats(const char *label) {
  printf("\"%s\":[%.0f,%.0f,%.0f,%.0f,%.0f]", label, stats[STAT_WORDS_SCANNED], stats[STAT_PAGES_TOUCHED],
         stats[STAT_PAGES_ALLOCATED], stats[STAT_ALLOCS], stats[STAT_FREES]);
}

static int checksum_main(void) {
  /* Part 1: a random mix over a chain of 5 namespaces with small pid_max deeper down. */
  mem_reset();
  fnv = 2166136261u;
  uint32_t nss[CK_DEPTH + 1];
  uint32_t inits[CK_DEPTH + 1];
  nss[0] = (uint32_t)check(create_pid_namespace(0), "create_pid_namespace");
  inits[0] = (uint32_t)check(alloc_pid(nss[0], 0), "alloc_pid");
  for (int d = 1; d <= CK_DEPTH; d++) {
    nss[d] = (uint32_t)check(create_pid_namespace(nss[d - 1]), "create_pid_namespace");
    set_tid[0] = 1;
    inits[d] = (uint32_t)check(alloc_pid(nss[d], 1), "alloc_pid(set_tid)");
  }
  mix((uint32_t)set_pid_max(nss[2], 400));
  mix((uint32_t)set_pid_max(nss[4], 301));
  mix((uint32_t)set_pid_max(nss[3], 100)); /* -EINVAL */
  /* set_tid errors: EEXIST (1 is taken), EINVAL (tid >= pid_max) */
  set_tid[0] = 1;
  mix((uint32_t)alloc_pid(nss[1], 1));
  set_tid[0] = 5000;
  mix((uint32_t)alloc_pid(nss[2], 1));
  uint32_t *live = malloc(sizeof(uint32_t) * CK_STEPS);
  uint32_t nlive = 0;
  uint32_t nerr = 0;
  rng_seed(12345);
  for (int s = 0; s < CK_STEPS; s++) {
    double x = rng_next();
    uint32_t k = (uint32_t)(rng_next() * (double)(CK_DEPTH + 1));
    if (x < 0.55 || nlive == 0) {
      int32_t p = alloc_pid(nss[k], 0);
      if (p < 0) { mix((uint32_t)p); nerr++; continue; }
      live[nlive++] = (uint32_t)p;
      for (uint32_t j = 0; j <= k; j++) mix((uint32_t)pid_nr_ns((uint32_t)p, nss[j]));
    } else if (x > 0.999) {
      int32_t v = (int32_t)(rng_next() * (double)(pid_max(nss[k]) + 1));
      mix((uint32_t)set_ns_last_pid(nss[k], v));
    } else {
      uint32_t idx = (uint32_t)(rng_next() * (double)nlive);
      free_pid(live[idx]);
      live[idx] = live[--nlive];
    }
  }
  for (int d = 0; d <= CK_DEPTH; d++) mix((uint32_t)ns_last_pid(nss[d]));
  /* find_pid_ns must agree with pid_nr_ns for every live pid */
  uint32_t found_ok = 0;
  for (uint32_t i = 0; i < nlive; i++) {
    uint32_t lvl = ld32(live[i] + PID_LEVEL);
    if ((uint32_t)find_pid_ns(pid_nr_ns(live[i], nss[lvl]), nss[lvl]) == live[i]) found_ok++;
  }
  mix(found_ok);
  printf("{\"part\":\"mix\",\"checksum\":\"%08x\",\"live\":%u,\"errors\":%u,\"found\":%u,", fnv, nlive, nerr, found_ok);
  print_stats("stats");
  /* tear down: free every live pid and the inits, drop the namespaces */
  for (uint32_t i = 0; i < nlive; i++) free_pid(live[i]);
  for (int d = CK_DEPTH; d >= 0; d--) free_pid(inits[d]);
  for (int d = CK_DEPTH; d >= 0; d--) put_pid_ns(nss[d]);
  printf(",\"heapTop\":%u}\n", heap_top - HEAP_BASE);
  free(live);

  /* Part 2: the dense9999 bench setup and 20000 of its operations. */
  setup_dense(419);
  fnv = 2166136261u;
  for (int s = 0; s < 20000; s++) {
    int32_t p = alloc_pid(b_ns, 0);
    mix((uint32_t)pid_nr_ns((uint32_t)p, b_ns));
    free_pid((uint32_t)p);
  }
  printf("{\"part\":\"dense9999\",\"checksum\":\"%08x\",", fnv);
  print_stats("stats");
  printf("}\n");
  return 0;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "bench";
  double min_time = 0.5;
  int reps = 3;
  const char *filter = NULL;
  for (int i = 2; i < argc; i++) {
    if (!strcmp(argv[i], "--min-time") && i + 1 < argc) min_time = atof(argv[++i]);
    else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--filter") && i + 1 < argc) filter = argv[++i];
    else if (!strcmp(argv[i], "--batched")) b_batched = 1;
    else { fprintf(stderr, "usage: %s bench [--min-time SEC] [--reps N] [--filter SUBSTR] [--batched] | checksum\n", argv[0]); return 1; }
  }
  if (!strcmp(mode, "bench")) return bench_main(min_time, reps, filter);
  if (!strcmp(mode, "checksum")) return checksum_main();
  fprintf(stderr, "unknown mode %s\n", mode);
  return 1;
}
