/**
 * find_pid_ns's table: nr → struct pid of one namespace (kernel: the pid
 * namespace's IDR, kernel/pid.c `find_pid_ns` = idr_find). Here a lazily
 * filled three-level radix table (layout.ts "lookup"):
 *   root[LOOKUP_ROOT_ENTRIES] → dir[LOOKUP_DIR_ENTRIES] → chunk[LOOKUP_CHUNK_ENTRIES]
 *   nr = (r * LOOKUP_DIR_ENTRIES + d) * LOOKUP_CHUNK_ENTRIES + c
 * Like the IDR's empty nodes, an empty chunk goes away, and a dir with its
 * last chunk (each keeps its count in a word after its slots); the root
 * stays until the namespace is freed (lookup_free_all).
 *
 * Hysteresis (differs from the kernel on purpose; twin of assembly/lookup.ts):
 * the table keeps at most one empty chunk parked in place (NS_LOOKUP_PARK =
 * its chunk index + 1). A chunk that empties becomes the parked one and the
 * one parked before it is freed (with its dir if that empties); publishing
 * into the parked chunk un-parks it, and a new chunk takes the parked
 * chunk's block (still all zero) instead of a fresh frame. So a fork/exit/
 * wait loop with one live child does not free and re-make a chunk at every
 * level on every fork. All O(1).
 */
import {
  LOOKUP_CHUNK_ENTRIES,
  LOOKUP_DIR_ENTRIES,
  LOOKUP_ROOT_ENTRIES,
  NS_LOOKUP,
  NS_LOOKUP_PARK,
  PID_MAX_LIMIT,
} from '../layout.js';
import { CoreMemory, mem_alloc, mem_free } from './memory.js';

export const LOOKUP_ROOT_BYTES = LOOKUP_ROOT_ENTRIES * 4;
export const LOOKUP_DIR_BYTES = LOOKUP_DIR_ENTRIES * 4;
export const LOOKUP_CHUNK_BYTES = LOOKUP_CHUNK_ENTRIES * 4;
/** Block sizes: the slots, then a u32 count of non-empty slots (padded to 8). */
export const LOOKUP_DIR_BLOCK = LOOKUP_DIR_BYTES + 8;
export const LOOKUP_CHUNK_BLOCK = LOOKUP_CHUNK_BYTES + 8;
const CHUNK_SHIFT = 10; // log2(LOOKUP_CHUNK_ENTRIES)
const DIR_SHIFT = 5; // log2(LOOKUP_DIR_ENTRIES)

/**
 * Publish (pid ≠ 0) or unpublish (pid = 0) number nr in ns. Publishing
 * allocates missing blocks (reserved by the caller); unpublishing frees a
 * chunk / dir left empty.
 *
 * The common case (root, dir and chunk all there; the chunk not left empty)
 * is this function alone; making a missing block (lookup_make_path) and
 * parking an emptied chunk (lookup_emptied) are out of line. Differs from
 * assembly/lookup.ts on purpose in shape only: V8 inlines this into
 * alloc_pid and free_pid, each within a fixed budget of bytecode, so the
 * cold paths kept out of line leave room for the rest of those chains.
 */
export function lookup_set(m: CoreMemory, ns: number, nr: number, pid: number): void {
  let i32 = m.i32;
  const root = i32[(ns + NS_LOOKUP) >> 2];
  const dir = root === 0 ? 0 : i32[(root >> 2) + (nr >> (CHUNK_SHIFT + DIR_SHIFT))];
  let chunk = dir === 0 ? 0 : i32[(dir >> 2) + ((nr >> CHUNK_SHIFT) & (LOOKUP_DIR_ENTRIES - 1))];
  if (chunk === 0) {
    // Publishing only: an unpublished number's blocks are all there.
    chunk = lookup_make_path(m, ns, nr);
    i32 = m.i32;
  }
  i32[(chunk >> 2) + (nr & (LOOKUP_CHUNK_ENTRIES - 1))] = pid;
  const count = (chunk + LOOKUP_CHUNK_BYTES) >> 2;
  if (pid !== 0) {
    // Publishing into an empty existing chunk: it was the parked one.
    if (i32[count]++ === 0) i32[(ns + NS_LOOKUP_PARK) >> 2] = 0;
  } else if (--i32[count] === 0) lookup_emptied(m, ns, root, nr);
}

/** The blocks on number nr's path in ns, the missing ones made (reserved by the caller); its chunk. */
function lookup_make_path(m: CoreMemory, ns: number, nr: number): number {
  const slot = (ns + NS_LOOKUP) >> 2;
  let root = m.i32[slot];
  if (root === 0) {
    root = mem_alloc(m, LOOKUP_ROOT_BYTES);
    m.i32[slot] = root;
  }
  const rslot = (root >> 2) + (nr >> (CHUNK_SHIFT + DIR_SHIFT));
  let dir = m.i32[rslot];
  if (dir === 0) {
    dir = mem_alloc(m, LOOKUP_DIR_BLOCK);
    m.i32[rslot] = dir;
  }
  const dslot = (dir >> 2) + ((nr >> CHUNK_SHIFT) & (LOOKUP_DIR_ENTRIES - 1));
  let chunk = m.i32[dslot];
  if (chunk === 0) {
    // Count the new chunk in its dir first, so taking the parked chunk out of this same dir cannot free it.
    m.i32[(dir + LOOKUP_DIR_BYTES) >> 2]++;
    chunk = unpark(m, ns, root);
    if (chunk === 0) {
      chunk = mem_alloc(m, LOOKUP_CHUNK_BLOCK);
      m.lookupChunksMade++;
    }
    m.i32[dslot] = chunk;
  }
  return chunk;
}

/**
 * Number nr's chunk has no number left: it becomes the parked chunk; the
 * one parked before is freed, with its dir if that was its last chunk
 * (delete_node).
 */
function lookup_emptied(m: CoreMemory, ns: number, root: number, nr: number): void {
  const park = (ns + NS_LOOKUP_PARK) >> 2;
  if (m.i32[park] !== 0) mem_free(m, unpark(m, ns, root), LOOKUP_CHUNK_BLOCK);
  m.i32[park] = (nr >> CHUNK_SHIFT) + 1;
}

/** Takes the parked chunk (if any) out of ns's table (slot and park cleared, its dir freed if left empty); its block (all zero), else 0. */
function unpark(m: CoreMemory, ns: number, root: number): number {
  const i32 = m.i32;
  const park = i32[(ns + NS_LOOKUP_PARK) >> 2];
  if (park === 0) return 0;
  i32[(ns + NS_LOOKUP_PARK) >> 2] = 0;
  const idx = park - 1;
  const rslot = (root >> 2) + (idx >> DIR_SHIFT);
  const dir = i32[rslot];
  const dslot = (dir >> 2) + (idx & (LOOKUP_DIR_ENTRIES - 1));
  const chunk = i32[dslot];
  i32[dslot] = 0;
  if (--i32[(dir + LOOKUP_DIR_BYTES) >> 2] === 0) {
    mem_free(m, dir, LOOKUP_DIR_BLOCK);
    i32[rslot] = 0;
  }
  return chunk;
}

/** find_pid_ns (kernel/pid.c): the published pid with number nr in ns, else 0. */
export function find_pid_ns(m: CoreMemory, nr: number, ns: number): number {
  if (nr < 1 || nr >= PID_MAX_LIMIT) return 0;
  const i32 = m.i32;
  const root = i32[(ns + NS_LOOKUP) >> 2];
  if (root === 0) return 0;
  const dir = i32[(root >> 2) + (nr >> (CHUNK_SHIFT + DIR_SHIFT))];
  if (dir === 0) return 0;
  const chunk = i32[(dir >> 2) + ((nr >> CHUNK_SHIFT) & (LOOKUP_DIR_ENTRIES - 1))];
  if (chunk === 0) return 0;
  return i32[(chunk >> 2) + (nr & (LOOKUP_CHUNK_ENTRIES - 1))];
}

/** Free every lookup block of ns (chunks, then each dir, then the root), when the namespace dies. */
export function lookup_free_all(m: CoreMemory, ns: number): void {
  const i32 = m.i32;
  const root = i32[(ns + NS_LOOKUP) >> 2];
  if (root === 0) return;
  for (let r = 0; r < LOOKUP_ROOT_ENTRIES; r++) {
    const dir = i32[(root >> 2) + r];
    if (dir === 0) continue;
    for (let d = 0; d < LOOKUP_DIR_ENTRIES; d++) {
      const chunk = i32[(dir >> 2) + d];
      if (chunk !== 0) mem_free(m, chunk, LOOKUP_CHUNK_BLOCK);
    }
    mem_free(m, dir, LOOKUP_DIR_BLOCK);
  }
  mem_free(m, root, LOOKUP_ROOT_BYTES);
  i32[(ns + NS_LOOKUP) >> 2] = 0;
  i32[(ns + NS_LOOKUP_PARK) >> 2] = 0;
}
