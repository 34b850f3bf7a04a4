/**
 * The kernel model's invariants, checked through the typed API's views
 * (kernel-fuzz.test.ts, kernel-listeners.test.ts):
 * - a number is unique per namespace, and every one is > 0;
 * - a namespace's pid_allocated equals what it sees;
 * - a task visible in a namespace is visible in every ancestor of it;
 * - zombies (and tasks waiting in zap) still hold their numbers;
 * - a dead namespace never gains a pid (`dead` remembers their counts);
 * - the model's task count agrees with what the root namespace sees.
 */
import { expect } from 'vitest';
import { NS_PIDMAP, PIDMAP_ENTRIES, PIDMAP_ENTRY_SIZE, PIDMAP_PAGE, WORDS_PER_PAGE } from '../../src/core/layout.js';
import type { PidCore } from '../../src/core/types.js';
import type { PidnsKernel } from '../../src/kernel/api.js';

/** Set bits of a namespace's pidmap, read from the core's memory. */
export function bitmapCount(core: PidCore, ns: number): number {
  const u = core.u32();
  let bits = 0;
  for (let p = 0; p < PIDMAP_ENTRIES; p++) {
    const page = u[(ns + NS_PIDMAP + p * PIDMAP_ENTRY_SIZE + PIDMAP_PAGE) >> 2];
    if (page === 0) continue;
    for (let w = 0; w < WORDS_PER_PAGE; w++) {
      let x = u[(page >> 2) + w];
      while (x) {
        x &= x - 1;
        bits++;
      }
    }
  }
  return bits;
}

export function checkInvariants(k: PidnsKernel, dead: Map<number, number>, where: string): void {
  const views = k.namespaces();
  const byId = new Map(views.map((v) => [v.id, v]));
  const visible = new Map<number, Set<object>>();
  for (const v of views) {
    const seen = k.tasksIn(v.id);
    const tids = seen.map((s) => s.tid);
    expect(new Set(tids).size, `${where}: unique tids in ns ${v.id}`).toBe(tids.length);
    expect(tids.every((t) => t > 0), `${where}: numbers > 0 in ns ${v.id}`).toBe(true);
    expect(seen.length, `${where}: pid_allocated of ns ${v.id}`).toBe(v.nrPids);
    visible.set(v.id, new Set(seen.map((s) => s.task)));
    for (const s of seen) {
      if (s.state === 'zombie' || s.state === 'zap-wait') {
        const nspid = k.taskView(s.task).nspid;
        expect(nspid[v.level], `${where}: zombie keeps its number`).toBe(s.tid);
        expect(k.core.find_pid_ns(s.tid, k.raw.namespaces().find((n) => n.serial === v.id)!.handle)).not.toBe(0);
      }
    }
    if (!v.alive) {
      const before = dead.get(v.id);
      if (before !== undefined) expect(v.nrPids, `${where}: dead ns ${v.id} gained a pid`).toBeLessThanOrEqual(before);
      dead.set(v.id, v.nrPids);
    }
  }
  for (const v of views) {
    if (v.parent === null) continue;
    const parentSeen = visible.get(v.parent)!;
    expect(byId.has(v.parent)).toBe(true);
    for (const t of visible.get(v.id)!) expect(parentSeen.has(t), `${where}: visible in ns ${v.id} but not in its parent`).toBe(true);
  }
  expect(k.tasksIn(0).length, `${where}: task count`).toBe(k.raw.nrTasks);
}

