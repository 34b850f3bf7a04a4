/**
 * The typed API as a plain-JavaScript caller meets it (issue 8.4, 9.3):
 * every argument it can get wrong is checked (a programmer error throws a
 * TypeError / RangeError naming the value and what is accepted, leaving the
 * kernel untouched; a kernel-level failure stays an errno result), handles
 * of another kernel are refused at every call that takes a task, and views,
 * events and tasks are plain data (JSON.stringify, util.inspect).
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createTsCore } from '../src/core/ts/index.js';
import { PidnsKernel } from '../src/kernel/api.js';
import type { KernelEvent } from '../src/kernel/kernel.js';
import { formatEvent } from '../src/kernel/trace.js';
import { WHY } from '../src/kernel/why.js';
import { Kernel } from '../src/kernel/kernel.js';
import { createCore, createCoreSync, createKernel, createKernelSync } from '../src/node.js';
import type { Task } from '../src/kernel/objects.js';
import { ok, kernel, loose } from './helpers/api.js';



/** A fingerprint of everything observable: namespaces, what each sees, the allocator's state. */
function state(k: PidnsKernel): string {
  return JSON.stringify({
    ns: k.namespaces().map((v) => ({ ...v, seen: k.tasksIn(v.id).map((s) => [s.tid, s.tgid, s.state]) })),
    check: k.raw.namespaces().map((n) => (k.core as unknown as { check_allocator(h: number): number }).check_allocator(n.handle)),
    tasks: k.raw.nrTasks,
  });
}

describe('argument checks (programmer errors throw, kernel answers stay errnos)', () => {
  it('an unknown namespace type throws RangeError naming it and the accepted ones', () => {
    const k = kernel();
    const b = ok(k.clone(k.init, 'NEWPID'));
    const before = state(k);
    expect(() => loose(k).setns(k.init, b, 'PID')).toThrow(RangeError);
    expect(() => loose(k).setns(k.init, b, 'PID')).toThrow(/setns\(type\): unknown namespace type "PID" \(accepted: pid, pid_for_children, uts, ipc, net, cgroup\)/);
    expect(() => loose(k).samens(k.init, b, 'PID')).toThrow(/samens\(type\): unknown namespace type "PID" \(accepted: pid, pid_for_children, uts, ipc, net, cgroup, mnt\)/);
    expect(() => loose(k).setns(k.init, b, 'mnt')).toThrow(/mount namespaces are outside the model/);
    expect(() => loose(k).setns(k.init, b, 7)).toThrow(TypeError);
    expect(state(k)).toBe(before);
    // the accepted ones still work, and samens tells the namespaces apart
    expect(ok(k.samens(k.init, b, 'pid'))).toBe(false);
    expect(ok(k.samens(k.init, b, 'mnt'))).toBe(true);
  });

  it('flag names are checked; numbers pass to the kernel, which refuses bits with EINVAL', () => {
    const k = kernel();
    expect(() => k.clone(k.init, 'NEWPIDD')).toThrow(/clone\(flags\): unknown clone flag "NEWPIDD" in "NEWPIDD" \(accepted: NEWPID, NEWNS, .*PARENT/);
    expect(() => k.clone(k.init, 'NEWPID|')).toThrow(RangeError);
    expect(() => k.unshare(k.init, 'newpid')).toThrow(/unshare\(flags\): unknown clone flag "newpid"/);
    expect(() => loose(k).clone(k.init, null)).toThrow(TypeError);
    expect(() => k.clone(k.init, NaN)).toThrow(RangeError);
    expect(() => k.clone(k.init, 1.5)).toThrow(RangeError);
    expect(() => k.clone(k.init, 2 ** 33)).toThrow(RangeError);
    expect(k.unshare(k.init, 0x00008000)).toMatchObject({ errno: 'EINVAL', why: WHY.UNSHARE_FLAGS }); // PARENT
    expect(ok(k.nspid(ok(k.clone(k.init, 'CLONE_NEWPID | NEWUTS'))))).toEqual([2, 1]);
  });

  it('signals: 0, 9, 15 modelled; other real signals throw; outside 0..64 is the kernel\'s EINVAL after the lookup', () => {
    const k = kernel();
    const t = ok(k.fork(k.init));
    const before = state(k);
    expect(() => loose(k).kill(k.init, 2, 99)).not.toThrow();
    expect(k.kill(k.init, 2, 99 as 9)).toMatchObject({ ok: false, errno: 'EINVAL' });
    expect(k.kill(k.init, 2, 65 as 9)).toMatchObject({ ok: false, errno: 'EINVAL' });
    expect(k.kill(k.init, 2, -1 as 9)).toMatchObject({ ok: false, errno: 'EINVAL' });
    expect(k.kill(k.init, 0, 65 as 9)).toMatchObject({ ok: false, errno: 'EINVAL' });
    expect(k.kill(k.init, -1, 65 as 9)).toMatchObject({ ok: false, errno: 'EINVAL' });
    // the target lookup comes first: a pid that names nothing is ESRCH whatever the signal
    expect(k.kill(k.init, 77, 65 as 9)).toMatchObject({ ok: false, errno: 'ESRCH', why: WHY.KILL_NO_PID });
    expect(k.kill(k.init, -5, 65 as 9)).toMatchObject({ ok: false, errno: 'ESRCH', why: WHY.KILL_NO_PGRP });
    expect(state(k)).toBe(before);
    expect(() => k.kill(k.init, 2, 10 as 9)).toThrow(/kill\(sig\): signal 10 is not modelled \(accepted: 0, 9 \(SIGKILL\), 15 \(SIGTERM\)/);
    expect(() => k.kill(k.init, 2, 1.5 as 9)).toThrow(RangeError);
    expect(() => loose(k).kill(k.init, 2, '9')).toThrow(TypeError);
    expect(() => k.kill(k.init, NaN, 9)).toThrow(/kill\(pid\): expected a pid/);
    expect(() => k.kill(k.init, 2 ** 31, 9)).toThrow(RangeError);
    expect(state(k)).toBe(before);
    expect(k.taskView(t).state).toBe('running');
    ok(k.kill(k.init, 2, 9));
    expect(k.taskView(t).state).toBe('zombie');
  });

  it('exit codes: any int (the kernel keeps 8 bits); not an int throws', () => {
    const k = kernel();
    const a = ok(k.fork(k.init));
    const b = ok(k.fork(k.init));
    expect(() => k.exit(a, 1.5)).toThrow(/exit\(code\): expected an exit code/);
    expect(() => k.exit(a, NaN)).toThrow(RangeError);
    expect(() => loose(k).texit(a, '1')).toThrow(TypeError);
    expect(() => k.exit(a, 2 ** 40)).toThrow(RangeError);
    expect(k.taskView(a).state).toBe('running');
    ok(k.exit(a, -1));
    ok(k.exit(b, 256 + 7));
    expect(ok(k.wait(k.init, 2))).toEqual({ pid: 2, how: 'exited', code: 255 });
    expect(ok(k.wait(k.init, 3))).toEqual({ pid: 3, how: 'exited', code: 7 });
  });

  it('sysctl values: an integer of any size (the kernel answers EINVAL out of range); not an integer throws', () => {
    const k = kernel();
    expect(k.setPidmax(k.init, 2 ** 32 + 400)).toMatchObject({ errno: 'EINVAL', why: WHY.PID_MAX_RANGE });
    expect(k.setLastpid(k.init, -(2 ** 33))).toMatchObject({ errno: 'EINVAL' });
    expect(() => k.setPidmax(k.init, 400.5)).toThrow(RangeError);
    expect(() => loose(k).setLastpid(k.init, undefined)).toThrow(TypeError);
    expect(ok(k.pidmax(k.init))).toBe(4194304);
    ok(k.setPidmax(k.init, 400));
    expect(ok(k.pidmax(k.init))).toBe(400);
  });

  it('wait pid, clone3 set_tid and tasksIn ids are checked', () => {
    const k = kernel();
    expect(() => k.wait(k.init, 0.5)).toThrow(/wait\(pid\)/);
    expect(() => loose(k).clone3(k.init, 0, 5)).toThrow(/clone3\(setTid\): expected an array of pids, got 5/);
    expect(() => k.clone3(k.init, 0, [NaN])).toThrow(/clone3\(setTid\)\[0\]/);
    expect(k.clone3(k.init, 0, new Array(40).fill(NaN))).toMatchObject({ errno: 'EINVAL', why: WHY.CLONE3_SET_TID_SIZE });
    expect(() => loose(k).tasksIn('0')).toThrow(TypeError);
    expect(ok(k.nspid(ok(k.clone3(k.init, 0, [50]))))).toEqual([50]);
  });

  it('a core name other than wasm or ts throws (it used to give the WASM core), and a core must be a PidCore', async () => {
    await expect(createKernel({ core: 'wsam' as 'wasm' })).rejects.toThrow(/createKernel\(\{ core \}\): unknown core "wsam" \(accepted: wasm, ts, or a PidCore you made\)/);
    expect(() => createKernelSync({ core: 'TS' as 'ts' })).toThrow(RangeError);
    expect(() => createCoreSync('WASM' as 'wasm')).toThrow(/createCoreSync\(name\): unknown core "WASM"/);
    await expect(createCore(7 as unknown as 'ts')).rejects.toThrow(TypeError);
    expect(() => new PidnsKernel({} as never)).toThrow(/new PidnsKernel\(core\): expected a PidCore/);
    expect(createKernelSync({ core: 'ts' }).core.name).toBe('ts');
  });

  it('a task argument must be a Task', () => {
    const k = kernel();
    for (const bad of [undefined, null, 1, 'init', {}, { id: 0, pid: 16 }]) {
      expect(() => loose(k).fork(bad)).toThrow(TypeError);
      expect(() => loose(k).getpid(bad)).toThrow(/getpid\(t\): expected a Task of this kernel/);
    }
  });
});

describe('handles of another kernel (issue 9.3)', () => {
  /** Every typed call that takes a task, with the task in each task position. */
  const calls: [string, (k: PidnsKernel, x: Task) => unknown][] = [
    ['fork', (k, x) => k.fork(x)],
    ['clone', (k, x) => k.clone(x, 'NEWPID')],
    ['thread', (k, x) => k.thread(x)],
    ['clone3', (k, x) => k.clone3(x, 0, [9])],
    ['unshare', (k, x) => k.unshare(x, 'NEWPID')],
    ['setns(t)', (k, x) => k.setns(x, k.init, 'pid')],
    ['setns(target)', (k, x) => k.setns(k.init, x, 'pid')],
    ['exit', (k, x) => k.exit(x, 0)],
    ['texit', (k, x) => k.texit(x, 0)],
    ['kill', (k, x) => k.kill(x, -1, 9)],
    ['wait', (k, x) => k.wait(x)],
    ['getpid', (k, x) => k.getpid(x)],
    ['gettid', (k, x) => k.gettid(x)],
    ['getppid', (k, x) => k.getppid(x)],
    ['nspid', (k, x) => k.nspid(x)],
    ['lastpid', (k, x) => k.lastpid(x)],
    ['setLastpid', (k, x) => k.setLastpid(x, 5)],
    ['pidmax', (k, x) => k.pidmax(x)],
    ['setPidmax', (k, x) => k.setPidmax(x, 400)],
    ['samens(a)', (k, x) => k.samens(x, k.init, 'pid')],
    ['samens(b)', (k, x) => k.samens(k.init, x, 'pid')],
    ['setsid', (k, x) => k.setsid(x)],
    ['setpgid', (k, x) => k.setpgid(x, 0, 0)],
    ['getpgid', (k, x) => k.getpgid(x)],
    ['getsid', (k, x) => k.getsid(x)],
    ['setSubreaper', (k, x) => k.setSubreaper(x, true)],
    ['getSubreaper', (k, x) => k.getSubreaper(x)],
    ['taskView', (k, x) => k.taskView(x)],
    ['pidNamespaceOf', (k, x) => k.pidNamespaceOf(x)],
    ['nspidOf', (k, x) => k.nspidOf(x)],
  ];

  it.each(calls)('%s refuses a task of another kernel and changes neither kernel', (_name, call) => {
    const A = kernel();
    const B = kernel();
    const a1 = ok(A.fork(A.init));
    ok(A.clone(a1, 'NEWPID'));
    const b = ok(B.clone(ok(B.fork(B.init)), 'NEWPID'));
    const before = [state(A), state(B)];
    for (const x of [b, B.init]) {
      expect(() => call(A, x)).toThrow(TypeError);
      expect(() => call(A, x)).toThrow(/belongs to another kernel/);
    }
    expect(() => call(A, b)).toThrow(/task \{ NSpid 3 1, running \} belongs to another kernel/);
    expect([state(A), state(B)]).toEqual(before);
  });

  it('the findings of issue 9.3 no longer happen', () => {
    const A = kernel();
    const B = kernel();
    const b = ok(B.fork(B.init));
    expect(() => A.fork(b)).toThrow(TypeError);
    expect(B.tasksIn(0).map((v) => v.tid)).toEqual([1, 2]);
    expect(() => A.setPidmax(b, 400)).toThrow(TypeError);
    expect(ok(A.pidmax(A.init))).toBe(4194304);
    expect(() => A.unshare(b, 'NEWPID')).toThrow(TypeError);
    for (const k of [A, B]) for (const n of k.raw.namespaces()) expect((k.core as unknown as { check_allocator(h: number): number }).check_allocator(n.handle)).toBe(0);
  });

  it('a reaped task of another kernel is refused too; of this kernel it is the kernel\'s ESRCH', () => {
    const A = kernel();
    const B = kernel();
    const b = ok(B.fork(B.init));
    ok(B.exit(b, 0));
    ok(B.wait(B.init));
    expect(() => A.getpid(b)).toThrow(/belongs to another kernel/);
    expect(B.getpid(b)).toEqual({ ok: false, errno: 'ESRCH', why: `${WHY.ACTOR_EXITED} (getpid(t) is a reaped task)` });
    expect(B.setns(B.init, b, 'pid')).toEqual({ ok: false, errno: 'ESRCH', why: `${WHY.TARGET_REAPED} (setns(target) is a reaped task)` });
  });

  it('a task made on a raw Kernel is foreign to every typed kernel', () => {
    const raw = new Kernel(createTsCore());
    const t = raw.fork(raw.init) as Task;
    const k = kernel();
    expect(() => k.fork(t)).toThrow(/a task belongs to another kernel/);
    expect(() => k.fork(raw.init)).toThrow(TypeError);
  });
});

describe('plain data: JSON, util.inspect, formatEvent without a namer', () => {
  it('JSON.stringify works on every view, and tasks are their NSpid and state', () => {
    const k = kernel();
    const a = ok(k.clone(k.init, 'NEWPID'));
    const b = ok(k.fork(a));
    const t = ok(k.thread(b));
    ok(k.exit(b, 3)); // b's process becomes a zombie (its thread is released)
    expect(JSON.parse(JSON.stringify(k.namespaces()))).toEqual([
      { id: 0, level: 0, parent: null, alive: true, init: { nspid: [1], state: "running" }, zapping: null, pidMax: 4194304, lastPid: 4, nrPids: 3 },
      { id: 6, level: 1, parent: 0, alive: true, init: { nspid: [2, 1], state: 'running' }, zapping: null, pidMax: 4194304, lastPid: 3, nrPids: 2 },
    ]);
    expect(JSON.parse(JSON.stringify(k.tasksIn(6)))).toEqual([
      { task: { nspid: [2, 1], state: 'running' }, tid: 1, tgid: 1, state: 'running', pgid: 0, sid: 0, subreaper: false },
      { task: { nspid: [3, 2], state: 'zombie' }, tid: 2, tgid: 2, state: 'zombie', pgid: 0, sid: 0, subreaper: false },
    ]);
    expect(JSON.parse(JSON.stringify(k.taskView(b)))).toMatchObject({ task: { nspid: [3, 2] }, state: 'zombie', nspid: [3, 2] });
    expect(JSON.parse(JSON.stringify(k.taskView(t)))).toMatchObject({ task: { nspid: [], state: 'reaped' }, state: 'reaped' });
    expect(JSON.parse(JSON.stringify(k.init))).toEqual({ nspid: [1], state: 'running' });
  });

  it('JSON.stringify works on every event', () => {
    const k = kernel();
    const events: KernelEvent[] = [];
    k.onEvent((e) => events.push(e));
    const a = ok(k.clone(k.init, 'NEWPID'));
    ok(k.thread(ok(k.fork(a))));
    ok(k.setns(k.init, a, 'pid_for_children'));
    ok(k.exit(a, 0));
    ok(k.wait(k.init));
    ok(k.setns(k.init, k.init, 'pid'));
    const p = ok(k.fork(k.init));
    ok(k.fork(p));
    ok(k.exit(p, 0)); // its child is reparented to init
    const n = ok(k.clone(k.init, 'NEWPID'));
    ok(k.thread(n));
    ok(k.texit(n, 0)); // the init's other thread becomes the child reaper
    const types = new Set(events.map((e) => e.type));
    for (const ty of ['create', 'pidns-create', 'pid-for-children', 'zap', 'signal', 'exit', 'release', 'zap-done', 'pidns-free', 'reparent', 'child-reaper']) expect(types).toContain(ty);
    const json = JSON.parse(JSON.stringify(events));
    expect(json[0]).toEqual({ type: 'pidns-create', ns: { id: 6, level: 1 }, by: { nspid: [1], state: 'running' } });
    // a released task keeps the numbers it had when its release was reported
    const rel = json.find((e: { type: string }) => e.type === 'release');
    expect(rel.task).toEqual({ nspid: [4, 3], state: 'reaped' });
  });

  it('console.log / util.inspect shows a task by its NSpid, not memory offsets', () => {
    const k = kernel();
    const a = ok(k.clone(k.init, 'NEWPID'));
    expect(inspect(a)).toBe('Task { NSpid 2 1, running }');
    expect(String(a)).toBe('Task { NSpid 2 1, running }');
    expect(`${a}`).toBe('Task { NSpid 2 1, running }');
    expect(inspect({ a })).toBe('{ a: Task { NSpid 2 1, running } }');
    expect(inspect(k.raw.rootNs)).toBe('PidNs { id: 0, level: 0 }');
    expect(inspect(a)).not.toMatch(/pid: \d/);
    ok(k.exit(a, 0));
    expect(inspect(a)).toBe('Task { NSpid 2 1, zombie }');
    ok(k.wait(k.init));
    expect(inspect(a)).toBe('Task { reaped }');
    // a raw kernel's task has no describer: only its state
    const raw = new Kernel(createTsCore());
    expect(inspect(raw.init)).toBe('Task { running }');
    expect(JSON.stringify(raw.init)).toBe('{"state":"running"}');
  });

  it('formatEvent names tasks by their NSpid when given no namer, also for tasks released by the call', () => {
    const k = kernel();
    const words: string[] = [];
    k.onEvent((e) => words.push(formatEvent(k, e)));
    const a = ok(k.clone(k.init, 'NEWPID'));
    ok(k.fork(a));
    ok(k.exit(a, 0));
    expect(words).toEqual([
      'pidns#6 (level 1) created by task 1; its first process will be its init',
      'task 2 1 created: NSpid 2 1, parent task 1',
      'task 3 2 created: NSpid 3 2, parent task 2 1',
      'task 2 1, the last thread of pidns#6 (level 1)\'s init, exits: zap_pid_ns_processes kills every process in it and waits',
      'SIGKILL from task 2 1 ends task 3 2\'s process',
      'task 3 2 exited: a zombie until its parent reaps it',
      'task 3 2 reaped at once: its parent ignores SIGCHLD (an init in zap_pid_ns_processes)',
      'pidns#6 (level 1) is empty: task 2 1 finishes its exit',
      'task 2 1 exited: a zombie until its parent reaps it',
    ]);
  });
});

describe('stale handles: a reaped task of this kernel', () => {
  it('gives ESRCH, as the kernel does, with a why that names the argument', () => {
    const k = createKernelSync({ core: 'ts' });
    const a = k.unwrap(k.fork(k.init));
    const b = k.unwrap(k.fork(k.init));
    k.unwrap(k.exit(a, 0));
    k.unwrap(k.wait(k.init, 2));
    const f = k.fork(a);
    expect(f).toMatchObject({ ok: false, errno: 'ESRCH' });
    expect(!f.ok && f.why).toMatch(/\(fork\(p\) is a reaped task\)$/);
    const s = k.setns(b, a, 'pid');
    expect(!s.ok && s.why).toMatch(/\(setns\(target\) is a reaped task\)$/);
    // A later call with live tasks says nothing of the earlier stale one.
    const w = k.kill(b, 99, 0);
    expect(w).toMatchObject({ ok: false, errno: 'ESRCH' });
    expect(!w.ok && w.why).not.toMatch(/reaped task/);
    // With a listener, the numbers the task had are remembered and shown.
    k.onEvent(() => {});
    const c = k.unwrap(k.fork(k.init));
    k.unwrap(k.exit(c, 0));
    k.unwrap(k.wait(k.init));
    const g = k.getpid(c);
    expect(!g.ok && g.why).toMatch(/\(getpid\(t\) is a reaped task \(it was NSpid 4\)\)$/);
  });
});
