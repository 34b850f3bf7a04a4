/**
 * Exit (kernel/exit.c, 6.18): exit / exit_group, do_group_exit's marking of
 * a process, do_exit, exit_notify, forget_original_parent's hand-over
 * (find_child_reaper, find_new_reaper, reparent_leader), do_notify_parent
 * and release_task.
 */
import { ESRCH } from '../core/errno.js';
import type { Kernel, KernelEvent } from './kernel.js';
import { put_nsproxy } from './nsproxy.js';
import {
  GROUP_QUEUED,
  HAS_CHILD_SUBREAPER,
  IS_CHILD_SUBREAPER,
  SIGCHLD_IGNORED,
  SIGNAL_GROUP_EXIT,
  SIGNAL_UNKILLABLE,
  TASK_DEAD,
  TASK_EXITING,
  TASK_RUNNING,
  TASK_ZOMBIE,
  ZombieHeap,
  type Task,
  type ThreadGroup,
} from './objects.js';
import { unlinkChild, unlinkNsMember } from './fork.js';
import { detach_held, detach_pgrp } from './pgrp.js';
import { free_pid } from './pid.js';
import { runPending, zap_pid_ns_processes } from './pid_namespace.js';
import { WHY } from './why.js';

/** exit_group(code): the whole thread group ends with status code & 0xff (rule 15). */
export function exit_group(k: Kernel, t: Task, code: number): number {
  if (t.state !== TASK_RUNNING) return k.fail(ESRCH, WHY.ACTOR_EXITED);
  group_exit(k, t.tg, (code & 0xff) << 8);
  runPending(k);
  return 0;
}

/**
 * exit(code) (SYS_exit) of one thread. The last thread's code becomes the
 * process's status unless a group exit set one (rule 15).
 */
export function exit(k: Kernel, t: Task, code: number): number {
  if (t.state !== TASK_RUNNING) return k.fail(ESRCH, WHY.ACTOR_EXITED);
  const tg = t.tg;
  const status = (code & 0xff) << 8;
  t.state = TASK_EXITING;
  if (--tg.live === 0 && (tg.flags & SIGNAL_GROUP_EXIT) === 0) tg.exitStatus = status;
  do_exit(k, t);
  runPending(k);
  return 0;
}

/**
 * A fatal signal or exit_group reaching a process (complete_signal /
 * do_group_exit): SIGNAL_GROUP_EXIT with `status`, every live thread
 * marked PF_EXITING, the process queued for do_exit. No effect when the
 * group is already exiting or has no live thread (an init waiting in
 * zap_pid_ns_processes, a zombie). Returns whether it took effect.
 */
export function group_exit(k: Kernel, tg: ThreadGroup, status: number): boolean {
  if ((tg.flags & SIGNAL_GROUP_EXIT) !== 0 || tg.live === 0) return false;
  tg.flags |= SIGNAL_GROUP_EXIT | GROUP_QUEUED;
  tg.exitStatus = status;
  for (let th = tg.threadHead; th; th = th.tnext) {
    if (th.state === TASK_RUNNING) th.state = TASK_EXITING;
  }
  tg.live = 0;
  if (k.queued === k.queue.length) k.queue.push(tg);
  else k.queue[k.queued] = tg;
  k.queued++;
  return true;
}

/** do_exit: exit_task_namespaces, then exit_notify. */
export function do_exit(k: Kernel, t: Task): void {
  const nsp = t.nsproxy;
  if (nsp) {
    t.nsproxy = null;
    put_nsproxy(k, nsp);
  }
  exit_notify(k, t);
}

/** find_alive_thread: the first thread of the group (thread-list order) without PF_EXITING. */
export function find_alive_thread(k: Kernel, tg: ThreadGroup): Task | null {
  // None during a group exit: each exiting thread would otherwise walk the whole list.
  if (tg.live === 0) return null;
  for (let th = tg.threadHead; th; th = th.tnext) {
    k.work++;
    if (th.state === TASK_RUNNING) return th;
  }
  return null;
}

/**
 * exit_notify → forget_original_parent → find_child_reaper: a namespace's
 * reaper thread hands the role to a live thread of its group (rule 28) or,
 * with none left, runs zap_pid_ns_processes and waits (finish_zap resumes).
 */
export function exit_notify(k: Kernel, t: Task): void {
  const ns = t.tg.pidns;
  let reaper = ns.childReaper as Task;
  if (reaper === t) {
    const alive = find_alive_thread(k, t.tg);
    if (alive) {
      ns.childReaper = alive;
      reaper = alive;
      if (k.emit !== null) k.emit({ type: 'child-reaper', ns, task: alive });
    } else {
      zap_pid_ns_processes(k, ns, t);
      return;
    }
  }
  if (t.childHead) reparent_children(k, t, reaper);
  exit_notify_tail(k, t);
}

/**
 * The end of exit_notify: a leader becomes a zombie and, once it is the
 * only thread left, notifies its parent (do_notify_parent: autoreap when
 * the parent ignores SIGCHLD); any other thread is released at once.
 */
export function exit_notify_tail(k: Kernel, t: Task): void {
  t.state = TASK_ZOMBIE;
  const tg = t.tg;
  if (k.emit !== null) k.emit({ type: 'exit', task: t, zombie: t === tg.leader });
  if (t === tg.leader) {
    if (tg.nrThreads === 1) do_notify_parent(k, tg);
  } else {
    release_task(k, t, 'thread', null);
  }
}

/** do_notify_parent for a process whose leader just became reapable. */
export function do_notify_parent(k: Kernel, tg: ThreadGroup): void {
  const parent = tg.parent;
  if (parent === null) return; // the root init's parent is outside the model
  if ((parent.tg.flags & SIGCHLD_IGNORED) !== 0) {
    release_task(k, tg.leader, 'autoreap', null);
    return;
  }
  let heap = parent.zombies;
  if (heap === null) heap = parent.zombies = new ZombieHeap();
  heap.push(tg.seq, tg);
}

/**
 * find_new_reaper (kernel/exit.c): a live thread of the father's process;
 * else, when the father's process has_child_subreaper, the nearest
 * ancestor along real parents whose pid is at the father's level (its
 * namespace: never past the namespace init) that is a subreaper and has a
 * live thread, that thread; else the namespace's child reaper (rule 16,
 * session rules 20, 21).
 */
export function find_new_reaper(k: Kernel, father: Task, childReaper: Task): Task {
  const alive = find_alive_thread(k, father.tg);
  if (alive !== null) return alive;
  if ((father.tg.flags & HAS_CHILD_SUBREAPER) !== 0) {
    const level = father.tg.pidns.level;
    for (let r = father.tg.parent; r !== null && r.tg.pidns.level === level; r = r.tg.parent) {
      if ((r.tg.flags & IS_CHILD_SUBREAPER) === 0) continue;
      const th = find_alive_thread(k, r.tg);
      if (th !== null) return th;
    }
  }
  return childReaper;
}

/**
 * forget_original_parent's hand-over: find_new_reaper (a live thread of
 * the father's group, a subreaper, else the child reaper of the father's
 * active namespace: rule 16), every child's real_parent moved, the list spliced
 * onto the tail of the new parent's (rule 18), and reparent_leader's
 * notification for zombies when the reaper is in another process.
 */
export function reparent_children(k: Kernel, father: Task, childReaper: Task): void {
  const reaper = find_new_reaper(k, father, childReaper);
  const threaded = reaper.tg === father.tg;
  const autoreap = !threaded && (reaper.tg.flags & SIGCHLD_IGNORED) !== 0;
  let dead: ThreadGroup[] | null = null;
  let n = 0;
  for (let c = father.childHead; c; c = c.snext) {
    c.parent = reaper;
    c.seq = ++k.seq;
    n++;
    if (k.emit !== null) {
      const subreaper = !threaded && (reaper.tg.flags & IS_CHILD_SUBREAPER) !== 0;
      k.emit({ type: 'reparent', child: c, from: father, to: reaper, subreaper });
    }
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
  k.work += n;
  if (father.zombies) father.zombies.clear();
  if (dead) for (let i = dead.length - 1; i >= 0; i--) release_task(k, dead[i].leader, 'autoreap', null);
}

/** The release event (out of line: release_task is inlined on every reap's path, the event is rarely asked for). */
function emit_release(k: Kernel, t: Task, how: 'wait' | 'autoreap' | 'zap' | 'thread', by: Task | null): void {
  (k.emit as (e: KernelEvent) => void)({ type: 'release', task: t, how, by });
}

/**
 * release_task: the thread leaves its group, its struct pid is freed
 * (free_pid: every level's number returned), and when a non-leader was the
 * last thread beside a zombie leader, the leader is notified. Releasing a
 * leader also removes the process from its parent's children list.
 */
export function release_task(k: Kernel, t: Task, how: 'wait' | 'autoreap' | 'zap' | 'thread', by: Task | null): void {
  if (k.emit !== null) emit_release(k, t, how, by);
  const tg = t.tg;
  // (t === tg: t leads its group; the `leader` accessor is tg.)
  const leader = t === tg;
  // unlink from the thread list
  const prev = t.tprev;
  const next = t.tnext;
  if (prev) prev.tnext = next;
  else tg.threadHead = next;
  if (next) next.tprev = prev;
  else tg.threadTail = prev;
  t.tprev = t.tnext = null;
  tg.nrThreads--;
  if (leader) {
    unlinkChild(k, tg);
    unlinkNsMember(k, tg);
  }
  t.state = TASK_DEAD;
  k.tasks[t.id] = null;
  k.freeIds.push(t.id);
  t.id = -1;
  k.nrTasks--;
  // __unhash_process: detach_pid of every role; free_pid once a pid has no user left.
  if (leader) {
    // detach_pid(PIDTYPE_PID / TGID): the numbers go unless the pid is still a group or session id.
    if (tg.roles === null) free_pid(k, tg.pid, tg.pidns);
    else detach_held(k, tg);
    detach_pgrp(k, tg);
  } else {
    free_pid(k, t.pid, tg.pidns);
    if (tg.state === TASK_ZOMBIE && tg.nrThreads === 1) do_notify_parent(k, tg);
  }
  // An init's process is never reused: a dead namespace keeps naming its
  // child_reaper. A released leader's stale zombie-heap entries hold an
  // older seq, which a reuse never matches (linkChild hands out a new one).
  if (k.recycle && (tg.flags & SIGNAL_UNKILLABLE) === 0) {
    // Its children were handed over at its exit; the list head and heap are kept for the next user.
    const kids = t.kids;
    if (kids !== null) {
      kids.head = kids.tail = null;
      if (kids.zombies !== null) kids.zombies.clear();
    }
    k.taskCache.push(t);
  }
}

