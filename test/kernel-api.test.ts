/**
 * The typed kernel API, once per core: errors as data with the kernel check
 * that fired, the throwing variant, views of namespaces and tasks, rules the
 * oracle cannot reach (level 33), and the scenario session leaving the state
 * untouched on a scenario error.
 */
import { describe, expect, it } from 'vitest';
import { createTsCore } from '../src/core/ts/index.js';
import type { PidCore } from '../src/core/types.js';
import { createWasmCoreSync } from '../src/core/wasm-node.js';
import { KernelCallError, PidnsKernel } from '../src/kernel/api.js';
import { WHY } from '../src/kernel/why.js';
import { formatEvent } from '../src/kernel/trace.js';
import { ScenarioSession } from '../src/scenario/run.js';
import type { Task } from '../src/kernel/objects.js';
import { ok } from './helpers/api.js';

const CORES: [string, () => PidCore][] = [
  ['ts', () => createTsCore()],
  ['wasm', () => createWasmCoreSync()],
];


function suite(coreName: string, make: () => PidCore): void {
  const kernel = () => new PidnsKernel(make());

  describe(`kernel API on the ${coreName} core`, () => {
    it('returns errors as data with the check that fired', () => {
      const k = kernel();
      const r = k.clone(k.init, 'THREAD');
      expect(r).toEqual({ ok: false, errno: 'EINVAL', why: WHY.CLONE_THREAD_SIGHAND });
      expect(k.clone(k.init, 'SIGHAND')).toEqual({ ok: false, errno: 'EINVAL', why: WHY.CLONE_SIGHAND_VM });
      expect(k.clone(k.init, 'NEWNS|FS')).toMatchObject({ errno: 'EINVAL', why: WHY.CLONE_NEWNS_FS });
      expect(k.clone(k.init, 'PARENT')).toMatchObject({ errno: 'EINVAL', why: WHY.CLONE_PARENT_INIT });
      expect(k.clone(k.init, 'NEWIPC|SYSVSEM')).toMatchObject({ errno: 'EINVAL', why: WHY.COPY_NS_IPC_SYSVSEM });
      // none of these consumed a pid
      expect(ok(k.nspid(ok(k.fork(k.init))))).toEqual([2]);
    });

    it('explains pid namespace refusals by kernel function', () => {
      const k = kernel();
      const a = ok(k.fork(k.init));
      ok(k.unshare(a, 'NEWPID'));
      expect(k.unshare(a, 'NEWPID')).toMatchObject({ errno: 'EINVAL', why: WHY.COPY_PID_NS_ACTIVE });
      expect(k.thread(a)).toMatchObject({ errno: 'EINVAL', why: WHY.CLONE_THREAD_PIDNS });
      expect(k.clone(a, 'THREAD|SIGHAND|VM|NEWPID')).toMatchObject({ errno: 'EINVAL', why: WHY.CLONE_THREAD_NEWPID });
      expect(k.samens(a, a, 'pid_for_children')).toMatchObject({ errno: 'ENOENT', why: WHY.PROC_PID_FOR_CHILDREN });
      const b = ok(k.fork(a));
      expect(ok(k.nspid(b))).toEqual([3, 1]);
      expect(k.setns(b, a, 'pid')).toMatchObject({ errno: 'EINVAL', why: WHY.PIDNS_INSTALL });
      ok(k.exit(b, 0));
      const c = k.fork(a);
      expect(c).toMatchObject({ ok: false, errno: 'ENOMEM' });
      expect((c as { why: string }).why).toBe(WHY.ALLOC_PID_DEAD_NS);
    });

    it('explains set_tid refusals with the level', () => {
      const k = kernel();
      const r = k.clone3(k.init, 0, [1]);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.errno).toBe('EEXIST');
        expect(r.why).toContain(WHY.ALLOC_PID_SET_TID_BUSY);
        expect(r.why).toContain('level 0');
      }
      const a = ok(k.clone(k.init, 'NEWPID'));
      const s = k.clone3(a, 0, [5, 0]);
      expect(s.ok).toBe(false);
      if (!s.ok) expect(s.why).toContain('set_tid[1] = 0, level 0');
      expect(k.clone3(k.init, 0, [3, 4])).toMatchObject({ errno: 'EINVAL', why: WHY.ALLOC_PID_SET_TID_SIZE });
      expect(k.clone3(k.init, 0, new Array(33).fill(1))).toMatchObject({ errno: 'EINVAL', why: WHY.CLONE3_SET_TID_SIZE });
    });

    it('unwrap returns the value or throws a KernelCallError with the same data', () => {
      const k = kernel();
      const a = k.unwrap(k.fork(k.init));
      expect(k.unwrap(k.getpid(a))).toBe(2);
      let caught: unknown;
      try {
        k.unwrap(k.wait(a));
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(KernelCallError);
      expect((caught as KernelCallError).errno).toBe('ECHILD');
      expect((caught as KernelCallError).why).toBe(WHY.WAIT_NO_CHILDREN);
      expect((caught as KernelCallError).message).toBe(`ECHILD: ${WHY.WAIT_NO_CHILDREN}`);
    });

    it('reports an exited actor and a reaped target with distinct reasons', () => {
      const k = kernel();
      const a = ok(k.fork(k.init));
      const b = ok(k.fork(k.init));
      ok(k.exit(a, 1));
      expect(k.getpid(a)).toEqual({ ok: false, errno: 'ESRCH', why: WHY.ACTOR_EXITED });
      expect(k.samens(a, k.init, 'uts')).toMatchObject({ errno: 'ENOENT', why: WHY.PROC_NS_EXITED });
      expect(ok(k.samens(a, k.init, 'pid'))).toBe(true);
      expect(ok(k.wait(k.init))).toEqual({ pid: 2, how: 'exited', code: 1 });
      expect(k.setns(b, a, 'pid')).toEqual({ ok: false, errno: 'ESRCH', why: `${WHY.TARGET_REAPED} (setns(target) is a reaped task)` });
    });

    it('creating level 33 gives ENOSPC (MAX_PID_NS_LEVEL), level 32 works', () => {
      const k = kernel();
      let p: Task = k.init;
      for (let level = 1; level <= 32; level++) p = ok(k.clone(p, 'NEWPID'));
      expect(ok(k.nspid(p)).length).toBe(33);
      expect(ok(k.getpid(p))).toBe(1);
      expect(k.clone(p, 'NEWPID')).toEqual({ ok: false, errno: 'ENOSPC', why: WHY.PID_NS_TOO_DEEP });
      expect(k.unshare(p, 'NEWPID')).toMatchObject({ errno: 'ENOSPC' });
      // a plain fork at level 32 still works, and set_tid may name all 33 levels but not 34
      const c = ok(k.fork(p));
      expect(ok(k.nspid(c)).slice(-2)).toEqual([3, 2]);
      expect(ok(k.nspid(c)).length).toBe(33);
      expect(k.clone3(p, 0, new Array(33).fill(0).map((_, i) => 100 + i))).toMatchObject({ errno: 'EINVAL', why: WHY.CLONE3_SET_TID_SIZE });
    });

    it('views list namespaces and what each sees', () => {
      const k = kernel();
      const a = ok(k.clone(k.init, 'NEWPID'));
      const b = ok(k.fork(a));
      const t = ok(k.thread(b));
      const views = k.namespaces();
      expect(views.length).toBe(2);
      expect(views[0]).toMatchObject({ id: 0, level: 0, parent: null, alive: true, init: k.init, nrPids: 4 });
      const child = views[1];
      expect(child).toMatchObject({ level: 1, parent: 0, alive: true, init: a, nrPids: 3, pidMax: 4194304, lastPid: 3 });
      expect(k.tasksIn(child.id).map((v) => [v.tid, v.tgid])).toEqual([[1, 1], [2, 2], [3, 2]]);
      expect(k.tasksIn(0).map((v) => [v.tid, v.tgid, v.task])).toEqual([[1, 1, k.init], [2, 2, a], [3, 3, b], [4, 3, t]]);
      expect(k.taskView(t)).toMatchObject({ state: 'running', nspid: [4, 3], nstgid: [3, 2], isLeader: false, pidns: child.id });
      ok(k.exit(a, 5));
      const after = k.namespaces();
      expect(after[1]).toMatchObject({ alive: false, nrPids: 1 });
      expect(k.taskView(t).state).toBe('reaped');
      expect(k.taskView(a).state).toBe('zombie');
      ok(k.wait(k.init));
      // the dead namespace is freed with its last reference
      expect(k.namespaces().length).toBe(1);
      expect(k.taskView(a)).toMatchObject({ state: 'reaped', nspid: [] });
    });

    it('shows an init waiting in zap_pid_ns_processes', () => {
      const k = kernel();
      const a = ok(k.clone(k.init, 'NEWPID'));
      const x = ok(k.fork(k.init));
      ok(k.setns(x, a, 'pid'));
      const c = ok(k.fork(x));
      ok(k.exit(a, 3));
      const v = k.namespaces()[1];
      expect(v.zapping).toBe(a);
      expect(k.taskView(a).state).toBe('zap-wait');
      expect(k.taskView(c).state).toBe('zombie');
      expect(ok(k.wait(k.init))).toBe(null);
      expect(ok(k.wait(x))).toEqual({ pid: 4, how: 'killed', code: 9 });
      expect(k.namespaces()[1].zapping).toBe(null);
      expect(ok(k.wait(k.init))).toEqual({ pid: 2, how: 'exited', code: 3 });
    });

    it('accepts flags as numbers or names', () => {
      const k = kernel();
      const a = ok(k.clone(k.init, 0x20000000));
      expect(ok(k.nspid(a))).toEqual([2, 1]);
      const b = ok(k.clone(k.init, 'CLONE_NEWUTS|NEWNET'));
      expect(ok(k.samens(b, k.init, 'uts'))).toBe(false);
      expect(() => k.clone(k.init, 'NEWUSER')).toThrow(RangeError);
    });

    it('a scenario error changes nothing', () => {
      const k = kernel();
      const s = new ScenarioSession(k.raw);
      expect(s.step('a = fork init')).toMatchObject({ ok: true, line: 'a = fork init -> 2' });
      const snapshot = () =>
        JSON.stringify([
          k.namespaces().map((v) => ({ ...v, init: v.init && k.taskView(v.init).nspid, zapping: null })),
          k.tasksIn(0).map((v) => [v.tid, v.tgid, v.state]),
          k.raw.nrTasks,
        ]);
      const before = snapshot();
      for (const bad of [
        'b = fork init NEWPID',
        'b = clone init NEWPID|BOGUS',
        'b = clone3 init 0 set_tid=1,,2',
        'c = fork zz',
        'a = fork init',
        'exit init 0',
        'kill init 1 7',
        'setns a init mnt',
        'lastpid init 99999999999',
        'frobnicate init',
      ]) {
        const r = s.step(bad);
        expect(r, bad).toMatchObject({ ok: false });
      }
      expect(snapshot()).toBe(before);
      // `b` was never defined by the failed lines
      expect(s.task('b')).toBeUndefined();
      expect(s.step('b = fork init')).toMatchObject({ ok: true, result: '3' });
      const t = s.step('t = thread init');
      expect(t).toMatchObject({ ok: true, result: '4' });
      expect(s.step('exit t 0')).toMatchObject({ ok: false });
      expect(s.step('texit init 0')).toMatchObject({ ok: true, result: 'ok' });
      expect(s.step('texit t 0')).toMatchObject({ ok: false });
      expect(s.step('getpid t')).toMatchObject({ ok: true, result: '1' });
    });

    it('a failed creation still defines the name, which then names no task', () => {
      const k = kernel();
      const s = new ScenarioSession(k.raw);
      expect(s.step('x = clone init THREAD')).toMatchObject({ ok: true, result: 'EINVAL', errno: 'EINVAL' });
      expect(s.task('x')).toBe(null);
      expect(s.step('x = fork init')).toMatchObject({ ok: false });
      expect(s.step('getpid x')).toMatchObject({ ok: true, result: 'ESRCH' });
      expect(s.step('samens x init pid')).toMatchObject({ ok: true, result: 'ESRCH' });
      expect(s.step('y = fork x')).toMatchObject({ ok: true, result: 'ESRCH' });
    });

    it('frees every pid and namespace once everything is reaped', () => {
      const k = kernel();
      const core = k.core;
      const s = new ScenarioSession(k.raw);
      for (const line of [
        'a = clone init NEWPID', 'b = clone a NEWPID', 'c = fork b', 't = thread c', 'x = fork init',
        'setns x b pid', 'y = fork x', 'unshare x NEWPID', 'z = fork x', 'u = clone init NEWUTS',
      ]) expect(s.step(line)).toMatchObject({ ok: true });
      const r = s.step('kill init -1 9');
      expect(r).toMatchObject({ result: 'ok' });
      for (let i = 0; i < 10; i++) s.step('wait init');
      expect(k.raw.nrTasks).toBe(1);
      expect(k.namespaces().length).toBe(1);
      expect(k.namespaces()[0].nrPids).toBe(1);
      // the core agrees: only init's pid is live in the root namespace
      expect(core.find_pid_ns(1, k.raw.rootNs.handle)).not.toBe(0);
      for (let nr = 2; nr < 20; nr++) expect(core.find_pid_ns(nr, k.raw.rootNs.handle)).toBe(0);
    });
  });
}

for (const [name, make] of CORES) suite(name, make);

describe('ending init through the API', () => {
  it('tears the root namespace down and leaves init a zombie', () => {
    const k = new PidnsKernel(createTsCore());
    const a = ok(k.clone(k.init, 'NEWPID'));
    const b = ok(k.fork(a));
    const c = ok(k.fork(k.init));
    expect(k.exit(k.init, 7)).toEqual({ ok: true, value: undefined });
    expect([k.init, a, b, c].map((t) => k.taskView(t).state)).toEqual(['zombie', 'reaped', 'reaped', 'reaped']);
    expect(k.namespaces()).toMatchObject([{ id: 0, alive: false, nrPids: 1 }]);
    expect(k.fork(k.init)).toMatchObject({ ok: false, errno: 'ESRCH' });
  });
});

describe('events', () => {
  it('onEvent reports what a call did, formatEvent puts it in words, and unsubscribing stops it', () => {
    const k = new PidnsKernel(createTsCore());
    const names = new Map<Task, string>([[k.init, 'init']]);
    const seen: string[] = [];
    const words: string[] = [];
    const stop = k.onEvent((e) => {
      seen.push(e.type);
      if (e.type === 'create') names.set(e.task, `t${names.size}`);
      words.push(formatEvent(k.raw, e, (t) => names.get(t) ?? '?'));
    });
    const other: string[] = [];
    const stopOther = k.onEvent((e) => void other.push(e.type));
    const a = ok(k.clone(k.init, 'NEWPID'));
    ok(k.fork(a));
    expect(k.exit(a, 0)).toEqual({ ok: true, value: undefined });
    expect(seen).toEqual(['pidns-create', 'create', 'create', 'zap', 'signal', 'exit', 'release', 'zap-done', 'exit']);
    expect(other).toEqual(seen);
    expect(words[0]).toBe('pidns#6 (level 1) created by init; its first process will be its init');
    expect(words[1]).toBe('t1 created: NSpid 2 1, parent init');
    expect(words[6]).toBe('t2 reaped at once: its parent ignores SIGCHLD (an init in zap_pid_ns_processes)');
    stopOther();
    ok(k.wait(k.init));
    expect(seen.slice(9)).toEqual(['release', 'pidns-free']);
    expect(other.length).toBe(9);
    stop();
    expect(k.raw.trace).toBe(null);
    ok(k.fork(k.init));
    expect(seen.length).toBe(11);
  });
});
