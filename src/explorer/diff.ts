/**
 * What a step changed: the difference between the views before and after
 * it, as keys the page highlights (`cell:<task>:<ns>`, `task:<name>`,
 * `nsproxy:<task>`, `ns:<id>`, `ns-new:<id>`) and the allocator numbers that
 * were taken or freed.
 */
import { rangeNumbers, type AllocatorState } from './allocator-view.js';
import type { Snapshot, TaskRow } from './snapshot.js';

export interface Changes {
  /** Tasks made by the step. */
  newTasks: string[];
  /** Tasks released (reaped, or threads gone) by the step. */
  goneTasks: string[];
  /** Tasks whose state changed (running → zombie …). */
  stateChanged: string[];
  /** `${task}:${nsId}` of every per-level number that appeared or changed. */
  cells: string[];
  /** Tasks whose nsproxy (or its pid_ns_for_children) changed. */
  nsproxy: string[];
  /** Namespaces made, freed, or whose fields changed (cursor, alive, init …). */
  newNamespaces: number[];
  goneNamespaces: number[];
  changedNamespaces: number[];
  /** Allocator numbers taken / freed by the step in the chosen namespace. */
  bitsTaken: number[];
  bitsFreed: number[];
}

/** Same namespaces (the share count of the nsproxy object aside: another thread's setns changes it, not this thread's arrows). */
function sameProxy(a: TaskRow, b: TaskRow): boolean {
  const strip = (t: TaskRow) => (t.nsproxy ? { ...t.nsproxy, shared: 0 } : null);
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b)) && a.pidns === b.pidns;
}

export function diffSnapshots(before: Snapshot, after: Snapshot): Omit<Changes, 'bitsTaken' | 'bitsFreed'> {
  const prev = new Map(before.tasks.map((t) => [t.name, t]));
  const next = new Map(after.tasks.map((t) => [t.name, t]));
  const prevNs = new Map(before.namespaces.map((n) => [n.id, n]));
  const nextNs = new Map(after.namespaces.map((n) => [n.id, n]));
  const cells: string[] = [];
  const nsproxy: string[] = [];
  const stateChanged: string[] = [];
  const newTasks: string[] = [];
  for (const t of after.tasks) {
    const p = prev.get(t.name);
    if (!p) newTasks.push(t.name);
    else if (p.state !== t.state) stateChanged.push(t.name);
    if (!p || !sameProxy(p, t)) nsproxy.push(t.name);
    after.namespaces.forEach((ns, i) => {
      const nr = t.numbers[i];
      if (nr === null) return;
      const j = before.namespaces.findIndex((n) => n.id === ns.id);
      const old = p && j >= 0 ? p.numbers[j] : null;
      if (old !== nr) cells.push(`${t.name}:${ns.id}`);
    });
  }
  return {
    newTasks,
    goneTasks: before.tasks.filter((t) => !next.has(t.name)).map((t) => t.name),
    stateChanged,
    cells,
    nsproxy,
    newNamespaces: after.namespaces.filter((n) => !prevNs.has(n.id)).map((n) => n.id),
    goneNamespaces: before.namespaces.filter((n) => !nextNs.has(n.id)).map((n) => n.id),
    changedNamespaces: after.namespaces
      .filter((n) => prevNs.has(n.id) && JSON.stringify(prevNs.get(n.id)) !== JSON.stringify(n))
      .map((n) => n.id),
  };
}

/** Numbers taken and freed between two readings of the same namespace's allocator. */
export function diffAllocator(before: AllocatorState | null, after: AllocatorState | null): { bitsTaken: number[]; bitsFreed: number[] } {
  const a = new Set(before ? rangeNumbers(before.taken) : []);
  const b = new Set(after ? rangeNumbers(after.taken) : []);
  return { bitsTaken: [...b].filter((n) => !a.has(n)), bitsFreed: [...a].filter((n) => !b.has(n)) };
}
