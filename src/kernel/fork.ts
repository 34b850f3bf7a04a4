/**
 * Task creation (kernel/fork.c, 6.18): kernel_clone / copy_process with its
 * flag checks in the kernel's order, alloc_pid in the pid namespace for
 * children, and the list links a new task joins (its parent's children
 * list, its namespace's process list) and leaves at release_task.
 */
import { EAGAIN, EEXIST, EINVAL, ENOMEM, ESRCH } from '../core/errno.js';
import { MAX_PID_NS_LEVEL, NS_PID_ALLOCATED, NS_PID_MAX, PIDNS_ADDING, PID_HEADER, PID_TASK, UPID_NR, UPID_SIZE } from '../core/layout.js';
import {
  CLONE_FS,
  CLONE_NEWIPC,
  CLONE_NEWNS,
  CLONE_NEWPID,
  CLONE_NEW_ANY,
  CLONE_PARENT,
  CLONE_SIGHAND,
  CLONE_SYSVSEM,
  CLONE_THREAD,
  CLONE_VM,
} from './flags.js';
import type { Kernel } from './kernel.js';
import { create_new_namespaces, put_nsproxy } from './nsproxy.js';
import { attach_pgrp } from './pgrp.js';
import { NsProxy, PidNs, SIGNAL_UNKILLABLE, TASK_RUNNING, Task, type TaskChildren, type ThreadGroup } from './objects.js';
import { WHY } from './why.js';

/**
 * A Task from the cache (recycle) or a new one, in the state Task's
 * constructor gives: a thread of `tg`, or with `tg` null a new process.
 */
export function newTask(k: Kernel, id: number, pid: number, tg: Task | null, nsp: NsProxy, pidns: PidNs): Task {
  const t = k.taskCache.pop();
  if (t === undefined) return new Task(id, pid, tg, nsp, pidns);
  t.id = id;
  t.pid = pid;
  t.tg = tg ?? t;
  t.nsproxy = nsp;
  t.state = TASK_RUNNING;
  // release_task left the list links (and pgrp, roles) null; the process fields start over.
  t.threadHead = t.threadTail = null;
  t.nrThreads = t.live = t.flags = t.exitStatus = t.seq = t.nrChildren = 0;
  t.parent = null;
  t.pidns = pidns;
  return t;
}

export function allocId(k: Kernel): number {
  return k.freeIds.length > 0 ? (k.freeIds.pop() as number) : k.tasks.length;
}

/**
 * clone3() with set_tid (setTid[0] = the deepest level). Exit signal
 * SIGCHLD, or 0 with THREAD or PARENT (clone3_args_valid accepts both).
 */
export function clone3(k: Kernel, p: Task, flags: number, setTid: ArrayLike<number>): Task | number {
  if (p.state !== TASK_RUNNING) return k.fail(ESRCH, WHY.ACTOR_EXITED);
  const n = setTid.length;
  if (n > MAX_PID_NS_LEVEL) return k.fail(EINVAL, WHY.CLONE3_SET_TID_SIZE);
  const u = k.core.u32();
  const base = k.core.setTidPtr >> 2;
  for (let i = 0; i < n; i++) u[base + i] = setTid[i] | 0;
  return copy_process(k, p, flags, n);
}

/**
 * copy_process (kernel/fork.c, 6.18): the flag checks in the kernel's
 * order (rule 26), copy_namespaces, alloc_pid in the new task's
 * pid_ns_for_children (with `nset` set_tid values already in the core's
 * scratch), then attach the task. A refused clone consumes no number.
 */
export function copy_process(k: Kernel, p: Task, flags: number, nset: number): Task | number {
  if (p.state !== TASK_RUNNING) return k.fail(ESRCH, WHY.ACTOR_EXITED);
  if ((flags & (CLONE_NEWNS | CLONE_FS)) === (CLONE_NEWNS | CLONE_FS)) return k.fail(EINVAL, WHY.CLONE_NEWNS_FS);
  if ((flags & CLONE_THREAD) !== 0 && (flags & CLONE_SIGHAND) === 0) return k.fail(EINVAL, WHY.CLONE_THREAD_SIGHAND);
  if ((flags & CLONE_SIGHAND) !== 0 && (flags & CLONE_VM) === 0) return k.fail(EINVAL, WHY.CLONE_SIGHAND_VM);
  const ptg = p.tg;
  if ((flags & CLONE_PARENT) !== 0 && (ptg.flags & SIGNAL_UNKILLABLE) !== 0) return k.fail(EINVAL, WHY.CLONE_PARENT_INIT);
  let nsp = p.nsproxy as NsProxy;
  if ((flags & CLONE_THREAD) !== 0) {
    if ((flags & CLONE_NEWPID) !== 0) return k.fail(EINVAL, WHY.CLONE_THREAD_NEWPID);
    if (ptg.pidns !== nsp.pidForChildren) return k.fail(EINVAL, WHY.CLONE_THREAD_PIDNS);
  }
  // copy_namespaces: share the caller's nsproxy unless a CLONE_NEW* flag asks for a copy.
  let own = false;
  if ((flags & CLONE_NEW_ANY) !== 0) {
    if ((flags & (CLONE_NEWIPC | CLONE_SYSVSEM)) === (CLONE_NEWIPC | CLONE_SYSVSEM)) {
      return k.fail(EINVAL, WHY.COPY_NS_IPC_SYSVSEM);
    }
    const r = create_new_namespaces(k, flags, p);
    if (typeof r === 'number') return r;
    nsp = r;
    own = true;
  }
  const pidns = nsp.pidForChildren;
  const pid = k.core.alloc_pid(pidns.handle, nset);
  if (pid < 0) {
    const why = explainAllocPid(k, pid, pidns, nset);
    if (own) put_nsproxy(k, nsp);
    return k.fail(-pid, why);
  }
  if (!own) nsp.count++;

  const id = allocId(k);
  // One read of the core's view per copy_process: alloc_pid above was the last call that can grow memory.
  const u = k.core.u32();
  let t: Task;
  if ((flags & CLONE_THREAD) !== 0) {
    // A thread joins the caller's thread group; its real_parent is the group's.
    t = newTask(k, id, pid, ptg, nsp, pidns);
    const tail = ptg.threadTail as Task;
    tail.tnext = t;
    t.tprev = tail;
    ptg.threadTail = t;
    ptg.nrThreads++;
    ptg.live++;
  } else {
    const parent = (flags & CLONE_PARENT) !== 0 ? (ptg.parent as Task) : p;
    t = newTask(k, id, pid, null, nsp, pidns);
    const tg = t;
    tg.threadHead = tg.threadTail = t;
    tg.nrThreads = 1;
    tg.live = 1;
    linkChild(k, parent, tg);
    linkNsMember(k, tg);
    attach_pgrp(tg, ptg, parent);
    // is_child_reaper: a leader whose deepest number is 1 becomes the namespace's init.
    if (u[(pid + PID_HEADER + pidns.level * UPID_SIZE + UPID_NR) >> 2] === 1) {
      pidns.childReaper = t;
      tg.flags |= SIGNAL_UNKILLABLE;
    }
  }
  pidns.refs++;
  u[(pid + PID_TASK) >> 2] = id + 1;
  if (id === k.tasks.length) k.tasks.push(t);
  else k.tasks[id] = t;
  k.nrTasks++;
  if (k.emit !== null) k.emit({ type: 'create', task: t, parent: t.tg.parent, thread: t !== t.tg });
  return t;
}

/**
 * Why alloc_pid failed (only called on failure). The core reports the
 * errno; the level and check are found again from the namespaces, which
 * alloc_pid's unwind left as they were (cursors aside).
 */
export function explainAllocPid(k: Kernel, err: number, ns: PidNs, nset: number): string {
  if (err === -ENOMEM) {
    const u = k.core.u32();
    return (u[(ns.handle + NS_PID_ALLOCATED) >> 2] & PIDNS_ADDING) === 0 ? WHY.ALLOC_PID_DEAD_NS : WHY.CORE_NO_MEMORY;
  }
  if (err === -EAGAIN) return WHY.ALLOC_PID_FULL;
  if (nset > ns.level + 1) return WHY.ALLOC_PID_SET_TID_SIZE;
  const u = k.core.u32();
  const base = k.core.setTidPtr >> 2;
  let tmp: PidNs | null = ns;
  for (let i = 0; i < nset && tmp; i++, tmp = tmp.parent) {
    const tid = u[base + i] | 0;
    const max = u[(tmp.handle + NS_PID_MAX) >> 2];
    const at = ` (set_tid[${i}] = ${tid}, level ${tmp.level})`;
    if (tid < 1 || tid >= max) return WHY.ALLOC_PID_SET_TID_RANGE + at;
    if (tid !== 1 && tmp.childReaper === null) return WHY.ALLOC_PID_SET_TID_REAPER + at;
    if (err === -EEXIST && k.core.find_pid_ns(tid, tmp.handle) !== 0) return WHY.ALLOC_PID_SET_TID_BUSY + at;
  }
  return err === -EEXIST ? WHY.ALLOC_PID_SET_TID_BUSY : WHY.ALLOC_PID_SET_TID_RANGE;
}

/**
 * Append process `tg` to the children list of thread `parent`. The list
 * head (Task.ownKids) is taken once here rather than through the
 * childHead / childTail accessors: fork and reap run this on every
 * process, and each accessor V8 inlines spends its inlining budget
 * (measured: with groups' bookkeeping on the same path it ran out).
 */
export function linkChild(k: Kernel, parent: Task, tg: ThreadGroup): void {
  tg.parent = parent;
  tg.seq = ++k.seq;
  const kids = parent.ownKids();
  const tail = kids.tail;
  tg.snext = null;
  tg.sprev = tail;
  if (tail) tail.snext = tg;
  else kids.head = tg;
  kids.tail = tg;
  parent.tg.nrChildren++;
}

export function unlinkChild(k: Kernel, tg: ThreadGroup): void {
  const parent = tg.parent;
  if (!parent) return;
  // A parent with a child has its list head.
  const kids = parent.kids as TaskChildren;
  const prev = tg.sprev;
  const next = tg.snext;
  if (prev) prev.snext = next;
  else kids.head = next;
  if (next) next.sprev = prev;
  else kids.tail = prev;
  tg.sprev = tg.snext = null;
  parent.tg.nrChildren--;
}

export function linkNsMember(k: Kernel, tg: ThreadGroup): void {
  const ns = tg.pidns;
  const tail = ns.procTail;
  tg.nprev = tail;
  tg.nnext = null;
  if (tail) tail.nnext = tg;
  else ns.procHead = tg;
  ns.procTail = tg;
}

export function unlinkNsMember(k: Kernel, tg: ThreadGroup): void {
  const ns = tg.pidns;
  const prev = tg.nprev;
  const next = tg.nnext;
  if (prev) prev.nnext = next;
  else ns.procHead = next;
  if (next) next.nprev = prev;
  else ns.procTail = prev;
  tg.nprev = tg.nnext = null;
}

