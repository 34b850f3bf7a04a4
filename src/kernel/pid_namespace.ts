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
  if (k.emit !== null) k.emit({ type: 'pidns-create', ns, by });
  return ns;
}

export function get_pid_ns(k: Kernel, ns: PidNs): void {
  k.core.get_pid_ns(ns.handle);
  ns.refs++;
}

/** Drop a reference the kernel model counts (the core counts its own); at zero leave the parent's list. */
export function unrefPidNs(k: Kernel, ns: PidNs | null): void {
  // The common case, a namespace that keeps other references, stays small enough for V8 to inline on every reap.
  if (ns !== null && --ns.refs === 0) pidns_unlinked(k, ns);
}

/** unrefPidNs for a namespace whose count reached zero: it leaves its parent's list, and the parent loses its reference (and so on up). */
function pidns_unlinked(k: Kernel, ns: PidNs): void {
  for (;;) {
    if (k.emit !== null) k.emit({ type: 'pidns-free', ns });
    const parent = ns.parent;
    if (parent === null) return;
    const prev = ns.kprev;
    const next = ns.knext;
    if (prev) prev.knext = next;
    else parent.kidHead = next;
    if (next) next.kprev = prev;
    else parent.kidTail = prev;
    if (--parent.refs !== 0) return;
    ns = parent;
  }
}

/**
 * Run everything pending: the queued processes' threads through do_exit
 * (thread-list order), then the zap_pid_ns_processes that can end, one at
 * a time, until nothing moves. The zap that ends is always the first (in
 * the order they started) whose namespace is down to its init's pids:
 * ZapQueue hands them out in that order. Each step costs O(1) amortised
 * (O(log n) for a namespace that becomes ready out of start order), so a
 * teardown of N namespaces is linear in N (Kernel.work counts the steps).
 */
export function runPending(k: Kernel): void {
  // Common case (a plain exit): nothing queued and no zap that can end. The
  // work is out of line so that this check is all V8 inlines into exit and
  // waitpid (each inlined callee spends the caller's inlining budget).
  if (k.queued !== 0 || k.zapReady.size !== 0) run_pending_work(k);
}

function run_pending_work(k: Kernel): void {
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
        k.work++;
        if (th.state === TASK_EXITING) do_exit(k, th);
        th = next;
      }
    }
    k.queued = 0;
    const ns = k.zapReady.pop(k);
    if (ns === null) return;
    finish_zap(k, ns);
    // Drop ended zaps from `zapping` once they are the majority (amortised O(1) each).
    if (2 * ++k.zapDead > k.zapping.length) compactZapping(k);
  }
}

/** Keep only the namespaces whose init still waits in zap_pid_ns_processes (start order). */
export function compactZapping(k: Kernel): void {
  const z = k.zapping;
  let n = 0;
  for (let i = 0; i < z.length; i++) {
    if (z[i].zapper !== null) z[n++] = z[i];
  }
  k.work += z.length;
  z.length = n;
  k.zapDead = 0;
}

/**
 * The namespaces whose zap can end (pid_allocated down to the init's pids),
 * handed out first-started first (PidNs.zapSeq). Namespaces mostly become
 * ready in the order their zaps started (N sibling namespaces torn down by
 * one kill) or in the reverse order (zombies autoreaped last-first by
 * reparent_children): those go to a FIFO or to a stack of earlier ones,
 * O(1) each; the rest go to a min-heap, O(log n). A namespace enters once:
 * once ready it stays ready (pid allocation is disabled in it, and nothing
 * runs between the free that made it ready and runPending's next step).
 */
export class ZapQueue {
  /** Arrivals later than every one before them: fifo[head..], zapSeq ascending. */
  readonly fifo: PidNs[] = [];
  head = 0;
  /** Arrivals earlier than every one before them: zapSeq descending, the earliest on top. */
  readonly front: PidNs[] = [];
  /** The other arrivals: a binary min-heap on zapSeq. */
  readonly heap: PidNs[] = [];
  size = 0;
  /** zapSeq bounds of everything pushed since the queue was last empty. */
  minSeq = 0;
  maxSeq = 0;

  push(k: Kernel, ns: PidNs): void {
    k.work++;
    const seq = ns.zapSeq;
    const f = this.fifo;
    const fr = this.front;
    const h = this.heap;
    const empty = this.size++ === 0;
    if (empty || seq > this.maxSeq) {
      f.push(ns);
      this.maxSeq = seq;
      if (empty) this.minSeq = seq;
      return;
    }
    if (seq < this.minSeq) {
      fr.push(ns);
      this.minSeq = seq;
      return;
    }
    let i = h.length;
    h.push(ns);
    while (i > 0) {
      const up = (i - 1) >> 1;
      k.work++;
      if (h[up].zapSeq <= seq) break;
      h[i] = h[up];
      i = up;
    }
    h[i] = ns;
  }

  /** The first-started ready namespace, removed; null when none. */
  pop(k: Kernel): PidNs | null {
    if (this.size === 0) return null;
    k.work++;
    const f = this.fifo;
    const fr = this.front;
    const h = this.heap;
    // The earliest of the three heads (each part's head is its earliest).
    let ns: PidNs;
    const fs = this.head < f.length ? f[this.head].zapSeq : Infinity;
    const hs = h.length > 0 ? h[0].zapSeq : Infinity;
    if (fr.length > 0 && fr[fr.length - 1].zapSeq < fs && fr[fr.length - 1].zapSeq < hs) ns = fr.pop() as PidNs;
    else if (fs < hs) ns = f[this.head++];
    else ns = this.popHeap(k);
    if (--this.size === 0) {
      f.length = 0;
      this.head = 0;
    }
    return ns;
  }

  private popHeap(k: Kernel): PidNs {
    const h = this.heap;
    const top = h[0];
    const last = h.pop() as PidNs;
    const n = h.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        k.work++;
        if (c + 1 < n && h[c + 1].zapSeq < h[c].zapSeq) c++;
        if (h[c].zapSeq >= last.zapSeq) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
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
  ns.zapSeq = k.zapStarts++;
  k.zapping.push(ns);
  zapRecheckFrom(k, ns);
  if (k.emit !== null) k.emit({ type: 'zap', ns, init: t });
  forEachProcessBelow(k, ns, (g) => {
    if (g !== tg && group_exit(k, g, SIGKILL) && k.emit !== null) k.emit({ type: 'signal', target: g, sig: SIGKILL, from: t });
  });
  // kernel_wait4(-1, __WALL): reap the zombies that were there before SIGCHLD was ignored.
  let dead: ThreadGroup[] | null = null;
  for (let th = tg.threadHead; th; th = th.tnext) {
    for (let c = th.childHead; c; c = c.snext) {
      k.work++;
      if (c.leader.state === TASK_ZOMBIE && c.nrThreads === 1) (dead ??= []).push(c);
    }
  }
  if (dead) for (const c of dead) release_task(k, c.leader, 'zap', t);
}

/**
 * pid_allocated dropped in `ns` and its ancestors (free_pid), or `ns`
 * started its zap: a waiting init whose namespace is now down to its own
 * pids can end its zap (rule 17), at runPending's next step. O(depth).
 */
export function zapRecheckFrom(k: Kernel, ns: PidNs | null): void {
  for (; ns !== null; ns = ns.parent) {
    k.work++;
    if (ns.zapper !== null && !ns.zapReady && pidAllocated(k, ns) === ns.zapInitPids) {
      ns.zapReady = true;
      k.zapReady.push(k, ns);
    }
  }
}

/** The rest of do_exit for an init whose namespace has emptied. */
export function finish_zap(k: Kernel, ns: PidNs): void {
  const t = ns.zapper as Task;
  ns.zapper = null;
  if (k.emit !== null) k.emit({ type: 'zap-done', ns, init: t });
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
    k.work++;
    for (let g = cur.procHead; g; g = g.nnext) {
      k.work++;
      fn(g);
    }
  }
}

