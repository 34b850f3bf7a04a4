/**
 * waitpid(pid, &status, WNOHANG) (kernel/exit.c, 6.18): kernel_wait4 /
 * do_wait, do_wait_pid, wait_task_zombie (rules 18, 22, 23). Reapable
 * zombies come from each thread's ZombieHeap, oldest children-list
 * position first.
 */
import { ECHILD, ESRCH } from '../core/errno.js';
import type { Kernel } from './kernel.js';
import { release_task } from './exit.js';
import { TASK_RUNNING, TASK_ZOMBIE, type PidRoles, type Task, type ThreadGroup, type ZombieHeap } from './objects.js';
import { find_pgrp } from './pgrp.js';
import { pid_nr_ns, taskOfPidOrNull } from './pid.js';
import { runPending } from './pid_namespace.js';
import { WHY } from './why.js';

const INT_MIN = -2147483648;

/**
 * Returns the reaped child's pid as t sees it (status in `waitStatus`),
 * 0 when there are children but none can be reaped, or an errno.
 */
export function waitpid(k: Kernel, t: Task, upid: number): number {
  if (t.state !== TASK_RUNNING) return k.fail(ESRCH, WHY.ACTOR_EXITED);
  if (upid === INT_MIN) return k.fail(ESRCH, WHY.WAIT_INT_MIN);
  const tg = t.tg;
  if (upid > 0) return do_wait_pid(k, t, upid);
  if (tg.nrChildren === 0) return k.fail(ECHILD, WHY.WAIT_NO_CHILDREN);
  if (upid !== -1) return do_wait_pgrp(k, t, upid === 0 ? (tg.pgrp as PidRoles) : find_pgrp(k, t, -upid));
  // Own children first, then the other threads' in thread-list order after t.
  let th: Task = t;
  do {
    const z = reapable(k, th);
    if (z) return wait_task_zombie(k, t, z);
    th = th.tnext ?? (tg.threadHead as Task);
  } while (th !== t);
  return 0;
}

/**
 * do_wait with PIDTYPE_PGID (wait 0: the caller's current group; wait -N:
 * group N as the caller sees it): only children in that group count
 * (eligible_pid); the first reapable one in children-list order, own
 * children first then the other threads' (session rule 17). ECHILD when no
 * child is in the group.
 */
export function do_wait_pgrp(k: Kernel, t: Task, pg: PidRoles | null): number {
  if (pg === null) return k.fail(ECHILD, WHY.WAIT_NOT_CHILD);
  const tg = t.tg;
  let found = false;
  let th: Task = t;
  do {
    for (let c = th.childHead; c !== null; c = c.snext) {
      if (c.pgrp !== pg) continue;
      if (c.leader.state === TASK_ZOMBIE && c.nrThreads === 1) return wait_task_zombie(k, t, c);
      found = true;
    }
    th = th.tnext ?? (tg.threadHead as Task);
  } while (th !== t);
  return found ? 0 : k.fail(ECHILD, WHY.WAIT_NOT_CHILD);
}

/** The oldest reapable zombie among th's children (dropping stale heap entries). */
export function reapable(k: Kernel, th: Task): ThreadGroup | null {
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
export function do_wait_pid(k: Kernel, t: Task, upid: number): number {
  const p = k.core.find_pid_ns(upid, t.tg.pidns.handle);
  const task = p === 0 ? null : taskOfPidOrNull(k, p);
  if (task === null) return k.fail(ECHILD, WHY.WAIT_NOT_CHILD);
  const c = task.tg;
  // pid_task(pid, PIDTYPE_TGID) is NULL for a non-leader thread (rule 23).
  if (task !== c.leader || c.parent === null || c.parent.tg !== t.tg) return k.fail(ECHILD, WHY.WAIT_NOT_CHILD);
  if (task.state === TASK_ZOMBIE && c.nrThreads === 1) return wait_task_zombie(k, t, c);
  return 0;
}

/** Drop the stale entries of parent's zombie heap (out of line: its closure would weigh on wait_task_zombie's inlining). */
function compact_zombies(heap: ZombieHeap, parent: Task): void {
  heap.compact((key, g) => g.seq === key && g.parent === parent && g.leader.state === TASK_ZOMBIE);
}

/** wait_task_zombie: report and release_task the child. */
export function wait_task_zombie(k: Kernel, t: Task, c: ThreadGroup): number {
  const nr = pid_nr_ns(k, c.leader.pid, t.tg.pidns);
  k.waitStatus = c.exitStatus;
  const parent = c.parent as Task;
  const heap = parent.zombies;
  release_task(k, c.leader, 'wait', t);
  if (heap !== null && heap.keys.length > 0) {
    if (heap.items[0] === c && heap.keys[0] === c.seq) heap.pop();
    // Reaping by pid leaves stale entries below the top: drop them once
    // they outnumber the children (amortised O(1) per reap).
    else if (heap.keys.length > 64 && heap.keys.length > 2 * parent.tg.nrChildren) compact_zombies(heap, parent);
  }
  runPending(k);
  return nr;
}

