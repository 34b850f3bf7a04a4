/**
 * The heart of the explorer: scenario + step → every view as plain data.
 * `viewAt` positions the timeline just before the step, reads the views,
 * runs the step, reads them again and diffs: the "after" state is what the
 * page shows, the diff is what it highlights.
 *
 * Going back costs a replay from the start; that replay passes through the
 * BACK_WINDOW steps before the target anyway, so their views are read on
 * the way and kept (plain data): the next BACK_WINDOW steps back cost no
 * replay. The cache belongs to the timeline and to the view options.
 */
import type { Kernel } from '../kernel/kernel.js';
import type { ScenarioSession } from '../scenario/run.js';
import { allocatorState, type AllocatorState } from './allocator-view.js';
import { diffAllocator, diffSnapshots, type Changes } from './diff.js';
import { allocWalks, searchReads, undoneCursors, type AllocWalk, type LevelReads, type UndoneCursor } from './alloc-walk.js';
import { snapshot, structPid, type Snapshot, type StructPidView } from './snapshot.js';
import type { Step, Timeline, WorkCounters } from './timeline.js';

export interface ExplorerView {
  /** 0..timeline.length */
  at: number;
  /** The step shown (null at 0: the state before any statement). */
  step: Step | null;
  snapshot: Snapshot;
  /** The chosen namespace (id) and its allocator; null when it no longer exists. */
  nsId: number;
  allocator: AllocatorState | null;
  changes: Changes;
  /** The chosen task's struct pid, if it is still unreleased. */
  structPid: StructPidView | null;
  /** The core's work counters after the step. */
  counters: WorkCounters;
  /** alloc_pid of each task the step made, deepest level first. */
  allocs: AllocWalk[];
  /** A failed step's cursors that moved with no number kept (alloc_pid's undo). */
  undone: UndoneCursor[];
}

export interface ViewOptions {
  /** The namespace whose allocator is drawn (default: the root, 0). */
  ns?: number;
  /** The task whose struct pid is shown (default: none). */
  task?: string | null;
}

function nsHandle(k: Kernel, id: number): number | null {
  const ns = k.namespaces().find((n) => n.serial === id);
  return ns ? ns.handle : null;
}

interface Reading {
  snap: Snapshot;
  alloc: AllocatorState | null;
  sp: StructPidView | null;
  /** Every namespace's next cyclic search, read-only (what alloc_pid's levels will read). */
  reads: Map<number, LevelReads>;
}

function read(k: Kernel, session: ScenarioSession, opts: ViewOptions): Reading {
  const h = nsHandle(k, opts.ns ?? 0);
  return {
    snap: snapshot(k, session),
    alloc: h === null ? null : allocatorState(k.core, h),
    sp: opts.task ? structPid(k, session, opts.task) : null,
    reads: searchReads(k),
  };
}

/** Steps back whose views a replay keeps. */
export const BACK_WINDOW = 64;

const caches = new WeakMap<Timeline, { key: string; views: Map<number, ExplorerView> }>();

export async function viewAt(tl: Timeline, at: number, opts: ViewOptions = {}): Promise<ExplorerView> {
  at = Math.max(0, Math.min(tl.length, Math.floor(at)));
  const key = `${opts.ns ?? 0}|${opts.task ?? ''}`;
  let cache = caches.get(tl);
  if (!cache || cache.key !== key) {
    cache = { key, views: new Map() };
    caches.set(tl, cache);
  }
  const hit = cache.views.get(at);
  if (hit) return hit;
  const readings = new Map<number, Reading>();
  const replay = at > 0 && at - 1 < tl.position;
  if (at > 0) {
    const from = replay ? Math.max(0, at - 1 - BACK_WINDOW) : at - 1;
    const live = await tl.seek(at - 1, { from, fn: (l) => readings.set(l.at, read(l.kernel, l.session, opts)) });
    readings.set(at - 1, read(live.kernel, live.session, opts));
  }
  const live = await tl.seek(at);
  readings.set(at, read(live.kernel, live.session, opts));
  if (cache.views.size > 4 * BACK_WINDOW) cache.views.clear();
  for (const [pos, r] of readings) {
    const prev = readings.get(pos - 1);
    if (pos > 0 && !prev) continue;
    cache.views.set(pos, makeView(tl, pos, prev ?? null, r, opts));
  }
  return cache.views.get(at) as ExplorerView;
}

function makeView(tl: Timeline, at: number, before: Reading | null, after: Reading, opts: ViewOptions): ExplorerView {
  const nsId = opts.ns ?? 0;
  const changes: Changes = before
    ? { ...diffSnapshots(before.snap, after.snap), ...diffAllocator(before.alloc, after.alloc) }
    : { newTasks: [], goneTasks: [], stateChanged: [], cells: [], nsproxy: [], newNamespaces: [], goneNamespaces: [], changedNamespaces: [], bitsTaken: [], bitsFreed: [] };
  const step = at > 0 ? tl.steps[at - 1] : null;
  return {
    at,
    step,
    snapshot: after.snap,
    nsId,
    allocator: after.alloc,
    changes,
    structPid: after.sp,
    allocs: before ? allocWalks(before.snap, after.snap, changes.newTasks, before.reads) : [],
    undone: before && step?.errno ? undoneCursors(before.snap, after.snap) : [],
    counters: step ? step.total : tl.start,
  };
}
