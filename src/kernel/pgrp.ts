/**
 * Process groups, sessions and child subreapers (Linux 6.18): the PGID and
 * SID roles of a struct pid (kernel/pid.c attach_pid / __change_pid /
 * detach_pid, with signal->pids[PIDTYPE_PGID] as Task.pgrp and
 * signal->pids[PIDTYPE_SID] as its group's session, PidRoles.sess), setsid and setpgid (kernel/sys.c), getpgid and
 * getsid, PR_SET/GET_CHILD_SUBREAPER (kernel/sys.c prctl) with
 * propagate_has_child_subreaper (walk_process_tree, kernel/fork.c), and the
 * lookup of a group by number for kill(-N) and waitpid(-N).
 * kernel-behaviour-sessions.md gives the rules cited as "session rule N".
 *
 * A struct pid keeps its numbers (free_pid not called) while any task uses
 * it in any role: the kernel model counts the PGID and SID users in
 * PidRoles and calls the core's free_pid only when the last one leaves and
 * the pid's own task is released (session rules 10-12). Member lists are
 * intrusive and appended at the tail, so joining and leaving are O(1); the
 * kernel adds at the head (hlist_add_head), which only changes the order in
 * which a group kill reaches its members (the kernel's order there is not
 * observable: delivery is concurrent).
 *
 * What differs on purpose: no SIGHUP/SIGCONT to orphaned process groups
 * (kill_orphaned_pgrp) and no controlling terminals: no scenario task can be
 * stopped and no session has a terminal (session rule 18). setpgid never
 * gives EACCES: no task execs, so every child keeps PF_FORKNOEXEC.
 */
import { EINVAL, EPERM, ESRCH } from '../core/errno.js';
import { PID_TASK } from '../core/layout.js';
import type { Kernel } from './kernel.js';
import {
  HAS_CHILD_SUBREAPER,
  IS_CHILD_SUBREAPER,
  PidRoles,
  SIGNAL_LEADER,
  TASK_RUNNING,
  type Task,
  type ThreadGroup,
} from './objects.js';
import { free_pid, pidNumbers, pid_nr_ns, taskOfPidOrNull } from './pid.js';
import { runPending } from './pid_namespace.js';
import { WHY } from './why.js';

/** The roles of leader `g`'s own pid, made on first use (its pid becomes a group or session id). */
function own_roles(k: Kernel, g: ThreadGroup): PidRoles {
  let r = g.roles;
  if (r === null) {
    r = g.roles = new PidRoles(g.pid, g.pidns, g);
    k.pidRoles.set(g.pid, r);
  }
  return r;
}

/**
 * attach_pid(PIDTYPE_PGID): append process g to group r; a group that had
 * no member becomes one of session `sess` (which counts it).
 */
function pgrp_attach(r: PidRoles, g: ThreadGroup, sess: PidRoles): void {
  g.pgrp = r;
  const tail = r.pgTail;
  g.pgprev = tail;
  g.pgnext = null;
  if (tail !== null) tail.pgnext = g;
  else r.pgHead = g;
  r.pgTail = g;
  if (r.nrPg++ === 0) {
    r.sess = sess;
    sess.nrSid++;
  }
}

/** detach_pid(PIDTYPE_PGID) without the free: unlink process g from its group (pgrp_gone finishes). */
function pgrp_unlink(g: ThreadGroup): PidRoles {
  const r = g.pgrp as PidRoles;
  const prev = g.pgprev;
  const next = g.pgnext;
  if (prev !== null) prev.pgnext = next;
  else r.pgHead = next;
  if (next !== null) next.pgprev = prev;
  else r.pgTail = prev;
  g.pgprev = g.pgnext = null;
  g.pgrp = null;
  r.nrPg--;
  return r;
}

/**
 * After a member left group r: with no member left the group is gone, its
 * session loses it, and either pid is freed once nothing uses it.
 */
function pgrp_gone(k: Kernel, r: PidRoles): void {
  if (r.nrPg !== 0) return;
  const s = r.sess as PidRoles;
  r.sess = null;
  s.nrSid--;
  put_roles(k, r);
  if (s !== r) put_roles(k, s);
}

/**
 * The end of __change_pid / detach_pid for the last PGID or SID user of
 * `r`: the roles go, and when the pid's own task is released too, free_pid
 * returns its numbers at every level (session rule 10).
 */
function put_roles(k: Kernel, r: PidRoles): void {
  if (r.nrPg !== 0 || r.nrSid !== 0) return;
  k.pidRoles.delete(r.pid);
  const owner = r.owner;
  if (owner !== null) owner.roles = null;
  else {
    // Traced only for a pid that outlived its task's reap (pid-held); a leader that was its roles' last user frees it silently.
    if (k.emit !== null && r.was !== null) k.emit({ type: 'pid-free', task: r.was, nspid: pidNumbers(k, r.pid) });
    free_pid(k, r.pid, r.ns);
  }
}

/**
 * change_pid(p, PIDTYPE_PGID, to) (and PIDTYPE_SID with it: `sess` is the
 * session of `to` if it is a new group): attach first, then detach, as
 * __change_pid does, so a session the process stays in is never freed.
 */
function change_pgrp(k: Kernel, g: ThreadGroup, to: PidRoles, sess: PidRoles): void {
  const old = pgrp_unlink(g);
  pgrp_attach(to, g, sess);
  pgrp_gone(k, old);
}

/**
 * copy_process for a new process: the group (and so the session) of the
 * task that made it (init_task_pid(p, PIDTYPE_PGID, task_pgrp(current)),
 * also with CLONE_PARENT: session rule 1), and has_child_subreaper from its
 * real parent (`parent`, a thread). The group has a member (the creator),
 * so no session changes.
 */
export function attach_pgrp(tg: ThreadGroup, creator: ThreadGroup, parent: Task): void {
  const r = creator.pgrp as PidRoles;
  tg.pgrp = r;
  const tail = r.pgTail as Task;
  tg.pgprev = tail;
  tg.pgnext = null;
  tail.pgnext = tg;
  r.pgTail = tg;
  r.nrPg++;
  if ((parent.tg.flags & (IS_CHILD_SUBREAPER | HAS_CHILD_SUBREAPER)) !== 0) tg.flags |= HAS_CHILD_SUBREAPER;
}

/**
 * __unhash_process for a released leader, its PGID and SID half:
 * detach_pid(PIDTYPE_PGID) and, with the group's last member, of its
 * session; each pid's numbers are freed once it has no user left. (The
 * PIDTYPE_PID half is release_task's: free_pid, or detach_held while the
 * pid is a group or session id.)
 */
export function detach_pgrp(k: Kernel, g: ThreadGroup): void {
  const r = pgrp_unlink(g);
  if (r.nrPg === 0) pgrp_gone(k, r);
}

/**
 * detach_pid(PIDTYPE_PID) of a released leader whose pid is still a group
 * or session id: the numbers stay; no task answers to the pid any more.
 * Out of line: every reap passes here, and this rare part would only spend
 * V8's inlining budget of release_task.
 */
export function detach_held(k: Kernel, g: ThreadGroup): void {
  const own = g.roles as PidRoles;
  own.owner = null;
  g.roles = null;
  k.core.u32()[(g.pid + PID_TASK) >> 2] = 0;
  if (k.emit !== null) {
    // Users other than g itself (it leaves its group just below; its group leaves its session if g was its last member).
    const mine = g.pgrp as PidRoles;
    const pg = own.nrPg - (mine === own ? 1 : 0);
    const sid = own.nrSid - (mine.sess === own && mine.nrPg === 1 ? 1 : 0);
    if (pg !== 0 || sid !== 0) {
      own.was = g;
      k.emit({ type: 'pid-held', task: g, pgrp: pg !== 0, session: sid !== 0 });
    }
  }
}

/** The process group named `nr` in namespace of `t` (find_vpid + a PGID user), or null. */
export function find_pgrp(k: Kernel, t: Task, nr: number): PidRoles | null {
  if (nr <= 0) return null;
  const p = k.core.find_pid_ns(nr, t.tg.pidns.handle);
  if (p === 0) return null;
  const r = k.pidRoles.get(p);
  return r !== undefined && r.nrPg !== 0 ? r : null;
}

/** find_task_by_vpid(nr) as t sees it: a thread with that tid, or null. */
function find_task_by_vpid(k: Kernel, t: Task, nr: number): Task | null {
  if (nr <= 0) return null;
  const p = k.core.find_pid_ns(nr, t.tg.pidns.handle);
  return p === 0 ? null : taskOfPidOrNull(k, p);
}

/**
 * ksys_setsid: the caller's process leads a new session and group with its
 * pid; EPERM when it leads a session already or its pid is any group's id
 * (pid_task(sid, PIDTYPE_PGID)). Returns the id as the caller sees it
 * (session rule 4).
 */
export function setsid(k: Kernel, t: Task): number {
  if (t.state !== TASK_RUNNING) return k.fail(ESRCH, WHY.ACTOR_EXITED);
  const g = t.tg;
  if ((g.flags & SIGNAL_LEADER) !== 0) return k.fail(EPERM, WHY.SETSID_LEADER);
  if (g.roles !== null && g.roles.nrPg !== 0) return k.fail(EPERM, WHY.SETSID_PGRP);
  g.flags |= SIGNAL_LEADER;
  // Reported before the old group and session are left: a pid freed by that follows its cause.
  if (k.emit !== null) k.emit({ type: 'setsid', task: g });
  // set_special_pids: the new session and group are both the process's own pid.
  const sid = own_roles(k, g);
  change_pgrp(k, g, sid, sid);
  runPending(k);
  return pid_nr_ns(k, g.pid, g.pidns);
}

/**
 * setpgid's checks in the kernel's order (kernel/sys.c, session rule 5):
 * the process to move (`k.spProc`) and the group it goes to (`k.spPgrp`,
 * null for a new group with its own pid), or an errno. Changes nothing.
 */
function setpgid_check(k: Kernel, t: Task, pid: number, pgid: number): number {
  if (t.state !== TASK_RUNNING) return k.fail(ESRCH, WHY.ACTOR_EXITED);
  const leader = t.tg;
  if (pid === 0) pid = pid_nr_ns(k, leader.pid, leader.pidns);
  if (pgid === 0) pgid = pid;
  if (pgid < 0) return k.fail(EINVAL, WHY.SETPGID_NEGATIVE);
  const p = find_task_by_vpid(k, t, pid);
  if (p === null) return k.fail(ESRCH, WHY.SETPGID_NO_TASK);
  if (p !== p.tg) return k.fail(EINVAL, WHY.SETPGID_NOT_LEADER);
  const g = p.tg;
  if (g.parent !== null && g.parent.tg === leader) {
    if ((g.pgrp as PidRoles).sess !== (leader.pgrp as PidRoles).sess) return k.fail(EPERM, WHY.SETPGID_CHILD_SESSION);
  } else if (g !== leader) {
    return k.fail(ESRCH, WHY.SETPGID_NOT_CHILD);
  }
  if ((g.flags & SIGNAL_LEADER) !== 0) return k.fail(EPERM, WHY.SETPGID_SESSION_LEADER);
  let pgrp: PidRoles | null = null;
  if (pgid !== pid) {
    pgrp = find_pgrp(k, t, pgid);
    // pid_task(pgrp, PIDTYPE_PGID) and its session: every member's is the group's.
    // One check in the kernel (!g || task_session(g) != task_session(group_leader)); two reasons for --explain.
    if (pgrp === null) return k.fail(EPERM, WHY.SETPGID_NO_PGRP);
    if (pgrp.sess !== (leader.pgrp as PidRoles).sess) return k.fail(EPERM, WHY.SETPGID_PGRP_SESSION);
  }
  k.spProc = g;
  k.spPgrp = pgrp;
  return 0;
}

/** setpgid(pid, pgid) made by t, both as t sees them. */
export function setpgid(k: Kernel, t: Task, pid: number, pgid: number): number {
  const r = setpgid_check(k, t, pid, pgid);
  if (r < 0) return r;
  const g = k.spProc as ThreadGroup;
  const pgrp = k.spPgrp ?? own_roles(k, g);
  k.spProc = k.spPgrp = null;
  if (g.pgrp !== pgrp) {
    if (k.emit !== null) k.emit({ type: 'setpgid', task: g, pgid: pidNumbers(k, pgrp.pid), leader: pgrp.owner, by: t });
    change_pgrp(k, g, pgrp, (g.pgrp as PidRoles).sess as PidRoles);
    runPending(k);
  }
  return 0;
}

/**
 * Would setpgid(pid, pgid) by t succeed in putting a namespace init's
 * process into a group whose id is another pid with a number in the init's
 * namespace? That init's process, else null. Such an init could never finish exiting; the scenario language
 * makes that call a scenario error (scenario-language.md, session rule 13).
 * Changes nothing.
 */
export function setpgid_traps_init(k: Kernel, t: Task, pid: number, pgid: number): ThreadGroup | null {
  const why = k.why;
  const r = setpgid_check(k, t, pid, pgid);
  k.why = why;
  if (r < 0) return null;
  const g = k.spProc as ThreadGroup;
  const pgrp = k.spPgrp;
  k.spProc = k.spPgrp = null;
  if (pgrp === null || pgrp.pid === g.pid) return null;
  // is_child_reaper(task_pid(p)), and the group's pid has a number in p's namespace.
  return pid_nr_ns(k, g.pid, g.pidns) === 1 && pid_nr_ns(k, pgrp.pid, g.pidns) !== 0 ? g : null;
}

/** getpgid(pid) / getsid(pid) made by t (do_getpgid, getsid): the id as t sees it, 0 when it has no number there. */
export function getpgid(k: Kernel, t: Task, pid: number, session: boolean): number {
  if (t.state !== TASK_RUNNING) return k.fail(ESRCH, WHY.ACTOR_EXITED);
  let g: ThreadGroup = t.tg;
  if (pid !== 0) {
    const p = find_task_by_vpid(k, t, pid);
    if (p === null) return k.fail(ESRCH, session ? WHY.GETSID_NO_TASK : WHY.GETPGID_NO_TASK);
    g = p.tg;
  }
  const pg = g.pgrp as PidRoles;
  return pid_nr_ns(k, session ? (pg.sess as PidRoles).pid : pg.pid, t.tg.pidns);
}

/**
 * prctl(PR_SET_CHILD_SUBREAPER, on) made by t: the process's
 * is_child_subreaper; setting it marks the descendants
 * has_child_subreaper (walk_process_tree with
 * propagate_has_child_subreaper: a subtree whose root has the mark already,
 * or is a namespace init, is skipped).
 */
export function set_child_subreaper(k: Kernel, t: Task, on: boolean): number {
  if (t.state !== TASK_RUNNING) return k.fail(ESRCH, WHY.ACTOR_EXITED);
  const top = t.tg;
  if (k.emit !== null) k.emit({ type: 'subreaper', task: top, on });
  if (!on) {
    top.flags &= ~IS_CHILD_SUBREAPER;
    return 0;
  }
  top.flags |= IS_CHILD_SUBREAPER;
  // Depth first over every thread's children list (the order does not change the result).
  const stack: ThreadGroup[] = [top];
  while (stack.length > 0) {
    const parent = stack.pop() as ThreadGroup;
    for (let th: Task | null = parent.threadHead; th !== null; th = th.tnext) {
      for (let c = th.childHead; c !== null; c = c.snext) {
        if ((c.flags & HAS_CHILD_SUBREAPER) !== 0 || pid_nr_ns(k, c.pid, c.pidns) === 1) continue;
        c.flags |= HAS_CHILD_SUBREAPER;
        stack.push(c);
      }
    }
  }
  return 0;
}

/** prctl(PR_GET_CHILD_SUBREAPER) made by t: 0 or 1. */
export function get_child_subreaper(k: Kernel, t: Task): number {
  if (t.state !== TASK_RUNNING) return k.fail(ESRCH, WHY.ACTOR_EXITED);
  return (t.tg.flags & IS_CHILD_SUBREAPER) !== 0 ? 1 : 0;
}
