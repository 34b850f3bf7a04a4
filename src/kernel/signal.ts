/**
 * Signals (kernel/signal.c, 6.18): kill(2) through kill_something_info
 * (one process, a process group, kill(-1)) and group_send_sig_info's drop rules for
 * a namespace init (rules 19, 20, 22). Only SIG 0, SIGKILL and SIGTERM
 * exist in the language; a fatal one reaches the process via group_exit.
 */
import { ESRCH } from '../core/errno.js';
import { SIGKILL } from './flags.js';
import type { Kernel } from './kernel.js';
import { group_exit } from './exit.js';
import { SIGNAL_UNKILLABLE, TASK_RUNNING, type PidRoles, type Task, type ThreadGroup } from './objects.js';
import { find_pgrp } from './pgrp.js';
import { pid_nr_ns, taskOfPidOrNull } from './pid.js';
import { forEachProcessBelow, runPending } from './pid_namespace.js';
import { WHY } from './why.js';

const INT_MIN = -2147483648;

/**
 * group_send_sig_info for SIG 0, SIGKILL or SIGTERM from thread `sender`.
 * A namespace init (SIGNAL_UNKILLABLE) drops the signal unless it is
 * SIGKILL from a sender with no pid in the init's namespace
 * (send_signal_locked's force; sig_task_ignored).
 */
export function send_sig(k: Kernel, tg: ThreadGroup, sig: number, sender: Task): void {
  if (sig === 0) return;
  if ((tg.flags & SIGNAL_UNKILLABLE) !== 0) {
    const force = pid_nr_ns(k, sender.pid, tg.pidns) === 0;
    if (!(force && sig === SIGKILL)) return;
  }
  if (group_exit(k, tg, sig) && k.emit !== null) k.emit({ type: 'signal', target: tg, sig, from: sender });
}

/** kill(pid, sig) made by t; `pid` as t sees it. SIG is 0, 9 or 15 in the language (others act like 15). */
export function kill(k: Kernel, t: Task, pid: number, sig: number): number {
  if (t.state !== TASK_RUNNING) return k.fail(ESRCH, WHY.ACTOR_EXITED);
  const ns = t.tg.pidns;
  if (pid > 0) {
    // kill_proc_info: find_vpid, then the whole process of that thread.
    // A pid kept only as a group or session id has no task (session rule 9).
    const p = k.core.find_pid_ns(pid, ns.handle);
    const task = p === 0 ? null : taskOfPidOrNull(k, p);
    if (task === null) return k.fail(ESRCH, WHY.KILL_NO_PID);
    send_sig(k, task.tg, sig, t);
  } else if (pid === INT_MIN) {
    return k.fail(ESRCH, WHY.KILL_INT_MIN);
  } else if (pid === -1) {
    let count = 0;
    const self = t.tg;
    forEachProcessBelow(k, ns, (g) => {
      if (g === self || pid_nr_ns(k, g.leader.pid, ns) <= 1) return;
      count++;
      send_sig(k, g, sig, t);
    });
    if (count === 0) return k.fail(ESRCH, WHY.KILL_ALL_NONE);
  } else {
    // __kill_pgrp_info: kill(0) is the caller's group, kill(-N) group N as
    // the caller sees it; every member, in any namespace, zombies included
    // (session rules 14, 15). ESRCH when the group has no member.
    const pg = pid === 0 ? (t.tg.pgrp as PidRoles) : find_pgrp(k, t, -pid);
    if (pg === null) return k.fail(ESRCH, WHY.KILL_NO_PGRP);
    // group_exit only marks and queues: the list does not change meanwhile.
    for (let g = pg.pgHead; g !== null; g = g.pgnext) send_sig(k, g, sig, t);
  }
  runPending(k);
  return 0;
}

