/**
 * Namespace sets (kernel/nsproxy.c, 6.18): create_new_namespaces,
 * nsproxy lifetime (put_nsproxy, switch_task_namespaces), unshare(2),
 * setns(2) and what /proc/PID/ns/<type> opens.
 */
import { EINVAL, ENOENT, ESRCH } from '../core/errno.js';
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
  CLONE_SIGHAND,
  CLONE_SYSVSEM,
  CLONE_THREAD,
  CLONE_VM,
  type NsType,
} from './flags.js';
import type { Kernel, NsIdentity } from './kernel.js';
import { NsProxy, TASK_DEAD, TASK_RUNNING, type PidNs, type Task } from './objects.js';
import { copy_pid_ns, get_pid_ns, unrefPidNs } from './pid_namespace.js';
import { WHY } from './why.js';

/** CLONE_NEWUSER and CLONE_NEWTIME: accepted by check_unshare_flags, not in the language. */
const CLONE_NEWUSER = 0x10000000;
const CLONE_NEWTIME = 0x00000080;
/** check_unshare_flags: the flags unshare(2) accepts. */
const UNSHARE_ALLOWED =
  CLONE_THREAD | CLONE_FS | CLONE_NEWNS | CLONE_SIGHAND | CLONE_VM | CLONE_FILES | CLONE_SYSVSEM |
  CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWCGROUP | CLONE_NEWTIME;

/**
 * create_new_namespaces (kernel/nsproxy.c): a copy of p's nsproxy with
 * a new namespace for every CLONE_NEW* flag, in the kernel's order mnt,
 * uts, ipc, pid, cgroup, net. Only copy_pid_ns can fail here.
 */
export function create_new_namespaces(k: Kernel, flags: number, p: Task): NsProxy | number {
  const old = p.nsproxy as NsProxy;
  const mnt = (flags & CLONE_NEWNS) !== 0 ? k.nsSerial++ : old.mnt;
  const uts = (flags & CLONE_NEWUTS) !== 0 ? k.nsSerial++ : old.uts;
  const ipc = (flags & CLONE_NEWIPC) !== 0 ? k.nsSerial++ : old.ipc;
  const pidns = copy_pid_ns(k, flags, p, old.pidForChildren);
  if (typeof pidns === 'number') return pidns;
  const cgroup = (flags & CLONE_NEWCGROUP) !== 0 ? k.nsSerial++ : old.cgroup;
  const net = (flags & CLONE_NEWNET) !== 0 ? k.nsSerial++ : old.net;
  return new NsProxy(mnt, uts, ipc, net, cgroup, pidns);
}

/** put_nsproxy: at zero, free_nsproxy drops pid_ns_for_children (put_pid_ns). */
export function put_nsproxy(k: Kernel, nsp: NsProxy): void {
  if (--nsp.count === 0) {
    const pidns = nsp.pidForChildren;
    k.core.put_pid_ns(pidns.handle);
    unrefPidNs(k, pidns);
  }
}

/** A private copy of t's nsproxy (prepare_nsset): every namespace shared, references taken. */
export function copyNsProxy(k: Kernel, old: NsProxy): NsProxy {
  get_pid_ns(k, old.pidForChildren);
  return new NsProxy(old.mnt, old.uts, old.ipc, old.net, old.cgroup, old.pidForChildren);
}

/** switch_task_namespaces. */
export function switchNsProxy(k: Kernel, t: Task, nsp: NsProxy): void {
  const old = t.nsproxy as NsProxy;
  t.nsproxy = nsp;
  if (k.emit !== null && old.pidForChildren !== nsp.pidForChildren) k.emit({ type: 'pid-for-children', task: t, ns: nsp.pidForChildren });
  put_nsproxy(k, old);
}

/**
 * unshare(2) (ksys_unshare): implied flags (rule 24), check_unshare_flags,
 * then unshare_nsproxy_namespaces for the calling thread only (rule 13).
 */
export function unshare(k: Kernel, t: Task, flags: number): number {
  if (t.state !== TASK_RUNNING) return k.fail(ESRCH, WHY.ACTOR_EXITED);
  if ((flags & CLONE_VM) !== 0) flags |= CLONE_SIGHAND;
  if ((flags & CLONE_SIGHAND) !== 0) flags |= CLONE_THREAD;
  if ((flags & CLONE_NEWNS) !== 0) flags |= CLONE_FS;
  if ((flags & ~UNSHARE_ALLOWED) !== 0) return k.fail(EINVAL, WHY.UNSHARE_FLAGS);
  // thread_group_empty: a zombie leader left by texit still counts as another thread.
  if ((flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_VM)) !== 0 && t.tg.nrThreads > 1) {
    return k.fail(EINVAL, WHY.UNSHARE_THREADS);
  }
  if ((flags & CLONE_NEW_ANY) === 0) return 0;
  const r = create_new_namespaces(k, flags, t);
  if (typeof r === 'number') return r;
  switchNsProxy(k, t, r);
  return 0;
}

/**
 * What /proc/<t>/ns/<type> opens: the namespace, or -ENOENT (rule 14:
 * an exited task keeps only its pid link; pid_for_children needs a
 * child_reaper). Precondition: t is not reaped.
 */
export function nsLink(k: Kernel, t: Task, type: NsType): NsIdentity | number {
  if (type === 'pid') return t.tg.pidns;
  const nsp = t.nsproxy;
  if (nsp === null) return k.fail(ENOENT, WHY.PROC_NS_EXITED);
  switch (type) {
    case 'pid_for_children':
      return nsp.pidForChildren.childReaper !== null ? nsp.pidForChildren : k.fail(ENOENT, WHY.PROC_PID_FOR_CHILDREN);
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
export function setns(k: Kernel, t: Task, target: Task, type: NsType): number {
  if (t.state !== TASK_RUNNING) return k.fail(ESRCH, WHY.ACTOR_EXITED);
  if (target.state === TASK_DEAD) return k.fail(ESRCH, WHY.TARGET_REAPED);
  const link = nsLink(k, target, type);
  if (typeof link === 'number' && link < 0) return link;
  if (type === 'pid' || type === 'pid_for_children') {
    const ns = link as PidNs;
    const active = t.tg.pidns;
    if (ns.level < active.level) return k.fail(EINVAL, WHY.PIDNS_INSTALL);
    let anc: PidNs = ns;
    while (anc.level > active.level) anc = anc.parent as PidNs;
    if (anc !== active) return k.fail(EINVAL, WHY.PIDNS_INSTALL);
    const old = t.nsproxy as NsProxy;
    get_pid_ns(k, ns);
    switchNsProxy(k, t, new NsProxy(old.mnt, old.uts, old.ipc, old.net, old.cgroup, ns));
    return 0;
  }
  if (type === 'mnt') return k.fail(EINVAL, 'setns: mount namespaces are outside the model');
  const nsp = copyNsProxy(k, t.nsproxy as NsProxy);
  const id = link as number;
  switch (type) {
    case 'uts': nsp.uts = id; break;
    case 'ipc': nsp.ipc = id; break;
    case 'net': nsp.net = id; break;
    case 'cgroup': nsp.cgroup = id; break;
  }
  switchNsProxy(k, t, nsp);
  return 0;
}

/** Are /proc/<a>/ns/<type> and /proc/<b>/ns/<type> the same namespace? 1 / 0, or an errno (a's first). */
export function samens(k: Kernel, a: Task, b: Task, type: NsType): number {
  if (a.state === TASK_DEAD || b.state === TASK_DEAD) return k.fail(ESRCH, WHY.TARGET_REAPED);
  const x = nsLink(k, a, type);
  if (typeof x === 'number' && x < 0) return x;
  const y = nsLink(k, b, type);
  if (typeof y === 'number' && y < 0) return y;
  return x === y ? 1 : 0;
}

