/**
 * The simulated kernel: tasks, thread groups, nsproxy, namespace lifetime,
 * clone / unshare / setns / exit / wait / kill, over a PidCore that holds
 * every number (Linux 6.18 semantics; see shared/spec/kernel-semantics.md
 * and kernel-behaviour.md, whose rule numbers the comments cite as "rule N").
 *
 * Calls take Task objects and return numbers: a result ≥ 0 (or a Task for
 * task creation) on success, a negative errno on failure, with `why` set to
 * the kernel check that fired (why.ts). Everything a call causes (deaths,
 * reparenting, namespace teardown) is finished before it returns, as the
 * scenario language requires.
 *
 * What differs from the kernel on purpose:
 * - Concurrency is replaced by a fixed order. A fatal signal marks every
 *   thread of its process PF_EXITING at once; the marked threads then run
 *   do_exit in thread-list order, so orphans are handed over in thread-list
 *   order and the leader is the thread left waiting in zap_pid_ns_processes
 *   (scenario-language.md "Where the kernel itself is not deterministic").
 *   kill(-1) and zap_pid_ns_processes signal processes namespace by
 *   namespace (creation order, parents before children) instead of in
 *   for_each_process / idr order, and kill(0) / kill(-N) a group's members
 *   in the order they joined it instead of the pid's hlist order (newest
 *   first): the only difference is the order of orphans reaching a new
 *   parent when several parents die in one call.
 * - No task ignores SIGCHLD except a namespace init in zap_pid_ns_processes;
 *   every thread-group leader's exit_signal is SIGCHLD (true for every task a
 *   scenario can create), so waitpid needs no __WCLONE logic.
 * - RLIMIT_NPROC, threads-max, cgroups, credentials, user namespaces,
 *   ptrace, stop/continue, exec and controlling terminals are not modelled
 *   (every task runs as root; pgrp.ts says what that means for groups).
 * - A process's signal_struct fields live in its leader's Task (objects.ts):
 *   the model has no exec, so the leader never changes and is released last.
 * - With KernelModelOptions.recycle, released Task objects are reused by
 *   later forks (the slab caches' LIFO reuse); the storm workloads use it.
 * - A clone with VM or SIGHAND but without THREAD (out of the language's
 *   scope when it succeeds) makes a plain process: sharing an mm or a
 *   sighand between processes is not modelled, so a later unshare(VM /
 *   SIGHAND) by either says ok where check_unshare_flags (sighand->count,
 *   current_is_single_threaded) says EINVAL.
 *
 * Tracing (Kernel.trace) cannot corrupt the model: events are kept while a
 * call runs and delivered to the hook once the call has completed, so the
 * hook only ever sees a consistent kernel; a call the hook makes from there
 * is an ordinary call, and a hook that throws only cuts the delivery short.
 *
 * This file is the shell: the Kernel's state and its public calls. The work
 * lives in one room per kernel source file, as free functions over the
 * Kernel (named after the kernel functions they model): fork.ts
 * (copy_process), exit.ts (do_exit, exit_notify, forget_original_parent,
 * release_task), wait.ts (do_wait), signal.ts (kill_something_info),
 * pid_namespace.ts (create_pid_namespace, zap_pid_ns_processes),
 * nsproxy.ts (unshare, setns), pid.ts (pid_nr_ns, getpid, the sysctls),
 * pgrp.ts (process groups, sessions, subreapers: setsid, setpgid, prctl).
 * The fields marked internal are the rooms' shared state, not API.
 */
import { EINVAL } from '../core/errno.js';
import { WHY } from './why.js';
import { NS_PID_ALLOCATED, PIDNS_ADDING, PID_TASK } from '../core/layout.js';
import type { PidCore } from '../core/types.js';
import { exit, exit_group } from './exit.js';
import { PTHREAD_CREATE_FLAGS, type NsType } from './flags.js';
import { allocId, clone3, copy_process, linkNsMember } from './fork.js';
import { nsLink, samens, setns, unshare } from './nsproxy.js';
import { NsProxy, PidNs, PidRoles, SIGNAL_LEADER, SIGNAL_UNKILLABLE, TASK_DEAD, TASK_RUNNING, Task, type ThreadGroup } from './objects.js';
import { get_child_subreaper, getpgid, set_child_subreaper, setpgid, setpgid_traps_init, setsid } from './pgrp.js';
import {
  getpid,
  getppid,
  gettid,
  nspid,
  nspidOf,
  ns_last_pid,
  pidAllocated,
  pid_max,
  pid_nr_ns,
  set_ns_last_pid,
  set_pid_max,
} from './pid.js';
import { ZapQueue, compactZapping, forEachProcessBelow, nsPreorderNext } from './pid_namespace.js';
import { kill } from './signal.js';
import { waitpid } from './wait.js';

/** A namespace identity as /proc/PID/ns/<type> shows it: a PidNs, or the serial of another type's namespace. */
export type NsIdentity = PidNs | number;

/**
 * What happened inside a call, for tracing (Kernel.trace): every task made,
 * every exit, signal, reparenting, reap and namespace birth and death, in
 * the order the model does them, delivered once the call has completed.
 * Tasks are the model's objects (name them in the hook, before the next
 * call: with recycling a reaped one is reused).
 */
export type KernelEvent =
  /** copy_process made `task` (a thread of `parent`'s process, or a process whose real_parent is `parent`). */
  | { type: 'create'; task: Task; parent: Task | null; thread: boolean }
  /** create_pid_namespace for `by` (clone or unshare with CLONE_NEWPID). */
  | { type: 'pidns-create'; ns: PidNs; by: Task }
  /** unshare or setns gave `task` a new pid_ns_for_children: where its next children go. */
  | { type: 'pid-for-children'; task: Task; ns: PidNs }
  /** A fatal signal (or SIGKILL from zap_pid_ns_processes) took effect on the process led by `target`. */
  | { type: 'signal'; target: Task; sig: number; from: Task }
  /** The thread left do_exit: a zombie (a leader: until reaped) or released at once (another thread). */
  | { type: 'exit'; task: Task; zombie: boolean }
  /** find_child_reaper: the role moved to another thread of the init's process. */
  | { type: 'child-reaper'; ns: PidNs; task: Task }
  /**
   * forget_original_parent: the process led by `child` now has `to` as
   * real_parent. `subreaper`: `to`'s process is a child subreaper other
   * than the dead parent's own (find_new_reaper's subreaper search, or a
   * namespace init that is one too).
   */
  | { type: 'reparent'; child: Task; from: Task; to: Task; subreaper: boolean }
  /** The init of `ns` (`init`: its last thread) started zap_pid_ns_processes and waits for the namespace to empty. */
  | { type: 'zap'; ns: PidNs; init: Task }
  /** The namespace emptied: its init ends its exit. */
  | { type: 'zap-done'; ns: PidNs; init: Task }
  /**
   * release_task: the thread's struct pid is freed. `how`: 'wait' (reaped by
   * `by`), 'autoreap' (its parent ignores SIGCHLD: a namespace init in
   * zap_pid_ns_processes), 'zap' (reaped by that init's own wait), or
   * 'thread' (a non-leader thread, released by its own exit).
   */
  | { type: 'release'; task: Task; how: 'wait' | 'autoreap' | 'zap' | 'thread'; by: Task | null }
  /** The last reference to the namespace went: it is freed. */
  | { type: 'pidns-free'; ns: PidNs }
  /** ksys_setsid: the process led by `task` leads a new session and a new process group, both with its pid. */
  | { type: 'setsid'; task: Task }
  /**
   * setpgid by `by`: the process led by `task` moved into the process group
   * whose id is the struct pid with numbers `pgid` (root level first);
   * `leader` is that pid's process while it is not reaped (`task` itself
   * for a new group of its own).
   */
  | { type: 'setpgid'; task: Task; pgid: number[]; leader: Task | null; by: Task }
  /** prctl(PR_SET_CHILD_SUBREAPER): the process led by `task` is (on) or is no longer a child subreaper. */
  | { type: 'subreaper'; task: Task; on: boolean }
  /**
   * __unhash_process of a reaped leader whose pid is still a process
   * group's (`pgrp`) and/or a session's (`session`) id: its numbers stay
   * allocated at every level (session rule 10).
   */
  | { type: 'pid-held'; task: Task; pgrp: boolean; session: boolean }
  /**
   * The last process group or session user of a reaped process's pid left
   * (setpgid, setsid or a reap): free_pid returns its numbers `nspid` (root
   * level first). `task`: the reaped process whose pid it was.
   */
  | { type: 'pid-free'; task: Task; nspid: number[] };

/** Options of the raw Kernel. */
export interface KernelModelOptions {
  /**
   * Reuse released Task objects for later forks, LIFO, as the kernel's
   * task_struct_cachep and signal_cachep slabs reuse freed objects. It
   * saves the garbage collector most of a fork storm's work and keeps the
   * hot objects in cache. The price: a Task handle kept past its release
   * names whatever task reuses the object later, so only a caller that
   * drops its handles at reaping may turn it on (the storm workloads do;
   * the typed API and the scenario runner never do). Default false.
   */
  recycle?: boolean;
}

export class Kernel {
  readonly core: PidCore;
  readonly rootNs: PidNs;
  /** The scenario's `init`: pid 1 of the root namespace, leader of the only session and process group. */
  readonly init: Task;
  /** Threads by id (unreleased ones); the struct pid's task slot holds id + 1. */
  readonly tasks: (Task | null)[] = [];
  /** The reason of the last failed call (why.ts); not cleared on success. */
  why = '';
  /** Wait status of the child reaped by the last successful waitpid. */
  waitStatus = 0;
  /** Number of unreleased threads. */
  nrTasks = 0;
  /**
   * @internal What the event sites call: null without a hook (one test per
   * event site), else a push to `pending`.
   */
  emit: ((e: KernelEvent) => void) | null = null;
  /** @internal The hook `trace` installed. */
  private hook: ((e: KernelEvent) => void) | null = null;
  /** @internal Events of the current call (and of calls the hook makes), waiting for delivery. */
  private readonly pending: KernelEvent[] = [];
  /** @internal Is deliver() running (the hook may call back)? */
  private delivering = false;
  private readonly buffer = (e: KernelEvent): void => {
    this.pending.push(e);
  };

  /**
   * The trace hook: called with every KernelEvent of every call, in the
   * order the model did them; null (the default) for none.
   *
   * Events are delivered when the call that caused them has completed (its
   * effects finished, the kernel consistent), just before it returns; the
   * model never runs the hook in the middle of its work, so no hook can
   * corrupt it. While delivering, the hook may call back into the kernel:
   * such a call is an ordinary call (it runs to completion and returns its
   * result), and its events are delivered after the ones already waiting,
   * so the hook is never re-entered and sees every event exactly once in
   * kernel order. A hook that throws stops the delivery: the rest of that
   * call's events are dropped and the exception propagates out of the call,
   * whose effects stand (a throwing hook cannot leave a half-done exit).
   * Setting `trace` (also to null) from inside the hook applies to the
   * events not yet delivered. Events hold the model's Task objects: a task
   * the event names may have been released by the time it is delivered
   * (by a later event of the same call, or by a call the hook made), and
   * with KernelModelOptions.recycle its object may have been reused.
   */
  get trace(): ((e: KernelEvent) => void) | null {
    return this.hook;
  }
  set trace(fn: ((e: KernelEvent) => void) | null) {
    this.hook = fn;
    this.emit = fn === null ? null : this.buffer;
    if (fn === null && !this.delivering) this.pending.length = 0;
  }

  /** @internal Deliver the waiting events now that the call has completed (see `trace`). */
  deliver(): void {
    if (this.delivering) return; // a call made by the hook: the loop below delivers its events next
    const q = this.pending;
    this.delivering = true;
    try {
      for (let i = 0; i < q.length; i++) {
        const hook = this.hook;
        if (hook === null) break;
        hook(q[i]);
      }
    } finally {
      q.length = 0;
      this.delivering = false;
    }
  }

  // The rooms' shared state (not API).
  /** @internal Task ids free for reuse (Kernel.tasks slots). */
  readonly freeIds: number[] = [];
  /** @internal Children-list position counter (ThreadGroup.seq). */
  seq = 0;
  /** @internal Identity counter of namespaces (PidNs.serial and the other types' serials). */
  nsSerial = 0;
  /** @internal Processes whose marked threads still have to run do_exit (FIFO: queue[0..queued)). */
  readonly queue: (ThreadGroup | null)[] = [];
  /** @internal */
  queued = 0;
  /**
   * @internal Namespaces whose init waits in zap_pid_ns_processes, in start
   * order; entries whose zap ended (zapper null) are dropped lazily, so
   * `zapping.length === 0` means no zap waits.
   */
  readonly zapping: PidNs[] = [];
  /** @internal How many entries of `zapping` have ended. */
  zapDead = 0;
  /** @internal Zaps started so far (PidNs.zapSeq). */
  zapStarts = 0;
  /** @internal Zaps that can end, first-started first (pid_namespace.ts). */
  readonly zapReady = new ZapQueue();
  /**
   * Steps of the loops whose length depends on the state (runPending's
   * do_exit and zap loops, the zap queue, process walks, zap's reaping,
   * reparenting): a deterministic measure of a call's work, for tests
   * (teardown stays linear). Only ever grows.
   */
  work = 0;
  /** @internal KernelModelOptions.recycle. */
  readonly recycle: boolean;
  /** @internal Released tasks waiting for reuse, the last released on top. */
  readonly taskCache: Task[] = [];
  /** @internal The PGID/SID roles of struct pids that are group or session ids, by pid handle (pgrp.ts). */
  readonly pidRoles = new Map<number, PidRoles>();
  /** @internal setpgid_check's answer: the process to move and its new group (null: a group of its own). */
  spProc: ThreadGroup | null = null;
  spPgrp: PidRoles | null = null;

  constructor(core: PidCore, opts: KernelModelOptions = {}) {
    this.core = core;
    this.recycle = opts.recycle === true;
    const h = core.create_pid_namespace(0);
    if (h < 0) throw new Error(`pidns: cannot create the root pid namespace (errno ${-h})`);
    const root = new PidNs(h, 0, null, this.nsSerial++);
    root.refs = 1;
    this.rootNs = root;
    const nsp = new NsProxy(this.nsSerial++, this.nsSerial++, this.nsSerial++, this.nsSerial++, this.nsSerial++, root);
    const pid = core.alloc_pid(h, 0);
    if (pid < 0) throw new Error(`pidns: cannot allocate init's pid (errno ${-pid})`);
    const t = new Task(allocId(this), pid, null, nsp, root);
    const tg = t;
    tg.threadHead = tg.threadTail = t;
    tg.nrThreads = 1;
    tg.live = 1;
    // The oracle's init called setsid: it leads session 1 and group 1.
    tg.flags = SIGNAL_UNKILLABLE | SIGNAL_LEADER;
    linkNsMember(this, tg);
    const roles = new PidRoles(pid, root, tg);
    tg.roles = tg.pgrp = roles;
    roles.pgHead = roles.pgTail = tg;
    roles.nrPg = 1;
    roles.sess = roles;
    roles.nrSid = 1;
    this.pidRoles.set(pid, roles);
    root.refs++;
    root.childReaper = t;
    this.tasks[t.id] = t;
    core.u32()[(pid + PID_TASK) >> 2] = t.id + 1;
    this.nrTasks = 1;
    this.init = t;
  }

  /** @internal The end of a public call that can cause events: deliver them (one test when no hook is installed). */
  private done<T>(r: T): T {
    if (this.emit !== null) this.deliver();
    return r;
  }

  /** @internal A failed call: `why` set, the negative errno returned. */
  fail(errno: number, why: string): number {
    this.why = why;
    return -errno;
  }

  // ---------------------------------------------------------------------
  // Reading numbers from the core's memory (pid.ts).

  /** pid_nr_ns: the number of struct pid `pid` in `ns`, 0 when not visible there. */
  pid_nr_ns(pid: number, ns: PidNs): number {
    return pid_nr_ns(this, pid, ns);
  }

  /** The NSpid numbers of a thread, root level first. */
  nspidOf(t: Task): number[] {
    return nspidOf(this, t);
  }

  // ---------------------------------------------------------------------
  // Task creation: kernel_clone / copy_process (fork.ts).

  /** fork(): clone(SIGCHLD). */
  fork(p: Task): Task | number {
    return this.done(copy_process(this, p, 0, 0));
  }

  /** clone(flags | SIGCHLD), the child on its own stack. */
  clone(p: Task, flags: number): Task | number {
    return this.done(copy_process(this, p, flags, 0));
  }

  /** pthread_create(): clone with glibc's thread flags. */
  thread(p: Task): Task | number {
    return this.done(copy_process(this, p, PTHREAD_CREATE_FLAGS, 0));
  }

  /**
   * clone3() with set_tid (setTid[0] = the deepest level). Exit signal
   * SIGCHLD, or 0 with THREAD or PARENT (clone3_args_valid accepts both).
   */
  clone3(p: Task, flags: number, setTid: ArrayLike<number>): Task | number {
    return this.done(clone3(this, p, flags, setTid));
  }

  // ---------------------------------------------------------------------
  // Namespaces of a task: unshare, setns, /proc/PID/ns (nsproxy.ts).

  /**
   * unshare(2) (ksys_unshare): implied flags (rule 24), check_unshare_flags,
   * then unshare_nsproxy_namespaces for the calling thread only (rule 13).
   */
  unshare(t: Task, flags: number): number {
    return this.done(unshare(this, t, flags));
  }

  /**
   * What /proc/<t>/ns/<type> opens: the namespace, or -ENOENT (rule 14:
   * an exited task keeps only its pid link; pid_for_children needs a
   * child_reaper). Precondition: t is not reaped.
   */
  nsLink(t: Task, type: NsType): NsIdentity | number {
    return nsLink(this, t, type);
  }

  /**
   * setns(open("/proc/<target>/ns/<type>"), CLONE_NEW<type>): opening the
   * link (ESRCH for a reaped target, ENOENT per nsLink), then the type's
   * install: pidns_install (rule 12) or a plain replacement.
   */
  setns(t: Task, target: Task, type: NsType): number {
    return this.done(setns(this, t, target, type));
  }

  /** Are /proc/<a>/ns/<type> and /proc/<b>/ns/<type> the same namespace? 1 / 0, or an errno (a's first). */
  samens(a: Task, b: Task, type: NsType): number {
    return samens(this, a, b, type);
  }

  // ---------------------------------------------------------------------
  // Exit (exit.ts), signals (signal.ts), wait (wait.ts).

  /** exit_group(code): the whole thread group ends with status code & 0xff (rule 15). */
  exit_group(t: Task, code: number): number {
    return this.done(exit_group(this, t, code));
  }

  /**
   * exit(code) (SYS_exit) of one thread. The last thread's code becomes the
   * process's status unless a group exit set one (rule 15).
   */
  exit(t: Task, code: number): number {
    return this.done(exit(this, t, code));
  }

  /**
   * kill(pid, sig) made by t; `pid` as t sees it. SIG is 0, 9 or 15 in the
   * language (others in 1..64 act like 15). A signal outside 0..64 is
   * EINVAL from check_kill_permission's valid_signal, which runs after the
   * target lookup: the lookup is made as for signal 0 (ESRCH still wins),
   * then nothing is sent.
   */
  kill(t: Task, pid: number, sig: number): number {
    if (sig >= 0 && sig <= 64) return this.done(kill(this, t, pid, sig));
    const r = this.done(kill(this, t, pid, 0));
    return r < 0 ? r : this.fail(EINVAL, `${WHY.KILL_INVALID_SIGNAL} (sig ${sig})`);
  }

  /**
   * waitpid(pid, &status, WNOHANG): the reaped child's pid as t sees it
   * (status in `waitStatus`), 0 when there are children but none can be
   * reaped, or an errno.
   */
  waitpid(t: Task, upid: number): number {
    return this.done(waitpid(this, t, upid));
  }

  /**
   * Visit every process whose active namespace is `ns` or below it:
   * namespace by namespace, parents first, processes in creation order.
   * The visitor may mark processes but must not release any.
   */
  forEachProcessBelow(ns: PidNs, fn: (tg: ThreadGroup) => void): void {
    forEachProcessBelow(this, ns, fn);
  }

  // ---------------------------------------------------------------------
  // Process groups, sessions, subreapers (pgrp.ts).

  /** setsid(): the new session id as t sees it (its process's pid), or an errno. */
  setsid(t: Task): number {
    return this.done(setsid(this, t));
  }

  /** setpgid(pid, pgid) made by t, both as t sees them (0: t's process / the same as pid). */
  setpgid(t: Task, pid: number, pgid: number): number {
    return this.done(setpgid(this, t, pid, pgid));
  }

  /**
   * Would setpgid(pid, pgid) by t succeed in making a namespace init's
   * process a member of a group whose id is another pid with a number in
   * the init's namespace (a scenario error: that init could never finish
   * exiting)? That init's process, else null. Changes nothing.
   */
  setpgidTrapsInit(t: Task, pid: number, pgid: number): Task | null {
    return setpgid_traps_init(this, t, pid, pgid);
  }

  /** getpgid(pid) made by t: the group id as t sees it, 0 when it has no number there. */
  getpgid(t: Task, pid: number): number {
    return getpgid(this, t, pid, false);
  }

  /** getsid(pid) made by t: the session id as t sees it, 0 when it has no number there. */
  getsid(t: Task, pid: number): number {
    return getpgid(this, t, pid, true);
  }

  /** prctl(PR_SET_CHILD_SUBREAPER, on) made by t. */
  setSubreaper(t: Task, on: boolean): number {
    return this.done(set_child_subreaper(this, t, on));
  }

  /** prctl(PR_GET_CHILD_SUBREAPER) made by t: 1 or 0. */
  getSubreaper(t: Task): number {
    return get_child_subreaper(this, t);
  }

  // ---------------------------------------------------------------------
  // Identity calls and sysctls (pid.ts).

  getpid(t: Task): number {
    return getpid(this, t);
  }

  gettid(t: Task): number {
    return gettid(this, t);
  }

  /** getppid: the real parent's tgid in t's namespace, 0 when it has none there (rule 21). */
  getppid(t: Task): number {
    return getppid(this, t);
  }

  /** The NSpid line of t's /proc/PID/status, root level first (rule: acting task). */
  nspid(t: Task): number[] | number {
    return nspid(this, t);
  }

  /**
   * Read /proc/sys/kernel/ns_last_pid as t (its active namespace): cursor - 1,
   * which is -1 before any cyclic allocation (rule 6). Errors are therefore
   * only -ESRCH (below -1).
   */
  ns_last_pid(t: Task): number {
    return ns_last_pid(this, t);
  }

  set_ns_last_pid(t: Task, v: number): number {
    return set_ns_last_pid(this, t, v);
  }

  /** Read /proc/sys/kernel/pid_max as t (per namespace since 6.14). */
  pid_max(t: Task): number {
    return pid_max(this, t);
  }

  set_pid_max(t: Task, v: number): number {
    return set_pid_max(this, t, v);
  }

  // ---------------------------------------------------------------------
  // Introspection used by views, the scenario runner and tests.

  /** Has t exited (zombie, exiting, waiting in zap, or reaped)? Such a task cannot act. */
  exited(t: Task): boolean {
    return t.state !== TASK_RUNNING;
  }

  /** Is t reaped (released)? */
  reaped(t: Task): boolean {
    return t.state === TASK_DEAD;
  }

  /** Namespaces waiting in zap_pid_ns_processes. */
  zappingNamespaces(): readonly PidNs[] {
    if (this.zapDead !== 0) compactZapping(this);
    return this.zapping;
  }

  /** Is pid allocation still open in ns (PIDNS_ADDING set)? */
  nsAlive(ns: PidNs): boolean {
    return (this.core.u32()[(ns.handle + NS_PID_ALLOCATED) >> 2] & PIDNS_ADDING) !== 0;
  }

  /** Every pid namespace alive in the model, parents first. */
  namespaces(): PidNs[] {
    const out: PidNs[] = [];
    for (let ns: PidNs | null = this.rootNs; ns !== null; ns = nsPreorderNext(ns, this.rootNs)) out.push(ns);
    return out;
  }

  /** pid_allocated of ns (published pids with a number in it), without the PIDNS_ADDING flag. */
  nsPidCount(ns: PidNs): number {
    return pidAllocated(this, ns);
  }
}
