/**
 * The typed API for embedding: every call returns a Result (errors are
 * data: `{ ok: false, errno: 'EINVAL', why }`), `unwrap` turns one into its
 * value or throws a KernelCallError carrying the same data. Task handles are
 * the kernel model's Task objects. Views describe namespaces and what each
 * one sees, for tools and tests.
 *
 * The raw Kernel (`.raw`) is the fast path: numbers and negative errnos, no
 * allocation per call; this class is a thin layer over it.
 *
 * The scenario language's own rules (no `exit` of init's process, no
 * `texit` of its last thread) belong to the scenario runner. Here init's
 * process may end: as on a kernel whose root namespace's init dies, every
 * other task is killed and reaped (zap_pid_ns_processes) and init stays a
 * zombie nobody reaps; every later call then fails with ESRCH.
 */
import { errnoName, type ErrnoName } from '../core/errno.js';
import type { PidCore } from '../core/types.js';
import { FLAG_NAMES, type NsType } from './flags.js';
import { Kernel, type KernelEvent } from './kernel.js';
import {
  TASK_DEAD,
  TASK_EXITING,
  TASK_RUNNING,
  TASK_ZAPWAIT,
  TASK_ZOMBIE,
  type PidNs,
  type Task,
} from './objects.js';

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

export type TaskState = 'running' | 'exiting' | 'zap-wait' | 'zombie' | 'reaped';

export interface TaskView {
  task: Task;
  state: TaskState;
  /** The thread's NSpid (root level first); empty once reaped. */
  nspid: number[];
  /** NSpid of its thread-group leader (the NStgid line). */
  nstgid: number[];
  isLeader: boolean;
  /** The namespace id of its active pid namespace. */
  pidns: number;
}

export interface NamespaceView {
  /** Stable id of this namespace within the kernel (creation order; the root is 0). */
  id: number;
  level: number;
  parent: number | null;
  /** Does it still accept new pids (PIDNS_ADDING)? False once its init has exited. */
  alive: boolean;
  /** Its init (child_reaper's process leader), if one was ever published. */
  init: Task | null;
  /** The thread waiting in zap_pid_ns_processes, if any. */
  zapping: Task | null;
  pidMax: number;
  lastPid: number;
  /** pid_allocated: published pids with a number here (threads, zombies, nested namespaces included). */
  nrPids: number;
}

/** A task as one namespace sees it. */
export interface VisibleTask {
  task: Task;
  /** Its thread id in that namespace. */
  tid: number;
  /** Its process id (tgid) in that namespace. */
  tgid: number;
  state: TaskState;
}

/** Flags as a number or as `NEWPID|NEWUTS` text (names without CLONE_, `0` for none). */
export type Flags = number | string;

function toFlags(f: Flags): number {
  if (typeof f === 'number') return f;
  if (f === '0' || f === '') return 0;
  let flags = 0;
  for (const part of f.split('|')) {
    const name = part.trim().replace(/^CLONE_/, '');
    const bit = Object.prototype.hasOwnProperty.call(FLAG_NAMES, name) ? FLAG_NAMES[name] : undefined;
    if (bit === undefined) throw new RangeError(`unknown clone flag '${part}'`);
    flags |= bit;
  }
  return flags;
}

const STATE_NAMES: Record<number, TaskState> = {
  [TASK_RUNNING]: 'running',
  [TASK_EXITING]: 'exiting',
  [TASK_ZAPWAIT]: 'zap-wait',
  [TASK_ZOMBIE]: 'zombie',
  [TASK_DEAD]: 'reaped',
};

export class PidnsKernel {
  /** The raw kernel model: numbers and negative errnos, the fast path. */
  readonly raw: Kernel;

  constructor(core: PidCore) {
    this.raw = new Kernel(core);
  }

  get core(): PidCore {
    return this.raw.core;
  }

  /** pid 1 of the root namespace. */
  get init(): Task {
    return this.raw.init;
  }

  private err(r: number): Err {
    return { ok: false, errno: errnoName(r), why: this.raw.why };
  }

  private task(r: Task | number): Result<Task> {
    return typeof r === 'number' ? this.err(r) : { ok: true, value: r };
  }

  private void(r: number): Result<void> {
    return r < 0 ? this.err(r) : { ok: true, value: undefined };
  }

  private num(r: number): Result<number> {
    return r < 0 ? this.err(r) : { ok: true, value: r };
  }

  private listeners: ((e: KernelEvent) => void)[] = [];

  /**
   * Call `listener` with every KernelEvent (task made, exit, signal,
   * reparenting, reap, namespace made / torn down / freed) as the kernel
   * does it; formatEvent puts one in words. Returns a function that stops
   * the listening. With no listener the kernel pays nothing.
   */
  onEvent(listener: (e: KernelEvent) => void): () => void {
    this.listeners = [...this.listeners, listener];
    this.installTrace();
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
      this.installTrace();
    };
  }

  private installTrace(): void {
    const ls = this.listeners;
    this.raw.trace = ls.length === 0 ? null : ls.length === 1 ? ls[0] : (e) => { for (const l of ls) l(e); };
  }

  /** The value of a Result, or a thrown KernelCallError with its errno and why. */
  unwrap<T>(r: Result<T>): T {
    if (r.ok) return r.value;
    throw new KernelCallError(r.errno, r.why);
  }

  fork(p: Task): Result<Task> {
    return this.task(this.raw.fork(p));
  }

  /** clone(flags | SIGCHLD). */
  clone(p: Task, flags: Flags): Result<Task> {
    return this.task(this.raw.clone(p, toFlags(flags)));
  }

  /** pthread_create(). */
  thread(p: Task): Result<Task> {
    return this.task(this.raw.thread(p));
  }

  /** clone3 with set_tid (index 0 = the new task's own, deepest level). */
  clone3(p: Task, flags: Flags, setTid: readonly number[]): Result<Task> {
    return this.task(this.raw.clone3(p, toFlags(flags), setTid));
  }

  unshare(t: Task, flags: Flags): Result<void> {
    return this.void(this.raw.unshare(t, toFlags(flags)));
  }

  /** setns(open("/proc/<target>/ns/<type>"), CLONE_NEW<type>). */
  setns(t: Task, target: Task, type: Exclude<NsType, 'mnt'>): Result<void> {
    return this.void(this.raw.setns(t, target, type));
  }

  /** exit_group(code). */
  exit(t: Task, code: number): Result<void> {
    return this.void(this.raw.exit_group(t, code));
  }

  /** exit(code) of one thread (SYS_exit). */
  texit(t: Task, code: number): Result<void> {
    return this.void(this.raw.exit(t, code));
  }

  kill(t: Task, pid: number, sig: 0 | 9 | 15): Result<void> {
    return this.void(this.raw.kill(t, pid, sig));
  }

  /** waitpid(pid, WNOHANG) (pid -1 by default): the reaped child, or null when none is ready yet. */
  wait(t: Task, pid = -1): Result<WaitResult | null> {
    const r = this.raw.waitpid(t, pid);
    if (r < 0) return this.err(r);
    if (r === 0) return { ok: true, value: null };
    const st = this.raw.waitStatus;
    const sig = st & 0x7f;
    return { ok: true, value: sig === 0 ? { pid: r, how: 'exited', code: (st >> 8) & 0xff } : { pid: r, how: 'killed', code: sig } };
  }

  getpid(t: Task): Result<number> {
    return this.num(this.raw.getpid(t));
  }

  gettid(t: Task): Result<number> {
    return this.num(this.raw.gettid(t));
  }

  getppid(t: Task): Result<number> {
    return this.num(this.raw.getppid(t));
  }

  /** The NSpid line of /proc/<t>/status (root level first). */
  nspid(t: Task): Result<number[]> {
    const r = this.raw.nspid(t);
    return typeof r === 'number' ? this.err(r) : { ok: true, value: r };
  }

  /** /proc/sys/kernel/ns_last_pid as t reads it (-1 before any cyclic allocation). */
  lastpid(t: Task): Result<number> {
    const r = this.raw.ns_last_pid(t);
    return r < -1 ? this.err(r) : { ok: true, value: r };
  }

  setLastpid(t: Task, v: number): Result<void> {
    return this.void(this.raw.set_ns_last_pid(t, v));
  }

  pidmax(t: Task): Result<number> {
    return this.num(this.raw.pid_max(t));
  }

  setPidmax(t: Task, v: number): Result<void> {
    return this.void(this.raw.set_pid_max(t, v));
  }

  /** Are /proc/<a>/ns/<type> and /proc/<b>/ns/<type> the same namespace? */
  samens(a: Task, b: Task, type: NsType): Result<boolean> {
    const r = this.raw.samens(a, b, type);
    return r < 0 ? this.err(r) : { ok: true, value: r === 1 };
  }

  // ---------------------------------------------------------------- views

  /** What a task is and its numbers. */
  taskView(t: Task): TaskView {
    const dead = t.state === TASK_DEAD;
    return {
      task: t,
      state: STATE_NAMES[t.state],
      nspid: dead ? [] : this.raw.nspidOf(t),
      nstgid: dead ? [] : this.raw.nspidOf(t.tg.leader),
      isLeader: t === t.tg.leader,
      pidns: t.tg.pidns.serial,
    };
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
    return t.tg.pidns.serial;
  }

  /**
   * Every unreaped thread that has a number in namespace `id`, with the
   * numbers it has there, ordered by tid.
   */
  tasksIn(id: number): VisibleTask[] {
    const ns = this.nsById(id);
    if (!ns) return [];
    const out: VisibleTask[] = [];
    this.raw.forEachProcessBelow(ns, (g) => {
      const tgid = this.raw.pid_nr_ns(g.leader.pid, ns);
      for (let th = g.threadHead; th; th = th.tnext) {
        out.push({ task: th, tid: this.raw.pid_nr_ns(th.pid, ns), tgid, state: STATE_NAMES[th.state] });
      }
    });
    out.sort((a, b) => a.tid - b.tid);
    return out;
  }
}
