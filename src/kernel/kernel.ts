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
 *   kill(-1), kill(0) and zap_pid_ns_processes signal processes namespace by
 *   namespace (creation order, parents before children) instead of in
 *   for_each_process / idr order: the only difference is the order of
 *   orphans reaching a new parent when several parents die in one call.
 * - No task ignores SIGCHLD except a namespace init in zap_pid_ns_processes;
 *   every thread-group leader's exit_signal is SIGCHLD (true for every task a
 *   scenario can create), so waitpid needs no __WCLONE logic.
 * - RLIMIT_NPROC, threads-max, cgroups, credentials, user namespaces,
 *   ptrace, stop/continue and process groups other than init's are not
 *   modelled (every task runs as root in init's process group).
 * - A process's signal_struct fields live in its leader's Task (objects.ts):
 *   the model has no exec, so the leader never changes and is released last.
 * - With KernelModelOptions.recycle, released Task objects are reused by
 *   later forks (the slab caches' LIFO reuse); the storm workloads use it.
 * - A clone with VM or SIGHAND but without THREAD (out of the language's
 *   scope when it succeeds) makes a plain process: sharing an mm or a
 *   sighand between processes is not modelled, so a later unshare(VM /
 *   SIGHAND) by either says ok where check_unshare_flags (sighand->count,
 *   current_is_single_threaded) says EINVAL.
 */
import { EAGAIN, ECHILD, EEXIST, EINVAL, ENOENT, ENOMEM, ENOSPC, ESRCH } from '../core/errno.js';
import {
  MAX_PID_NS_LEVEL,
  NS_PID_ALLOCATED,
  NS_PID_MAX,
  PIDNS_ADDING,
  PID_HEADER,
  PID_LEVEL,
  PID_MAX_LIMIT,
  PID_MAX_MIN,
  PID_TASK,
  UPID_NR,
  UPID_NS,
  UPID_SIZE,
} from '../core/layout.js';
import type { PidCore } from '../core/types.js';
import {
  CLONE_FILES,
  CLONE_FS,
  CLONE_NEWCGROUP,
  CLONE_NEWIPC,
  CLONE_NEWNET,
  CLONE_NEWNS,
  CLONE_NEWPID,
  CLONE_NEWUTS,
  CLONE_NEW_ANY,
  CLONE_PARENT,
  CLONE_SIGHAND,
  CLONE_SYSVSEM,
  CLONE_THREAD,
  CLONE_VM,
  PTHREAD_CREATE_FLAGS,
  SIGKILL,
  type NsType,
} from './flags.js';
import {
  GROUP_QUEUED,
  NsProxy,
  PidNs,
  SIGCHLD_IGNORED,
  SIGNAL_GROUP_EXIT,
  SIGNAL_UNKILLABLE,
  TASK_DEAD,
  TASK_EXITING,
  TASK_RUNNING,
  TASK_ZAPWAIT,
  TASK_ZOMBIE,
  Task,
  ThreadGroup,
  ZombieHeap,
} from './objects.js';
import { WHY } from './why.js';

const INT_MIN = -2147483648;
/** CLONE_NEWUSER and CLONE_NEWTIME: accepted by check_unshare_flags, not in the language. */
const CLONE_NEWUSER = 0x10000000;
const CLONE_NEWTIME = 0x00000080;
/** check_unshare_flags: the flags unshare(2) accepts. */
const UNSHARE_ALLOWED =
  CLONE_THREAD | CLONE_FS | CLONE_NEWNS | CLONE_SIGHAND | CLONE_VM | CLONE_FILES | CLONE_SYSVSEM |
  CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWCGROUP | CLONE_NEWTIME;
const PID_ALLOCATED_MASK = ~PIDNS_ADDING >>> 0;

/** A namespace identity as /proc/PID/ns/<type> shows it: a PidNs, or the serial of another type's namespace. */
export type NsIdentity = PidNs | number;

/**
 * What happened inside a call, for tracing (Kernel.trace): every task made,
 * every exit, signal, reparenting, reap and namespace birth and death, in
 * the order the model does them. Tasks are the model's objects (name them
 * before the next call: with recycling a reaped one is reused).
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
  /** forget_original_parent: the process led by `child` now has `to` as real_parent. */
  | { type: 'reparent'; child: Task; from: Task; to: Task }
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
  | { type: 'pidns-free'; ns: PidNs };

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

/**
 * The namespace after `ns` in a preorder walk of the tree below `top`
 * (parents before children, children in creation order), or null at the end.
 * Stackless: it follows the kid / sibling / parent links.
 */
function nsPreorderNext(ns: PidNs, top: PidNs): PidNs | null {
  if (ns.kidHead !== null) return ns.kidHead;
  for (let n: PidNs | null = ns; n !== null && n !== top; n = n.parent) {
    if (n.knext !== null) return n.knext;
  }
  return null;
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
  /** Called with every KernelEvent as it happens; null (the default) costs one test per event site. */
  trace: ((e: KernelEvent) => void) | null = null;

  private readonly freeIds: number[] = [];
  /** Children-list position counter (ThreadGroup.seq). */
  private seq = 0;
  private nsSerial = 0;
  /** Processes whose marked threads still have to run do_exit (FIFO: queue[0..queued)). */
  private readonly queue: (ThreadGroup | null)[] = [];
  private queued = 0;
  /** Namespaces whose init waits in zap_pid_ns_processes. */
  private readonly zapping: PidNs[] = [];
  /** How many of them have zapRecheck set: runPending compares pid_allocated only for those. */
  private zapRechecks = 0;
  /** KernelModelOptions.recycle. */
  private readonly recycle: boolean;
  /** Released tasks waiting for reuse, the last released on top. */
  private readonly taskCache: Task[] = [];

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
    const t = new Task(this.allocId(), pid, null, nsp, root);
    const tg = t;
    tg.threadHead = tg.threadTail = t;
    tg.nrThreads = 1;
    tg.live = 1;
    tg.flags = SIGNAL_UNKILLABLE;
    this.linkNsMember(tg);
    root.refs++;
    root.childReaper = t;
    this.tasks[t.id] = t;
    core.u32()[(pid + PID_TASK) >> 2] = t.id + 1;
    this.nrTasks = 1;
    this.init = t;
  }

  // ---------------------------------------------------------------------
  // Reading numbers from the core's memory (struct pid, layout.ts).

  /** pid_nr_ns: the number of struct pid `pid` in `ns`, 0 when not visible there. */
  pid_nr_ns(pid: number, ns: PidNs): number {
    const u = this.core.u32();
    const lvl = ns.level;
    if (lvl > u[(pid + PID_LEVEL) >> 2]) return 0;
    const up = (pid + PID_HEADER + lvl * UPID_SIZE) >> 2;
    return u[up + (UPID_NS >> 2)] === ns.handle ? u[up + (UPID_NR >> 2)] : 0;
  }

  /** The NSpid numbers of a thread, root level first. */
  nspidOf(t: Task): number[] {
    const u = this.core.u32();
    const level = u[(t.pid + PID_LEVEL) >> 2];
    const out = new Array<number>(level + 1);
    for (let i = 0; i <= level; i++) out[i] = u[(t.pid + PID_HEADER + i * UPID_SIZE + UPID_NR) >> 2];
    return out;
  }

  /** The task owning a published struct pid (PIDTYPE_PID). */
  private taskOfPid(pid: number): Task {
    return this.tasks[this.core.u32()[(pid + PID_TASK) >> 2] - 1] as Task;
  }

  /** pid_allocated of a namespace without the PIDNS_ADDING flag. */
  private pidAllocated(ns: PidNs): number {
    return (this.core.u32()[(ns.handle + NS_PID_ALLOCATED) >> 2] & PID_ALLOCATED_MASK) >>> 0;
  }

  private fail(errno: number, why: string): number {
    this.why = why;
    return -errno;
  }

  /**
   * A Task from the cache (recycle) or a new one, in the state Task's
   * constructor gives: a thread of `tg`, or with `tg` null a new process.
   */
  private newTask(id: number, pid: number, tg: Task | null, nsp: NsProxy, pidns: PidNs): Task {
    const t = this.taskCache.pop();
    if (t === undefined) return new Task(id, pid, tg, nsp, pidns);
    t.id = id;
    t.pid = pid;
    t.tg = tg ?? t;
    t.nsproxy = nsp;
    t.state = TASK_RUNNING;
    // release_task left the list links null; the process fields start over.
    t.threadHead = t.threadTail = null;
    t.nrThreads = t.live = t.flags = t.exitStatus = t.seq = t.nrChildren = 0;
    t.parent = null;
    t.pidns = pidns;
    return t;
  }

  private allocId(): number {
    return this.freeIds.length > 0 ? (this.freeIds.pop() as number) : this.tasks.length;
  }

  // ---------------------------------------------------------------------
  // Task creation: kernel_clone / copy_process.

  /** fork(): clone(SIGCHLD). */
  fork(p: Task): Task | number {
    return this.copy_process(p, 0, 0);
  }

  /** clone(flags | SIGCHLD), the child on its own stack. */
  clone(p: Task, flags: number): Task | number {
    return this.copy_process(p, flags, 0);
  }

  /** pthread_create(): clone with glibc's thread flags. */
  thread(p: Task): Task | number {
    return this.copy_process(p, PTHREAD_CREATE_FLAGS, 0);
  }

  /**
   * clone3() with set_tid (setTid[0] = the deepest level). Exit signal
   * SIGCHLD, or 0 with THREAD or PARENT (clone3_args_valid accepts both).
   */
  clone3(p: Task, flags: number, setTid: ArrayLike<number>): Task | number {
    if (p.state !== TASK_RUNNING) return this.fail(ESRCH, WHY.ACTOR_EXITED);
    const n = setTid.length;
    if (n > MAX_PID_NS_LEVEL) return this.fail(EINVAL, WHY.CLONE3_SET_TID_SIZE);
    const u = this.core.u32();
    const base = this.core.setTidPtr >> 2;
    for (let i = 0; i < n; i++) u[base + i] = setTid[i] | 0;
    return this.copy_process(p, flags, n);
  }

  /**
   * copy_process (kernel/fork.c, 6.18): the flag checks in the kernel's
   * order (rule 26), copy_namespaces, alloc_pid in the new task's
   * pid_ns_for_children (with `nset` set_tid values already in the core's
   * scratch), then attach the task. A refused clone consumes no number.
   */
  private copy_process(p: Task, flags: number, nset: number): Task | number {
    if (p.state !== TASK_RUNNING) return this.fail(ESRCH, WHY.ACTOR_EXITED);
    if ((flags & (CLONE_NEWNS | CLONE_FS)) === (CLONE_NEWNS | CLONE_FS)) return this.fail(EINVAL, WHY.CLONE_NEWNS_FS);
    if ((flags & CLONE_THREAD) !== 0 && (flags & CLONE_SIGHAND) === 0) return this.fail(EINVAL, WHY.CLONE_THREAD_SIGHAND);
    if ((flags & CLONE_SIGHAND) !== 0 && (flags & CLONE_VM) === 0) return this.fail(EINVAL, WHY.CLONE_SIGHAND_VM);
    const ptg = p.tg;
    if ((flags & CLONE_PARENT) !== 0 && (ptg.flags & SIGNAL_UNKILLABLE) !== 0) return this.fail(EINVAL, WHY.CLONE_PARENT_INIT);
    let nsp = p.nsproxy as NsProxy;
    if ((flags & CLONE_THREAD) !== 0) {
      if ((flags & CLONE_NEWPID) !== 0) return this.fail(EINVAL, WHY.CLONE_THREAD_NEWPID);
      if (ptg.pidns !== nsp.pidForChildren) return this.fail(EINVAL, WHY.CLONE_THREAD_PIDNS);
    }
    // copy_namespaces: share the caller's nsproxy unless a CLONE_NEW* flag asks for a copy.
    let own = false;
    if ((flags & CLONE_NEW_ANY) !== 0) {
      if ((flags & (CLONE_NEWIPC | CLONE_SYSVSEM)) === (CLONE_NEWIPC | CLONE_SYSVSEM)) {
        return this.fail(EINVAL, WHY.COPY_NS_IPC_SYSVSEM);
      }
      const r = this.create_new_namespaces(flags, p);
      if (typeof r === 'number') return r;
      nsp = r;
      own = true;
    }
    const pidns = nsp.pidForChildren;
    const pid = this.core.alloc_pid(pidns.handle, nset);
    if (pid < 0) {
      const why = this.explainAllocPid(pid, pidns, nset);
      if (own) this.put_nsproxy(nsp);
      return this.fail(-pid, why);
    }
    if (!own) nsp.count++;

    const id = this.allocId();
    // One read of the core's view per copy_process: alloc_pid above was the last call that can grow memory.
    const u = this.core.u32();
    let t: Task;
    if ((flags & CLONE_THREAD) !== 0) {
      // A thread joins the caller's thread group; its real_parent is the group's.
      t = this.newTask(id, pid, ptg, nsp, pidns);
      const tail = ptg.threadTail as Task;
      tail.tnext = t;
      t.tprev = tail;
      ptg.threadTail = t;
      ptg.nrThreads++;
      ptg.live++;
    } else {
      const parent = (flags & CLONE_PARENT) !== 0 ? (ptg.parent as Task) : p;
      t = this.newTask(id, pid, null, nsp, pidns);
      const tg = t;
      tg.threadHead = tg.threadTail = t;
      tg.nrThreads = 1;
      tg.live = 1;
      this.linkChild(parent, tg);
      this.linkNsMember(tg);
      // is_child_reaper: a leader whose deepest number is 1 becomes the namespace's init.
      if (u[(pid + PID_HEADER + pidns.level * UPID_SIZE + UPID_NR) >> 2] === 1) {
        pidns.childReaper = t;
        tg.flags |= SIGNAL_UNKILLABLE;
      }
    }
    pidns.refs++;
    u[(pid + PID_TASK) >> 2] = id + 1;
    if (id === this.tasks.length) this.tasks.push(t);
    else this.tasks[id] = t;
    this.nrTasks++;
    if (this.trace !== null) this.trace({ type: 'create', task: t, parent: t.tg.parent, thread: t !== t.tg });
    return t;
  }

  /**
   * Why alloc_pid failed (only called on failure). The core reports the
   * errno; the level and check are found again from the namespaces, which
   * alloc_pid's unwind left as they were (cursors aside).
   */
  private explainAllocPid(err: number, ns: PidNs, nset: number): string {
    if (err === -ENOMEM) {
      const u = this.core.u32();
      return (u[(ns.handle + NS_PID_ALLOCATED) >> 2] & PIDNS_ADDING) === 0 ? WHY.ALLOC_PID_DEAD_NS : WHY.CORE_NO_MEMORY;
    }
    if (err === -EAGAIN) return WHY.ALLOC_PID_FULL;
    if (nset > ns.level + 1) return WHY.ALLOC_PID_SET_TID_SIZE;
    const u = this.core.u32();
    const base = this.core.setTidPtr >> 2;
    let tmp: PidNs | null = ns;
    for (let i = 0; i < nset && tmp; i++, tmp = tmp.parent) {
      const tid = u[base + i] | 0;
      const max = u[(tmp.handle + NS_PID_MAX) >> 2];
      const at = ` (set_tid[${i}] = ${tid}, level ${tmp.level})`;
      if (tid < 1 || tid >= max) return WHY.ALLOC_PID_SET_TID_RANGE + at;
      if (tid !== 1 && tmp.childReaper === null) return WHY.ALLOC_PID_SET_TID_REAPER + at;
      if (err === -EEXIST && this.core.find_pid_ns(tid, tmp.handle) !== 0) return WHY.ALLOC_PID_SET_TID_BUSY + at;
    }
    return err === -EEXIST ? WHY.ALLOC_PID_SET_TID_BUSY : WHY.ALLOC_PID_SET_TID_RANGE;
  }

  /** Append process `tg` to the children list of thread `parent`. */
  private linkChild(parent: Task, tg: ThreadGroup): void {
    tg.parent = parent;
    tg.seq = ++this.seq;
    const tail = parent.childTail;
    tg.snext = null;
    tg.sprev = tail;
    if (tail) tail.snext = tg;
    else parent.childHead = tg;
    parent.childTail = tg;
    parent.tg.nrChildren++;
  }

  private unlinkChild(tg: ThreadGroup): void {
    const parent = tg.parent;
    if (!parent) return;
    const prev = tg.sprev;
    const next = tg.snext;
    if (prev) prev.snext = next;
    else parent.childHead = next;
    if (next) next.sprev = prev;
    else parent.childTail = prev;
    tg.sprev = tg.snext = null;
    parent.tg.nrChildren--;
  }

  private linkNsMember(tg: ThreadGroup): void {
    const ns = tg.pidns;
    const tail = ns.procTail;
    tg.nprev = tail;
    tg.nnext = null;
    if (tail) tail.nnext = tg;
    else ns.procHead = tg;
    ns.procTail = tg;
  }

  private unlinkNsMember(tg: ThreadGroup): void {
    const ns = tg.pidns;
    const prev = tg.nprev;
    const next = tg.nnext;
    if (prev) prev.nnext = next;
    else ns.procHead = next;
    if (next) next.nprev = prev;
    else ns.procTail = prev;
    tg.nprev = tg.nnext = null;
  }

  // ---------------------------------------------------------------------
  // Namespaces: create_new_namespaces, copy_pid_ns, nsproxy lifetime.

  /**
   * create_new_namespaces (kernel/nsproxy.c): a copy of p's nsproxy with
   * a new namespace for every CLONE_NEW* flag, in the kernel's order mnt,
   * uts, ipc, pid, cgroup, net. Only copy_pid_ns can fail here.
   */
  private create_new_namespaces(flags: number, p: Task): NsProxy | number {
    const old = p.nsproxy as NsProxy;
    const mnt = (flags & CLONE_NEWNS) !== 0 ? this.nsSerial++ : old.mnt;
    const uts = (flags & CLONE_NEWUTS) !== 0 ? this.nsSerial++ : old.uts;
    const ipc = (flags & CLONE_NEWIPC) !== 0 ? this.nsSerial++ : old.ipc;
    const pidns = this.copy_pid_ns(flags, p, old.pidForChildren);
    if (typeof pidns === 'number') return pidns;
    const cgroup = (flags & CLONE_NEWCGROUP) !== 0 ? this.nsSerial++ : old.cgroup;
    const net = (flags & CLONE_NEWNET) !== 0 ? this.nsSerial++ : old.net;
    return new NsProxy(mnt, uts, ipc, net, cgroup, pidns);
  }

  /**
   * copy_pid_ns (kernel/pid_namespace.c): share `old` (taking a reference)
   * without CLONE_NEWPID; else refuse when the caller's active namespace is
   * not `old` (rule 11) and create a child of `old`.
   */
  private copy_pid_ns(flags: number, p: Task, old: PidNs): PidNs | number {
    if ((flags & CLONE_NEWPID) === 0) {
      this.get_pid_ns(old);
      return old;
    }
    if (p.tg.pidns !== old) return this.fail(EINVAL, WHY.COPY_PID_NS_ACTIVE);
    return this.create_pid_namespace(old, p);
  }

  /** create_pid_namespace: level > 32 → ENOSPC (the core checks it). Count 1 for the caller. */
  private create_pid_namespace(parent: PidNs, by: Task): PidNs | number {
    const h = this.core.create_pid_namespace(parent.handle);
    if (h < 0) return this.fail(-h, h === -ENOSPC ? WHY.PID_NS_TOO_DEEP : WHY.CORE_NO_MEMORY);
    const ns = new PidNs(h, parent.level + 1, parent, this.nsSerial++);
    ns.refs = 1;
    parent.refs++;
    const tail = parent.kidTail;
    ns.kprev = tail;
    if (tail) tail.knext = ns;
    else parent.kidHead = ns;
    parent.kidTail = ns;
    if (this.trace !== null) this.trace({ type: 'pidns-create', ns, by });
    return ns;
  }

  private get_pid_ns(ns: PidNs): void {
    this.core.get_pid_ns(ns.handle);
    ns.refs++;
  }

  /** Drop a reference the kernel model counts (the core counts its own); at zero leave the parent's list. */
  private unrefPidNs(ns: PidNs | null): void {
    while (ns && --ns.refs === 0) {
      if (this.trace !== null) this.trace({ type: 'pidns-free', ns });
      const parent = ns.parent;
      if (parent) {
        const prev = ns.kprev;
        const next = ns.knext;
        if (prev) prev.knext = next;
        else parent.kidHead = next;
        if (next) next.kprev = prev;
        else parent.kidTail = prev;
      }
      ns = parent;
    }
  }

  /** put_nsproxy: at zero, free_nsproxy drops pid_ns_for_children (put_pid_ns). */
  private put_nsproxy(nsp: NsProxy): void {
    if (--nsp.count === 0) {
      const pidns = nsp.pidForChildren;
      this.core.put_pid_ns(pidns.handle);
      this.unrefPidNs(pidns);
    }
  }

  /** A private copy of t's nsproxy (prepare_nsset): every namespace shared, references taken. */
  private copyNsProxy(old: NsProxy): NsProxy {
    this.get_pid_ns(old.pidForChildren);
    return new NsProxy(old.mnt, old.uts, old.ipc, old.net, old.cgroup, old.pidForChildren);
  }

  /** switch_task_namespaces. */
  private switchNsProxy(t: Task, nsp: NsProxy): void {
    const old = t.nsproxy as NsProxy;
    t.nsproxy = nsp;
    if (this.trace !== null && old.pidForChildren !== nsp.pidForChildren) this.trace({ type: 'pid-for-children', task: t, ns: nsp.pidForChildren });
    this.put_nsproxy(old);
  }

  /**
   * unshare(2) (ksys_unshare): implied flags (rule 24), check_unshare_flags,
   * then unshare_nsproxy_namespaces for the calling thread only (rule 13).
   */
  unshare(t: Task, flags: number): number {
    if (t.state !== TASK_RUNNING) return this.fail(ESRCH, WHY.ACTOR_EXITED);
    if ((flags & CLONE_VM) !== 0) flags |= CLONE_SIGHAND;
    if ((flags & CLONE_SIGHAND) !== 0) flags |= CLONE_THREAD;
    if ((flags & CLONE_NEWNS) !== 0) flags |= CLONE_FS;
    if ((flags & ~UNSHARE_ALLOWED) !== 0) return this.fail(EINVAL, WHY.UNSHARE_FLAGS);
    // thread_group_empty: a zombie leader left by texit still counts as another thread.
    if ((flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_VM)) !== 0 && t.tg.nrThreads > 1) {
      return this.fail(EINVAL, WHY.UNSHARE_THREADS);
    }
    if ((flags & CLONE_NEW_ANY) === 0) return 0;
    const r = this.create_new_namespaces(flags, t);
    if (typeof r === 'number') return r;
    this.switchNsProxy(t, r);
    return 0;
  }

  /**
   * What /proc/<t>/ns/<type> opens: the namespace, or -ENOENT (rule 14:
   * an exited task keeps only its pid link; pid_for_children needs a
   * child_reaper). Precondition: t is not reaped.
   */
  nsLink(t: Task, type: NsType): NsIdentity | number {
    if (type === 'pid') return t.tg.pidns;
    const nsp = t.nsproxy;
    if (nsp === null) return this.fail(ENOENT, WHY.PROC_NS_EXITED);
    switch (type) {
      case 'pid_for_children':
        return nsp.pidForChildren.childReaper !== null ? nsp.pidForChildren : this.fail(ENOENT, WHY.PROC_PID_FOR_CHILDREN);
      case 'uts': return nsp.uts;
      case 'ipc': return nsp.ipc;
      case 'net': return nsp.net;
      case 'cgroup': return nsp.cgroup;
      case 'mnt': return nsp.mnt;
    }
  }

  /**
   * setns(open("/proc/<target>/ns/<type>"), CLONE_NEW<type>): opening the
   * link (ESRCH for a reaped target, ENOENT per nsLink), then the type's
   * install: pidns_install (rule 12) or a plain replacement. The calling
   * thread gets a fresh nsproxy (prepare_nsset / commit_nsset).
   */
  setns(t: Task, target: Task, type: NsType): number {
    if (t.state !== TASK_RUNNING) return this.fail(ESRCH, WHY.ACTOR_EXITED);
    if (target.state === TASK_DEAD) return this.fail(ESRCH, WHY.TARGET_REAPED);
    const link = this.nsLink(target, type);
    if (typeof link === 'number' && link < 0) return link;
    if (type === 'pid' || type === 'pid_for_children') {
      const ns = link as PidNs;
      const active = t.tg.pidns;
      if (ns.level < active.level) return this.fail(EINVAL, WHY.PIDNS_INSTALL);
      let anc: PidNs = ns;
      while (anc.level > active.level) anc = anc.parent as PidNs;
      if (anc !== active) return this.fail(EINVAL, WHY.PIDNS_INSTALL);
      const old = t.nsproxy as NsProxy;
      this.get_pid_ns(ns);
      this.switchNsProxy(t, new NsProxy(old.mnt, old.uts, old.ipc, old.net, old.cgroup, ns));
      return 0;
    }
    if (type === 'mnt') return this.fail(EINVAL, 'setns: mount namespaces are outside the model');
    const nsp = this.copyNsProxy(t.nsproxy as NsProxy);
    const id = link as number;
    switch (type) {
      case 'uts': nsp.uts = id; break;
      case 'ipc': nsp.ipc = id; break;
      case 'net': nsp.net = id; break;
      case 'cgroup': nsp.cgroup = id; break;
    }
    this.switchNsProxy(t, nsp);
    return 0;
  }

  /** Are /proc/<a>/ns/<type> and /proc/<b>/ns/<type> the same namespace? 1 / 0, or an errno (a's first). */
  samens(a: Task, b: Task, type: NsType): number {
    if (a.state === TASK_DEAD || b.state === TASK_DEAD) return this.fail(ESRCH, WHY.TARGET_REAPED);
    const x = this.nsLink(a, type);
    if (typeof x === 'number' && x < 0) return x;
    const y = this.nsLink(b, type);
    if (typeof y === 'number' && y < 0) return y;
    return x === y ? 1 : 0;
  }

  // ---------------------------------------------------------------------
  // Exit: do_group_exit, do_exit, exit_notify, forget_original_parent,
  // zap_pid_ns_processes, release_task.

  /** exit_group(code): the whole thread group ends with status code & 0xff (rule 15). */
  exit_group(t: Task, code: number): number {
    if (t.state !== TASK_RUNNING) return this.fail(ESRCH, WHY.ACTOR_EXITED);
    this.group_exit(t.tg, (code & 0xff) << 8);
    this.runPending();
    return 0;
  }

  /**
   * exit(code) (SYS_exit) of one thread. The last thread's code becomes the
   * process's status unless a group exit set one (rule 15).
   */
  exit(t: Task, code: number): number {
    if (t.state !== TASK_RUNNING) return this.fail(ESRCH, WHY.ACTOR_EXITED);
    const tg = t.tg;
    const status = (code & 0xff) << 8;
    t.state = TASK_EXITING;
    if (--tg.live === 0 && (tg.flags & SIGNAL_GROUP_EXIT) === 0) tg.exitStatus = status;
    this.do_exit(t);
    this.runPending();
    return 0;
  }

  /**
   * A fatal signal or exit_group reaching a process (complete_signal /
   * do_group_exit): SIGNAL_GROUP_EXIT with `status`, every live thread
   * marked PF_EXITING, the process queued for do_exit. No effect when the
   * group is already exiting or has no live thread (an init waiting in
   * zap_pid_ns_processes, a zombie). Returns whether it took effect.
   */
  private group_exit(tg: ThreadGroup, status: number): boolean {
    if ((tg.flags & SIGNAL_GROUP_EXIT) !== 0 || tg.live === 0) return false;
    tg.flags |= SIGNAL_GROUP_EXIT | GROUP_QUEUED;
    tg.exitStatus = status;
    for (let th = tg.threadHead; th; th = th.tnext) {
      if (th.state === TASK_RUNNING) th.state = TASK_EXITING;
    }
    tg.live = 0;
    if (this.queued === this.queue.length) this.queue.push(tg);
    else this.queue[this.queued] = tg;
    this.queued++;
    return true;
  }

  /**
   * Run everything pending: the queued processes' threads through do_exit
   * (thread-list order), then any zap_pid_ns_processes whose namespace has
   * emptied, until nothing moves.
   */
  private runPending(): void {
    // Common case (a plain exit): nothing queued and no zap that may have finished.
    if (this.queued === 0 && this.zapRechecks === 0) return;
    const q = this.queue;
    for (;;) {
      // do_exit may queue more processes (zap_pid_ns_processes): `queued` grows meanwhile.
      for (let i = 0; i < this.queued; i++) {
        const tg = q[i] as ThreadGroup;
        q[i] = null;
        tg.flags &= ~GROUP_QUEUED;
        let th = tg.threadHead;
        while (th) {
          const next = th.tnext;
          if (th.state === TASK_EXITING) this.do_exit(th);
          th = next;
        }
      }
      this.queued = 0;
      // The first zap (in the order they started) whose namespace is down to its init's pids ends.
      // Only a namespace where a pid was freed can have got there (allocation never lowers the count).
      let moved = false;
      const z = this.zapping;
      for (let i = 0; i < z.length && this.zapRechecks !== 0; i++) {
        const ns = z[i];
        if (!ns.zapRecheck) continue;
        ns.zapRecheck = false;
        this.zapRechecks--;
        if (this.pidAllocated(ns) === ns.zapInitPids) {
          z.copyWithin(i, i + 1);
          z.pop();
          this.finish_zap(ns);
          moved = true;
          break;
        }
      }
      if (!moved && this.queued === 0) return;
    }
  }

  /** do_exit: exit_task_namespaces, then exit_notify. */
  private do_exit(t: Task): void {
    const nsp = t.nsproxy;
    if (nsp) {
      t.nsproxy = null;
      this.put_nsproxy(nsp);
    }
    this.exit_notify(t);
  }

  /** find_alive_thread: the first thread of the group (thread-list order) without PF_EXITING. */
  private find_alive_thread(tg: ThreadGroup): Task | null {
    for (let th = tg.threadHead; th; th = th.tnext) if (th.state === TASK_RUNNING) return th;
    return null;
  }

  /**
   * exit_notify → forget_original_parent → find_child_reaper: a namespace's
   * reaper thread hands the role to a live thread of its group (rule 28) or,
   * with none left, runs zap_pid_ns_processes and waits (finish_zap resumes).
   */
  private exit_notify(t: Task): void {
    const ns = t.tg.pidns;
    let reaper = ns.childReaper as Task;
    if (reaper === t) {
      const alive = this.find_alive_thread(t.tg);
      if (alive) {
        ns.childReaper = alive;
        reaper = alive;
        if (this.trace !== null) this.trace({ type: 'child-reaper', ns, task: alive });
      } else {
        this.zap_pid_ns_processes(ns, t);
        return;
      }
    }
    if (t.childHead) this.reparent_children(t, reaper);
    this.exit_notify_tail(t);
  }

  /**
   * The end of exit_notify: a leader becomes a zombie and, once it is the
   * only thread left, notifies its parent (do_notify_parent: autoreap when
   * the parent ignores SIGCHLD); any other thread is released at once.
   */
  private exit_notify_tail(t: Task): void {
    t.state = TASK_ZOMBIE;
    const tg = t.tg;
    if (this.trace !== null) this.trace({ type: 'exit', task: t, zombie: t === tg.leader });
    if (t === tg.leader) {
      if (tg.nrThreads === 1) this.do_notify_parent(tg);
    } else {
      this.release_task(t, 'thread', null);
    }
  }

  /** do_notify_parent for a process whose leader just became reapable. */
  private do_notify_parent(tg: ThreadGroup): void {
    const parent = tg.parent;
    if (parent === null) return; // the root init's parent is outside the model
    if ((parent.tg.flags & SIGCHLD_IGNORED) !== 0) {
      this.release_task(tg.leader, 'autoreap', null);
      return;
    }
    let heap = parent.zombies;
    if (heap === null) heap = parent.zombies = new ZombieHeap();
    heap.push(tg.seq, tg);
  }

  /**
   * forget_original_parent's hand-over: find_new_reaper (a live thread of
   * the father's group, else the child reaper of the father's active
   * namespace: rule 16), every child's real_parent moved, the list spliced
   * onto the tail of the new parent's (rule 18), and reparent_leader's
   * notification for zombies when the reaper is in another process.
   */
  private reparent_children(father: Task, childReaper: Task): void {
    const alive = this.find_alive_thread(father.tg);
    const reaper = alive ?? childReaper;
    const threaded = reaper.tg === father.tg;
    const autoreap = !threaded && (reaper.tg.flags & SIGCHLD_IGNORED) !== 0;
    let dead: ThreadGroup[] | null = null;
    let n = 0;
    for (let c = father.childHead; c; c = c.snext) {
      c.parent = reaper;
      c.seq = ++this.seq;
      n++;
      if (this.trace !== null) this.trace({ type: 'reparent', child: c, from: father, to: reaper });
      if (c.leader.state === TASK_ZOMBIE && c.nrThreads === 1) {
        if (autoreap) (dead ??= []).push(c);
        else {
          let heap = reaper.zombies;
          if (heap === null) heap = reaper.zombies = new ZombieHeap();
          heap.push(c.seq, c);
        }
      }
    }
    const head = father.childHead as ThreadGroup;
    const tail = reaper.childTail;
    head.sprev = tail;
    if (tail) tail.snext = head;
    else reaper.childHead = head;
    reaper.childTail = father.childTail;
    father.childHead = father.childTail = null;
    father.tg.nrChildren -= n;
    reaper.tg.nrChildren += n;
    if (father.zombies) father.zombies.clear();
    if (dead) for (let i = dead.length - 1; i >= 0; i--) this.release_task(dead[i].leader, 'autoreap', null);
  }

  /**
   * zap_pid_ns_processes (kernel/pid_namespace.c, 6.18), up to its wait:
   * no more pids (disable_pid_allocation), SIGCHLD ignored so children
   * autoreap, SIGKILL to every other process with a pid in the namespace
   * (nested namespaces included), the zombies already there reaped. The
   * init then waits (TASK_ZAPWAIT) until pid_allocated is 1 (2 when the
   * waiting thread is not the leader, whose zombie holds pid 1): rule 17.
   */
  private zap_pid_ns_processes(ns: PidNs, t: Task): void {
    this.core.disable_pid_allocation(ns.handle);
    const tg = t.tg;
    tg.flags |= SIGCHLD_IGNORED;
    t.state = TASK_ZAPWAIT;
    ns.zapper = t;
    ns.zapInitPids = t === tg.leader ? 1 : 2;
    this.zapping.push(ns);
    this.zapRecheckFrom(ns);
    if (this.trace !== null) this.trace({ type: 'zap', ns, init: t });
    this.forEachProcessBelow(ns, (g) => {
      if (g !== tg && this.group_exit(g, SIGKILL) && this.trace !== null) this.trace({ type: 'signal', target: g, sig: SIGKILL, from: t });
    });
    // kernel_wait4(-1, __WALL): reap the zombies that were there before SIGCHLD was ignored.
    let dead: ThreadGroup[] | null = null;
    for (let th = tg.threadHead; th; th = th.tnext) {
      for (let c = th.childHead; c; c = c.snext) {
        if (c.leader.state === TASK_ZOMBIE && c.nrThreads === 1) (dead ??= []).push(c);
      }
    }
    if (dead) for (const c of dead) this.release_task(c.leader, 'zap', t);
  }

  /** pid_allocated dropped in `ns` and its ancestors (free_pid): zaps waiting there may have ended. */
  private zapRecheckFrom(ns: PidNs | null): void {
    for (; ns !== null; ns = ns.parent) {
      if (ns.zapper !== null && !ns.zapRecheck) {
        ns.zapRecheck = true;
        this.zapRechecks++;
      }
    }
  }

  /** The rest of do_exit for an init whose namespace has emptied. */
  private finish_zap(ns: PidNs): void {
    const t = ns.zapper as Task;
    ns.zapper = null;
    if (this.trace !== null) this.trace({ type: 'zap-done', ns, init: t });
    if (t.childHead) this.reparent_children(t, t);
    this.exit_notify_tail(t);
  }

  /**
   * release_task: the thread leaves its group, its struct pid is freed
   * (free_pid: every level's number returned), and when a non-leader was the
   * last thread beside a zombie leader, the leader is notified. Releasing a
   * leader also removes the process from its parent's children list.
   */
  private release_task(t: Task, how: 'wait' | 'autoreap' | 'zap' | 'thread', by: Task | null): void {
    if (this.trace !== null) this.trace({ type: 'release', task: t, how, by });
    const tg = t.tg;
    // unlink from the thread list
    const prev = t.tprev;
    const next = t.tnext;
    if (prev) prev.tnext = next;
    else tg.threadHead = next;
    if (next) next.tprev = prev;
    else tg.threadTail = prev;
    t.tprev = t.tnext = null;
    tg.nrThreads--;
    if (t === tg.leader) {
      this.unlinkChild(tg);
      this.unlinkNsMember(tg);
    }
    t.state = TASK_DEAD;
    this.tasks[t.id] = null;
    this.freeIds.push(t.id);
    t.id = -1;
    this.nrTasks--;
    this.core.free_pid(t.pid);
    if (this.zapping.length !== 0) this.zapRecheckFrom(tg.pidns);
    this.unrefPidNs(tg.pidns);
    if (t !== tg.leader) {
      const leader = tg.leader;
      if (leader.state === TASK_ZOMBIE && tg.nrThreads === 1) this.do_notify_parent(tg);
    }
    // An init's process is never reused: a dead namespace keeps naming its
    // child_reaper. A released leader's stale zombie-heap entries hold an
    // older seq, which a reuse never matches (linkChild hands out a new one).
    if (this.recycle && (tg.flags & SIGNAL_UNKILLABLE) === 0) {
      // Its children were handed over at its exit; the list head and heap are kept for the next user.
      const kids = t.kids;
      if (kids !== null) {
        kids.head = kids.tail = null;
        if (kids.zombies !== null) kids.zombies.clear();
      }
      this.taskCache.push(t);
    }
  }

  /**
   * Visit every process whose active namespace is `ns` or below it:
   * namespace by namespace, parents first, processes in creation order.
   * The visitor may mark processes but must not release any.
   */
  forEachProcessBelow(ns: PidNs, fn: (tg: ThreadGroup) => void): void {
    for (let cur: PidNs | null = ns; cur !== null; cur = nsPreorderNext(cur, ns)) {
      for (let g = cur.procHead; g; g = g.nnext) fn(g);
    }
  }

  // ---------------------------------------------------------------------
  // Signals: kill_something_info and friends (rules 19, 20, 22).

  /**
   * group_send_sig_info for SIG 0, SIGKILL or SIGTERM from thread `sender`.
   * A namespace init (SIGNAL_UNKILLABLE) drops the signal unless it is
   * SIGKILL from a sender with no pid in the init's namespace
   * (send_signal_locked's force; sig_task_ignored).
   */
  private send_sig(tg: ThreadGroup, sig: number, sender: Task): void {
    if (sig === 0) return;
    if ((tg.flags & SIGNAL_UNKILLABLE) !== 0) {
      const force = this.pid_nr_ns(sender.pid, tg.pidns) === 0;
      if (!(force && sig === SIGKILL)) return;
    }
    if (this.group_exit(tg, sig) && this.trace !== null) this.trace({ type: 'signal', target: tg, sig, from: sender });
  }

  /** kill(pid, sig) made by t; `pid` as t sees it. SIG is 0, 9 or 15 in the language (others act like 15). */
  kill(t: Task, pid: number, sig: number): number {
    if (t.state !== TASK_RUNNING) return this.fail(ESRCH, WHY.ACTOR_EXITED);
    const ns = t.tg.pidns;
    if (pid > 0) {
      // kill_proc_info: find_vpid, then the whole process of that thread.
      const p = this.core.find_pid_ns(pid, ns.handle);
      if (p === 0) return this.fail(ESRCH, WHY.KILL_NO_PID);
      this.send_sig(this.taskOfPid(p).tg, sig, t);
    } else if (pid === INT_MIN) {
      return this.fail(ESRCH, WHY.KILL_INT_MIN);
    } else if (pid === 0) {
      // The caller's process group is init's: every process, across namespaces.
      this.forEachProcessBelow(this.rootNs, (g) => this.send_sig(g, sig, t));
    } else if (pid === -1) {
      let count = 0;
      const self = t.tg;
      this.forEachProcessBelow(ns, (g) => {
        if (g === self || this.pid_nr_ns(g.leader.pid, ns) <= 1) return;
        count++;
        this.send_sig(g, sig, t);
      });
      if (count === 0) return this.fail(ESRCH, WHY.KILL_ALL_NONE);
    } else {
      // Every task is in init's process group, which no number ≥ 2 names.
      return this.fail(ESRCH, WHY.KILL_NO_PGRP);
    }
    this.runPending();
    return 0;
  }

  // ---------------------------------------------------------------------
  // waitpid(pid, &status, WNOHANG): kernel_wait4 / do_wait (rules 18, 22, 23).

  /**
   * Returns the reaped child's pid as t sees it (status in `waitStatus`),
   * 0 when there are children but none can be reaped, or an errno.
   */
  waitpid(t: Task, upid: number): number {
    if (t.state !== TASK_RUNNING) return this.fail(ESRCH, WHY.ACTOR_EXITED);
    if (upid === INT_MIN) return this.fail(ESRCH, WHY.WAIT_INT_MIN);
    const tg = t.tg;
    if (upid > 0) return this.do_wait_pid(t, upid);
    if (upid < -1) {
      // PIDTYPE_PGID: every child is in init's process group, which -N (N ≥ 2) never names.
      return tg.nrChildren === 0 ? this.fail(ECHILD, WHY.WAIT_NO_CHILDREN) : this.fail(ECHILD, WHY.WAIT_NOT_CHILD);
    }
    if (tg.nrChildren === 0) return this.fail(ECHILD, WHY.WAIT_NO_CHILDREN);
    // Own children first, then the other threads' in thread-list order after t.
    let th: Task = t;
    do {
      const z = this.reapable(th);
      if (z) return this.wait_task_zombie(t, z);
      th = th.tnext ?? (tg.threadHead as Task);
    } while (th !== t);
    return 0;
  }

  /** The oldest reapable zombie among th's children (dropping stale heap entries). */
  private reapable(th: Task): ThreadGroup | null {
    const heap = th.zombies;
    if (heap === null) return null;
    while (heap.keys.length > 0) {
      const c = heap.items[0];
      if (c.seq === heap.keys[0] && c.parent === th && c.leader.state === TASK_ZOMBIE) return c;
      heap.pop();
    }
    return null;
  }

  /** do_wait_pid: the process whose leader has this pid, if it is a child of t's process. */
  private do_wait_pid(t: Task, upid: number): number {
    const p = this.core.find_pid_ns(upid, t.tg.pidns.handle);
    if (p === 0) return this.fail(ECHILD, WHY.WAIT_NOT_CHILD);
    const task = this.taskOfPid(p);
    const c = task.tg;
    // pid_task(pid, PIDTYPE_TGID) is NULL for a non-leader thread (rule 23).
    if (task !== c.leader || c.parent === null || c.parent.tg !== t.tg) return this.fail(ECHILD, WHY.WAIT_NOT_CHILD);
    if (task.state === TASK_ZOMBIE && c.nrThreads === 1) return this.wait_task_zombie(t, c);
    return 0;
  }

  /** wait_task_zombie: report and release_task the child. */
  private wait_task_zombie(t: Task, c: ThreadGroup): number {
    const nr = this.pid_nr_ns(c.leader.pid, t.tg.pidns);
    this.waitStatus = c.exitStatus;
    const parent = c.parent as Task;
    const heap = parent.zombies;
    this.release_task(c.leader, 'wait', t);
    if (heap !== null && heap.keys.length > 0) {
      if (heap.items[0] === c && heap.keys[0] === c.seq) heap.pop();
      // Reaping by pid leaves stale entries below the top: drop them once
      // they outnumber the children (amortised O(1) per reap).
      else if (heap.keys.length > 64 && heap.keys.length > 2 * parent.tg.nrChildren) {
        heap.compact((key, g) => g.seq === key && g.parent === parent && g.leader.state === TASK_ZOMBIE);
      }
    }
    this.runPending();
    return nr;
  }

  // ---------------------------------------------------------------------
  // Identity calls and sysctls.

  getpid(t: Task): number {
    if (t.state !== TASK_RUNNING) return this.fail(ESRCH, WHY.ACTOR_EXITED);
    return this.pid_nr_ns(t.tg.leader.pid, t.tg.pidns);
  }

  gettid(t: Task): number {
    if (t.state !== TASK_RUNNING) return this.fail(ESRCH, WHY.ACTOR_EXITED);
    return this.pid_nr_ns(t.pid, t.tg.pidns);
  }

  /** getppid: the real parent's tgid in t's namespace, 0 when it has none there (rule 21). */
  getppid(t: Task): number {
    if (t.state !== TASK_RUNNING) return this.fail(ESRCH, WHY.ACTOR_EXITED);
    const parent = t.tg.parent;
    return parent === null ? 0 : this.pid_nr_ns(parent.tg.leader.pid, t.tg.pidns);
  }

  /** The NSpid line of t's /proc/PID/status, root level first (rule: acting task). */
  nspid(t: Task): number[] | number {
    if (t.state !== TASK_RUNNING) return this.fail(ESRCH, WHY.ACTOR_EXITED);
    return this.nspidOf(t);
  }

  /**
   * Read /proc/sys/kernel/ns_last_pid as t (its active namespace): cursor - 1,
   * which is -1 before any cyclic allocation (rule 6). Errors are therefore
   * only -ESRCH (below -1).
   */
  ns_last_pid(t: Task): number {
    if (t.state !== TASK_RUNNING) return this.fail(ESRCH, WHY.ACTOR_EXITED);
    return this.core.ns_last_pid(t.tg.pidns.handle);
  }

  set_ns_last_pid(t: Task, v: number): number {
    if (t.state !== TASK_RUNNING) return this.fail(ESRCH, WHY.ACTOR_EXITED);
    const r = this.core.set_ns_last_pid(t.tg.pidns.handle, v);
    return r < 0 ? this.fail(-r, WHY.NS_LAST_PID_RANGE) : 0;
  }

  /** Read /proc/sys/kernel/pid_max as t (per namespace since 6.14). */
  pid_max(t: Task): number {
    if (t.state !== TASK_RUNNING) return this.fail(ESRCH, WHY.ACTOR_EXITED);
    return this.core.pid_max(t.tg.pidns.handle);
  }

  set_pid_max(t: Task, v: number): number {
    if (t.state !== TASK_RUNNING) return this.fail(ESRCH, WHY.ACTOR_EXITED);
    if (v < PID_MAX_MIN || v > PID_MAX_LIMIT) return this.fail(EINVAL, WHY.PID_MAX_RANGE);
    const r = this.core.set_pid_max(t.tg.pidns.handle, v);
    return r < 0 ? this.fail(-r, WHY.PID_MAX_RANGE) : 0;
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
    return this.pidAllocated(ns);
  }
}
