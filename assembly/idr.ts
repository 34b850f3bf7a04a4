/**
 * The `idr` number allocator: the 4.15+ kernel's IDR (lib/idr.c on the
 * XArray, lib/xarray.c) reduced to what allocation observes. A radix tree
 * of 64-slot nodes; every node carries the IDR_FREE mark as one u64
 * ("bit o set ⇔ slot o has free space below it": an empty slot, a child
 * whose own mark is non-zero, or — in a leaf — a free number). A search
 * (idr_get_free → xas_find_marked(IDR_FREE)) descends only into subtrees
 * with free space. Nodes are allocated on demand by take (xas_create) and
 * freed when they become empty (xas_delete_node), as the kernel does.
 *
 * The height follows the largest number, as the kernel's does: the first
 * take makes a root just tall enough for its number (radix_tree_extend on
 * an empty tree: shift 0 covers 0..63, 6 covers 0..4095, 12 covers
 * 0..262143, 18 covers the rest of PID_MAX_LIMIT); a take beyond the root's
 * range puts new roots on top, the old root in slot 0 (radix_tree_extend);
 * a release whose freed nodes end at the root shrinks the tree while the
 * root's only child is in slot 0 (delete_node → radix_tree_shrink; a leaf
 * root stays, as the IDR never shrinks to entry 0). Everything beyond the
 * root's range is free.
 *
 * Deliberate differences from the kernel:
 *   - The search is xas_find_marked-style (descend along x, climb to the next
 *     marked slot, descend through the lowest marks), where 6.18's
 *     idr_get_free descends into a sibling without reading the parent's
 *     mark and so may visit a full subtree first: the number found is the
 *     same, the work counters are ours (below).
 *   - A leaf (shift 0) node has no slots: the entries (struct pid pointers)
 *     live in the lookup table (lookup.ts), so a leaf is its header and mark.
 *     Node sizes are therefore IDR_NODE_BYTES / IDR_LEAF_BYTES, not the
 *     kernel's 576-byte struct xa_node.
 *   - The tree is empty (root 0) in a fresh namespace: 6.18's pid IDR never
 *     holds 0 either (alloc_pid searches from 1), unlike pidmap's bit 0.
 *
 * Node layout (bytes):
 *   0 parent (u32, 0 for the root) · 4 offset (slot in parent) · 8 shift ·
 *   12 count (internal: non-empty slots; leaf: taken numbers) · 16 free (u64
 *   IDR_FREE mark) · 24 slots[64] (u32 child pointers, internal nodes only)
 * The namespace's NS_ALLOC holds the root pointer; nr_pages counts live
 * nodes; STAT_PAGES_ALLOCATED += 1 per node allocated.
 *
 * Work counters (positional, identical in the TS twin): STAT_PAGES_TOUCHED
 * += 1 per node the search steps into (the root included, a node reached
 * again by climbing not re-counted); STAT_WORDS_SCANNED += 1 per IDR_FREE
 * word read (the climb re-reads the parent's mark). See idr_find.
 */
import { NS_ALLOC, NS_NR_PAGES, STAT_WORDS_SCANNED, STAT_PAGES_TOUCHED, STAT_PAGES_ALLOCATED } from "./layout";
import { alloc_block, free_block, stat_add } from "./memory";

const N_PARENT: i32 = 0;
const N_OFFSET: i32 = 4;
const N_SHIFT: i32 = 8;
const N_COUNT: i32 = 12;
const N_FREE: i32 = 16;
const N_SLOTS: usize = 24;
export const IDR_NODE_BYTES: i32 = 24 + 64 * 4; // 280
export const IDR_LEAF_BYTES: i32 = 24;
/** The tallest root: shift 18 covers 2^24 ≥ PID_MAX_LIMIT. */
export const IDR_MAX_SHIFT: u32 = 18;
const ALL: u64 = 0xFFFFFFFFFFFFFFFF;
/**
 * Worst case one take allocates: a leaf root grown to shift 18 (three new
 * roots), then two inner nodes and a leaf below it.
 */
export const IDR_TAKE_WORST_NODES: u32 = 5;

// @ts-ignore: decorator
@inline function slot_addr(node: usize, o: u32): usize {
  return node + N_SLOTS + (<usize>o << 2);
}
// @ts-ignore: decorator
@inline function node_bytes(shift: u32): usize {
  return shift ? <usize>IDR_NODE_BYTES : <usize>IDR_LEAF_BYTES;
}

function new_node(ns: usize, parent: usize, offset: u32, shift: u32): usize {
  let n = alloc_block(node_bytes(shift));
  store<u32>(n, <u32>parent, N_PARENT);
  store<u32>(n, offset, N_OFFSET);
  store<u32>(n, shift, N_SHIFT);
  store<u64>(n, ALL, N_FREE); // all_tag_set(IDR_FREE)
  store<u32>(ns, load<u32>(ns, NS_NR_PAGES) + 1, NS_NR_PAGES);
  stat_add(STAT_PAGES_ALLOCATED, 1);
  return n;
}

/** create_pid_namespace part: an empty tree (idr_init). */
export function idr_init(ns: usize): void {
  store<u32>(ns, 0, NS_ALLOC);
  store<u32>(ns, 0, NS_NR_PAGES);
}

/**
 * take(ns, nr): idr_alloc's slot creation and the IDR_FREE update of
 * xas_store/idr_get_free: create the path (xas_create), clear the leaf bit,
 * and clear each ancestor's bit while a node's mark became zero.
 * Reservation: IDR_TAKE_WORST_NODES inner nodes and one leaf.
 */
export function idr_take(ns: usize, nr: u32): void {
  let node = <usize>load<u32>(ns, NS_ALLOC);
  if (!node) {
    node = new_node(ns, 0, 0, shift_for(nr));
    store<u32>(ns, <u32>node, NS_ALLOC);
  }
  let top = load<u32>(node, N_SHIFT);
  // radix_tree_extend: new roots on top while nr is beyond the root's range.
  while (nr > max_index(top)) {
    let root = new_node(ns, 0, 0, top + 6);
    store<u32>(slot_addr(root, 0), <u32>node);
    store<u32>(root, 1, N_COUNT);
    if (!load<u64>(node, N_FREE)) store<u64>(root, ALL & ~(<u64>1), N_FREE);
    store<u32>(node, <u32>root, N_PARENT);
    store<u32>(ns, <u32>root, NS_ALLOC);
    node = root;
    top += 6;
  }
  for (let s = top; s > 0; s -= 6) {
    let o = (nr >> s) & 63;
    let sa = slot_addr(node, o);
    let child = <usize>load<u32>(sa);
    if (!child) {
      child = new_node(ns, node, o, s - 6);
      store<u32>(sa, <u32>child);
      store<u32>(node, load<u32>(node, N_COUNT) + 1, N_COUNT);
    }
    node = child;
  }
  let free = load<u64>(node, N_FREE);
  if (DEBUG) assert(((free >> (nr & 63)) & 1) != 0, "idr_take: number already taken");
  free &= ~(<u64>1 << (nr & 63));
  store<u64>(node, free, N_FREE);
  store<u32>(node, load<u32>(node, N_COUNT) + 1, N_COUNT);
  while (!free) {
    let parent = <usize>load<u32>(node, N_PARENT);
    if (!parent) break;
    free = load<u64>(parent, N_FREE) & ~(<u64>1 << load<u32>(node, N_OFFSET));
    store<u64>(parent, free, N_FREE);
    node = parent;
  }
}

/** The largest number a root of `shift` covers (shift_maxindex). */
// @ts-ignore: decorator
@inline function max_index(shift: u32): u32 {
  return (<u32>64 << shift) - 1;
}

/** The shift of the smallest root whose range holds nr. */
// @ts-ignore: decorator
@inline function shift_for(nr: u32): u32 {
  let s: u32 = 0;
  while (nr > max_index(s)) s += 6;
  return s;
}

/** The leaf node holding nr, or 0. */
function idr_leaf(ns: usize, nr: u32): usize {
  let node = <usize>load<u32>(ns, NS_ALLOC);
  if (!node) return 0;
  let s = load<u32>(node, N_SHIFT);
  if (nr > max_index(s)) return 0;
  for (; s > 0 && node; s -= 6) node = <usize>load<u32>(slot_addr(node, (nr >> s) & 63));
  return node;
}

/**
 * release(ns, nr): idr_remove → __radix_tree_delete. node_tag_set: the
 * leaf bit is set and each ancestor's bit while it was clear; then the
 * leaf's count drops and delete_node frees every node left empty, up the
 * tree, clearing its parent's slot (whose mark the tag walk set). When the
 * first node left non-empty is the root, radix_tree_shrink lowers the tree
 * while the root (not a leaf) has one child, in slot 0.
 */
export function idr_release(ns: usize, nr: u32): void {
  let leaf = idr_leaf(ns, nr);
  if (DEBUG) assert(leaf != 0, "idr_release: no leaf");
  if (DEBUG) assert(((load<u64>(leaf, N_FREE) >> (nr & 63)) & 1) == 0, "idr_release: number not taken");
  let node = leaf;
  let o = nr & 63;
  while (node) {
    let free = load<u64>(node, N_FREE);
    if ((free >> o) & 1) break;
    store<u64>(node, free | (<u64>1 << o), N_FREE);
    o = load<u32>(node, N_OFFSET);
    node = <usize>load<u32>(node, N_PARENT);
  }
  node = leaf;
  store<u32>(node, load<u32>(node, N_COUNT) - 1, N_COUNT);
  while (!load<u32>(node, N_COUNT)) {
    let parent = <usize>load<u32>(node, N_PARENT);
    o = load<u32>(node, N_OFFSET);
    free_block(node, node_bytes(load<u32>(node, N_SHIFT)));
    store<u32>(ns, load<u32>(ns, NS_NR_PAGES) - 1, NS_NR_PAGES);
    if (!parent) { store<u32>(ns, 0, NS_ALLOC); return; }
    store<u32>(slot_addr(parent, o), 0);
    store<u32>(parent, load<u32>(parent, N_COUNT) - 1, N_COUNT);
    node = parent;
  }
  if (!load<u32>(node, N_PARENT)) idr_shrink(ns);
}

/** radix_tree_shrink: while the root is inner with a single child in slot 0, that child becomes the root. */
function idr_shrink(ns: usize): void {
  while (true) {
    let root = <usize>load<u32>(ns, NS_ALLOC);
    let shift = load<u32>(root, N_SHIFT);
    if (!shift || load<u32>(root, N_COUNT) != 1) return;
    let child = <usize>load<u32>(slot_addr(root, 0));
    if (!child) return;
    store<u32>(child, 0, N_PARENT);
    store<u32>(ns, <u32>child, NS_ALLOC);
    free_block(root, <usize>IDR_NODE_BYTES);
    store<u32>(ns, load<u32>(ns, NS_NR_PAGES) - 1, NS_NR_PAGES);
  }
}

/** busy(ns, nr): idr_find != NULL — a leaf exists and its bit is clear. */
export function idr_busy(ns: usize, nr: u32): bool {
  let leaf = idr_leaf(ns, nr);
  return leaf != 0 && ((load<u64>(leaf, N_FREE) >> (nr & 63)) & 1) == 0;
}

/**
 * First free number ≥ x (xas_find_marked(IDR_FREE) from x); everything
 * beyond the root's range is free, so there always is one:
 *   1. descend along x while the slot of x is marked free; an empty slot or
 *      a free leaf bit answers x;
 *   2. at the node where x's slot is not free, look for a marked slot after
 *      it, climbing to the parent (slot after this node's offset) while none;
 *      climbing out of the root answers the first number beyond its range;
 *   3. descend through the lowest marked slot of each node (the mark
 *      guarantees success); an empty slot answers its first number.
 */
function idr_find(ns: usize, x: u32): u32 {
  let node = <usize>load<u32>(ns, NS_ALLOC);
  if (!node) return x; // empty tree: no counters (nothing examined)
  let top = load<u32>(node, N_SHIFT);
  if (x > max_index(top)) return x; // beyond the root's range: free, nothing examined
  let s = top;
  let nodes: u32 = 1;
  let words: u32 = 0;
  let o: u32 = 0;
  let free: u64 = 0;
  while (true) {
    o = (x >> s) & 63;
    free = load<u64>(node, N_FREE);
    words++;
    if (!((free >> o) & 1)) break;
    if (!s) { stat_add(STAT_PAGES_TOUCHED, <f64>nodes); stat_add(STAT_WORDS_SCANNED, <f64>words); return x; }
    let child = <usize>load<u32>(slot_addr(node, o));
    if (!child) { stat_add(STAT_PAGES_TOUCHED, <f64>nodes); stat_add(STAT_WORDS_SCANNED, <f64>words); return x; }
    node = child;
    s -= 6;
    nodes++;
  }
  let bits: u64 = o == 63 ? 0 : free & (ALL << (o + 1));
  while (!bits) {
    let parent = <usize>load<u32>(node, N_PARENT);
    // Nothing free at or after x in the tree: the first number beyond the root's range.
    if (!parent) { stat_add(STAT_PAGES_TOUCHED, <f64>nodes); stat_add(STAT_WORDS_SCANNED, <f64>words); return max_index(top) + 1; }
    o = load<u32>(node, N_OFFSET);
    node = parent;
    s += 6;
    free = load<u64>(node, N_FREE);
    words++;
    bits = o == 63 ? 0 : free & (ALL << (o + 1));
  }
  let j = <u32>ctz(bits);
  // x = the first number of slot j of this node (x's bits above this node's range kept).
  let span = s + 6;
  x = (span >= 32 ? 0 : (x >> span) << span) | (j << s);
  while (s) {
    let child = <usize>load<u32>(slot_addr(node, j));
    if (!child) break;
    node = child;
    s -= 6;
    nodes++;
    words++;
    j = <u32>ctz(load<u64>(node, N_FREE));
    x |= j << s;
  }
  stat_add(STAT_PAGES_TOUCHED, <f64>nodes);
  stat_add(STAT_WORDS_SCANNED, <f64>words);
  return x;
}

/** search(ns, begin, end): the first free number in [begin, end), else -1. */
export function idr_search(ns: usize, begin: u32, end: u32): i32 {
  let r = idr_find(ns, begin);
  return r < end ? <i32>r : -1;
}

/** Bytes of the tree's nodes (walks it). */
export function idr_bytes(ns: usize): u32 {
  return idr_walk(ns, false);
}

/** FNV-1a over the tree in slot order (shift, offset, count, mark per node; no addresses). */
export function idr_checksum(ns: usize): u32 {
  return idr_walk(ns, true);
}

/** The first non-empty slot of an inner node at or after slot `from`, else 0. */
function first_child_from(node: usize, from: u32): usize {
  for (let o = from; o < 64; o++) {
    let ch = <usize>load<u32>(slot_addr(node, o));
    if (ch) return ch;
  }
  return 0;
}

/**
 * The node after `node` in a depth-first walk in slot order, through the
 * parent pointers (no stack): its first child, else the next sibling of the
 * nearest ancestor that has one; 0 at the end.
 */
function idr_preorder_next(node: usize): usize {
  if (load<u32>(node, N_SHIFT)) {
    let ch = first_child_from(node, 0);
    if (ch) return ch;
  }
  while (node) {
    let parent = <usize>load<u32>(node, N_PARENT);
    if (!parent) return 0;
    let ch = first_child_from(parent, load<u32>(node, N_OFFSET) + 1);
    if (ch) return ch;
    node = parent;
  }
  return 0;
}

/**
 * Depth-first walk in slot order: returns the node bytes, or (hash) an
 * FNV-1a checksum of every node's shift, offset, count and mark.
 */
function idr_walk(ns: usize, hash: bool): u32 {
  let h: u32 = 2166136261;
  let bytes: u32 = 0;
  for (let node = <usize>load<u32>(ns, NS_ALLOC); node; node = idr_preorder_next(node)) {
    let shift = load<u32>(node, N_SHIFT);
    bytes += <u32>node_bytes(shift);
    h = (h ^ shift) * 16777619;
    h = (h ^ load<u32>(node, N_OFFSET)) * 16777619;
    h = (h ^ load<u32>(node, N_COUNT)) * 16777619;
    h = (h ^ load<u32>(node, N_FREE)) * 16777619;
    h = (h ^ load<u32>(node, N_FREE + 4)) * 16777619;
  }
  return hash ? h : bytes;
}

/**
 * Consistency of the tree: every mark bit equals "slot has free space"
 * (leaf: number free), every count equals its non-empty slots / taken
 * numbers, nr_pages counts the nodes, parent/offset links agree. 0 or a
 * negative code.
 */
export function idr_check(ns: usize): i32 {
  let root = <usize>load<u32>(ns, NS_ALLOC);
  let nodes: u32 = 0;
  for (let node = root; node; node = idr_preorder_next(node)) {
    let shift = load<u32>(node, N_SHIFT);
    nodes++;
    let free = load<u64>(node, N_FREE);
    let count = load<u32>(node, N_COUNT);
    if (!count) return -1; // empty nodes are freed
    if (node == root) {
      if (shift > IDR_MAX_SHIFT || shift % 6 || load<u32>(node, N_PARENT) != 0) return -2;
      // radix_tree_shrink left nothing to do: an inner root with one child in slot 0 would have been lowered.
      if (shift && count == 1 && load<u32>(slot_addr(node, 0))) return -3;
    }
    if (!shift) {
      if (<u32>popcnt(~free) != count) return -4;
    } else {
      let c: u32 = 0;
      for (let o: u32 = 0; o < 64; o++) {
        let ch = <usize>load<u32>(slot_addr(node, o));
        let want: bool;
        if (ch) {
          c++;
          if (<usize>load<u32>(ch, N_PARENT) != node || load<u32>(ch, N_OFFSET) != o || load<u32>(ch, N_SHIFT) + 6 != shift) return -5;
          want = load<u64>(ch, N_FREE) != 0;
        } else {
          want = true; // an empty slot is free space
        }
        if (want != (((free >> o) & 1) != 0)) return -6;
      }
      if (c != count) return -7;
    }
  }
  if (nodes != load<u32>(ns, NS_NR_PAGES)) return -1000;
  return 0;
}

/** put_pid_ns part: free whatever is left of the tree (empty by the put_pid_ns precondition; freed bottom-up anyway). */
export function idr_free_all(ns: usize): void {
  let node = <usize>load<u32>(ns, NS_ALLOC);
  while (node) {
    let shift = load<u32>(node, N_SHIFT);
    let child: usize = 0;
    if (shift) {
      for (let o: u32 = 0; o < 64 && !child; o++) {
        child = <usize>load<u32>(slot_addr(node, o));
        if (child) store<u32>(slot_addr(node, o), 0);
      }
    }
    if (child) { node = child; continue; }
    let parent = <usize>load<u32>(node, N_PARENT);
    free_block(node, node_bytes(shift));
    node = parent;
  }
  store<u32>(ns, 0, NS_ALLOC);
}
