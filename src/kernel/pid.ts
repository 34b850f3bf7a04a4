/**
 * Numbers of a struct pid (kernel/pid.c, 6.18): pid_nr_ns and the NSpid
 * line read from the core's memory (layout.ts), the task a published
 * struct pid names, pid_allocated; the identity calls that read them
 * (getpid, gettid, getppid: kernel/sys.c) and the per-namespace sysctls
 * ns_last_pid (kernel/pid_namespace.c) and pid_max (kernel/pid.c).
 */
import { EINVAL, ESRCH } from '../core/errno.js';
import {
  NS_PID_ALLOCATED,
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
import type { Kernel } from './kernel.js';
import { unrefPidNs, zapRecheckFrom } from './pid_namespace.js';
import { TASK_RUNNING, type PidNs, type Task } from './objects.js';
import { WHY } from './why.js';

const PID_ALLOCATED_MASK = ~PIDNS_ADDING >>> 0;

/** pid_nr_ns: the number of struct pid `pid` in `ns`, 0 when not visible there. */
export function pid_nr_ns(k: Kernel, pid: number, ns: PidNs): number {
  const u = k.core.u32();
  const lvl = ns.level;
  if (lvl > u[(pid + PID_LEVEL) >> 2]) return 0;
  const up = (pid + PID_HEADER + lvl * UPID_SIZE) >> 2;
  return u[up + (UPID_NS >> 2)] === ns.handle ? u[up + (UPID_NR >> 2)] : 0;
}

/** The NSpid numbers of a thread, root level first. */
export function nspidOf(k: Kernel, t: Task): number[] {
  return pidNumbers(k, t.pid);
}

/** The numbers of an allocated struct pid (core handle), root level first. */
export function pidNumbers(k: Kernel, pid: number): number[] {
  const u = k.core.u32();
  const level = u[(pid + PID_LEVEL) >> 2];
  const out = new Array<number>(level + 1);
  for (let i = 0; i <= level; i++) out[i] = u[(pid + PID_HEADER + i * UPID_SIZE + UPID_NR) >> 2];
  return out;
}

/** pid_task(pid, PIDTYPE_PID): the task owning a published struct pid, null for a pid kept only as a group or session id. */
export function taskOfPidOrNull(k: Kernel, pid: number): Task | null {
  const id = k.core.u32()[(pid + PID_TASK) >> 2];
  return id === 0 ? null : (k.tasks[id - 1] as Task);
}

/**
 * free_pid (kernel/pid.c) of struct pid `pid` whose deepest namespace is
 * `ns`, once no task uses it in any role: every level's number returned;
 * a namespace waiting in zap_pid_ns_processes may have emptied.
 */
export function free_pid(k: Kernel, pid: number, ns: PidNs): void {
  k.core.free_pid(pid);
  if (k.zapping.length !== 0) zapRecheckFrom(k, ns);
  unrefPidNs(k, ns);
}

/** The task owning a published struct pid known to have one. */
export function taskOfPid(k: Kernel, pid: number): Task {
  return k.tasks[k.core.u32()[(pid + PID_TASK) >> 2] - 1] as Task;
}

/** pid_allocated of a namespace without the PIDNS_ADDING flag. */
export function pidAllocated(k: Kernel, ns: PidNs): number {
  return (k.core.u32()[(ns.handle + NS_PID_ALLOCATED) >> 2] & PID_ALLOCATED_MASK) >>> 0;
}

export function getpid(k: Kernel, t: Task): number {
  if (t.state !== TASK_RUNNING) return k.fail(ESRCH, WHY.ACTOR_EXITED);
  return pid_nr_ns(k, t.tg.leader.pid, t.tg.pidns);
}

export function gettid(k: Kernel, t: Task): number {
  if (t.state !== TASK_RUNNING) return k.fail(ESRCH, WHY.ACTOR_EXITED);
  return pid_nr_ns(k, t.pid, t.tg.pidns);
}

/** getppid: the real parent's tgid in t's namespace, 0 when it has none there (rule 21). */
export function getppid(k: Kernel, t: Task): number {
  if (t.state !== TASK_RUNNING) return k.fail(ESRCH, WHY.ACTOR_EXITED);
  const parent = t.tg.parent;
  return parent === null ? 0 : pid_nr_ns(k, parent.tg.leader.pid, t.tg.pidns);
}

/** The NSpid line of t's /proc/PID/status, root level first (rule: acting task). */
export function nspid(k: Kernel, t: Task): number[] | number {
  if (t.state !== TASK_RUNNING) return k.fail(ESRCH, WHY.ACTOR_EXITED);
  return nspidOf(k, t);
}

/**
 * Read /proc/sys/kernel/ns_last_pid as t (its active namespace): cursor - 1,
 * which is -1 before any cyclic allocation (rule 6). Errors are therefore
 * only -ESRCH (below -1).
 */
export function ns_last_pid(k: Kernel, t: Task): number {
  if (t.state !== TASK_RUNNING) return k.fail(ESRCH, WHY.ACTOR_EXITED);
  return k.core.ns_last_pid(t.tg.pidns.handle);
}

export function set_ns_last_pid(k: Kernel, t: Task, v: number): number {
  if (t.state !== TASK_RUNNING) return k.fail(ESRCH, WHY.ACTOR_EXITED);
  const r = k.core.set_ns_last_pid(t.tg.pidns.handle, v);
  return r < 0 ? k.fail(-r, WHY.NS_LAST_PID_RANGE) : 0;
}

/** Read /proc/sys/kernel/pid_max as t (per namespace since 6.14). */
export function pid_max(k: Kernel, t: Task): number {
  if (t.state !== TASK_RUNNING) return k.fail(ESRCH, WHY.ACTOR_EXITED);
  return k.core.pid_max(t.tg.pidns.handle);
}

export function set_pid_max(k: Kernel, t: Task, v: number): number {
  if (t.state !== TASK_RUNNING) return k.fail(ESRCH, WHY.ACTOR_EXITED);
  if (v < PID_MAX_MIN || v > PID_MAX_LIMIT) return k.fail(EINVAL, WHY.PID_MAX_RANGE);
  const r = k.core.set_pid_max(t.tg.pidns.handle, v);
  return r < 0 ? k.fail(-r, WHY.PID_MAX_RANGE) : 0;
}

