/**
 * The kernel fuzz's scenario generator and invariant checker (shared by
 * test/kernel-fuzz.test.ts, kernel-hooks.test.ts and kernel-listeners.test.ts). After every step
 * the invariants of the pid machinery hold:
 * - a number is unique per namespace;
 * - a task visible in a namespace is visible in every ancestor of it;
 * - zombies (and tasks waiting in zap) still hold their numbers;
 * - a dead namespace never gains a pid;
 * - the model's task count agrees with what the root namespace sees.
 */
import { expect } from 'vitest';
import { NS_PIDMAP, PIDMAP_ENTRIES, PIDMAP_ENTRY_SIZE, PIDMAP_PAGE, WORDS_PER_PAGE } from '../../src/core/layout.js';
import type { PidCore } from '../../src/core/types.js';
import type { PidnsKernel } from '../../src/kernel/api.js';

const FLAG_POOL = ['NEWPID', 'NEWNS', 'NEWUTS', 'NEWIPC', 'NEWNET', 'NEWCGROUP', 'THREAD', 'SIGHAND', 'VM', 'FS', 'FILES', 'SYSVSEM', 'PARENT'];
const NSTYPES = ['pid', 'pid_for_children', 'uts', 'ipc', 'net', 'cgroup'];
const SAMENS_TYPES = [...NSTYPES, 'mnt'];

export type Op = [number, number, number, number];

function flags(x: number, threadish: boolean): string {
  if (threadish && x % 3 === 0) return 'THREAD|SIGHAND|VM';
  const parts = FLAG_POOL.filter((_, i) => (x >> i) & 1 && (i < 6 || x % 5 === 0 || (i >= 6 && (x >> (i + 3)) & 1)));
  return parts.length ? parts.join('|') : '0';
}

/** Build statement lines from random numbers; names are defined as they are created. */
export function buildScenario(ops: Op[]): string[] {
  const names = ['init'];
  const lines: string[] = [];
  let n = 0;
  const pick = (x: number) => names[x % names.length];
  for (const [kind, a, b, c] of ops) {
    const actor = pick(a);
    switch (kind % 16) {
      case 0:
      case 1: {
        const name = `t${n++}`;
        lines.push(`${name} = fork ${actor}`);
        names.push(name);
        break;
      }
      case 2: {
        const name = `t${n++}`;
        lines.push(`${name} = clone ${actor} ${flags(b, c % 2 === 0)}`);
        names.push(name);
        break;
      }
      case 3: {
        const name = `t${n++}`;
        lines.push(`${name} = thread ${actor}`);
        names.push(name);
        break;
      }
      case 4: {
        const name = `t${n++}`;
        const len = 1 + (c % 3);
        const tids = Array.from({ length: len }, (_, i) => ((b >> (i * 3)) % 7 === 0 ? 1 : 1 + ((b >> (i * 4)) % 12)));
        lines.push(`${name} = clone3 ${actor} ${c % 4 === 0 ? 'NEWPID' : c % 4 === 1 ? 'THREAD|SIGHAND|VM' : '0'} set_tid=${tids.join(',')}`);
        names.push(name);
        break;
      }
      case 5:
        lines.push(`unshare ${actor} ${b % 3 === 0 ? 'NEWPID' : flags(b, false)}`);
        break;
      case 6:
        lines.push(`setns ${actor} ${pick(b)} ${NSTYPES[c % NSTYPES.length]}`);
        break;
      case 7:
        if (names.indexOf(actor) === 0) break;
        lines.push(`exit ${actor} ${c % 300 - 20}`);
        break;
      case 8:
        lines.push(`texit ${actor} ${c % 256}`);
        break;
      case 9:
        lines.push(`kill ${actor} ${(b % 16) - 3} ${[0, 9, 15][c % 3]}`);
        break;
      case 10:
      case 11:
        lines.push(b % 4 === 0 ? `wait ${actor} ${(c % 14) - 2}` : `wait ${actor}`);
        break;
      case 12:
        lines.push(`${['getpid', 'gettid', 'getppid', 'nspid'][b % 4]} ${actor}`);
        break;
      case 13:
        lines.push(b % 3 === 0 ? `lastpid ${actor}` : `lastpid ${actor} ${(c % 320) - 2}`);
        break;
      case 14:
        lines.push(b % 2 === 0 ? `pidmax ${actor}` : `pidmax ${actor} ${295 + (c % 30)}`);
        break;
      case 15:
        lines.push(`samens ${actor} ${pick(b)} ${SAMENS_TYPES[c % SAMENS_TYPES.length]}`);
        break;
    }
  }
  return lines;
}

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

