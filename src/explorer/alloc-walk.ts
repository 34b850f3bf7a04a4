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
import type { Snapshot } from './snapshot.js';

export interface AllocLevel {
  level: number;
  ns: number;
  /** The cursor before the step (0: the namespace never allocated cyclically, or is new). */
  cursorBefore: number;
  took: number;
  cursorAfter: number;
  how: 'search' | 'set_tid';
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

export function allocWalks(before: Snapshot, after: Snapshot, newTasks: readonly string[]): AllocWalk[] {
  const prevNs = new Map(before.namespaces.map((n) => [n.id, n]));
  return after.tasks.filter((t) => newTasks.includes(t.name)).map((t) => {
    const levels: AllocLevel[] = [];
    after.namespaces.forEach((ns, i) => {
      const nr = t.numbers[i];
      if (nr === null) return;
      const cursorBefore = prevNs.get(ns.id)?.cursor ?? 0;
      levels.push({
        level: ns.level,
        ns: ns.id,
        cursorBefore,
        took: nr,
        cursorAfter: ns.cursor,
        how: ns.cursor === nr + 1 && cursorBefore !== ns.cursor ? 'search' : 'set_tid',
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
