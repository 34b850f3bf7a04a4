/**
 * find_pid_ns's table: nr → struct pid of one namespace (kernel: the pid
 * namespace's IDR, kernel/pid.c `find_pid_ns` = idr_find). Here a lazily
 * filled three-level radix table (layout.ts "lookup"):
 *   root[LOOKUP_ROOT_ENTRIES] → dir[LOOKUP_DIR_ENTRIES] → chunk[LOOKUP_CHUNK_ENTRIES]
 *   nr = (r * LOOKUP_DIR_ENTRIES + d) * LOOKUP_CHUNK_ENTRIES + c
 * Like the IDR's empty nodes, a chunk is freed when its last number is
 * unpublished and a dir when its last chunk is (each keeps its count in a
 * word after its slots); the root stays until the namespace is freed
 * (lookup_free_all).
 */
import {
  LOOKUP_CHUNK_ENTRIES,
  LOOKUP_DIR_ENTRIES,
  LOOKUP_ROOT_ENTRIES,
  NS_LOOKUP,
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

/** Publish (pid ≠ 0) or unpublish (pid = 0) number nr in ns. Publishing allocates missing blocks (reserved by the caller); unpublishing frees a chunk / dir left empty. */
export function lookup_set(m: CoreMemory, ns: number, nr: number, pid: number): void {
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
    chunk = mem_alloc(m, LOOKUP_CHUNK_BLOCK);
    m.i32[dslot] = chunk;
    m.i32[(dir + LOOKUP_DIR_BYTES) >> 2]++;
  }
  const i32 = m.i32;
  i32[(chunk >> 2) + (nr & (LOOKUP_CHUNK_ENTRIES - 1))] = pid;
  const count = (chunk + LOOKUP_CHUNK_BYTES) >> 2;
  if (pid !== 0) {
    i32[count]++;
    return;
  }
  if (--i32[count] !== 0) return;
  // The chunk's last number: free it, and its dir if that was its last chunk (delete_node).
  mem_free(m, chunk, LOOKUP_CHUNK_BLOCK);
  i32[dslot] = 0;
  if (--i32[(dir + LOOKUP_DIR_BYTES) >> 2] !== 0) return;
  mem_free(m, dir, LOOKUP_DIR_BLOCK);
  i32[rslot] = 0;
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
}
