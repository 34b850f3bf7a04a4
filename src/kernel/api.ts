/**
 * The typed API for embedding: every call returns a Result (errors are
 * data: `{ ok: false, errno: 'EINVAL', why }`), `unwrap` turns one into its
 * value or throws a KernelCallError carrying the same data. Task handles are
 * the kernel model's Task objects. Views describe namespaces and what each
 * one sees, for tools and tests.
 *
 * What a plain-JavaScript caller can get wrong is checked at runtime
 * (api-check.ts): a programmer error (not a Task, a Task of another
 * kernel, an unknown namespace type or flag name, a number that is not a
 * 32-bit integer, a signal the model does not model) throws a TypeError or
 * RangeError naming the call, the value and what is accepted, before
 * anything changes; what the kernel answers with an errno (a reaped task:
 * ESRCH; a signal outside 0..64: EINVAL; refused flags) stays a Result.
 *
 * Events (onEvent) are delivered after the call that caused them has
 * completed, so a listener can neither leave a call half done nor run a
 * call inside another (api-events.ts). Tasks, namespaces, views and events
 * are plain data for JSON.stringify and print by their NSpid in
 * util.inspect (Task.toJSON through this class's taskJSON).
 *
 * The raw Kernel (`.raw`) is the fast path: numbers and negative errnos, no
 * allocation per call, no checks; this class is a thin layer over it.
 *
 * The scenario language's own rules (no `exit` of init's process, no
 * `texit` of its last thread) belong to the scenario runner. Here init's
 * process may end: as on a kernel whose root namespace's init dies, every
 * other task is killed and reaped (zap_pid_ns_processes) and init stays a
 * zombie nobody reaps; every later call then fails with ESRCH.
 */
import { errnoName, type ErrnoName } from '../core/errno.js';
import { readCounters, type AllocatorCounters } from '../core/counters.js';
import type { PidCore } from '../core/types.js';
import { bool, int32, isTask, pidCore, nsType, setTidArray, show, signal, sysctlValue, toFlags, type Flags } from './api-check.js';
import { EventDispatcher } from './api-events.js';
import { WHY } from './why.js';
import { STATE_NAMES, type GroupView, type NamespaceView, type TaskRef, type TaskView, type VisibleTask } from './api-views.js';
import { type NsType } from './flags.js';
import { Kernel, type KernelEvent } from './kernel.js';
import {
  describerOf,
  rootNsOf,
  setDescriber,
  TASK_DEAD,
  IS_CHILD_SUBREAPER,
  SIGNAL_LEADER,
  type PidNs,
  type PidRoles,
  type Task,
  type TaskDescriber,
} from './objects.js';

export type { Flags } from './api-check.js';

/** check_kill_permission: valid_signal(sig) failed (sig outside 0.._NSIG). */
export const WHY_INVALID_SIGNAL = WHY.KILL_INVALID_SIGNAL;

export type Ok<T> = { ok: true; value: T };
export type Err = { ok: false; errno: ErrnoName; why: string };
export type Result<T> = Ok<T> | Err;

/** The throwing face of an Err. */
export class KernelCallError extends Error {
  readonly errno: ErrnoName;
  readonly why: string;
  constructor(errno: ErrnoName, why: string) {
    super(`${errno}: ${why}`);
    this.name = 'KernelCallError';
    this.errno = errno;
    this.why = why;
  }
}

/** How a reaped child ended: `exited` with an 8-bit code, or `killed` by a signal. */
export interface WaitResult {
  pid: number;
  how: 'exited' | 'killed';
  /** The exit code (0..255) or the signal number. */
  code: number;
}

export type { TaskState, TaskView, NamespaceView, TaskRef, VisibleTask, GroupView } from './api-views.js';

export class PidnsKernel implements TaskDescriber {
  /** The raw kernel model: numbers and negative errnos, the fast path. */
  readonly raw: Kernel;
  private readonly events: EventDispatcher;

  constructor(core: PidCore) {
    pidCore(core, 'new PidnsKernel(core)');
    this.raw = new Kernel(core);
    this.events = new EventDispatcher(this.raw);
    // Marks every task and namespace of this kernel as its own (foreign handles are refused) and lets them describe themselves.
    setDescriber(this.raw.rootNs, this);
  }

  get core(): PidCore {
    return this.raw.core;
  }

  /** pid 1 of the root namespace. */
  get init(): Task {
    return this.raw.init;
  }

  private err(r: number): Err {
    // ESRCH because an argument is a reaped task: say which one.
    const why = this.stale !== null && errnoName(r) === 'ESRCH' ? `${this.raw.why} (${this.stale})` : this.raw.why;
    this.stale = null;
    return { ok: false, errno: errnoName(r), why };
  }

  /** The call's task arguments that are reaped tasks of this kernel, named for the ESRCH's why (own). */
  private stale: string | null = null;

  private task(r: Task | number): Result<Task> {
    return typeof r === 'number' ? this.err(r) : { ok: true, value: r };
  }

  private void(r: number): Result<void> {
    return r < 0 ? this.err(r) : { ok: true, value: undefined };
  }

  private num(r: number): Result<number> {
    return r < 0 ? this.err(r) : { ok: true, value: r };
  }

  /**
   * A task argument: a Task of this kernel, else a TypeError naming it. A
   * reaped task of this kernel passes (the kernel answers ESRCH, as for
   * /proc/<pid> of a reaped process, and the why then names the argument);
   * a task of another kernel never does: its struct pid lives in another
   * core's memory, so using it here would corrupt both kernels. `first`:
   * the call's first task argument (a new call: forget the last one's).
   */
  private own(t: unknown, where: string, first = true): Task {
    if (first) this.stale = null;
    if (!isTask(t)) throw new TypeError(`${where}: expected a Task of this kernel, got ${show(t)}`);
    // A live task of this kernel is in its task table: one load and compare.
    if (t.id >= 0 && this.raw.tasks[t.id] === t) return t;
    const root = rootNsOf(t.pidns);
    if (root === this.raw.rootNs) {
      const was = this.events.released.get(t);
      const note = `${where} is a reaped task${was !== undefined ? ` (it was NSpid ${was.join(' ')})` : ''}`;
      this.stale = this.stale === null ? note : `${this.stale}; ${note}`;
      return t;
    }
    const d = describerOf(root);
    const name = d !== null ? `task { ${d.taskText(t)} }` : 'a task';
    throw new TypeError(`${where}: ${name} belongs to another kernel: a Task works only with the kernel that made it`);
  }

  /** Runs one typed call: events it causes reach the listeners after it returns (api-events.ts). */
  private call<T>(fn: () => T): T {
    this.events.enter();
    try {
      return fn();
    } finally {
      this.events.leave();
    }
  }

  /**
   * Call `listener` with every KernelEvent (task made, exit, signal,
   * reparenting, reap, namespace made / torn down / freed) of every call,
   * in order, after the call has completed (so a listener may call the
   * kernel, and one that throws cannot leave a call half done:
   * api-events.ts). formatEvent(k, e) puts one in words. Returns a
   * function that stops the listening. With no listener the kernel pays
   * nothing (Kernel.trace stays null).
   */
  onEvent(listener: (e: KernelEvent) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError(`onEvent(listener): expected a function, got ${show(listener)}`);
    return this.events.add(listener);
  }

  /**
   * Where an exception thrown by an onEvent listener goes. Null (the
   * default): reported as EventTarget reports a listener's exception
   * (`reportError`, or thrown from a microtask where there is none: an
   * uncaught exception in Node). Either way the other listeners and events
   * are still delivered and the call's Result is returned.
   */
  get onListenerError(): ((error: unknown, event: KernelEvent) => void) | null {
    return this.events.onListenerError;
  }
  set onListenerError(h: ((error: unknown, event: KernelEvent) => void) | null) {
    if (h !== null && typeof h !== 'function') throw new TypeError(`onListenerError: expected a function or null, got ${show(h)}`);
    this.events.onListenerError = h;
  }

  /** The value of a Result, or a thrown KernelCallError with its errno and why. */
  unwrap<T>(r: Result<T>): T {
    if (r.ok) return r.value;
    throw new KernelCallError(r.errno, r.why);
  }

  fork(p: Task): Result<Task> {
    const t = this.own(p, 'fork(p)');
    return this.call(() => this.task(this.raw.fork(t)));
  }

  /** clone(flags | SIGCHLD). */
  clone(p: Task, flags: Flags): Result<Task> {
    const t = this.own(p, 'clone(p)');
    const f = toFlags(flags, 'clone(flags)');
    return this.call(() => this.task(this.raw.clone(t, f)));
  }

  /** pthread_create(). */
  thread(p: Task): Result<Task> {
    const t = this.own(p, 'thread(p)');
    return this.call(() => this.task(this.raw.thread(t)));
  }

  /** clone3 with set_tid (index 0 = the new task's own, deepest level). */
  clone3(p: Task, flags: Flags, setTid: readonly number[]): Result<Task> {
    const t = this.own(p, 'clone3(p)');
    const f = toFlags(flags, 'clone3(flags)');
    const tids = setTidArray(setTid, 'clone3(setTid)');
    return this.call(() => this.task(this.raw.clone3(t, f, tids)));
  }

  unshare(t: Task, flags: Flags): Result<void> {
    const a = this.own(t, 'unshare(t)');
    const f = toFlags(flags, 'unshare(flags)');
    return this.call(() => this.void(this.raw.unshare(a, f)));
  }

  /** setns(open("/proc/<target>/ns/<type>"), CLONE_NEW<type>). `mnt` is outside the model (RangeError). */
  setns(t: Task, target: Task, type: Exclude<NsType, 'mnt'>): Result<void> {
    const a = this.own(t, 'setns(t)');
    const b = this.own(target, 'setns(target)', false);
    const ty = nsType(type, 'setns(type)', true);
    return this.call(() => this.void(this.raw.setns(a, b, ty)));
  }

  /** exit_group(code): any int (the kernel keeps code & 0xff). */
  exit(t: Task, code: number): Result<void> {
    const a = this.own(t, 'exit(t)');
    const c = int32(code, 'exit(code)', 'an exit code');
    return this.call(() => this.void(this.raw.exit_group(a, c)));
  }

  /** exit(code) of one thread (SYS_exit): any int (the kernel keeps code & 0xff). */
  texit(t: Task, code: number): Result<void> {
    const a = this.own(t, 'texit(t)');
    const c = int32(code, 'texit(code)', 'an exit code');
    return this.call(() => this.void(this.raw.exit(a, c)));
  }

  /**
   * kill(pid, sig) made by t. SIG 0, 9 or 15 (other signals of 1..64 are
   * not modelled: RangeError); outside 0..64 the kernel's EINVAL, after
   * the target lookup as check_kill_permission's valid_signal gives it (a
   * pid that names nothing is still ESRCH).
   */
  kill(t: Task, pid: number, sig: 0 | 9 | 15): Result<void> {
    const a = this.own(t, 'kill(t)');
    const p = int32(pid, 'kill(pid)', 'a pid');
    const s = signal(sig, 'kill(sig)');
    return this.call(() => this.void(this.raw.kill(a, p, s)));
  }

  /** waitpid(pid, WNOHANG) (pid -1 by default): the reaped child, or null when none is ready yet. */
  wait(t: Task, pid = -1): Result<WaitResult | null> {
    const a = this.own(t, 'wait(t)');
    const p = int32(pid, 'wait(pid)', 'a pid');
    return this.call(() => {
      const r = this.raw.waitpid(a, p);
      if (r < 0) return this.err(r);
      if (r === 0) return { ok: true, value: null };
      const st = this.raw.waitStatus;
      const sig = st & 0x7f;
      return { ok: true, value: sig === 0 ? { pid: r, how: 'exited', code: (st >> 8) & 0xff } : { pid: r, how: 'killed', code: sig } };
    });
  }

  getpid(t: Task): Result<number> {
    return this.num(this.raw.getpid(this.own(t, 'getpid(t)')));
  }

  gettid(t: Task): Result<number> {
    return this.num(this.raw.gettid(this.own(t, 'gettid(t)')));
  }

  getppid(t: Task): Result<number> {
    return this.num(this.raw.getppid(this.own(t, 'getppid(t)')));
  }

  /** The NSpid line of /proc/<t>/status (root level first). */
  nspid(t: Task): Result<number[]> {
    const r = this.raw.nspid(this.own(t, 'nspid(t)'));
    return typeof r === 'number' ? this.err(r) : { ok: true, value: r };
  }

  /** /proc/sys/kernel/ns_last_pid as t reads it (-1 before any cyclic allocation). */
  lastpid(t: Task): Result<number> {
    const r = this.raw.ns_last_pid(this.own(t, 'lastpid(t)'));
    return r < -1 ? this.err(r) : { ok: true, value: r };
  }

  /** Write ns_last_pid: an integer (out of [0, pid_max], or of int, the kernel's EINVAL). */
  setLastpid(t: Task, v: number): Result<void> {
    const a = this.own(t, 'setLastpid(t)');
    return this.void(this.raw.set_ns_last_pid(a, sysctlValue(v, 'setLastpid(v)')));
  }

  pidmax(t: Task): Result<number> {
    return this.num(this.raw.pid_max(this.own(t, 'pidmax(t)')));
  }

  /** Write pid_max: an integer (out of [301, 4194304], or of int, the kernel's EINVAL). */
  setPidmax(t: Task, v: number): Result<void> {
    const a = this.own(t, 'setPidmax(t)');
    return this.void(this.raw.set_pid_max(a, sysctlValue(v, 'setPidmax(v)')));
  }

  // ------------------------------------- process groups, sessions, subreapers

  /**
   * setsid(): t's process leads a new session and a new process group, both
   * numbered with its pid; the value is that id as t sees it. EPERM when it
   * leads a session already or its pid is a process group's id.
   */
  setsid(t: Task): Result<number> {
    const a = this.own(t, 'setsid(t)');
    return this.call(() => this.num(this.raw.setsid(a)));
  }

  /**
   * setpgid(pid, pgid) made by t, both as t sees them (pid 0: t's process;
   * pgid 0: the same as pid). The kernel's checks, in its order: EINVAL
   * (pgid < 0, a thread that leads nothing), ESRCH (no such task, not t's
   * process or its child), EPERM (a child in another session, a session
   * leader, no such group in t's session). As on the kernel, a namespace
   * init may be put into a group whose id is another pid of its own
   * namespace; it then never finishes exiting until its parent moves it
   * out (a scenario refuses that call: setpgidTrapsInit on the raw kernel).
   */
  setpgid(t: Task, pid: number, pgid: number): Result<void> {
    const a = this.own(t, 'setpgid(t)');
    const p = int32(pid, 'setpgid(pid)', 'a pid');
    const g = int32(pgid, 'setpgid(pgid)', 'a process group id');
    return this.call(() => this.void(this.raw.setpgid(a, p, g)));
  }

  /** getpgid(pid) made by t (pid 0: t's own): the group id as t sees it, 0 when it has no number there. */
  getpgid(t: Task, pid = 0): Result<number> {
    const a = this.own(t, 'getpgid(t)');
    return this.num(this.raw.getpgid(a, int32(pid, 'getpgid(pid)', 'a pid')));
  }

  /** getsid(pid) made by t (pid 0: t's own): the session id as t sees it, 0 when it has no number there. */
  getsid(t: Task, pid = 0): Result<number> {
    const a = this.own(t, 'getsid(t)');
    return this.num(this.raw.getsid(a, int32(pid, 'getsid(pid)', 'a pid')));
  }

  /**
   * prctl(PR_SET_CHILD_SUBREAPER, on) made by t: its process becomes (or
   * stops being) a child subreaper, to which orphans of its descendants go
   * instead of the namespace init. `on` is true or false.
   */
  setSubreaper(t: Task, on: boolean): Result<void> {
    const a = this.own(t, 'setSubreaper(t)');
    const v = bool(on, 'setSubreaper(on)');
    return this.call(() => this.void(this.raw.setSubreaper(a, v)));
  }

  /** prctl(PR_GET_CHILD_SUBREAPER) made by t: is its process a child subreaper? */
  getSubreaper(t: Task): Result<boolean> {
    const r = this.raw.getSubreaper(this.own(t, 'getSubreaper(t)'));
    return r < 0 ? this.err(r) : { ok: true, value: r === 1 };
  }

  /** Are /proc/<a>/ns/<type> and /proc/<b>/ns/<type> the same namespace? */
  samens(a: Task, b: Task, type: NsType): Result<boolean> {
    const x = this.own(a, 'samens(a)');
    const y = this.own(b, 'samens(b)', false);
    const r = this.raw.samens(x, y, nsType(type, 'samens(type)', false));
    return r < 0 ? this.err(r) : { ok: true, value: r === 1 };
  }

  /** The allocator's work counters, by name (cumulative: subtract two readings). */
  counters(): AllocatorCounters {
    return readCounters(this.raw.core);
  }

  // ------------------------------------------------------- describing tasks

  /**
   * The NSpid numbers of a task of this kernel, root level first, without
   * a system call: a reaped one's are those it had when it was released
   * while someone listened to events, else none. formatEvent reads numbers
   * through this (a listener runs after the call, when a released task's
   * struct pid is gone).
   */
  nspidOf(t: Task): number[] {
    const a = this.own(t, 'nspidOf(t)');
    if (a.state !== TASK_DEAD) return this.raw.nspidOf(a);
    return this.events.released.get(a)?.slice() ?? [];
  }

  /** TaskDescriber: Task.toJSON. */
  taskJSON(t: Task): TaskRef {
    return { nspid: this.nspidOf(t), state: STATE_NAMES[t.state] };
  }

  /** TaskDescriber: util.inspect of a Task, e.g. `NSpid 3 1, running`. */
  taskText(t: Task): string {
    const nspid = this.nspidOf(t);
    if (t.state === TASK_DEAD) return nspid.length > 0 ? `reaped, was NSpid ${nspid.join(' ')}` : 'reaped';
    return `NSpid ${nspid.join(' ')}, ${STATE_NAMES[t.state]}`;
  }

  // ---------------------------------------------------------------- views

  /** What a task is and its numbers. */
  taskView(task: Task): TaskView {
    const t = this.own(task, 'taskView(t)');
    const dead = t.state === TASK_DEAD;
    // A process's session is its group's (PidRoles.sess); a reaped one has neither.
    const pgrp = dead ? null : t.tg.pgrp;
    const sess = pgrp === null ? null : pgrp.sess;
    return {
      task: t,
      state: STATE_NAMES[t.state],
      nspid: dead ? [] : this.raw.nspidOf(t),
      nstgid: dead ? [] : this.raw.nspidOf(t.tg.leader),
      isLeader: t === t.tg.leader,
      pidns: t.tg.pidns.serial,
      pgid: this.roleNr(pgrp, t.tg.pidns),
      sid: this.roleNr(sess, t.tg.pidns),
      rootPgid: this.roleNr(pgrp, this.raw.rootNs),
      rootSid: this.roleNr(sess, this.raw.rootNs),
      sessionLeader: !dead && (t.tg.flags & SIGNAL_LEADER) !== 0,
      subreaper: !dead && (t.tg.flags & IS_CHILD_SUBREAPER) !== 0,
    };
  }

  /** The number of a group or session id in ns, 0 where none (or for a reaped process: no roles). */
  private roleNr(r: PidRoles | null, ns: PidNs): number {
    return r === null ? 0 : this.raw.pid_nr_ns(r.pid, ns);
  }

  private nsView(ns: PidNs): NamespaceView {
    const core = this.raw.core;
    const reaper = ns.childReaper;
    return {
      id: ns.serial,
      level: ns.level,
      parent: ns.parent ? ns.parent.serial : null,
      alive: this.raw.nsAlive(ns),
      init: reaper ? reaper.tg.leader : null,
      zapping: ns.zapper,
      pidMax: core.pid_max(ns.handle),
      lastPid: core.ns_last_pid(ns.handle),
      nrPids: this.raw.nsPidCount(ns),
    };
  }

  /** The namespace tree: every pid namespace still referenced, parents first. */
  namespaces(): NamespaceView[] {
    return this.raw.namespaces().map((ns) => this.nsView(ns));
  }

  /** The namespace whose id is `id`, if it still exists. */
  private nsById(id: number): PidNs | null {
    return this.raw.namespaces().find((n) => n.serial === id) ?? null;
  }

  /** The id of t's namespace of a type: its active pid namespace for 'pid'. */
  pidNamespaceOf(t: Task): number {
    return this.own(t, 'pidNamespaceOf(t)').tg.pidns.serial;
  }

  /**
   * The process groups with a member that has a number in namespace `id`
   * (that is in it or below it), ordered by their root number: ids as the
   * namespace sees them, the leader (null when reaped: the group keeps its
   * number in use) and the members. A view: its cost grows with the number
   * of groups and members.
   */
  processGroups(id: number): GroupView[] {
    const ns = this.nsById(int32(id, 'processGroups(id)', 'a namespace id'));
    if (!ns) return [];
    const root = this.raw.rootNs;
    const out: GroupView[] = [];
    for (const r of this.raw.pidRoles.values()) {
      if (r.nrPg === 0) continue;
      const members: Task[] = [];
      let seen = false;
      for (let m = r.pgHead; m !== null; m = m.pgnext) {
        members.push(m);
        if (!seen && this.raw.pid_nr_ns(m.pid, ns) !== 0) seen = true;
      }
      if (!seen) continue;
      const sess = r.sess as PidRoles;
      out.push({
        pgid: this.raw.pid_nr_ns(r.pid, ns),
        sid: this.raw.pid_nr_ns(sess.pid, ns),
        rootPgid: this.raw.pid_nr_ns(r.pid, root),
        rootSid: this.raw.pid_nr_ns(sess.pid, root),
        leader: r.owner,
        members,
      });
    }
    out.sort((a, b) => a.rootPgid - b.rootPgid);
    return out;
  }

  /**
   * Every unreaped thread that has a number in namespace `id`, with the
   * numbers it has there, ordered by tid.
   */
  tasksIn(id: number): VisibleTask[] {
    const ns = this.nsById(int32(id, 'tasksIn(id)', 'a namespace id'));
    if (!ns) return [];
    const out: VisibleTask[] = [];
    this.raw.forEachProcessBelow(ns, (g) => {
      const tgid = this.raw.pid_nr_ns(g.leader.pid, ns);
      const pgid = this.roleNr(g.pgrp, ns);
      const sid = this.roleNr(g.pgrp === null ? null : g.pgrp.sess, ns);
      const subreaper = (g.flags & IS_CHILD_SUBREAPER) !== 0;
      for (let th = g.threadHead; th; th = th.tnext) {
        out.push({ task: th, tid: this.raw.pid_nr_ns(th.pid, ns), tgid, state: STATE_NAMES[th.state], pgid, sid, subreaper });
      }
    });
    out.sort((a, b) => a.tid - b.tid);
    return out;
  }
}
