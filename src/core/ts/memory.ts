/**
 * The TS twin's linear memory: one ArrayBuffer viewed as u32 / i32 / f64,
 * carved into frames of FRAME_BYTES by a bump pointer; whole-frame blocks
 * and slabs of smaller objects with per-size partial lists, exactly as the
 * WASM core's allocator (assembly/memory.ts has the diagrams;
 * docs/core-algorithms.md "Memory"), so that the reservation rule — and
 * therefore every -ENOMEM — happens at the same operations.
 *
 *   0        STATS_PTR            SET_TID_PTR           BATCH_PTR                HEAP_BASE      bump          byteLength
 *   ┌────────┬────────────────────┬─────────────────────┬────────────────────────┬──────────────┬─────────────┐
 *   │ (null) │ stats: STAT_SLOTS  │ set_tid: SET_TID_MAX│ batch: BATCH_MAX u32   │ frames ...   │ zero region │
 *   │        │ f64                │ i32                 │ pid handles            │              │             │
 *   └────────┴────────────────────┴─────────────────────┴────────────────────────┴──────────────┴─────────────┘
 *
 * Invariant: every byte at or above `bump` is zero (fresh memory is zero and
 * frames never return to the bump region), so a frame from the bump region
 * needs no clearing; a reused frame and every slab object are cleared.
 *
 * Growth doubles (whole 64 KiB pages, capped at maxMemoryBytes) and detaches
 * the old buffer, so a stale view reads length 0 exactly like a view of a
 * grown WebAssembly.Memory — because it is one: the buffer is carved from a
 * WebAssembly.Memory used purely as a growable, zero-filled ArrayBuffer (no
 * WASM code runs). It grows in place, where the earlier copy into a new
 * ArrayBuffer held old and new buffers resident at once (+70 MiB peak RSS
 * on `storm --workload wide-live --tasks 1M`).
 */
import { BATCH_MAX, SET_TID_MAX, STAT_SLOTS } from '../layout.js';

/** Growth granule, the WebAssembly page size. */
export const MEM_PAGE_BYTES = 65536;
/** Largest object size (an hbm leaf block, 4096 + 64; bitmap pages and lookup chunks are 4096): one frame. */
export const FRAME_BYTES = 4096 + 64;
/** Slab header (i32 slots): free-list head, objects in use, prev / next on the partial list, carve pointer, capacity. */
const SLAB_FREE = 0;
const SLAB_INUSE = 1;
const SLAB_PREV = 2;
const SLAB_NEXT = 3;
const SLAB_CARVE = 4;
const SLAB_CAP = 5;
const SLAB_HEADER_BYTES = 24;
/** Blocks up to this size come from slabs (at least two per slab); bigger ones take a frame. */
export const SLAB_MAX_BYTES = (FRAME_BYTES - SLAB_HEADER_BYTES) >> 1;
const SLAB_CLASSES = (SLAB_MAX_BYTES >> 3) + 1;
/** Distinct sizes one operation's worst case may name. */
const NEED_MAX = 8;

export const STATS_PTR = 16;
export const SET_TID_PTR = STATS_PTR + STAT_SLOTS * 8;
export const BATCH_PTR = align8(SET_TID_PTR + SET_TID_MAX * 4);
export const HEAP_BASE = align8(BATCH_PTR + BATCH_MAX * 4);

/** Default cap of the twin's memory: 2 GiB keeps every handle a positive i32. */
export const TS_DEFAULT_MAX_MEMORY = 0x80000000;

function align8(n: number): number {
  return (n + 7) & ~7;
}

export class CoreMemory {
  buf: ArrayBuffer;
  /** The growable store behind buf (buf is always mem.buffer). */
  readonly mem: WebAssembly.Memory;
  u32: Uint32Array;
  i32: Int32Array;
  f64: Float64Array;
  /** Next free byte of the bump region. Invariant: HEAP_BASE ≤ bump ≤ buf.byteLength. */
  bump: number;
  /**
   * buf.byteLength kept in a plain field (updated by every growth), so the
   * reservation check on each alloc_pid is a field compare, not a getter call.
   */
  size: number;
  /** Usable cap in bytes, rounded down to whole 64 KiB pages. */
  readonly maxBytes: number;
  /** Head of each slab size's partial list (index size >> 3), 0 = none. */
  readonly partial: Int32Array;
  /** Free objects (free-list entries + uncarved room) on each slab size's partial slabs. */
  readonly freeObjs: Int32Array;
  /** Free frames: a LIFO list linked through their first word, and its length. */
  frameFree = 0;
  frameFreeCount = 0;
  /** The worst case being stated (need_begin / need_add): sizes, counts, objects in all. */
  readonly needSize = new Int32Array(NEED_MAX);
  readonly needCount = new Int32Array(NEED_MAX);
  needLen = 0;
  needObjects = 0;
  /** Lookup chunks allocated since the core was made (lookup.ts; a work counter for tests). */
  lookupChunksMade = 0;
  /** The number allocator of this core (alloc.ts ALLOC_*), fixed at creation. */
  readonly allocKind: number;

  constructor(maxMemoryBytes: number, allocKind = 0) {
    this.allocKind = allocKind;
    const cap = Math.floor(Math.min(maxMemoryBytes, TS_DEFAULT_MAX_MEMORY) / MEM_PAGE_BYTES) * MEM_PAGE_BYTES;
    const initial = Math.ceil(HEAP_BASE / MEM_PAGE_BYTES) * MEM_PAGE_BYTES;
    if (cap < initial) throw new RangeError(`maxMemoryBytes ${maxMemoryBytes} is below the core's static size ${initial}`);
    this.maxBytes = cap;
    this.mem = new WebAssembly.Memory({ initial: initial / MEM_PAGE_BYTES, maximum: cap / MEM_PAGE_BYTES });
    this.buf = this.mem.buffer;
    this.u32 = new Uint32Array(this.buf);
    this.i32 = new Int32Array(this.buf);
    this.f64 = new Float64Array(this.buf);
    this.bump = HEAP_BASE;
    this.size = initial;
    this.partial = new Int32Array(SLAB_CLASSES);
    this.freeObjs = new Int32Array(SLAB_CLASSES);
  }
}

/** Starts a worst case (see need_add, mem_reserve_need). */
export function need_begin(m: CoreMemory): void {
  m.needLen = 0;
  m.needObjects = 0;
}

/** Adds `n` blocks of `size` bytes to the worst case (sizes already listed are merged). */
export function need_add(m: CoreMemory, size: number, n: number): void {
  if (n === 0) return;
  m.needObjects += n;
  for (let i = 0; i < m.needLen; i++) {
    if (m.needSize[i] === size) {
      m.needCount[i] += n;
      return;
    }
  }
  m.needSize[m.needLen] = size;
  m.needCount[m.needLen] = n;
  m.needLen++;
}

/** Frames the worst case may take: whole-frame blocks, plus new slabs where the partial slabs have too few free objects. */
function need_frames(m: CoreMemory): number {
  let frames = 0;
  for (let i = 0; i < m.needLen; i++) {
    const size = m.needSize[i];
    const n = m.needCount[i];
    if (size > SLAB_MAX_BYTES) {
      frames += n;
    } else {
      const free = m.freeObjs[size >> 3];
      if (n > free) {
        const cap = Math.floor((FRAME_BYTES - SLAB_HEADER_BYTES) / size);
        frames += Math.floor((n - free + cap - 1) / cap);
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
export function mem_reserve_quick(m: CoreMemory, objects: number): boolean {
  return m.bump + objects * FRAME_BYTES <= m.size;
}

/**
 * Make sure the worst case stated since need_begin can be allocated,
 * growing memory if needed. false = cannot (the caller returns -ENOMEM with
 * nothing changed). After it no mem_alloc in that operation can fail.
 */
export function mem_reserve_need(m: CoreMemory): boolean {
  // Quick check: every object a whole frame from the bump region.
  if (m.bump + m.needObjects * FRAME_BYTES <= m.size) return true;
  const frames = need_frames(m);
  const bumpFrames = frames > m.frameFreeCount ? frames - m.frameFreeCount : 0;
  return mem_reserve(m, bumpFrames * FRAME_BYTES);
}

/** Make sure `bytes` more bytes are available in the bump region, growing memory if needed; false = cannot (nothing changed). */
function mem_reserve(m: CoreMemory, bytes: number): boolean {
  return m.bump + bytes <= m.size || mem_grow(m, m.bump + bytes);
}

/** The slow path of mem_reserve: grow so that `need` bytes fit, or false (nothing changed). */
function mem_grow(m: CoreMemory, need: number): boolean {
  const size = m.size;
  if (need <= size) return true;
  if (need > m.maxBytes) return false;
  let grown = size * 2;
  const pages = Math.ceil(need / MEM_PAGE_BYTES) * MEM_PAGE_BYTES;
  if (grown < pages) grown = pages;
  if (grown > m.maxBytes) grown = m.maxBytes;
  // grow detaches the old buffer, so views kept by callers read length 0 (the WASM core's contract).
  m.mem.grow((grown - size) / MEM_PAGE_BYTES);
  const buf = m.mem.buffer;
  m.buf = buf;
  m.size = grown;
  m.u32 = new Uint32Array(buf);
  m.i32 = new Int32Array(buf);
  m.f64 = new Float64Array(buf);
  return true;
}

/** A frame: the head of the frame free list, else from the bump region (zero). `reused` tells which. */
let reused = false;
function take_frame(m: CoreMemory): number {
  const f = m.frameFree;
  if (f !== 0) {
    m.frameFree = m.i32[f >> 2];
    m.frameFreeCount--;
    reused = true;
    return f;
  }
  reused = false;
  const p = m.bump;
  m.bump = p + FRAME_BYTES;
  return p;
}

function put_frame(m: CoreMemory, f: number): void {
  m.i32[f >> 2] = m.frameFree;
  m.frameFree = f;
  m.frameFreeCount++;
}

/** Puts slab `s` at the head of its size's partial list. */
function partial_push(m: CoreMemory, cls: number, s: number): void {
  const i32 = m.i32;
  const first = m.partial[cls];
  i32[(s >> 2) + SLAB_PREV] = 0;
  i32[(s >> 2) + SLAB_NEXT] = first;
  if (first !== 0) i32[(first >> 2) + SLAB_PREV] = s;
  m.partial[cls] = s;
}

/** Takes slab `s` off its size's partial list. */
function partial_unlink(m: CoreMemory, cls: number, s: number): void {
  const i32 = m.i32;
  const prev = i32[(s >> 2) + SLAB_PREV];
  const next = i32[(s >> 2) + SLAB_NEXT];
  if (prev !== 0) i32[(prev >> 2) + SLAB_NEXT] = next;
  else m.partial[cls] = next;
  if (next !== 0) i32[(next >> 2) + SLAB_PREV] = prev;
}

/** Whether slab `s` of objects of `size` has no room left. */
function slab_full(i32: Int32Array, s: number, size: number): boolean {
  return i32[(s >> 2) + SLAB_FREE] === 0 && i32[(s >> 2) + SLAB_CARVE] + size > s + FRAME_BYTES;
}

/** An object from the first partial slab of its size (a new slab if there is none). Contents unspecified. */
function slab_alloc(m: CoreMemory, size: number): number {
  const cls = size >> 3;
  const i32 = m.i32;
  let s = m.partial[cls];
  if (s === 0) {
    s = take_frame(m);
    const cap = Math.floor((FRAME_BYTES - SLAB_HEADER_BYTES) / size);
    const h = s >> 2;
    i32[h + SLAB_FREE] = 0;
    i32[h + SLAB_INUSE] = 0;
    i32[h + SLAB_CARVE] = s + SLAB_HEADER_BYTES;
    i32[h + SLAB_CAP] = cap;
    partial_push(m, cls, s);
    m.freeObjs[cls] += cap;
  }
  const h = s >> 2;
  let p = i32[h + SLAB_FREE];
  if (p !== 0) {
    i32[h + SLAB_FREE] = i32[p >> 2];
  } else {
    p = i32[h + SLAB_CARVE];
    i32[h + SLAB_CARVE] = p + size;
  }
  i32[h + SLAB_INUSE]++;
  m.freeObjs[cls]--;
  if (slab_full(i32, s, size)) partial_unlink(m, cls, s);
  return p;
}

/** Returns an object to its slab; an empty slab goes back to the frame free list. */
function slab_free(m: CoreMemory, p: number, size: number): void {
  // p - HEAP_BASE < 2^31 (handles are positive i32): the integer quotient by `| 0`.
  const s = HEAP_BASE + (((p - HEAP_BASE) / FRAME_BYTES) | 0) * FRAME_BYTES;
  const cls = size >> 3;
  const i32 = m.i32;
  const h = s >> 2;
  const wasFull = slab_full(i32, s, size);
  i32[p >> 2] = i32[h + SLAB_FREE];
  i32[h + SLAB_FREE] = p;
  const inuse = i32[h + SLAB_INUSE] - 1;
  i32[h + SLAB_INUSE] = inuse;
  m.freeObjs[cls]++;
  if (inuse === 0) {
    if (!wasFull) partial_unlink(m, cls, s);
    m.freeObjs[cls] -= i32[h + SLAB_CAP];
    put_frame(m, s);
  } else if (wasFull) {
    partial_push(m, cls, s);
  }
}

/** A zeroed block of `size` bytes (a multiple of 8, ≤ FRAME_BYTES): a whole frame above SLAB_MAX_BYTES, else a slab object. */
export function mem_alloc(m: CoreMemory, size: number): number {
  if (size > SLAB_MAX_BYTES) {
    const f = take_frame(m);
    // A frame from the bump region is still zero.
    if (reused) m.u32.fill(0, f >> 2, (f + size) >> 2);
    return f;
  }
  const p = slab_alloc(m, size);
  // Small objects (a struct pid is 16 + 8 per level bytes) are cleared by a
  // loop: TypedArray fill is a builtin call V8 does not inline.
  if (size <= SMALL_CLEAR_BYTES) {
    const i32 = m.i32;
    for (let w = p >> 2, end = (p + size) >> 2; w < end; w++) i32[w] = 0;
  } else {
    m.u32.fill(0, p >> 2, (p + size) >> 2);
  }
  return p;
}

/** Objects up to this size are cleared word by word (mem_alloc). */
const SMALL_CLEAR_BYTES = 256;

/** Return a block: a whole frame to the frame free list, a slab object to its slab (LIFO). */
export function mem_free(m: CoreMemory, ptr: number, size: number): void {
  if (size > SLAB_MAX_BYTES) put_frame(m, ptr);
  else slab_free(m, ptr, size);
}
