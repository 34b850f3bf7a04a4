/**
 * The kernel model's objects: threads (task_struct), processes
 * (signal_struct + the thread-group leader's place in its parent's children
 * list), pid namespaces as the kernel model sees them, and nsproxy.
 *
 * Every class has fixed fields initialised in its constructor, so V8 keeps
 * one hidden class per type (monomorphic access on the fork/exit/wait path).
 * Lists are intrusive and doubly linked: append and unlink are O(1) and no
 * array is copied per fork. Numbers (pids) are not stored here: they live in
 * the pid core's memory (struct pid) and are read through layout.ts offsets.
 */

/** task_struct states as the model needs them. */
export const TASK_RUNNING = 0;
/** PF_EXITING set (a fatal signal or exit_group marked it), do_exit not run yet. */
export const TASK_EXITING = 1;
/** A namespace's child reaper blocked in zap_pid_ns_processes (PF_EXITING, exit_state 0). */
export const TASK_ZAPWAIT = 2;
/** EXIT_ZOMBIE: holds its struct pid until reaped (or, for a leader, until its threads are gone). */
export const TASK_ZOMBIE = 3;
/** Released (release_task): its struct pid is freed; the object is garbage. */
export const TASK_DEAD = 4;

/** State names as the typed API's views show them (api.ts TaskState). */
export const TASK_STATE_NAMES: readonly string[] = ['running', 'exiting', 'zap-wait', 'zombie', 'reaped'];

/** Node's util.inspect hook, by its registered symbol (no node: import, so browsers load this file too). */
export const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom');

/** What the typed API gives a kernel's objects to describe themselves with (api.ts PidnsKernel). */
export interface TaskDescriber {
  /** JSON of a task: its numbers and state. */
  taskJSON(t: Task): unknown;
  /** One line for util.inspect, e.g. `NSpid 3 1, running`. */
  taskText(t: Task): string;
}

/** signal_struct flags. */
export const SIGNAL_GROUP_EXIT = 1;
/** SIGNAL_UNKILLABLE: the process is (or was) the child reaper of its namespace. */
export const SIGNAL_UNKILLABLE = 2;
/** The process's SIGCHLD action is SIG_IGN (set by zap_pid_ns_processes): its children autoreap. */
export const SIGCHLD_IGNORED = 4;
/** In the kernel model's queue of processes whose threads still have to run do_exit. */
export const GROUP_QUEUED = 8;
/** signal->leader: the process is a session leader (setsid; the root init from the start). Not inherited. */
export const SIGNAL_LEADER = 16;
/** signal->is_child_subreaper (PR_SET_CHILD_SUBREAPER). */
export const IS_CHILD_SUBREAPER = 32;
/** signal->has_child_subreaper: some ancestor was a subreaper when this process was made or when it set the flag (propagate_has_child_subreaper). */
export const HAS_CHILD_SUBREAPER = 64;

/**
 * A thread (task_struct) and, on a thread-group leader, its process
 * (signal_struct plus the leader's place in its parent's children list).
 *
 * Differs from the kernel on purpose: the process's fields live in its
 * leader's object instead of a separate signal_struct, and `tg` points to
 * the leader (itself for a leader). The kernel can move the leader role
 * (de_thread at exec), the model cannot (no exec), so the leader's object
 * lives exactly as long as the process: it is released last. One object per
 * single-threaded process instead of two saves memory and, on every
 * exit and reap, a cache miss.
 *
 * Invariants: `tg` never changes; `pid` is the thread's struct pid (core
 * handle), valid until state TASK_DEAD; `nsproxy` is null from do_exit on
 * (exit_task_namespaces); `childHead..childTail` lists the processes whose
 * real_parent is this thread, in the kernel's children-list order
 * (ascending `seq`). The process fields below `state` are meaningful on a
 * leader only and must be read through `t.tg`. On it: `threadHead` is the
 * leader while it is not released; `live` counts threads in TASK_RUNNING;
 * `nrThreads` counts unreleased threads; `nrChildren` counts the processes on
 * the children lists of all its threads.
 */
export class Task {
  /** Index in Kernel.tasks (also written to the struct pid's task slot as id+1); -1 once released. */
  id: number;
  /** struct pid (core handle). */
  pid: number;
  /** The thread-group leader: the object that holds the process's fields. */
  tg: Task;
  /** Thread list (signal->thread_head order: leader first, then creation order). */
  tprev: Task | null = null;
  tnext: Task | null = null;
  /**
   * The children list and zombie heap, created on the first child. Differs
   * from task_struct (which embeds the list head) for memory: most tasks of
   * a storm never have a child, and every Task saves three fields. childHead / childTail / zombies below read and write it.
   */
  kids: TaskChildren | null = null;
  nsproxy: NsProxy | null;
  state: number = TASK_RUNNING;

  // The process (leader only).
  threadHead: Task | null = null;
  threadTail: Task | null = null;
  nrThreads = 0;
  live = 0;
  flags = 0;
  /** Wait status once the whole group is dead (group_exit_code or the last thread's code). */
  exitStatus = 0;
  /** real_parent (a thread); null for the root init, whose parent is outside the model. */
  parent: Task | null = null;
  // The three list links of a process are side by side: release_task
  // unlinks it from all three, and a process's neighbours in the children
  // list, its namespace's process list and its group are often the same
  // processes (all in fork order), so the writes to them share cache lines.
  /** Place in parent's children list; `seq` increases along the list. */
  sprev: Task | null = null;
  snext: Task | null = null;
  /** Membership in pidns's process list (for kill(-1) and zap_pid_ns_processes). */
  nprev: Task | null = null;
  nnext: Task | null = null;
  /** Membership in pgrp's member list (the struct pid's tasks[PIDTYPE_PGID]). */
  pgprev: Task | null = null;
  pgnext: Task | null = null;
  /**
   * signal->pids[PIDTYPE_PGID]: the roles of the struct pid that is the
   * process's group (null on other threads and after release_task). Its
   * session (signal->pids[PIDTYPE_SID]) is the group's: `pgrp.sess`.
   */
  pgrp: PidRoles | null = null;
  seq = 0;
  nrChildren = 0;
  /** The active pid namespace (numbers[level].ns of the leader's struct pid); the group's, on every thread. */
  pidns: PidNs;
  /** The group and session roles of this process's own pid, while it has any (PidRoles.owner is then this Task). */
  roles: PidRoles | null = null;

  /** `tg` null: a new process, whose leader this is. */
  constructor(id: number, pid: number, tg: Task | null, nsproxy: NsProxy, pidns: PidNs) {
    this.id = id;
    this.pid = pid;
    this.tg = tg ?? this;
    this.nsproxy = nsproxy;
    this.pidns = pidns;
  }

  /** The process's leader (the group_leader of every thread). */
  get leader(): Task {
    return this.tg;
  }

  /**
   * @internal The children-list object, made on first use (the accessors
   * below write a null to a missing one as a no-op; linkChild takes it once
   * for both ends of the list).
   */
  ownKids(): TaskChildren {
    return this.kids ?? (this.kids = new TaskChildren());
  }

  /** children list of this thread: process leaders, oldest first. */
  get childHead(): Task | null {
    return this.kids === null ? null : this.kids.head;
  }
  set childHead(v: Task | null) {
    if (v !== null || this.kids !== null) this.ownKids().head = v;
  }
  get childTail(): Task | null {
    return this.kids === null ? null : this.kids.tail;
  }
  set childTail(v: Task | null) {
    if (v !== null || this.kids !== null) this.ownKids().tail = v;
  }
  /** Reapable zombie children of this thread, keyed by children-list position (lazy deletion). */
  get zombies(): ZombieHeap | null {
    return this.kids === null ? null : this.kids.zombies;
  }
  set zombies(v: ZombieHeap | null) {
    if (v !== null || this.kids !== null) this.ownKids().zombies = v;
  }

  /**
   * Plain data for JSON.stringify: the task's NSpid and state, described by
   * the typed API that wraps its kernel (describerOf its root namespace);
   * without one (a raw Kernel), only the state. Never the
   * object graph (parents, children and threads link back: cycles).
   */
  toJSON(): unknown {
    const d = describerOf(this.pidns);
    return d !== null ? d.taskJSON(this) : { state: TASK_STATE_NAMES[this.state] };
  }

  /** `Task { NSpid 3 1, running }`: for String(task), template strings and util.inspect. */
  toString(): string {
    const d = describerOf(this.pidns);
    return d !== null ? `Task { ${d.taskText(this)} }` : `Task { ${TASK_STATE_NAMES[this.state]} }`;
  }

  /** util.inspect / console.log in Node (a symbol, not a node: import: browser-safe). */
  [INSPECT](): string {
    return this.toString();
  }
}

/**
 * A process, named by its leader's Task (which holds the signal_struct
 * fields). The name marks the places that deal with whole processes.
 */
export type ThreadGroup = Task;

/**
 * The PGID and SID roles of one struct pid (its tasks[PIDTYPE_PGID] and
 * tasks[PIDTYPE_SID] lists, the second one counted per group; pgrp.ts): made when the pid first becomes a
 * process group or session id, dropped when the last user leaves. While it
 * has users the pid's numbers stay allocated at every level, also after its
 * own task is released (owner null): __change_pid and __unhash_process call
 * free_pid only once no task uses the pid in any role.
 */
export class PidRoles {
  /** The struct pid (core handle). */
  readonly pid: number;
  /** Its deepest namespace (the one its free drops a reference on). */
  readonly ns: PidNs;
  /** The process whose pid it is (PIDTYPE_PID / TGID), null once released. */
  owner: Task | null;
  /** Processes with this pgid: a list (join order) and its length. */
  pgHead: Task | null = null;
  pgTail: Task | null = null;
  nrPg = 0;
  /**
   * While it is a group (nrPg > 0): the session of every member. Differs
   * from the kernel on purpose: the kernel keeps each process's sid in
   * signal->pids[PIDTYPE_SID]; since every member of a group is in one
   * session (setsid and setpgid keep it so), the model keeps it once per
   * group, and a fork costs no session bookkeeping.
   */
  sess: PidRoles | null = null;
  /** How many groups (PidRoles with members) have this pid as their session: it is a session id while > 0. */
  nrSid = 0;
  /** The released process whose pid it was (for the pid-free trace event only; stale once a recycled Task is reused). */
  was: Task | null = null;

  constructor(pid: number, ns: PidNs, owner: Task) {
    this.pid = pid;
    this.ns = ns;
    this.owner = owner;
  }
}

/** The rarely used part of a Task (Task.kids): its children list and zombie heap. */
export class TaskChildren {
  head: Task | null = null;
  tail: Task | null = null;
  zombies: ZombieHeap | null = null;
}

/**
 * A pid namespace as the kernel model sees it; the numbers half (allocator,
 * cursor, pid_max, pid_allocated) lives in the core at `handle`.
 * `refs` mirrors the references the core counts on the namespace (nsproxies
 * naming it as pid_for_children, struct pids whose deepest level it is,
 * child namespaces); at zero the core frees it and this object leaves its
 * parent's list of children.
 */
export class PidNs {
  readonly handle: number;
  readonly level: number;
  readonly parent: PidNs | null;
  /** pid_ns->child_reaper: a thread of the init process; null until pid 1 is published. */
  childReaper: Task | null = null;
  /** The thread blocked in zap_pid_ns_processes, and the pid_allocated value it waits for. */
  zapper: Task | null = null;
  zapInitPids = 0;
  /** Start order of its zap (Kernel.zapStarts when it began): ends ties between zaps that can end. */
  zapSeq = 0;
  /** While zapping: pid_allocated is down to zapInitPids, the namespace is in Kernel.zapReady. */
  zapReady = false;
  refs = 0;
  /** Processes whose active namespace this is, in creation order. */
  procHead: ThreadGroup | null = null;
  procTail: ThreadGroup | null = null;
  /** Child namespaces (creation order). */
  kidHead: PidNs | null = null;
  kidTail: PidNs | null = null;
  kprev: PidNs | null = null;
  knext: PidNs | null = null;
  /** Stable identity for views and debugging (creation counter). */
  readonly serial: number;

  constructor(handle: number, level: number, parent: PidNs | null, serial: number) {
    this.handle = handle;
    this.level = level;
    this.parent = parent;
    this.serial = serial;
  }

  /** Plain data for JSON.stringify: the id the views use and the level (the links make cycles). */
  toJSON(): { id: number; level: number } {
    return { id: this.serial, level: this.level };
  }

  [INSPECT](): string {
    return `PidNs { id: ${this.serial}, level: ${this.level} }`;
  }
}

/** The root of `ns`'s tree (at most MAX_PID_NS_LEVEL steps). */
export function rootNsOf(ns: PidNs): PidNs {
  let r = ns;
  while (r.parent !== null) r = r.parent;
  return r;
}

/**
 * The typed API (api.ts) that wraps a kernel, by the kernel's root
 * namespace: it describes the kernel's tasks for toJSON / util.inspect. A
 * WeakMap, not a field: deep-equality and structured walks over a Task
 * must not reach the kernel and its core's memory through it.
 */
const describers = new WeakMap<PidNs, TaskDescriber>();

/** Register the describer of the kernel whose root namespace is `root`. */
export function setDescriber(root: PidNs, d: TaskDescriber): void {
  describers.set(root, d);
}

export function describerOf(ns: PidNs): TaskDescriber | null {
  return describers.get(rootNsOf(ns)) ?? null;
}

/**
 * struct nsproxy: per thread, shared (count) until a clone with CLONE_NEW*,
 * unshare or setns gives the thread its own copy. Non-pid namespaces are
 * identities only (a serial number): nothing in the language depends on
 * their contents. There is no `time` namespace (not in the language).
 */
export class NsProxy {
  count = 1;
  mnt: number;
  uts: number;
  ipc: number;
  net: number;
  cgroup: number;
  pidForChildren: PidNs;

  constructor(mnt: number, uts: number, ipc: number, net: number, cgroup: number, pidForChildren: PidNs) {
    this.mnt = mnt;
    this.uts = uts;
    this.ipc = ipc;
    this.net = net;
    this.cgroup = cgroup;
    this.pidForChildren = pidForChildren;
  }
}

/**
 * Min-heap of reapable zombie children of one thread, keyed by their
 * children-list sequence, so waitpid(-1) takes the oldest in O(log n).
 * Entries go stale when the child is reaped by pid or moves to another
 * parent (its `seq` changes); they are dropped when they reach the top.
 */
export class ZombieHeap {
  keys: number[] = [];
  items: ThreadGroup[] = [];

  get size(): number { return this.keys.length; }

  push(key: number, item: ThreadGroup): void {
    const keys = this.keys;
    const items = this.items;
    let i = keys.length;
    keys.push(key);
    items.push(item);
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (keys[up] <= key) break;
      keys[i] = keys[up];
      items[i] = items[up];
      i = up;
    }
    keys[i] = key;
    items[i] = item;
  }

  /** Remove the top entry. */
  pop(): void {
    const keys = this.keys;
    const items = this.items;
    const n = keys.length - 1;
    const key = keys[n];
    const item = items[n];
    keys.pop();
    items.pop();
    if (n === 0) return;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && keys[c + 1] < keys[c]) c++;
      if (keys[c] >= key) break;
      keys[i] = keys[c];
      items[i] = items[c];
      i = c;
    }
    keys[i] = key;
    items[i] = item;
  }

  clear(): void {
    // Writing `length` is a runtime call even on an empty array: skip it then.
    if (this.keys.length === 0) return;
    this.keys.length = 0;
    this.items.length = 0;
  }

  /** Keep only the entries `valid` accepts and restore the heap order (Floyd's heapify). */
  compact(valid: (key: number, item: ThreadGroup) => boolean): void {
    const keys = this.keys;
    const items = this.items;
    let n = 0;
    for (let i = 0; i < keys.length; i++) {
      if (valid(keys[i], items[i])) {
        keys[n] = keys[i];
        items[n] = items[i];
        n++;
      }
    }
    keys.length = n;
    items.length = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) {
      const key = keys[i];
      const item = items[i];
      let j = i;
      for (;;) {
        let c = 2 * j + 1;
        if (c >= n) break;
        if (c + 1 < n && keys[c + 1] < keys[c]) c++;
        if (keys[c] >= key) break;
        keys[j] = keys[c];
        items[j] = items[c];
        j = c;
      }
      keys[j] = key;
      items[j] = item;
    }
  }
}
