/**
 * Differential fuzzing of the kernel model: random scenario statements run on
 * the TS core and on the WASM core must print the same transcript, and after
 * every step the invariants of the pid machinery hold:
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
 *   session, and each session counts its groups;
 * - every orphan's new parent is the one find_new_reaper names
 *   (kernel-behaviour-sessions.md rule 20: a live thread of the dead
 *   thread's process, else the nearest subreaper with a live thread among
 *   the ancestors in the dead thread's namespace, else that namespace's
 *   child reaper), checked at each reparenting.
 * Finally everything is killed and reaped: only init's pid is left, every
 * namespace but the root is freed, and the root's bitmap holds pid 0 and 1.
 *
 * The seed is pinned and printed; PIDNS_FUZZ_SEED / PIDNS_FUZZ_RUNS override.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NS_PIDMAP, PIDMAP_ENTRIES, PIDMAP_ENTRY_SIZE, PIDMAP_PAGE, WORDS_PER_PAGE } from '../src/core/layout.js';
import { createTsCore } from '../src/core/ts/index.js';
import type { PidCore } from '../src/core/types.js';
import { createWasmCoreSync } from '../src/core/wasm-node.js';
import { PidnsKernel } from '../src/kernel/api.js';
import type { KernelEvent } from '../src/kernel/kernel.js';
import { IS_CHILD_SUBREAPER, TASK_DEAD, TASK_RUNNING, type PidRoles, type Task } from '../src/kernel/objects.js';
import { ScenarioSession } from '../src/scenario/run.js';

const SEED = Number(process.env.PIDNS_FUZZ_SEED ?? 20261129);
const RUNS = Number(process.env.PIDNS_FUZZ_RUNS ?? 2000);

const FLAG_POOL = ['NEWPID', 'NEWNS', 'NEWUTS', 'NEWIPC', 'NEWNET', 'NEWCGROUP', 'THREAD', 'SIGHAND', 'VM', 'FS', 'FILES', 'SYSVSEM', 'PARENT'];
const NSTYPES = ['pid', 'pid_for_children', 'uts', 'ipc', 'net', 'cgroup'];
const SAMENS_TYPES = [...NSTYPES, 'mnt'];

type Op = [number, number, number, number];

function flags(x: number, threadish: boolean): string {
  if (threadish && x % 3 === 0) return 'THREAD|SIGHAND|VM';
  const parts = FLAG_POOL.filter((_, i) => (x >> i) & 1 && (i < 6 || x % 5 === 0 || (i >= 6 && (x >> (i + 3)) & 1)));
  return parts.length ? parts.join('|') : '0';
}

/** Build statement lines from random numbers; names are defined as they are created. */
function buildScenario(ops: Op[]): string[] {
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
function bitmapCount(core: PidCore, ns: number): number {
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

function checkInvariants(k: PidnsKernel, dead: Map<number, number>, where: string): void {
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

function watchReparenting(k: PidnsKernel, fail: string[]): void {
  k.raw.trace = (e: KernelEvent) => {
    if (e.type !== 'reparent') return;
    const want = expectedReaper(e.from);
    if (want !== e.to) fail.push(`child of ${k.raw.nspidOf(e.from).join(' ')} went to ${k.raw.nspidOf(e.to).join(' ')}, not ${k.raw.nspidOf(want).join(' ')}`);
  };
}

/**
 * Lines chosen from the state of the TS run (the same for both cores):
 * episodes of process groups, sessions and subreapers, with real pids
 * (children's and groups' numbers as the actor sees them), leaders and
 * subreapers dying before their members and adoptees, namespaces, zombies.
 */
function groupEpisode(ops: Op[]): (i: number, s: ScenarioSession) => string | null {
  let n = 0;
  return (i, s) => {
    if (i >= ops.length) return null;
    const [kind, a, b, c] = ops[i];
    const k = s.kernel;
    const names = s.definedNames().filter((x) => {
      const t = s.task(x);
      return t !== null && t !== undefined && t.state !== TASK_DEAD;
    });
    const live = names.filter((x) => s.task(x)!.state === TASK_RUNNING);
    const pick = (list: string[], x: number): string => list[x % list.length];
    const actor = pick(live, a);
    const at = s.task(actor)!;
    // A number as `actor` sees it: of a process (its leader), of a group, or a small one.
    const seen = (t: Task): number => k.pid_nr_ns(t.tg.pid, at.tg.pidns);
    const kids: Task[] = [];
    for (let th = at.tg.threadHead; th; th = th.tnext) for (let ch = th.childHead; ch; ch = ch.snext) kids.push(ch);
    const someProc = (x: number): number => {
      const choice = x % 4;
      if (choice === 0 || kids.length === 0) return x % 3 === 0 ? 0 : seen(s.task(pick(names, x >> 2))!) || (x % 9) - 1;
      return seen(kids[x % kids.length]) || 0;
    };
    const someGroup = (x: number): number => {
      const t = s.task(pick(names, x))!;
      return t.tg.pgrp === null ? 0 : k.pid_nr_ns(t.tg.pgrp.pid, at.tg.pidns);
    };
    switch (kind % 14) {
      case 0:
      case 1:
      case 2:
        return `t${n++} = fork ${actor}`;
      case 3:
        return `t${n++} = ${b % 3 === 0 ? 'thread' : b % 3 === 1 ? 'clone' : 'clone'} ${actor}${b % 3 === 0 ? '' : b % 3 === 1 ? ' NEWPID' : ' PARENT'}`;
      case 4:
        return `setsid ${actor}`;
      case 5:
      case 6:
        return `setpgid ${actor} ${someProc(b)} ${c % 3 === 0 ? 0 : someGroup(c) || someProc(c)}`;
      case 7:
        return `subreaper ${actor} ${c % 4 === 0 ? 0 : 1}`;
      case 8: {
        const t = s.task(pick(live, b))!;
        if (t.tg === k.init.tg) return `getpgid ${actor} ${someProc(c)}`;
        return `${c % 3 === 0 ? 'texit' : 'exit'} ${pick(live, b)} ${c % 256}`;
      }
      case 9:
        return c % 3 === 0 ? `wait ${actor}` : `wait ${actor} ${c % 3 === 1 ? 0 : -someGroup(b)}`;
      case 10:
        return `kill ${actor} ${c % 3 === 0 ? 0 : -someGroup(b)} ${[0, 9, 15][c % 3]}`;
      case 11:
        return `${b % 2 === 0 ? 'getpgid' : 'getsid'} ${actor} ${someProc(c)}`;
      case 12:
        return `setns ${actor} ${pick(names, b)} ${c % 2 === 0 ? 'pid_for_children' : 'pid'}`;
      default:
        return `getppid ${actor}`;
    }
  };
}

function runBoth(lines: string[]): void {
  runBothFrom((i) => lines[i] ?? null);
}

function runBothFrom(next: (i: number, s: ScenarioSession) => string | null): void {
  const kernels = [new PidnsKernel(createTsCore()), new PidnsKernel(createWasmCoreSync())];
  const sessions = kernels.map((k) => new ScenarioSession(k.raw));
  const dead = kernels.map(() => new Map<number, number>());
  const reparentErrors: string[] = [];
  for (const k of kernels) watchReparenting(k, reparentErrors);
  const emit = (line: string, i: number): string[] =>
    sessions.map((s, j) => {
      const r = s.step(line);
      expect(reparentErrors, `line ${i + 1} '${line}': find_new_reaper`).toEqual([]);
      checkInvariants(kernels[j], dead[j], `line ${i + 1} '${line}'`);
      return r === null ? '' : r.ok ? r.line : `error: ${r.message}`;
    });
  for (let i = 0; ; i++) {
    const line = next(i, sessions[0]);
    if (line === null) break;
    const [a, b] = emit(line, i);
    expect(b, `wasm vs ts at line ${i + 1}`).toBe(a);
  }
  // Tear down: init's process keeps one live thread (the scenario rules forbid ending it);
  // its other threads leave by texit, everything else is killed and reaped.
  for (const [j, k] of kernels.entries()) {
    const live = [];
    for (let th = k.init.tg.threadHead; th; th = th.tnext) if (th.state === 0) live.push(th);
    const keeper = live[0];
    for (const th of live.slice(1)) k.raw.exit(th, 0);
    expect(k.raw.kill(keeper, -1, 9)).toBeLessThanOrEqual(0);
    while (k.raw.waitpid(keeper, -1) > 0);
    checkInvariants(k, dead[j], 'after teardown');
    // Left: init's process (a zombie leader after `texit init` counts) and nothing else.
    const initThreads = k.init.tg.nrThreads;
    expect(k.raw.nrTasks).toBe(initThreads);
    // Namespaces still named by init's pid_for_children survive, empty.
    for (const ns of k.raw.namespaces()) {
      expect(k.raw.nsPidCount(ns)).toBe(ns.level === 0 ? initThreads : 0);
      expect(bitmapCount(k.core, ns.handle)).toBe(ns.level === 0 ? 1 + initThreads : 1); // pid 0 is never handed out
    }
    // Once init points back at its own namespace, every other one is freed.
    expect(k.raw.setns(keeper, k.init, 'pid')).toBe(0);
    expect(k.namespaces().length).toBe(1);
    expect(k.namespaces()[0].nrPids).toBe(initThreads);
    expect(bitmapCount(k.core, k.raw.rootNs.handle)).toBe(1 + initThreads);
  }
}

describe('kernel fuzz (ts core vs wasm core)', () => {
  it(`random scenarios agree and keep the invariants (seed ${SEED}, ${RUNS} runs)`, () => {
    console.log(`kernel-fuzz: seed ${SEED}, runs ${RUNS} (PIDNS_FUZZ_SEED / PIDNS_FUZZ_RUNS to change)`);
    const op = fc.tuple(fc.nat(1 << 16), fc.nat(1 << 16), fc.nat(1 << 16), fc.nat(1 << 16));
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), (ops) => {
        runBoth(buildScenario(ops as Op[]));
      }),
      { seed: SEED, numRuns: RUNS, verbose: 1 },
    );
  });

  it(`process groups, sessions and subreapers keep the invariants (seed ${SEED}, ${Math.ceil(RUNS / 4)} runs)`, () => {
    const op = fc.tuple(fc.nat(1 << 16), fc.nat(1 << 16), fc.nat(1 << 16), fc.nat(1 << 16));
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 80 }), (ops) => {
        runBothFrom(groupEpisode(ops as Op[]));
      }),
      // No shrinking: a failing run is reported as found (the checks make shrinking slow).
      { seed: SEED, numRuns: Math.ceil(RUNS / 4), verbose: 1, endOnFailure: true },
    );
  });

  it('the generator reaches namespaces, threads, zombies and teardown', () => {
    // Guard against a generator that silently stops exercising the model.
    const lines = fc.sample(fc.array(fc.tuple(fc.nat(1 << 16), fc.nat(1 << 16), fc.nat(1 << 16), fc.nat(1 << 16)), { minLength: 40, maxLength: 40 }), { seed: SEED, numRuns: 30 })
      .flatMap((ops) => buildScenario(ops as Op[]));
    const text = lines.join('\n');
    for (const word of ['NEWPID', '= thread', 'clone3', 'setns', 'exit', 'texit', 'kill', 'wait', 'samens', 'unshare', 'setsid', 'setpgid', 'getpgid', 'getsid', 'subreaper']) {
      expect(text).toContain(word);
    }
  });
});
