/**
 * The heart of the explorer: scenario + step → every view as plain data.
 * `viewAt` positions the timeline just before the step, reads the views,
 * runs the step, reads them again and diffs: the "after" state is what the
 * page shows, the diff is what it highlights.
 */
import type { Kernel } from '../kernel/kernel.js';
import type { ScenarioSession } from '../scenario/run.js';
import { allocatorState, type AllocatorState } from './allocator-view.js';
import { diffAllocator, diffSnapshots, type Changes } from './diff.js';
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

function read(k: Kernel, session: ScenarioSession, nsId: number): { snap: Snapshot; alloc: AllocatorState | null } {
  const h = nsHandle(k, nsId);
  return { snap: snapshot(k, session), alloc: h === null ? null : allocatorState(k.core, h) };
}

export async function viewAt(tl: Timeline, at: number, opts: ViewOptions = {}): Promise<ExplorerView> {
  at = Math.max(0, Math.min(tl.length, Math.floor(at)));
  const nsId = opts.ns ?? 0;
  let before: { snap: Snapshot; alloc: AllocatorState | null } | null = null;
  if (at > 0) {
    const live = await tl.seek(at - 1);
    before = read(live.kernel, live.session, nsId);
  }
  const live = await tl.seek(at);
  const after = read(live.kernel, live.session, nsId);
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
    structPid: opts.task ? structPid(live.kernel, live.session, opts.task) : null,
    counters: step ? step.total : tl.start,
  };
}
