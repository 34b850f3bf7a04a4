/**
 * The core's own allocator (docs/core-algorithms.md "Memory"). AssemblyScript's
 * heap is not used (the release build links `--runtime stub` and never calls
 * `heap.alloc`/`__new`): objects are carved from linear memory above
 * `__heap_base` by a bump pointer, and returned blocks go to one LIFO free list
 * per size (sizes are multiples of 8). This plays the part of the kernel's slab
 * caches: one list per struct pid level is the per-level `pid_cachep`.
 *
 *   0 … __heap_base          __heap_base (aligned)               heapTop        memory.size()
 *   ┌──────────────────────┬────────────────────────────────────┬──────────────┐
 *   │ static data (below)  │ objects: ns, pids, pages, lookup   │ bump region  │
 *   └──────────────────────┴────────────────────────────────────┴──────────────┘
 *
 * Static data (memory.data): the stats block (STAT_SLOTS f64), the set_tid
 * scratch (SET_TID_MAX i32), the batch buffer (BATCH_MAX u32) and the free-list
 * heads (one u32 per 8-byte size class up to MAX_BLOCK_BYTES).
 *
 * Reservation: a mutating operation first calls `reserve(worst case)`; only if
 * it succeeds does it change anything, and after it no `alloc_block` can
 * fail, because a block not found on a free list comes from the bump region,
 * which `reserve` has made large enough (growing memory by whole 64 KiB
 * pages, geometrically). The debug build asserts that every bump allocation
 * stays inside the current operation's reservation.
 */
import { STAT_SLOTS, SET_TID_MAX, BATCH_MAX, PAGE_BYTES } from "./layout";

/** Bytes per WebAssembly page. */
const WASM_PAGE_BYTES: u64 = 65536;
const WASM_PAGE_SHIFT: i32 = 16;
/** Block sizes and alignment are multiples of this. */
export const BLOCK_ALIGN: usize = 8;
const BLOCK_ALIGN_SHIFT: usize = 3;
/**
 * Handles are i32 byte offsets > 0 (errors are negative), so no object may
 * lie at or above 2 GiB: the bump region ends there whatever the memory
 * maximum. (A deliberate limit of the i32 interface; the TS twin's default
 * maximum is 2 GiB too.)
 */
const HEAP_LIMIT: u64 = 0x80000000;
const HEAP_LIMIT_PAGES: i32 = <i32>(HEAP_LIMIT >> WASM_PAGE_SHIFT);
/**
 * Largest block size with a free list: an hbm leaf block (hbm.ts
 * HBM_LEAF_BYTES = PAGE_BYTES + 64 summary bytes); bitmap pages and lookup
 * chunks are PAGE_BYTES.
 */
const MAX_BLOCK_BYTES: usize = <usize>PAGE_BYTES + 64;
const SIZE_CLASSES: i32 = <i32>(MAX_BLOCK_BYTES >> BLOCK_ALIGN_SHIFT) + 1;
/** Slot size of the u32 arrays below. */
const U32_BYTES: i32 = 4;
const U32_SHIFT: usize = 2;
const F64_BYTES: i32 = 8;
const F64_SHIFT: usize = 3;
const STATIC_ALIGN: i32 = 16;

export const STATS: usize = memory.data(STAT_SLOTS * F64_BYTES, STATIC_ALIGN);
export const SET_TID: usize = memory.data(SET_TID_MAX * U32_BYTES, STATIC_ALIGN);
export const BATCH: usize = memory.data(BATCH_MAX * U32_BYTES, STATIC_ALIGN);
const FREE_LISTS: usize = memory.data(SIZE_CLASSES * U32_BYTES, STATIC_ALIGN);

/** A lower bound of the memory size in bytes (≤ HEAP_LIMIT), so `reserve` rarely asks the engine. */
let memEnd: u64 = 0;

/** Debug build: end of the current operation's reservation; every bump allocation must stay below it. */
let reservedEnd: u64 = 0;

/** Start of the bump region. Invariant: heapTop % BLOCK_ALIGN == 0, heapTop <= HEAP_LIMIT. */
let heapTop: usize = (__heap_base + BLOCK_ALIGN - 1) & ~(BLOCK_ALIGN - 1);

// ── work counters (layout.ts STAT_*) ─────────────────────────────────────────

// @ts-ignore: decorator
@inline export function stat_add(slot: i32, v: f64): void {
  let p = STATS + (<usize>slot << F64_SHIFT);
  store<f64>(p, load<f64>(p) + v);
}

// @ts-ignore: decorator
@inline export function stat_set(slot: i32, v: f64): void {
  store<f64>(STATS + (<usize>slot << F64_SHIFT), v);
}

// ── reservation and blocks ───────────────────────────────────────────────────

/**
 * Makes sure `bytes` more can be taken from the bump region, growing memory
 * if needed. Returns false (nothing changed) when memory cannot grow that
 * far: the caller returns -ENOMEM.
 *
 * Growth is geometric (at least double, like the TS twin's buffer): engines
 * without guard regions copy the whole memory on every `memory.grow`
 * (measured ≈ 1.8 ms per call at 128 MiB on Node 20 here), so growing page by
 * page would make allocation quadratic. When doubling is refused by the
 * memory's maximum, only what is needed is asked for.
 */
export function reserve(bytes: usize): bool {
  let need = <u64>heapTop + <u64>bytes;
  if (DEBUG) reservedEnd = need;
  if (need <= memEnd) return true;
  if (need > HEAP_LIMIT) return false;
  // memEnd may be stale if the embedder grew the memory itself; re-read it.
  let havePages = <i32>memory.size();
  let have = <u64>havePages << WASM_PAGE_SHIFT;
  if (need > have) {
    let needPages = <i32>((need - have + WASM_PAGE_BYTES - 1) >> WASM_PAGE_SHIFT);
    let wantPages = min(max(needPages, havePages), HEAP_LIMIT_PAGES - havePages);
    if (wantPages < needPages || memory.grow(wantPages) < 0) {
      if (memory.grow(needPages) < 0) return false;
    }
    have = <u64>memory.size() << WASM_PAGE_SHIFT;
  }
  memEnd = min(have, HEAP_LIMIT);
  return true;
}

// @ts-ignore: decorator
@inline function free_head(size: usize): usize {
  return FREE_LISTS + ((size >> BLOCK_ALIGN_SHIFT) << U32_SHIFT);
}

/** Blocks up to this size are zeroed with u64 stores; bigger ones with memory.fill (a runtime call in engines). */
const SMALL_BLOCK_BYTES: usize = 512;

/**
 * A block of `size` bytes (a multiple of 8, at most MAX_BLOCK_BYTES) whose
 * contents are unspecified if it comes from a free list: the head of its
 * free list, else from the bump region (zero). For callers that write every
 * word themselves (struct pid). Precondition: a successful `reserve`
 * covering it in the current operation.
 */
// @ts-ignore: decorator
@inline export function alloc_block_raw(size: usize): usize {
  if (DEBUG) assert(size > 0 && size <= MAX_BLOCK_BYTES && (size & (BLOCK_ALIGN - 1)) == 0, "alloc_block: bad size");
  let head = free_head(size);
  let p = load<usize>(head);
  if (p) {
    store<usize>(head, load<usize>(p));
  } else {
    // The bump region was never handed out, so it is still zero.
    p = heapTop;
    heapTop += size;
    if (DEBUG) assert(<u64>heapTop <= reservedEnd, "alloc_block: allocation beyond the operation's reservation");
  }
  return p;
}

/** A zeroed block of `size` bytes (see alloc_block_raw). */
export function alloc_block(size: usize): usize {
  let head = free_head(size);
  let reused = load<usize>(head) != 0;
  let p = alloc_block_raw(size);
  if (reused) zero_block(p, size);
  return p;
}

/** Zero-fills a block (size a multiple of 8). */
// @ts-ignore: decorator
@inline export function zero_block(p: usize, size: usize): void {
  if (size <= SMALL_BLOCK_BYTES) {
    for (let q = p, end = p + size; q < end; q += BLOCK_ALIGN) store<u64>(q, 0);
  } else {
    memory.fill(p, 0, size);
  }
}

/** Returns a block to its size's free list (LIFO). */
export function free_block(p: usize, size: usize): void {
  if (DEBUG) assert(p >= __heap_base && p + size <= heapTop, "free_block: not a heap block");
  let head = free_head(size);
  store<usize>(p, load<usize>(head));
  store<usize>(head, p);
}

/** Whether `p` lies in the object area (debug checks of handles). */
export function is_heap_object(p: usize): bool {
  return p >= __heap_base && p < heapTop;
}

/** Current end of the bump region (for tests and diagnostics). */
export function heap_top(): usize {
  return heapTop;
}
