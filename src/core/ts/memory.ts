/**
 * The TS twin's linear memory: one ArrayBuffer viewed as u32 / i32 / f64,
 * carved by a bump pointer plus one LIFO free list per object size
 * (docs/core-algorithms.md "Memory"). It mirrors the WASM core's allocator
 * so that the reservation rule — and therefore every -ENOMEM — happens at
 * the same operations.
 *
 *   0        STATS_PTR            SET_TID_PTR           BATCH_PTR                HEAP_BASE      bump          byteLength
 *   ┌────────┬────────────────────┬─────────────────────┬────────────────────────┬──────────────┬─────────────┐
 *   │ (null) │ stats: STAT_SLOTS  │ set_tid: SET_TID_MAX│ batch: BATCH_MAX u32   │ objects ...  │ zero region │
 *   │        │ f64                │ i32                 │ pid handles            │              │             │
 *   └────────┴────────────────────┴─────────────────────┴────────────────────────┴──────────────┴─────────────┘
 *
 * Invariant: every byte at or above `bump` is zero (fresh memory is zero and
 * freed blocks never return to the bump region), so a bump allocation needs
 * no clearing; a block taken from a free list is cleared explicitly.
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
/** Largest object size (an hbm leaf block, 4096 + 64; bitmap pages and lookup chunks are 4096); free lists are indexed by size >> 3. */
const MAX_OBJECT_BYTES = 4096 + 64;
const FREE_LISTS = (MAX_OBJECT_BYTES >> 3) + 1;

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
  /** Head of the free list of each object size (index size >> 3), 0 = empty. */
  readonly freeHeads: Int32Array;
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
    this.freeHeads = new Int32Array(FREE_LISTS);
  }
}

/**
 * Make sure `bytes` more bytes are available in the bump region, growing
 * memory if needed. false = cannot (the caller returns -ENOMEM with nothing
 * changed). After a successful reservation of the operation's worst case no
 * mem_alloc in that operation can fail.
 */
export function mem_reserve(m: CoreMemory, bytes: number): boolean {
  // Common case: small enough to be inlined into the callers; growth is out of line.
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

/** A zeroed block of `size` bytes (a multiple of 8, ≤ MAX_OBJECT_BYTES): free list first (LIFO), else bump. */
export function mem_alloc(m: CoreMemory, size: number): number {
  const list = size >> 3;
  const head = m.freeHeads[list];
  if (head !== 0) {
    m.freeHeads[list] = m.i32[head >> 2];
    m.u32.fill(0, head >> 2, (head + size) >> 2);
    return head;
  }
  const p = m.bump;
  m.bump = p + size;
  return p;
}

/** Return a block to its size's free list; its first word links the list. */
export function mem_free(m: CoreMemory, ptr: number, size: number): void {
  const list = size >> 3;
  m.i32[ptr >> 2] = m.freeHeads[list];
  m.freeHeads[list] = ptr;
}
