/**
 * Pid namespace lifetime (kernel/pid_namespace.c, 6.18): copy_pid_ns,
 * create_pid_namespace, references (get_pid_ns / put_pid_ns as the kernel
 * model counts them), and the teardown: zap_pid_ns_processes and the wait
 * for the namespace to empty. runPending is the model's stand-in for the
 * scheduler: it runs the queued do_exits and ends the zaps whose namespace
 * has emptied (rule 17).
 */
import { ENOSPC, EINVAL } from '../core/errno.js';
import { CLONE_NEWPID, SIGKILL } from './flags.js';
import type { Kernel } from './kernel.js';
import { do_exit, exit_notify_tail, group_exit, release_task, reparent_children } from './exit.js';
import { GROUP_QUEUED, PidNs, SIGCHLD_IGNORED, TASK_EXITING, TASK_ZAPWAIT, TASK_ZOMBIE, type Task, type ThreadGroup } from './objects.js';
import { pidAllocated } from './pid.js';
import { WHY } from './why.js';

/**
 * The namespace after `ns` in a preorder walk of the tree below `top`
 * (parents before children, children in creation order), or null at the end.
 * Stackless: it follows the kid / sibling / parent links.
 */
export function nsPreorderNext(ns: PidNs, top: PidNs): PidNs | null {
  if (ns.kidHead !== null) return ns.kidHead;
  for (let n: PidNs | null = ns; n !== null && n !== top; n = n.parent) {
    if (n.knext !== null) return n.knext;
  }
  return null;
}

/**
 * copy_pid_ns (kernel/pid_namespace.c): share `old` (taking a reference)
 * without CLONE_NEWPID; else refuse when the caller's active namespace is
 * not `old` (rule 11) and create a child of `old`.
 */
export function copy_pid_ns(k: Kernel, flags: number, p: Task, old: PidNs): PidNs | number {
  if ((flags & CLONE_NEWPID) === 0) {
    get_pid_ns(k, old);
    return old;
  }
  if (p.tg.pidns !== old) return k.fail(EINVAL, WHY.COPY_PID_NS_ACTIVE);
  return create_pid_namespace(k, old, p);
}

/** create_pid_namespace: level > 32 → ENOSPC (the core checks it). Count 1 for the caller. */
export function create_pid_namespace(k: Kernel, parent: PidNs, by: Task): PidNs | number {
  const h = k.core.create_pid_namespace(parent.handle);
  if (h < 0) return k.fail(-h, h === -ENOSPC ? WHY.PID_NS_TOO_DEEP : WHY.CORE_NO_MEMORY);
  const ns = new PidNs(h, parent.level + 1, parent, k.nsSerial++);
  ns.refs = 1;
  parent.refs++;
  const tail = parent.kidTail;
  ns.kprev = tail;
  if (tail) tail.knext = ns;
  else parent.kidHead = ns;
  parent.kidTail = ns;
  if (k.trace !== null) k.trace({ type: 'pidns-create', ns, by });
  return ns;
}

export function get_pid_ns(k: Kernel, ns: PidNs): void {
  k.core.get_pid_ns(ns.handle);
  ns.refs++;
}

/** Drop a reference the kernel model counts (the core counts its own); at zero leave the parent's list. */
export function unrefPidNs(k: Kernel, ns: PidNs | null): void {
  while (ns && --ns.refs === 0) {
    if (k.trace !== null) k.trace({ type: 'pidns-free', ns });
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

/**
 * Run everything pending: the queued processes' threads through do_exit
 * (thread-list order), then any zap_pid_ns_processes whose namespace has
 * emptied, until nothing moves.
 */
export function runPending(k: Kernel): void {
  // Common case (a plain exit): nothing queued and no zap that may have finished.
  if (k.queued === 0 && k.zapRechecks === 0) return;
  const q = k.queue;
  for (;;) {
    // do_exit may queue more processes (zap_pid_ns_processes): `queued` grows meanwhile.
    for (let i = 0; i < k.queued; i++) {
      const tg = q[i] as ThreadGroup;
      q[i] = null;
      tg.flags &= ~GROUP_QUEUED;
      let th = tg.threadHead;
      while (th) {
        const next = th.tnext;
        if (th.state === TASK_EXITING) do_exit(k, th);
        th = next;
      }
    }
    k.queued = 0;
    // The first zap (in the order they started) whose namespace is down to its init's pids ends.
    // Only a namespace where a pid was freed can have got there (allocation never lowers the count).
    let moved = false;
    const z = k.zapping;
    for (let i = 0; i < z.length && k.zapRechecks !== 0; i++) {
      const ns = z[i];
      if (!ns.zapRecheck) continue;
      ns.zapRecheck = false;
      k.zapRechecks--;
      if (pidAllocated(k, ns) === ns.zapInitPids) {
        z.copyWithin(i, i + 1);
        z.pop();
        finish_zap(k, ns);
        moved = true;
        break;
      }
    }
    if (!moved && k.queued === 0) return;
  }
}

/**
 * zap_pid_ns_processes (kernel/pid_namespace.c, 6.18), up to its wait:
 * no more pids (disable_pid_allocation), SIGCHLD ignored so children
 * autoreap, SIGKILL to every other process with a pid in the namespace
 * (nested namespaces included), the zombies already there reaped. The
 * init then waits (TASK_ZAPWAIT) until pid_allocated is 1 (2 when the
 * waiting thread is not the leader, whose zombie holds pid 1): rule 17.
 */
export function zap_pid_ns_processes(k: Kernel, ns: PidNs, t: Task): void {
  k.core.disable_pid_allocation(ns.handle);
  const tg = t.tg;
  tg.flags |= SIGCHLD_IGNORED;
  t.state = TASK_ZAPWAIT;
  ns.zapper = t;
  ns.zapInitPids = t === tg.leader ? 1 : 2;
  k.zapping.push(ns);
  zapRecheckFrom(k, ns);
  if (k.trace !== null) k.trace({ type: 'zap', ns, init: t });
  forEachProcessBelow(k, ns, (g) => {
    if (g !== tg && group_exit(k, g, SIGKILL) && k.trace !== null) k.trace({ type: 'signal', target: g, sig: SIGKILL, from: t });
  });
  // kernel_wait4(-1, __WALL): reap the zombies that were there before SIGCHLD was ignored.
  let dead: ThreadGroup[] | null = null;
  for (let th = tg.threadHead; th; th = th.tnext) {
    for (let c = th.childHead; c; c = c.snext) {
      if (c.leader.state === TASK_ZOMBIE && c.nrThreads === 1) (dead ??= []).push(c);
    }
  }
  if (dead) for (const c of dead) release_task(k, c.leader, 'zap', t);
}

/** pid_allocated dropped in `ns` and its ancestors (free_pid): zaps waiting there may have ended. */
export function zapRecheckFrom(k: Kernel, ns: PidNs | null): void {
  for (; ns !== null; ns = ns.parent) {
    if (ns.zapper !== null && !ns.zapRecheck) {
      ns.zapRecheck = true;
      k.zapRechecks++;
    }
  }
}

/** The rest of do_exit for an init whose namespace has emptied. */
export function finish_zap(k: Kernel, ns: PidNs): void {
  const t = ns.zapper as Task;
  ns.zapper = null;
  if (k.trace !== null) k.trace({ type: 'zap-done', ns, init: t });
  if (t.childHead) reparent_children(k, t, t);
  exit_notify_tail(k, t);
}

/**
 * Visit every process whose active namespace is `ns` or below it:
 * namespace by namespace, parents first, processes in creation order.
 * The visitor may mark processes but must not release any.
 */
export function forEachProcessBelow(k: Kernel, ns: PidNs, fn: (tg: ThreadGroup) => void): void {
  for (let cur: PidNs | null = ns; cur !== null; cur = nsPreorderNext(cur, ns)) {
    for (let g = cur.procHead; g; g = g.nnext) fn(g);
  }
}

