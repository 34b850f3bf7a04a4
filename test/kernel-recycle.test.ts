/**
 * Task recycling (KernelModelOptions.recycle, what the storm workloads use)
 * must not change anything a caller that drops its handles at reaping can
 * see. Two kernels, one recycling and one not, get the same random system
 * calls (actors and targets picked by task id among the unreleased tasks)
 * and must agree after every step: each call's result, `why`, the wait
 * status, and a snapshot of every unreleased task (state, NSpid, process,
 * parent, namespaces) and of every namespace.
 *
 * The operations favour what recycling can get wrong: waitpid by pid
 * (leaves stale zombie-heap entries naming an object that is reused later),
 * threads (a reused object changing between leader and thread), kills and
 * namespace teardown (orphans reparented, autoreaped, an init's process
 * never reused), and process groups, sessions and subreapers (a reaped
 * leader's pid held as a group id while its object is reused).
 *
 * The recycling kernel is traced as well: the events it reports (tasks and
 * pid namespaces made and released) must balance with what it holds.
 *
 * Seed pinned and printed; PIDNS_RECYCLE_SEED / PIDNS_RECYCLE_RUNS override.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTsCore } from '../src/core/ts/index.js';
import type { PidCore } from '../src/core/types.js';
import { createWasmCoreSync } from '../src/core/wasm-node.js';
import { CLONE_NEWPID, CLONE_PARENT, SIGKILL } from '../src/kernel/flags.js';
import { Kernel } from '../src/kernel/kernel.js';
import type { PidRoles, Task } from '../src/kernel/objects.js';

const SEED = Number(process.env.PIDNS_RECYCLE_SEED ?? 20261129);
const RUNS = Number(process.env.PIDNS_RECYCLE_RUNS ?? 300);

type Op = [number, number, number, number];

/** The n-th unreleased task counting from id `x % tasks.length` (wrapping), init if there is none. */
function pick(k: Kernel, x: number): Task {
  const tasks = k.tasks;
  const n = tasks.length;
  for (let i = 0; i < n; i++) {
    const t = tasks[(x + i) % n];
    if (t) return t;
  }
  return k.init;
}

/** One system call; returns what the caller sees (a Task result as its id and NSpid). */
function step(k: Kernel, [kind, a, b, c]: Op): unknown {
  const actor = pick(k, a);
  const other = pick(k, b);
  const created = (r: Task | number): unknown => (typeof r === 'number' ? r : ['task', r.id, k.nspidOf(r)]);
  switch (kind % 19) {
    case 0:
    case 1:
      return created(k.fork(actor));
    case 2:
      return created(k.thread(actor));
    case 3:
      return created(k.clone(actor, c % 3 === 0 ? CLONE_PARENT : CLONE_NEWPID));
    case 4: {
      const r = k.unshare(actor, CLONE_NEWPID);
      return r < 0 ? r : ['unshare', r, created(k.fork(actor))];
    }
    case 5:
      return k.setns(actor, other, c % 2 === 0 ? 'pid' : 'pid_for_children');
    case 6:
      return actor === k.init ? 'skip' : k.exit(actor, c & 0xff);
    case 7:
      return actor.tg === k.init.tg ? 'skip' : k.exit_group(actor, c & 0xff);
    case 8: {
      const target = b % 2 === 0 && actor.childTail !== null ? actor.childTail : other;
      const nr = k.pid_nr_ns(target.tg.leader.pid, actor.tg.pidns);
      return k.kill(actor, nr === 0 ? 4194303 : nr, c % 2 === 0 ? SIGKILL : 15);
    }
    case 9:
      return k.kill(actor, -1, SIGKILL);
    case 10:
    case 11:
      // By pid: the target's number as the actor sees it (often a zombie child), which leaves stale heap entries.
      return [k.waitpid(actor, k.pid_nr_ns(other.tg.leader.pid, actor.tg.pidns) || 4194303), k.waitStatus];
    case 13:
    case 17:
      return k.setsid(actor);
    case 14:
    case 18: {
      // Move `other` (a child of the actor, or the actor itself) into the group of a third task, or a group of its own.
      const target = b % 2 === 0 && actor.childTail !== null ? actor.childTail : other;
      const nr = k.pid_nr_ns(target.tg.leader.pid, actor.tg.pidns);
      const third = pick(k, c);
      const pg = c % 3 === 0 ? 0 : k.pid_nr_ns((third.tg.pgrp as PidRoles).pid, actor.tg.pidns);
      return k.setpgidTrapsInit(actor, nr, pg) ? 'skip' : k.setpgid(actor, nr, pg);
    }
    case 15:
      return k.setSubreaper(actor, c % 4 !== 0);
    case 16: {
      // A group kill or wait: the group of `other` as the actor sees it (0: its own).
      const g = c % 3 === 0 ? 0 : -k.pid_nr_ns((other.tg.pgrp as PidRoles).pid, actor.tg.pidns);
      return c % 2 === 0 ? k.kill(actor, g, c % 4 === 0 ? SIGKILL : 15) : [k.waitpid(actor, g), k.waitStatus];
    }
    default:
      return [k.waitpid(actor, -1), k.waitStatus];
  }
}

/** Everything observable about the unreleased tasks and the namespaces. */
function snapshot(k: Kernel): unknown {
  const tasks = k.tasks.map((t) =>
    t === null
      ? null
      : [
          t.state,
          k.nspidOf(t),
          t.tg.id,
          t.tg.parent ? t.tg.parent.id : -1,
          t.tg.pidns.serial,
          t.nsproxy ? t.nsproxy.pidForChildren.serial : -1,
          t.tg.nrThreads,
          t.tg.nrChildren,
          t.tg.flags,
          // Process group and session as the root namespace numbers them (held ids of reaped leaders included).
          t.tg.pgrp ? k.pid_nr_ns(t.tg.pgrp.pid, k.rootNs) : -1,
          t.tg.pgrp && t.tg.pgrp.sess ? k.pid_nr_ns(t.tg.pgrp.sess.pid, k.rootNs) : -1,
        ],
  );
  const namespaces = k.namespaces().map((ns) => [ns.serial, ns.level, k.nsPidCount(ns), k.nsAlive(ns), ns.childReaper ? ns.childReaper.id : -2]);
  return { nrTasks: k.nrTasks, tasks, namespaces };
}

/**
 * Counts the kernel's events (Kernel.trace): every task made and released,
 * every pid namespace made and freed, so the books must balance with what
 * the kernel holds after each step.
 */
function eventBooks(k: Kernel): () => void {
  let tasks = 1;
  let namespaces = 1;
  const types: string[] = [];
  k.trace = (e) => {
    types.push(e.type);
    if (e.type === 'create') tasks++;
    else if (e.type === 'release') tasks--;
    else if (e.type === 'pidns-create') namespaces++;
    else if (e.type === 'pidns-free') namespaces--;
  };
  return () => {
    expect(k.nrTasks, `tasks made - released (${types.join(' ')})`).toBe(tasks);
    expect(k.namespaces().length, 'pid namespaces made - freed').toBe(namespaces);
  };
}

function twins(make: () => PidCore, ops: Op[]): void {
  const plain = new Kernel(make());
  const recycling = new Kernel(make(), { recycle: true });
  const books = eventBooks(recycling);
  for (let i = 0; i < ops.length; i++) {
    const want = step(plain, ops[i]);
    const got = step(recycling, ops[i]);
    if (typeof want === 'number' && want < 0) expect(recycling.why, `step ${i} why`).toBe(plain.why);
    expect(got, `step ${i} result`).toEqual(want);
    expect(snapshot(recycling), `step ${i} state`).toEqual(snapshot(plain));
    books();
  }
}

const opArb = fc.tuple(fc.nat(255), fc.nat(4095), fc.nat(4095), fc.nat(4095));

describe('task recycling changes nothing observable', () => {
  console.log(`kernel-recycle: seed=${SEED} (replay: PIDNS_RECYCLE_SEED=${SEED}) runs=${RUNS}`);
  const cores: [string, () => PidCore][] = [
    ['ts', () => createTsCore()],
    ['wasm', () => createWasmCoreSync()],
  ];
  for (const [name, make] of cores) {
    it(`random system calls, recycling vs not (${name})`, () => {
      fc.assert(
        fc.property(fc.array(opArb, { minLength: 1, maxLength: 160 }), (ops) => twins(make, ops)),
        { seed: SEED, numRuns: RUNS },
      );
    });
  }

  it('a reaped object is reused by the next fork, and an init process never is', () => {
    const k = new Kernel(createTsCore(), { recycle: true });
    const a = k.fork(k.init) as Task;
    expect(k.exit(a, 3)).toBe(0);
    expect(k.waitpid(k.init, -1)).toBe(2);
    const b = k.fork(k.init) as Task;
    // LIFO reuse: the same object, now a new task with its own numbers and fresh process fields.
    expect(b).toBe(a);
    expect(k.nspidOf(b)).toEqual([3]);
    expect([b.tg, b.state, b.nrThreads, b.live, b.exitStatus, b.nrChildren]).toEqual([b, 0, 1, 1, 0, 0]);
    // A namespace's init: reaped, but its namespace keeps naming it, so it is not reused.
    const ns1 = k.clone(k.init, CLONE_NEWPID) as Task;
    expect(k.exit(ns1, 0)).toBe(0);
    expect(k.waitpid(k.init, -1)).toBeGreaterThan(0);
    const c = k.fork(k.init) as Task;
    expect(c).not.toBe(ns1);
    expect(ns1.tg.pidns.childReaper).toBe(ns1);
  });

  it('a reaped group leader whose pid is still a group id: its object is reused, its numbers are not', () => {
    const k = new Kernel(createTsCore(), { recycle: true });
    const nr = (t: Task): number => k.pid_nr_ns(t.pid, k.rootNs);
    const a = k.fork(k.init) as Task;
    expect(k.setpgid(k.init, nr(a), 0)).toBe(0);
    const b = k.fork(a) as Task; // in a's group
    const aNr = nr(a);
    expect(k.exit(a, 0)).toBe(0);
    expect(k.waitpid(k.init, aNr)).toBe(aNr);
    // a's pid stays allocated (b's group id), its Task object goes back to the cache.
    expect(k.nsPidCount(k.rootNs)).toBe(3);
    const c = k.fork(k.init) as Task;
    expect(c).toBe(a);
    expect(nr(c)).toBe(aNr + 2);
    // The reused object starts with no group role of its own: it may start a session.
    expect(k.setsid(c)).toBe(nr(c));
    expect(k.getpgid(b, 0)).toBe(aNr);
    expect(k.exit(c, 0)).toBe(0);
    expect(k.waitpid(k.init, nr(c))).toBeGreaterThan(0);
    expect(k.nsPidCount(k.rootNs)).toBe(3);
    // b leaves the group: a's numbers are freed at last.
    expect(k.exit(b, 0)).toBe(0);
    expect(k.waitpid(k.init, -1)).toBe(aNr + 1);
    expect(k.nsPidCount(k.rootNs)).toBe(1);
    expect(k.pidRoles.size).toBe(1);
  });

  it('a stale zombie-heap entry naming a reused object does not jump the queue', () => {
    const k = new Kernel(createTsCore(), { recycle: true });
    const p = k.fork(k.init) as Task;
    const nr = (t: Task): number => k.pid_nr_ns(t.pid, k.rootNs);
    const z = k.fork(p) as Task;
    const a = k.fork(p) as Task;
    const x = k.fork(p) as Task;
    k.exit(z, 0);
    k.exit(a, 0);
    // Reaping a by pid leaves its heap entry below z's: stale from now on.
    expect(k.waitpid(p, nr(a))).toBe(nr(a));
    const c = k.fork(p) as Task;
    expect(c).toBe(a);
    const xNr = nr(x);
    k.exit(x, 0);
    k.exit(c, 0);
    expect(k.waitpid(p, nr(z))).toBe(nr(z));
    // The stale entry (a's old place) is now on top and names c, a zombie child of p; x is older than c.
    expect(k.waitpid(p, -1)).toBe(xNr);
  });
});
