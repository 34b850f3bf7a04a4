/**
 * The core's own allocator (docs/core-algorithms.md "Memory"). AssemblyScript's
 * heap is not used (the release build links `--runtime stub` and never calls
 * `heap.alloc`/`__new`): memory above `__heap_base` is cut into frames of
 * FRAME_BYTES (4160, the largest object) by a bump pointer, and frames are
 * handed out the way the kernel's page allocator feeds its slab caches:
 *
 * - a block bigger than SLAB_MAX_BYTES (bitmap page, lookup chunk, hbm leaf
 *   block) takes a whole frame;
 * - smaller blocks (struct pid of each level = the per-level `pid_cachep`,
 *   namespaces, lookup roots and dirs, idr nodes) are carved from *slabs*: a
 *   frame with a SLAB_HEADER_BYTES header, its own LIFO free list of objects
 *   and a carve pointer. Slabs with room are on their size's *partial list*
 *   (doubly linked); a slab whose last object is freed goes back to the frame
 *   free list at once.
 *
 * So freed memory of any size comes back as frames that serve any size:
 * after everything is reaped, the state takes as many objects as a fresh one
 * (issue 9 item 4: the previous per-size free lists never gave a 24-byte pid
 * block to a 4096-byte page request, and reservation counted only the bump
 * region). Frames never return to the bump region, so the bump region stays
 * zero.
 *
 *   0 … __heap_base          FRAME_BASE                            heapTop        memory.size()
 *   ┌──────────────────────┬──────┬──────┬──────┬─────────────────┬──────────────┐
 *   │ static data (below)  │frame │frame │frame │ ...             │ bump region  │
 *   └──────────────────────┴──────┴──────┴──────┴─────────────────┴──────────────┘
 *
 *   slab frame: ┌ free │ inuse │ prev │ next │ carve │ cap ┬ objects ... ┐   (u32 each)
 *
 * Static data (memory.data): the stats block (STAT_SLOTS f64), the set_tid
 * scratch (SET_TID_MAX i32), the batch buffer (BATCH_MAX u32), the partial
 * list heads and the free-object counts (one u32 each per 8-byte size class up
 * to SLAB_MAX_BYTES), and the reservation's need table.
 *
 * Reservation: a mutating operation first states its worst case as object
 * counts per size (need_begin / need_add) and calls `reserve_need`; only if it
 * succeeds does it change anything, and after it no `alloc_block` can fail:
 * the worst case in frames is Σ whole-frame blocks + for each slab size
 * ⌈(n − free objects on its partial slabs) / objects per slab⌉, and the frame
 * free list plus the bump region (grown by whole 64 KiB pages, geometrically)
 * must hold that many. The exact count is O(sizes in the worst case) (at most
 * NEED_MAX); a quick check (every object a whole frame of the bump region)
 * skips it while memory is far from its cap. The debug build asserts that
 * every bump allocation stays inside the current operation's reservation.
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
 * Largest block: an hbm leaf block (hbm.ts HBM_LEAF_BYTES = PAGE_BYTES + 64
 * summary bytes); bitmap pages and lookup chunks are PAGE_BYTES. One frame.
 */
const MAX_BLOCK_BYTES: usize = <usize>PAGE_BYTES + 64;
export const FRAME_BYTES: usize = MAX_BLOCK_BYTES;
/** Slab header: free-list head, objects in use, prev / next on the partial list, carve pointer, capacity. */
const SLAB_FREE: usize = 0;
const SLAB_INUSE: usize = 4;
const SLAB_PREV: usize = 8;
const SLAB_NEXT: usize = 12;
const SLAB_CARVE: usize = 16;
const SLAB_CAP: usize = 20;
const SLAB_HEADER_BYTES: usize = 24;
/** Blocks up to this size come from slabs (at least two per slab); bigger ones take a frame. */
export const SLAB_MAX_BYTES: usize = (FRAME_BYTES - SLAB_HEADER_BYTES) >> 1;
const SLAB_CLASSES: i32 = <i32>(SLAB_MAX_BYTES >> BLOCK_ALIGN_SHIFT) + 1;
/** Entries of the need table: distinct sizes one operation may ask for. */
const NEED_MAX: i32 = 8;
/** Slot size of the u32 arrays below. */
const U32_BYTES: i32 = 4;
const U32_SHIFT: usize = 2;
const F64_BYTES: i32 = 8;
const F64_SHIFT: usize = 3;
const STATIC_ALIGN: i32 = 16;

export const STATS: usize = memory.data(STAT_SLOTS * F64_BYTES, STATIC_ALIGN);
export const SET_TID: usize = memory.data(SET_TID_MAX * U32_BYTES, STATIC_ALIGN);
export const BATCH: usize = memory.data(BATCH_MAX * U32_BYTES, STATIC_ALIGN);
/** Head of each slab size's partial list (index size >> 3), 0 = none. */
const PARTIAL: usize = memory.data(SLAB_CLASSES * U32_BYTES, STATIC_ALIGN);
/** Free objects (free-list entries + uncarved room) on each slab size's partial slabs. */
const FREE_OBJS: usize = memory.data(SLAB_CLASSES * U32_BYTES, STATIC_ALIGN);
/** The need table of the reservation in progress: sizes and counts. */
const NEED_SIZE: usize = memory.data(NEED_MAX * U32_BYTES, STATIC_ALIGN);
const NEED_COUNT: usize = memory.data(NEED_MAX * U32_BYTES, STATIC_ALIGN);
let needLen: i32 = 0;
/** Objects in the need table, each at most one frame (the quick check). */
let needObjects: u32 = 0;

/** A lower bound of the memory size in bytes (≤ HEAP_LIMIT), so `reserve` rarely asks the engine. */
let memEnd: u64 = 0;

/** Debug build: end of the current operation's reservation; every bump allocation must stay below it. */
let reservedEnd: u64 = 0;

/** First frame. */
const FRAME_BASE: usize = (__heap_base + BLOCK_ALIGN - 1) & ~(BLOCK_ALIGN - 1);
/** Start of the bump region. Invariant: heapTop = FRAME_BASE + k·FRAME_BYTES, heapTop <= HEAP_LIMIT. */
let heapTop: usize = FRAME_BASE;
/** Free frames: a LIFO list linked through their first word, and its length. */
let frameFree: usize = 0;
let frameFreeCount: u32 = 0;

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

// ── reservation ──────────────────────────────────────────────────────────────

/** Starts a worst case (see need_add, reserve_need). */
export function need_begin(): void {
  needLen = 0;
  needObjects = 0;
}

/** Adds `n` blocks of `size` bytes to the worst case (sizes already listed are merged). */
export function need_add(size: usize, n: u32): void {
  if (n == 0) return;
  needObjects += n;
  for (let i = 0; i < needLen; i++) {
    let s = NEED_SIZE + (<usize>i << U32_SHIFT);
    if (<usize>load<u32>(s) == size) {
      let c = NEED_COUNT + (<usize>i << U32_SHIFT);
      store<u32>(c, load<u32>(c) + n);
      return;
    }
  }
  if (DEBUG) assert(needLen < NEED_MAX, "need_add: too many sizes");
  store<u32>(NEED_SIZE + (<usize>needLen << U32_SHIFT), <u32>size);
  store<u32>(NEED_COUNT + (<usize>needLen << U32_SHIFT), n);
  needLen++;
}

/** Frames the worst case may take: whole-frame blocks, plus new slabs where the partial slabs have too few free objects. */
function need_frames(): u32 {
  let frames: u32 = 0;
  for (let i = 0; i < needLen; i++) {
    let size = <usize>load<u32>(NEED_SIZE + (<usize>i << U32_SHIFT));
    let n = load<u32>(NEED_COUNT + (<usize>i << U32_SHIFT));
    if (size > SLAB_MAX_BYTES) {
      frames += n;
    } else {
      let free = load<u32>(FREE_OBJS + ((size >> BLOCK_ALIGN_SHIFT) << U32_SHIFT));
      if (n > free) {
        let cap = <u32>((FRAME_BYTES - SLAB_HEADER_BYTES) / size);
        frames += (n - free + cap - 1) / cap;
      }
    }
  }
  return frames;
}

/**
 * The quick check alone: `objects` blocks, each taken as a whole frame of the
 * bump region, fit below the memory's current end. Callers try it before
 * stating their worst case (need_begin …), which is then skipped.
 */
// @ts-ignore: decorator
@inline export function reserve_quick(objects: u32): bool {
  let quick = <u64>heapTop + <u64>objects * <u64>FRAME_BYTES;
  if (quick > memEnd) return false;
  if (DEBUG) reservedEnd = quick;
  return true;
}

/**
 * Makes sure the worst case stated since need_begin can be allocated,
 * growing memory if needed. Returns false (nothing changed) when it cannot:
 * the caller returns -ENOMEM.
 */
export function reserve_need(): bool {
  // Quick check: every object a whole frame from the bump region.
  let quick = <u64>heapTop + <u64>needObjects * <u64>FRAME_BYTES;
  if (quick <= memEnd) {
    if (DEBUG) reservedEnd = quick;
    return true;
  }
  let frames = need_frames();
  let bumpFrames: u32 = frames > frameFreeCount ? frames - frameFreeCount : 0;
  return reserve(<usize>bumpFrames * FRAME_BYTES);
}

/**
 * Makes sure `bytes` more can be taken from the bump region, growing memory
 * if needed. Returns false (nothing changed) when memory cannot grow that
 * far.
 *
 * Growth is geometric (at least double, like the TS twin's buffer): engines
 * without guard regions copy the whole memory on every `memory.grow`
 * (measured ≈ 1.8 ms per call at 128 MiB on Node 20 here), so growing page by
 * page would make allocation quadratic. When doubling is refused by the
 * memory's maximum, only what is needed is asked for.
 */
function reserve(bytes: usize): bool {
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

// ── frames and slabs ─────────────────────────────────────────────────────────

/** A frame: the head of the frame free list (contents unspecified; `reused` set), else from the bump region (zero). */
let reused: bool = false;
function take_frame(): usize {
  let f = frameFree;
  if (f) {
    frameFree = <usize>load<u32>(f);
    frameFreeCount--;
    reused = true;
    return f;
  }
  f = heapTop;
  heapTop += FRAME_BYTES;
  if (DEBUG) assert(<u64>heapTop <= reservedEnd, "alloc_block: allocation beyond the operation's reservation");
  reused = false;
  return f;
}

// @ts-ignore: decorator
@inline function put_frame(f: usize): void {
  store<u32>(f, <u32>frameFree);
  frameFree = f;
  frameFreeCount++;
}

// @ts-ignore: decorator
@inline function partial_head(size: usize): usize {
  return PARTIAL + ((size >> BLOCK_ALIGN_SHIFT) << U32_SHIFT);
}

// @ts-ignore: decorator
@inline function free_objs(size: usize): usize {
  return FREE_OBJS + ((size >> BLOCK_ALIGN_SHIFT) << U32_SHIFT);
}

/** Puts slab `s` at the head of its size's partial list. */
function partial_push(head: usize, s: usize): void {
  let first = <usize>load<u32>(head);
  store<u32>(s, 0, SLAB_PREV);
  store<u32>(s, <u32>first, SLAB_NEXT);
  if (first) store<u32>(first, <u32>s, SLAB_PREV);
  store<u32>(head, <u32>s);
}

/** Takes slab `s` off its size's partial list. */
function partial_unlink(head: usize, s: usize): void {
  let prev = <usize>load<u32>(s, SLAB_PREV);
  let next = <usize>load<u32>(s, SLAB_NEXT);
  if (prev) store<u32>(prev, <u32>next, SLAB_NEXT);
  else store<u32>(head, <u32>next);
  if (next) store<u32>(next, <u32>prev, SLAB_PREV);
}

/** Whether slab `s` of objects of `size` has no room left. */
// @ts-ignore: decorator
@inline function slab_full(s: usize, size: usize): bool {
  return load<u32>(s, SLAB_FREE) == 0 && <usize>load<u32>(s, SLAB_CARVE) + size > s + FRAME_BYTES;
}

/** An object from the first partial slab of its size (a new slab if there is none). Contents unspecified. */
function slab_alloc(size: usize): usize {
  let head = partial_head(size);
  let objs = free_objs(size);
  let s = <usize>load<u32>(head);
  if (!s) {
    s = take_frame();
    let cap = <u32>((FRAME_BYTES - SLAB_HEADER_BYTES) / size);
    store<u32>(s, 0, SLAB_FREE);
    store<u32>(s, 0, SLAB_INUSE);
    store<u32>(s, <u32>(s + SLAB_HEADER_BYTES), SLAB_CARVE);
    store<u32>(s, cap, SLAB_CAP);
    partial_push(head, s);
    store<u32>(objs, load<u32>(objs) + cap);
  }
  let p = <usize>load<u32>(s, SLAB_FREE);
  if (p) {
    store<u32>(s, load<u32>(p), SLAB_FREE);
  } else {
    p = <usize>load<u32>(s, SLAB_CARVE);
    store<u32>(s, <u32>(p + size), SLAB_CARVE);
  }
  store<u32>(s, load<u32>(s, SLAB_INUSE) + 1, SLAB_INUSE);
  store<u32>(objs, load<u32>(objs) - 1);
  if (slab_full(s, size)) partial_unlink(head, s);
  return p;
}

/** Returns an object to its slab; an empty slab goes back to the frame free list. */
function slab_free(p: usize, size: usize): void {
  let s = FRAME_BASE + (p - FRAME_BASE) / FRAME_BYTES * FRAME_BYTES;
  let head = partial_head(size);
  let objs = free_objs(size);
  let wasFull = slab_full(s, size);
  store<u32>(p, load<u32>(s, SLAB_FREE));
  store<u32>(s, <u32>p, SLAB_FREE);
  let inuse = load<u32>(s, SLAB_INUSE) - 1;
  store<u32>(s, inuse, SLAB_INUSE);
  store<u32>(objs, load<u32>(objs) + 1);
  if (inuse == 0) {
    if (!wasFull) partial_unlink(head, s);
    store<u32>(objs, load<u32>(objs) - load<u32>(s, SLAB_CAP));
    put_frame(s);
  } else if (wasFull) {
    partial_push(head, s);
  }
}

// ── blocks ───────────────────────────────────────────────────────────────────

/**
 * A block of `size` bytes (a multiple of 8, at most MAX_BLOCK_BYTES) whose
 * contents are unspecified: for callers that write every word themselves
 * (struct pid). Precondition: a successful reservation covering it in the
 * current operation.
 */
export function alloc_block_raw(size: usize): usize {
  if (DEBUG) assert(size > 0 && size <= MAX_BLOCK_BYTES && (size & (BLOCK_ALIGN - 1)) == 0, "alloc_block: bad size");
  if (size > SLAB_MAX_BYTES) return take_frame();
  return slab_alloc(size);
}

/** A zeroed block of `size` bytes (see alloc_block_raw). */
export function alloc_block(size: usize): usize {
  if (DEBUG) assert(size > 0 && size <= MAX_BLOCK_BYTES && (size & (BLOCK_ALIGN - 1)) == 0, "alloc_block: bad size");
  if (size > SLAB_MAX_BYTES) {
    let f = take_frame();
    // A frame from the bump region is still zero.
    if (reused) zero_block(f, size);
    return f;
  }
  let p = slab_alloc(size);
  zero_block(p, size);
  return p;
}

/** Blocks up to this size are zeroed with u64 stores; bigger ones with memory.fill (a runtime call in engines). */
const SMALL_BLOCK_BYTES: usize = 512;

/** Zero-fills a block (size a multiple of 8). */
// @ts-ignore: decorator
@inline export function zero_block(p: usize, size: usize): void {
  if (size <= SMALL_BLOCK_BYTES) {
    for (let q = p, end = p + size; q < end; q += BLOCK_ALIGN) store<u64>(q, 0);
  } else {
    memory.fill(p, 0, size);
  }
}

/** Returns a block: a whole frame to the frame free list, a slab object to its slab (LIFO). */
export function free_block(p: usize, size: usize): void {
  if (DEBUG) assert(p >= FRAME_BASE && p + size <= heapTop, "free_block: not a heap block");
  if (size > SLAB_MAX_BYTES) put_frame(p);
  else slab_free(p, size);
}

/** Whether `p` lies in the object area (debug checks of handles). */
export function is_heap_object(p: usize): bool {
  return p >= __heap_base && p < heapTop;
}

/** Current end of the bump region (for tests and diagnostics). */
export function heap_top(): usize {
  return heapTop;
}

/** Frames on the frame free list (for tests and diagnostics). */
export function free_frames(): u32 {
  return frameFreeCount;
}

/** Free objects on the partial slabs of `size` (for tests and diagnostics). */
export function slab_free_objects(size: usize): u32 {
  return size > 0 && size <= SLAB_MAX_BYTES ? load<u32>(free_objs(size)) : 0;
}
