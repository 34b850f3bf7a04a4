/**
 * alloc_pid of a step, level by level (kernel/pid.c, 6.18): for every task
 * the step made, the numbers it was given from its deepest namespace up to
 * the root, where each level's search started (that namespace's cursor
 * before the step) and how the number was chosen: the cyclic search
 * (idr_alloc_cyclic moves the cursor to nr + 1) or set_tid (idr_alloc of
 * exactly that number: the cursor stays). For a failed step, the cursors
 * that moved although no number was kept: alloc_pid took them and gave
 * them back on its error path.
 */
import type { Kernel } from '../kernel/kernel.js';
import { NS_CURSOR, RESERVED_PIDS, STAT_PAGES_TOUCHED, STAT_WORDS_SCANNED } from '../core/layout.js';
import type { AllocatorProbe, PidCore } from '../core/types.js';
import type { Snapshot } from './snapshot.js';

/**
 * What one level's cyclic search read: the core's own counters
 * (STAT_WORDS_SCANNED, STAT_PAGES_TOUCHED) around the same search alloc_pid
 * runs there (alloc_cyclic: from the cursor to pid_max, then once more
 * from the bottom when nothing was free above the cursor), run read-only on
 * the state before the step. The counters are put back afterwards, so
 * reading does not change what the core reports.
 */
export interface LevelReads {
  words: number;
  touched: number;
  /** The number the search found (-1: full). */
  found: number;
  /** The search wrapped (nothing free from the cursor up). */
  wrapped: boolean;
}

/** LevelReads of every namespace's next cyclic search, keyed by namespace id (serial). */
export function searchReads(k: Kernel): Map<number, LevelReads> {
  const core = k.core as PidCore & Partial<AllocatorProbe>;
  const out = new Map<number, LevelReads>();
  const search = core.alloc_search?.bind(core);
  if (!search) return out; // a core without the probe: the walk shows no reads
  for (const ns of k.namespaces()) {
    const f = core.f64();
    const at = core.statsPtr >> 3;
    const w0 = f[at + STAT_WORDS_SCANNED];
    const t0 = f[at + STAT_PAGES_TOUCHED];
    // alloc_cyclic (core/ts/alloc.ts, assembly/pidmap.ts): the same bounds.
    const cursor = core.u32()[(ns.handle + NS_CURSOR) >> 2];
    const pidMax = core.pid_max(ns.handle);
    const lo = cursor > RESERVED_PIDS ? RESERVED_PIDS : 1;
    const begin = cursor > lo ? cursor : lo;
    let found = begin < pidMax ? search(ns.handle, begin, pidMax) : -1;
    const wrapped = found < 0 && begin > lo;
    if (wrapped) found = search(ns.handle, lo, pidMax);
    const g = core.f64();
    out.set(ns.serial, { words: g[at + STAT_WORDS_SCANNED] - w0, touched: g[at + STAT_PAGES_TOUCHED] - t0, found, wrapped });
    g[at + STAT_WORDS_SCANNED] = w0;
    g[at + STAT_PAGES_TOUCHED] = t0;
  }
  return out;
}

export interface AllocLevel {
  level: number;
  ns: number;
  /** The cursor before the step (0: the namespace never allocated cyclically, or is new). */
  cursorBefore: number;
  took: number;
  cursorAfter: number;
  how: 'search' | 'set_tid';
  /**
   * What this level's search read (null for set_tid, which reads no search
   * words, or when the step made several tasks: the later ones searched
   * state this reading does not have).
   */
  reads: LevelReads | null;
  /** The namespace was made by this step: there was no state to read before it. */
  newNs: boolean;
}

export interface AllocWalk {
  task: string;
  /** Deepest level first, as alloc_pid walks. */
  levels: AllocLevel[];
}

export interface UndoneCursor {
  ns: number;
  level: number;
  from: number;
  to: number;
}

export function allocWalks(before: Snapshot, after: Snapshot, newTasks: readonly string[], reads?: Map<number, LevelReads>): AllocWalk[] {
  const prevNs = new Map(before.namespaces.map((n) => [n.id, n]));
  return after.tasks.filter((t) => newTasks.includes(t.name)).map((t) => {
    const levels: AllocLevel[] = [];
    after.namespaces.forEach((ns, i) => {
      const nr = t.numbers[i];
      if (nr === null) return;
      const cursorBefore = prevNs.get(ns.id)?.cursor ?? 0;
      const how = ns.cursor === nr + 1 && cursorBefore !== ns.cursor ? 'search' : 'set_tid';
      const r = how === 'search' && newTasks.length === 1 ? reads?.get(ns.id) : undefined;
      levels.push({
        level: ns.level,
        ns: ns.id,
        cursorBefore,
        took: nr,
        cursorAfter: ns.cursor,
        how,
        reads: r && r.found === nr ? r : null,
        newNs: !prevNs.has(ns.id),
      });
    });
    levels.sort((a, b) => b.level - a.level);
    return { task: t.name, levels };
  });
}

/** Namespaces whose cursor moved in a step that kept no number (alloc_pid's undo). */
export function undoneCursors(before: Snapshot, after: Snapshot): UndoneCursor[] {
  const prevNs = new Map(before.namespaces.map((n) => [n.id, n]));
  return after.namespaces
    .filter((n) => prevNs.has(n.id) && prevNs.get(n.id)?.cursor !== n.cursor)
    .map((n) => ({ ns: n.id, level: n.level, from: prevNs.get(n.id)?.cursor ?? 0, to: n.cursor }))
    .sort((a, b) => b.level - a.level);
}
