/**
 * The kernel fuzz's scenario generator and invariant checker (shared by
 * test/kernel-fuzz.test.ts, kernel-hooks.test.ts and kernel-listeners.test.ts). After every step
 * the invariants of the pid machinery hold:
 * - a number is unique per namespace;
 * - a task visible in a namespace is visible in every ancestor of it;
 * - zombies (and tasks waiting in zap) still hold their numbers;
 * - a dead namespace never gains a pid;
 * - the model's task count agrees with what the root namespace sees;
 * - a number with any user (a task, or a process group / session id whose
 *   task is reaped) is allocated at every level, and pid_allocated counts
 *   exactly those;
 * - a group's members are all in one session: each group's member list
 *   holds exactly the live processes that name it, all of the group's
 *   session, and each session counts its groups.
 * watchReparenting adds: every orphan's new parent is the one
 * find_new_reaper names (kernel-behaviour-sessions.md rule 20).
 */
import { expect } from 'vitest';
import { NS_PIDMAP, PIDMAP_ENTRIES, PIDMAP_ENTRY_SIZE, PIDMAP_PAGE, WORDS_PER_PAGE } from '../../src/core/layout.js';
import type { PidCore } from '../../src/core/types.js';
import type { PidnsKernel } from '../../src/kernel/api.js';
import type { KernelEvent } from '../../src/kernel/kernel.js';
import { IS_CHILD_SUBREAPER, TASK_DEAD, TASK_RUNNING, type PidRoles, type Task } from '../../src/kernel/objects.js';

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
    switch (kind % 21) {
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
      case 16:
        lines.push(`setsid ${actor}`);
        break;
      case 17:
      case 18:
        // Small numbers, so that pids and group ids of the scenario are hit often.
        lines.push(`setpgid ${actor} ${b % 5 === 0 ? 0 : (b % 12) - 1} ${c % 3 === 0 ? 0 : (c % 12) - 1}`);
        break;
      case 19:
        lines.push(`${b % 2 === 0 ? 'getpgid' : 'getsid'} ${actor} ${c % 4 === 0 ? 0 : (c % 12) - 1}`);
        break;
      case 20:
        lines.push(b % 3 === 0 ? `subreaper ${actor}` : `subreaper ${actor} ${c % 3 === 0 ? 0 : 1}`);
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
  const raw = k.raw;
  // Pids kept only as a group or session id (their task is reaped).
  const held = [...raw.pidRoles.values()].filter((r) => r.owner === null);
  for (const v of views) {
    const seen = k.tasksIn(v.id);
    const tids = seen.map((s) => s.tid);
    expect(new Set(tids).size, `${where}: unique tids in ns ${v.id}`).toBe(tids.length);
    expect(tids.every((t) => t > 0), `${where}: numbers > 0 in ns ${v.id}`).toBe(true);
    const ns = raw.namespaces().find((n) => n.serial === v.id)!;
    const heldHere = held.filter((r) => raw.pid_nr_ns(r.pid, ns) !== 0).length;
    expect(seen.length + heldHere, `${where}: pid_allocated of ns ${v.id}`).toBe(v.nrPids);
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
  checkRoles(k, where);
}

/** Every level's number of struct pid `pid` is allocated and published for it. */
function expectAllocated(k: PidnsKernel, pid: number, where: string): void {
  const raw = k.raw;
  const nspid = raw.nspidOf({ pid } as Task);
  for (const ns of raw.namespaces()) {
    if (ns.level >= nspid.length) continue;
    const nr = raw.pid_nr_ns(pid, ns);
    if (nr === 0) continue;
    expect(k.core.find_pid_ns(nr, ns.handle), `${where}: number ${nr} of a used pid published at level ${ns.level}`).toBe(pid);
  }
  // The numbers of every level, whatever namespaces the model still lists.
  for (let lvl = 0; lvl < nspid.length; lvl++) expect(nspid[lvl], `${where}: number at level ${lvl}`).toBeGreaterThan(0);
}

/** Process groups and sessions (pgrp.ts) against the processes that name them. */
function checkRoles(k: PidnsKernel, where: string): void {
  const raw = k.raw;
  const members = new Map<PidRoles, Task[]>();
  const procs: Task[] = [];
  raw.forEachProcessBelow(raw.rootNs, (g) => procs.push(g));
  for (const g of procs) {
    const r = g.pgrp;
    expect(r, `${where}: every process has a group`).not.toBe(null);
    expect(raw.pidRoles.get(r!.pid), `${where}: its group is known by its pid`).toBe(r);
    if (!members.has(r!)) members.set(r!, []);
    members.get(r!)!.push(g);
    expectAllocated(k, g.pid, where);
  }
  const groupsOf = new Map<PidRoles, number>();
  for (const r of raw.pidRoles.values()) {
    expect(r.nrPg + r.nrSid, `${where}: a known pid has a user`).toBeGreaterThan(0);
    expectAllocated(k, r.pid, where);
    if (r.owner !== null) {
      expect(r.owner.roles, `${where}: owner names its roles`).toBe(r);
      expect(r.owner.state, `${where}: owner not reaped`).not.toBe(TASK_DEAD);
    }
    const list: Task[] = [];
    for (let g = r.pgHead; g !== null; g = g.pgnext) list.push(g);
    expect(list.length, `${where}: group member count`).toBe(r.nrPg);
    expect(new Set(list), `${where}: group members are the processes that name the group`).toEqual(new Set(members.get(r) ?? []));
    if (r.nrPg > 0) {
      const s = r.sess!;
      expect(raw.pidRoles.get(s.pid), `${where}: the group's session is known`).toBe(s);
      groupsOf.set(s, (groupsOf.get(s) ?? 0) + 1);
      // All members in one session: the session leader, if alive, is in the same one.
      if (s.owner !== null) expect(s.owner.pgrp!.sess, `${where}: session leader in its session`).toBe(s);
    } else {
      expect(r.sess, `${where}: no members, no session`).toBe(null);
    }
  }
  for (const r of raw.pidRoles.values()) expect(r.nrSid, `${where}: session counts its groups`).toBe(groupsOf.get(r) ?? 0);
}

/** kernel-behaviour-sessions.md rule 20, from the state at the reparenting: who must adopt `father`'s children. */
function expectedReaper(father: Task): Task {
  const first = (g: Task): Task | null => {
    for (let th = g.threadHead; th; th = th.tnext) if (th.state === TASK_RUNNING) return th;
    return null;
  };
  const own = first(father.tg);
  if (own !== null) return own;
  const ns = father.tg.pidns;
  for (let a = father.tg.parent; a !== null && a.tg.pidns === ns; a = a.tg.parent) {
    if ((a.tg.flags & IS_CHILD_SUBREAPER) === 0) continue;
    const th = first(a.tg);
    if (th !== null) return th;
  }
  return ns.childReaper!;
}

export function watchReparenting(k: PidnsKernel, fail: string[]): void {
  // At the event site (Kernel.emit, internal): `trace` delivers events only
  // once the call has completed, when the state they were decided on is gone.
  k.raw.emit = (e: KernelEvent) => {
    if (e.type !== 'reparent') return;
    const want = expectedReaper(e.from);
    if (want !== e.to) fail.push(`child of ${k.raw.nspidOf(e.from).join(' ')} went to ${k.raw.nspidOf(e.to).join(' ')}, not ${k.raw.nspidOf(want).join(' ')}`);
  };
}
