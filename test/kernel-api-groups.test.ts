/**
 * The typed API's face of process groups, sessions and child subreapers
 * (issue 10.2): setsid / setpgid / getpgid / getsid / setSubreaper /
 * getSubreaper with the API's argument checks, the ids in taskView and
 * tasksIn, the reasons (`why`) of each failing check, and the events
 * (setsid, setpgid, subreaper, pid-held, pid-free, reparent to a subreaper)
 * as plain data and in words.
 */
import { describe, expect, it } from 'vitest';
import { PidnsKernel } from '../src/kernel/api.js';
import type { KernelEvent } from '../src/kernel/kernel.js';
import { formatEvent } from '../src/kernel/trace.js';
import { WHY } from '../src/kernel/why.js';
import type { Task } from '../src/kernel/objects.js';
import { ok, kernel, loose } from './helpers/api.js';



function state(k: PidnsKernel): string {
  return JSON.stringify({
    ns: k.namespaces().map((v) => ({ ...v, seen: k.tasksIn(v.id) })),
    tasks: k.raw.nrTasks,
    roles: k.raw.pidRoles.size,
  });
}

describe('setsid, setpgid, getpgid, getsid, subreaper through the typed API', () => {
  it('a subreaper adopts an orphan, a reaped leader\'s group id stays, setsid and setpgid answer with the kernel\'s checks', () => {
    const k = kernel();
    const s = ok(k.fork(k.init)); // 2
    expect(ok(k.getSubreaper(s))).toBe(false);
    ok(k.setSubreaper(s, true));
    expect(ok(k.getSubreaper(s))).toBe(true);
    const a = ok(k.fork(s)); // 3
    ok(k.setpgid(s, 3, 0)); // a leads group 3
    const b = ok(k.fork(a)); // 4, in group 3
    expect(ok(k.getpgid(b))).toBe(3);
    expect(ok(k.getsid(b))).toBe(1);
    ok(k.exit(a, 0));
    expect(ok(k.getppid(b))).toBe(2); // the subreaper, not init
    expect(ok(k.wait(s))).toEqual({ pid: 3, how: 'exited', code: 0 });
    // a is reaped; its pid is b's group id still
    expect(ok(k.getpgid(k.init, 4))).toBe(3);
    expect(k.getpgid(k.init, 3)).toEqual({ ok: false, errno: 'ESRCH', why: WHY.GETPGID_NO_TASK });
    ok(k.setLastpid(k.init, 2));
    expect(ok(k.getpid(ok(k.fork(k.init))))).toBe(5); // 3 is held as a group id, 4 is b
    expect(k.taskView(b)).toMatchObject({ pgid: 3, sid: 1, rootPgid: 3, rootSid: 1, sessionLeader: false, subreaper: false });
    expect(k.taskView(s)).toMatchObject({ pgid: 1, sid: 1, subreaper: true });
    // setsid: b's pid leads no group, so b may; a second time it leads a session
    expect(k.setsid(b)).toEqual({ ok: true, value: 4 });
    expect(k.setsid(b)).toEqual({ ok: false, errno: 'EPERM', why: WHY.SETSID_LEADER });
    expect(k.taskView(b)).toMatchObject({ pgid: 4, sid: 4, sessionLeader: true });
    // setpgid's checks
    expect(k.setpgid(k.init, 0, -1)).toEqual({ ok: false, errno: 'EINVAL', why: WHY.SETPGID_NEGATIVE });
    expect(k.setpgid(k.init, 99, 0)).toEqual({ ok: false, errno: 'ESRCH', why: WHY.SETPGID_NO_TASK });
    expect(k.setpgid(k.init, 4, 0)).toEqual({ ok: false, errno: 'ESRCH', why: WHY.SETPGID_NOT_CHILD });
    expect(k.setpgid(s, 4, 0)).toEqual({ ok: false, errno: 'EPERM', why: WHY.SETPGID_CHILD_SESSION });
    expect(k.setpgid(b, 0, 0)).toEqual({ ok: false, errno: 'EPERM', why: WHY.SETPGID_SESSION_LEADER });
    expect(k.setpgid(s, 0, 3)).toEqual({ ok: false, errno: 'EPERM', why: WHY.SETPGID_NO_PGRP });
    expect(k.setpgid(s, 0, 4)).toEqual({ ok: false, errno: 'EPERM', why: WHY.SETPGID_PGRP_SESSION }); // b's group, b's session
    const th = ok(k.thread(s));
    expect(k.setpgid(s, ok(k.gettid(th)), 0)).toEqual({ ok: false, errno: 'EINVAL', why: WHY.SETPGID_NOT_LEADER });
    // the flag belongs to the process: a thread reads it, clears it
    expect(ok(k.getSubreaper(th))).toBe(true);
    ok(k.setSubreaper(th, false));
    expect(ok(k.getSubreaper(s))).toBe(false);
    // an exited actor
    ok(k.exit(s, 0));
    expect(k.setsid(s)).toEqual({ ok: false, errno: 'ESRCH', why: WHY.ACTOR_EXITED });
    expect(k.getSubreaper(s)).toEqual({ ok: false, errno: 'ESRCH', why: WHY.ACTOR_EXITED });
    expect(k.setSubreaper(s, true)).toEqual({ ok: false, errno: 'ESRCH', why: WHY.ACTOR_EXITED });
  });

  it('a namespace init sees its creator\'s session as 0 until setsid; views give the ids as each namespace sees them', () => {
    const k = kernel();
    const x = ok(k.clone(k.init, 'NEWPID')); // 2, 1 inside
    const y = ok(k.fork(x)); // 3, 2 inside
    expect(ok(k.getsid(x))).toBe(0);
    expect(ok(k.getpgid(x))).toBe(0);
    expect(k.taskView(x)).toMatchObject({ pgid: 0, sid: 0, rootPgid: 1, rootSid: 1, sessionLeader: false });
    expect(ok(k.setsid(x))).toBe(1);
    expect(k.taskView(x)).toMatchObject({ pgid: 1, sid: 1, rootPgid: 2, rootSid: 2, sessionLeader: true });
    // y was made before: it stays in init's session and group, which have no number inside
    expect(k.taskView(y)).toMatchObject({ pgid: 0, sid: 0, rootPgid: 1, rootSid: 1 });
    const inner = k.pidNamespaceOf(x);
    expect(k.tasksIn(inner).map((v) => [v.tid, v.pgid, v.sid, v.subreaper])).toEqual([
      [1, 1, 1, false],
      [2, 0, 0, false],
    ]);
    ok(k.setSubreaper(k.init, true));
    expect(k.tasksIn(0).map((v) => [v.tid, v.pgid, v.sid, v.subreaper])).toEqual([
      [1, 1, 1, true],
      [2, 2, 2, false],
      [3, 1, 1, false],
    ]);
    // views are plain data
    expect(JSON.parse(JSON.stringify(k.taskView(x)))).toMatchObject({ pgid: 1, sid: 1, rootPgid: 2, rootSid: 2, sessionLeader: true, subreaper: false });
    // a reaped task has no group any more
    ok(k.exit(y, 0));
    ok(k.wait(x));
    expect(k.taskView(y)).toMatchObject({ state: 'reaped', pgid: 0, sid: 0, rootPgid: 0, rootSid: 0, sessionLeader: false, subreaper: false });
  });

  it('processGroups: the groups a namespace sees, a reaped leader\'s group with its held number, members outside', () => {
    const k = kernel();
    const shim = ok(k.fork(k.init)); // 2
    ok(k.setSubreaper(shim, true));
    const c = ok(k.clone(shim, 'NEWPID')); // 3, 1 inside
    ok(k.setsid(c));
    const job = ok(k.fork(c)); // 4, 2 inside
    ok(k.setpgid(c, 2, 0));
    const w = ok(k.fork(job)); // 5, 3 inside
    ok(k.exit(job, 0));
    ok(k.wait(c));
    const inner = k.pidNamespaceOf(c);
    expect(JSON.parse(JSON.stringify(k.processGroups(inner)))).toEqual([
      { pgid: 1, sid: 1, rootPgid: 3, rootSid: 3, leader: { nspid: [3, 1], state: 'running' }, members: [{ nspid: [3, 1], state: 'running' }] },
      { pgid: 2, sid: 1, rootPgid: 4, rootSid: 3, leader: null, members: [{ nspid: [5, 3], state: 'running' }] },
    ]);
    expect(k.processGroups(0).map((g) => [g.pgid, g.sid, g.leader === null ? null : k.nspidOf(g.leader), g.members.length])).toEqual([
      [1, 1, [1], 2],
      [3, 3, [3, 1], 1],
      [4, 3, null, 1],
    ]);
    // a member outside the leader's namespace: init's group has one inside after setns
    ok(k.setns(k.init, c, 'pid_for_children'));
    const y = ok(k.fork(k.init)); // 6, 4 inside, in init's group
    expect(k.processGroups(inner).map((g) => [g.pgid, g.rootPgid, g.members.length])).toEqual([
      [0, 1, 3],
      [1, 3, 1],
      [2, 4, 1],
    ]);
    expect(k.processGroups(99)).toEqual([]);
    expect(() => loose(k).processGroups('0')).toThrow(TypeError);
    void w;
    void y;
  });

  it('as on the kernel, a namespace init put into a group of its own namespace waits until its parent moves it out', () => {
    const k = kernel();
    const x = ok(k.clone(k.init, 'NEWPID')); // 2, 1 inside
    ok(k.fork(x)); // 3, 2 inside
    ok(k.setpgid(x, 2, 0)); // y leads group 2 (inside)
    ok(k.setpgid(x, 0, 2)); // x joins it (a scenario refuses this line)
    ok(k.exit(x, 0));
    expect(ok(k.wait(k.init))).toBe(null); // x waits in zap_pid_ns_processes: y's pid is its own group id
    expect(k.taskView(x).state).toBe('zap-wait');
    ok(k.setpgid(k.init, 2, 0)); // its parent gives it a group of its own
    expect(ok(k.wait(k.init))).toEqual({ pid: 2, how: 'exited', code: 0 });
    expect(k.namespaces().length).toBe(1);
  });
});

describe('argument checks of the new calls', () => {
  it('programmer errors throw, name the value and change nothing', () => {
    const k = kernel();
    const a = ok(k.fork(k.init));
    const before = state(k);
    const L = loose(k);
    expect(() => L.setpgid(k.init, 1.5, 0)).toThrow(new RangeError('setpgid(pid): expected a pid from -2147483648 to 2147483647 (a 32-bit int), got 1.5'));
    expect(() => L.setpgid(k.init, 0, '2')).toThrow(new TypeError('setpgid(pgid): expected a process group id (a 32-bit int), got "2"'));
    expect(() => L.setpgid(k.init, 2 ** 31, 0)).toThrow(RangeError);
    expect(() => L.getpgid(k.init, NaN)).toThrow(new RangeError('getpgid(pid): expected a pid from -2147483648 to 2147483647 (a 32-bit int), got NaN'));
    expect(() => L.getsid(k.init, null)).toThrow(new TypeError('getsid(pid): expected a pid (a 32-bit int), got null'));
    expect(() => L.setSubreaper(a, 1)).toThrow(new TypeError('setSubreaper(on): expected true or false, got 1'));
    expect(() => L.setSubreaper(a)).toThrow(new TypeError('setSubreaper(on): expected true or false, got undefined'));
    expect(() => L.setsid({})).toThrow(new TypeError('setsid(t): expected a Task of this kernel, got an object'));
    const other = kernel();
    expect(() => other.setsid(a)).toThrow(/setsid\(t\): task \{ NSpid 2, running \} belongs to another kernel/);
    expect(() => other.getSubreaper(a)).toThrow(TypeError);
    expect(() => other.setpgid(a, 0, 0)).toThrow(TypeError);
    expect(state(k)).toBe(before);
    // negative and odd pids the kernel can be given are its answers
    expect(k.getpgid(k.init, -5)).toMatchObject({ ok: false, errno: 'ESRCH' });
    expect(k.setpgid(k.init, -2147483648, 0)).toEqual({ ok: false, errno: 'EINVAL', why: WHY.SETPGID_NEGATIVE }); // pgid 0 means pid
  });
});

describe('events of the new calls', () => {
  it('setsid, setpgid, subreaper, reparenting to a subreaper, a held pid and its free are plain data and words', () => {
    const k = kernel();
    const events: KernelEvent[] = [];
    const words: string[] = [];
    k.onEvent((e) => {
      events.push(e);
      if (e.type !== 'create') words.push(formatEvent(k, e));
    });
    const s = ok(k.fork(k.init)); // 2
    ok(k.setSubreaper(s, true));
    const a = ok(k.fork(s)); // 3
    ok(k.setpgid(s, 3, 0));
    const b = ok(k.fork(a)); // 4
    ok(k.exit(a, 0));
    ok(k.wait(s));
    ok(k.setsid(b));
    ok(k.setpgid(s, 0, 0)); // s leads a group of its own
    ok(k.setSubreaper(s, false));
    ok(k.setpgid(k.init, 2, 1)); // init moves s back into group 1 (s's own group goes with no trace: s is alive)
    expect(words).toEqual([
      'task 2 is a child subreaper: orphans of its descendants come to it',
      'task 3 leads a new process group, numbered with its pid (NSpid 3) (setpgid by task 2)',
      'task 4 reparented from task 3 to task 2, a child subreaper',
      'task 3 exited: a zombie until its parent reaps it',
      'task 3 reaped by task 2',
      "task 3's pid stays allocated after its reap: it is still the id of a process group with members",
      'task 4 leads a new session 4 and process group 4 (setsid: both ids are its pid)',
      "task 3's pid (NSpid 3) is free again: no process group or session uses it any more",
      'task 2 leads a new process group, numbered with its pid (NSpid 2)',
      'task 2 is no longer a child subreaper',
      'task 2 moved into process group NSpid 1, led by task 1 (setpgid by task 1)',
    ]);
    const json = JSON.parse(JSON.stringify(events.filter((e) => e.type !== 'create')));
    expect(json).toEqual([
      { type: 'subreaper', task: { nspid: [2], state: 'running' }, on: true },
      { type: 'setpgid', task: { nspid: [3], state: 'reaped' }, pgid: [3], leader: { nspid: [3], state: 'reaped' }, by: { nspid: [2], state: 'running' } },
      { type: 'reparent', child: { nspid: [4], state: 'running' }, from: { nspid: [3], state: 'reaped' }, to: { nspid: [2], state: 'running' }, subreaper: true },
      { type: 'exit', task: { nspid: [3], state: 'reaped' }, zombie: true },
      { type: 'release', task: { nspid: [3], state: 'reaped' }, how: 'wait', by: { nspid: [2], state: 'running' } },
      { type: 'pid-held', task: { nspid: [3], state: 'reaped' }, pgrp: true, session: false },
      { type: 'setsid', task: { nspid: [4], state: 'running' } },
      { type: 'pid-free', task: { nspid: [3], state: 'reaped' }, nspid: [3] },
      { type: 'setpgid', task: { nspid: [2], state: 'running' }, pgid: [2], leader: { nspid: [2], state: 'running' }, by: { nspid: [2], state: 'running' } },
      { type: 'subreaper', task: { nspid: [2], state: 'running' }, on: false },
      { type: 'setpgid', task: { nspid: [2], state: 'running' }, pgid: [1], leader: { nspid: [1], state: 'running' }, by: { nspid: [1], state: 'running' } },
    ]);
    void b;
  });

  it('a reparenting to a namespace init or to a thread of the same process is not marked subreaper', () => {
    const k = kernel();
    const seen: KernelEvent[] = [];
    k.onEvent((e) => void seen.push(e));
    const p = ok(k.fork(k.init));
    ok(k.setSubreaper(p, true));
    const t = ok(k.thread(p));
    ok(k.fork(t)); // a child of the thread
    ok(k.texit(t, 0)); // goes to p's leader thread: same process
    const q = ok(k.fork(k.init));
    ok(k.fork(q));
    ok(k.exit(q, 0)); // q has no subreaper above it: to init
    const rep = seen.filter((e): e is Extract<KernelEvent, { type: 'reparent' }> => e.type === 'reparent');
    expect(rep.map((e) => [k.nspidOf(e.to)[0], e.subreaper])).toEqual([
      [2, false],
      [1, false],
    ]);
    void p;
  });

  it('a leader that is its group\'s and session\'s only user is reaped without pid-held or pid-free', () => {
    const k = kernel();
    const types: string[] = [];
    k.onEvent((e) => void types.push(e.type));
    const a = ok(k.fork(k.init));
    ok(k.setsid(a));
    ok(k.exit(a, 0));
    ok(k.wait(k.init));
    expect(types).toEqual(['create', 'setsid', 'exit', 'release']);
  });
});

void (null as unknown as Task);
