/**
 * The namespace's nr → struct pid table, the part of the kernel's per-ns IDR
 * that find_pid_ns (kernel/pid.c) reads: a three-level radix table filled
 * lazily at publication. Like the IDR's empty nodes, an empty chunk goes
 * away, and a dir with its last chunk (each keeps its count in a word after
 * its slots); the root stays until the namespace is freed. So a namespace
 * whose numbers move on does not keep a chunk for every range it ever used
 * (issue 9: memory comes back).
 *
 * Hysteresis (differs from the kernel on purpose): the table keeps at most
 * one empty chunk parked in place (NS_LOOKUP_PARK = its chunk index + 1).
 * A chunk that empties becomes the parked one; the one parked before it is
 * freed then (with its dir if that empties). Publishing into the parked
 * chunk un-parks it, and a new chunk takes the parked chunk's block (still
 * all zero) instead of a fresh frame. Without this, a fork/exit/wait loop
 * with one live child freed and re-made (and zeroed) the chunk at every
 * level on every fork. All O(1); the namespace's death frees everything.
 *
 *   ns.lookup → root[LOOKUP_ROOT_ENTRIES] → dir[LOOKUP_DIR_ENTRIES] → chunk[LOOKUP_CHUNK_ENTRIES]
 *   nr = (r * LOOKUP_DIR_ENTRIES + d) * LOOKUP_CHUNK_ENTRIES + c;  slot value 0 = none
 *
 * Difference from the kernel: a reserved-but-unpublished number is only in
 * the bitmap (pidmap.ts), never here; the IDR holds it as a NULL entry,
 * which find_pid_ns also reports as "no pid".
 */
import {
  NS_LOOKUP, NS_LOOKUP_PARK, LOOKUP_ROOT_ENTRIES, LOOKUP_DIR_ENTRIES, LOOKUP_CHUNK_ENTRIES,
  LOOKUP_CHUNK_SHIFT, LOOKUP_DIR_SHIFT, LOOKUP_ROOT_BYTES, LOOKUP_DIR_BYTES, LOOKUP_CHUNK_BYTES,
} from "./layout";
import { alloc_block, free_block } from "./memory";

/** Block sizes: the slots, then a u32 count of non-empty slots (padded to 8). */
export const LOOKUP_DIR_BLOCK: i32 = LOOKUP_DIR_BYTES + 8;
export const LOOKUP_CHUNK_BLOCK: i32 = LOOKUP_CHUNK_BYTES + 8;

/** log2 of a slot's size (u32). */
const SLOT_SHIFT: i32 = 2;
/** nr >> ROOT_SHIFT = root index. */
const ROOT_SHIFT: i32 = LOOKUP_CHUNK_SHIFT + LOOKUP_DIR_SHIFT;
const DIR_MASK: u32 = LOOKUP_DIR_ENTRIES - 1;
const CHUNK_MASK: u32 = LOOKUP_CHUNK_ENTRIES - 1;

/** Lookup chunks allocated from the core allocator since start (a work counter for tests and diagnostics). */
let chunksMade: u32 = 0;
export function lookup_chunks_made(): u32 { return chunksMade; }

// @ts-ignore: decorator
@inline function slot(block: usize, index: u32): usize {
  return block + (<usize>index << SLOT_SHIFT);
}

/**
 * Publishes `pid` under `nr` in `ns` (idr_replace of the reserved NULL entry
 * in alloc_pid). May allocate up to one root, one dir and one chunk; the
 * caller's reservation covers them.
 */
export function lookup_set(ns: usize, nr: u32, pid: usize): void {
  let root = <usize>load<u32>(ns, NS_LOOKUP);
  if (!root) {
    root = alloc_block(<usize>LOOKUP_ROOT_BYTES);
    store<u32>(ns, <u32>root, NS_LOOKUP);
  }
  let rs = slot(root, nr >> ROOT_SHIFT);
  let dir = <usize>load<u32>(rs);
  if (!dir) {
    dir = alloc_block(<usize>LOOKUP_DIR_BLOCK);
    store<u32>(rs, <u32>dir);
  }
  let ds = slot(dir, (nr >> LOOKUP_CHUNK_SHIFT) & DIR_MASK);
  let chunk = <usize>load<u32>(ds);
  let n = chunk ? load<u32>(chunk, LOOKUP_CHUNK_BYTES) : 0;
  if (!chunk) {
    // Count the new chunk in its dir first, so taking the parked chunk out of this same dir cannot free it.
    store<u32>(dir, load<u32>(dir, LOOKUP_DIR_BYTES) + 1, LOOKUP_DIR_BYTES);
    chunk = unpark(ns, root);
    if (!chunk) {
      chunk = alloc_block(<usize>LOOKUP_CHUNK_BLOCK);
      chunksMade++;
    }
    store<u32>(ds, <u32>chunk);
  } else if (!n) {
    // An existing empty chunk is the parked one: it is in use again.
    if (DEBUG) assert(load<u32>(ns, NS_LOOKUP_PARK) == (nr >> LOOKUP_CHUNK_SHIFT) + 1, "lookup_set: empty chunk not parked");
    store<u32>(ns, 0, NS_LOOKUP_PARK);
  }
  if (DEBUG) assert(load<u32>(slot(chunk, nr & CHUNK_MASK)) == 0, "lookup_set: number already published");
  store<u32>(slot(chunk, nr & CHUNK_MASK), <u32>pid);
  store<u32>(chunk, n + 1, LOOKUP_CHUNK_BYTES);
}

/**
 * Takes the parked chunk (if any) out of the table: clears its slot and the
 * park, and frees its dir if that was the dir's last chunk. Returns the
 * chunk's block (all zero, count 0), else 0.
 */
function unpark(ns: usize, root: usize): usize {
  let park = load<u32>(ns, NS_LOOKUP_PARK);
  if (!park) return 0;
  store<u32>(ns, 0, NS_LOOKUP_PARK);
  let idx = park - 1;
  let rs = slot(root, idx >> <u32>LOOKUP_DIR_SHIFT);
  let dir = <usize>load<u32>(rs);
  let ds = slot(dir, idx & DIR_MASK);
  let chunk = <usize>load<u32>(ds);
  if (DEBUG) assert(chunk != 0 && load<u32>(chunk, LOOKUP_CHUNK_BYTES) == 0, "unpark: parked chunk missing or in use");
  store<u32>(ds, 0);
  let d = load<u32>(dir, LOOKUP_DIR_BYTES) - 1;
  store<u32>(dir, d, LOOKUP_DIR_BYTES);
  if (!d) {
    free_block(dir, <usize>LOOKUP_DIR_BLOCK);
    store<u32>(rs, 0);
  }
  return chunk;
}

/** The pid published under `nr` in `ns`, else 0. Precondition: nr < PID_MAX_LIMIT. */
export function lookup_get(ns: usize, nr: u32): usize {
  let root = <usize>load<u32>(ns, NS_LOOKUP);
  if (!root) return 0;
  let dir = <usize>load<u32>(slot(root, nr >> ROOT_SHIFT));
  if (!dir) return 0;
  let chunk = <usize>load<u32>(slot(dir, (nr >> LOOKUP_CHUNK_SHIFT) & DIR_MASK));
  if (!chunk) return 0;
  return <usize>load<u32>(slot(chunk, nr & CHUNK_MASK));
}

/** Unpublishes `nr` in `ns` (idr_remove in free_pid). Precondition: it is published. */
export function lookup_clear(ns: usize, nr: u32): void {
  let root = <usize>load<u32>(ns, NS_LOOKUP);
  if (DEBUG) assert(root != 0, "lookup_clear: no table");
  let dir = <usize>load<u32>(slot(root, nr >> ROOT_SHIFT));
  if (DEBUG) assert(dir != 0, "lookup_clear: no dir");
  let chunk = <usize>load<u32>(slot(dir, (nr >> LOOKUP_CHUNK_SHIFT) & DIR_MASK));
  if (DEBUG) assert(chunk != 0, "lookup_clear: no chunk");
  store<u32>(slot(chunk, nr & CHUNK_MASK), 0);
  let n = load<u32>(chunk, LOOKUP_CHUNK_BYTES) - 1;
  store<u32>(chunk, n, LOOKUP_CHUNK_BYTES);
  if (n) return;
  // The chunk's last number: it becomes the parked chunk; the one parked
  // before is freed, with its dir if that was its last chunk (delete_node).
  let old = unpark(ns, root);
  if (old) free_block(old, <usize>LOOKUP_CHUNK_BLOCK);
  store<u32>(ns, (nr >> LOOKUP_CHUNK_SHIFT) + 1, NS_LOOKUP_PARK);
}

/** Frees every block of the table of `ns` (put_pid_ns at count zero). */
export function lookup_free(ns: usize): void {
  let root = <usize>load<u32>(ns, NS_LOOKUP);
  if (!root) return;
  for (let r: u32 = 0; r < <u32>LOOKUP_ROOT_ENTRIES; r++) {
    let dir = <usize>load<u32>(slot(root, r));
    if (!dir) continue;
    for (let d: u32 = 0; d < <u32>LOOKUP_DIR_ENTRIES; d++) {
      let chunk = <usize>load<u32>(slot(dir, d));
      if (chunk) free_block(chunk, <usize>LOOKUP_CHUNK_BLOCK);
    }
    free_block(dir, <usize>LOOKUP_DIR_BLOCK);
  }
  free_block(root, <usize>LOOKUP_ROOT_BYTES);
  store<u32>(ns, 0, NS_LOOKUP);
  store<u32>(ns, 0, NS_LOOKUP_PARK);
}
