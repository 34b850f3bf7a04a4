/**
 * The explorer's views as plain data, read from a live kernel: every pid
 * namespace, every task with its number in each namespace (struct pid's
 * numbers[i].nr, read from the core's memory through layout.ts), its
 * nsproxy, and a task's struct pid as the core lays it out. No DOM: the
 * page renders this, the tests compare it with the core's own state.
 */
import { PID_COUNT, PID_HEADER, PID_LEVEL, PID_TASK, UPID_NR, UPID_NS, UPID_SIZE, NS_CURSOR } from '../core/layout.js';
import type { Kernel } from '../kernel/kernel.js';
import { SIGNAL_LEADER, TASK_DEAD, TASK_EXITING, TASK_RUNNING, TASK_ZAPWAIT, TASK_ZOMBIE, type PidNs, type Task } from '../kernel/objects.js';
import type { ScenarioSession } from '../scenario/run.js';

export type TaskStateName = 'running' | 'exiting' | 'zap-wait' | 'zombie';

const STATE: Record<number, TaskStateName> = {
  [TASK_RUNNING]: 'running',
  [TASK_EXITING]: 'exiting',
  [TASK_ZAPWAIT]: 'zap-wait',
  [TASK_ZOMBIE]: 'zombie',
};

export interface NamespaceInfo {
  /** Creation serial, the `pidns#N` of traces. */
  id: number;
  level: number;
  parent: number | null;
  /** PIDNS_ADDING still set: new pids are accepted. */
  alive: boolean;
  /** The init process (child_reaper's thread-group leader), by scenario name. */
  init: string | null;
  /** child_reaper: the thread that reaps orphans (init's leader, or another thread of init once the leader exited). */
  reaper: string | null;
  /** The thread waiting in zap_pid_ns_processes. */
  zapping: string | null;
  pidMax: number;
  /** ns_last_pid (cursor - 1; -1 before the first cyclic allocation). */
  lastPid: number;
  /** The allocator's cursor (idr_next): where the next search starts. */
  cursor: number;
  /** pid_allocated without PIDNS_ADDING. */
  nrPids: number;
}

export interface NsproxyInfo {
  /** pid_ns_for_children, a pidns id. */
  pidForChildren: number;
  mnt: number;
  uts: number;
  ipc: number;
  net: number;
  cgroup: number;
  /** Threads sharing this nsproxy object. */
  shared: number;
}

export interface TaskRow {
  name: string;
  state: TaskStateName;
  /** The process's leader (itself for a leader). */
  leader: string;
  isThread: boolean;
  /** Its number in each namespace of `namespaces` (same order); null where it has none. */
  numbers: (number | null)[];
  /** NSpid: root level first. */
  nspid: number[];
  /** The active pid namespace (task_active_pid_ns: the deepest level of the leader's struct pid). */
  pidns: number;
  /** null once the thread has run exit_task_namespaces. */
  nsproxy: NsproxyInfo | null;
  /** pid_ns_for_children differs from the active namespace: CLONE_THREAD (and CLONE_NEWPID) fail. */
  straddles: boolean;
  /**
   * Its process group and session ids as its own (active) namespace sees
   * them (getpgid(0) / getsid(0); api.ts taskView): 0 where the id has no
   * number there (a namespace init still in its creator's session).
   */
  pgid: number;
  sid: number;
  /** Its process leads its session (setsid made it; SIGNAL_LEADER). */
  sessionLeader: boolean;
  /** Namespaces whose init this process is. */
  initOf: number[];
  /** Namespaces whose child_reaper this thread is. */
  reaperOf: number[];
}

export interface Snapshot {
  namespaces: NamespaceInfo[];
  tasks: TaskRow[];
}

/** A struct pid as the core lays it out (layout.ts). */
export interface StructPidView {
  task: string;
  /** Byte offset in the core's memory (the handle). */
  handle: number;
  count: number;
  level: number;
  /** The task slot (the embedder's id + 1). */
  taskSlot: number;
  /** Object size: PID_HEADER + UPID_SIZE * (level + 1). */
  size: number;
  /** The kernel's pid_cachep of that size: "pid" at level 0, "pid_<level+1>" deeper. */
  cache: string;
  numbers: { level: number; nr: number; nsHandle: number; ns: number | null }[];
}

function nameOf(session: ScenarioSession, t: Task | null): string | null {
  return t === null ? null : session.nameOf(t);
}

/** The unreleased tasks the scenario named, in the order it named them. */
export function liveTasks(session: ScenarioSession): Task[] {
  const out: Task[] = [];
  for (const n of session.definedNames()) {
    const t = session.task(n);
    if (t && t.state !== TASK_DEAD) out.push(t);
  }
  return out;
}

export function namespaceInfo(k: Kernel, session: ScenarioSession, ns: PidNs): NamespaceInfo {
  const core = k.core;
  const reaper = ns.childReaper;
  return {
    id: ns.serial,
    level: ns.level,
    parent: ns.parent ? ns.parent.serial : null,
    alive: k.nsAlive(ns),
    init: nameOf(session, reaper ? reaper.tg : null),
    reaper: nameOf(session, reaper),
    zapping: nameOf(session, ns.zapper),
    pidMax: core.pid_max(ns.handle),
    lastPid: core.ns_last_pid(ns.handle),
    cursor: core.u32()[(ns.handle + NS_CURSOR) >> 2],
    nrPids: k.nsPidCount(ns),
  };
}

export function snapshot(k: Kernel, session: ScenarioSession): Snapshot {
  const nss = k.namespaces();
  const namespaces = nss.map((ns) => namespaceInfo(k, session, ns));
  const tasks = liveTasks(session).map((t): TaskRow => {
    const nsp = t.nsproxy;
    return {
      name: session.nameOf(t),
      state: STATE[t.state],
      leader: session.nameOf(t.tg),
      isThread: t !== t.tg,
      numbers: nss.map((ns) => {
        const nr = k.pid_nr_ns(t.pid, ns);
        return nr === 0 ? null : nr;
      }),
      nspid: k.nspidOf(t),
      pidns: t.tg.pidns.serial,
      nsproxy: nsp === null ? null : {
        pidForChildren: nsp.pidForChildren.serial,
        mnt: nsp.mnt, uts: nsp.uts, ipc: nsp.ipc, net: nsp.net, cgroup: nsp.cgroup,
        shared: nsp.count,
      },
      straddles: nsp !== null && nsp.pidForChildren !== t.tg.pidns,
      // The group's and session's struct pids (pgrp.ts PidRoles), numbered in the task's own namespace.
      pgid: t.tg.pgrp ? k.pid_nr_ns(t.tg.pgrp.pid, t.tg.pidns) : 0,
      sid: t.tg.pgrp?.sess ? k.pid_nr_ns(t.tg.pgrp.sess.pid, t.tg.pidns) : 0,
      sessionLeader: (t.tg.flags & SIGNAL_LEADER) !== 0,
      initOf: nss.filter((ns) => ns.childReaper !== null && ns.childReaper.tg === t).map((ns) => ns.serial),
      reaperOf: nss.filter((ns) => ns.childReaper === t).map((ns) => ns.serial),
    };
  });
  return { namespaces, tasks };
}

/** The struct pid of the task named `name` (unreleased), read field by field from the core's memory. */
export function structPid(k: Kernel, session: ScenarioSession, name: string): StructPidView | null {
  const t = session.task(name);
  if (!t || t.state === TASK_DEAD) return null;
  const u = k.core.u32();
  const p = t.pid;
  const level = u[(p + PID_LEVEL) >> 2];
  const byHandle = new Map(k.namespaces().map((ns) => [ns.handle, ns.serial]));
  const numbers = [];
  for (let i = 0; i <= level; i++) {
    const at = p + PID_HEADER + i * UPID_SIZE;
    const nsHandle = u[(at + UPID_NS) >> 2];
    numbers.push({ level: i, nr: u[(at + UPID_NR) >> 2], nsHandle, ns: byHandle.get(nsHandle) ?? null });
  }
  return {
    task: name,
    handle: p,
    count: u[(p + PID_COUNT) >> 2],
    level,
    taskSlot: u[(p + PID_TASK) >> 2],
    size: PID_HEADER + UPID_SIZE * (level + 1),
    cache: level === 0 ? 'pid' : `pid_${level + 1}`,
    numbers,
  };
}
