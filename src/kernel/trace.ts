/**
 * One line of English per KernelEvent (kernel.ts), for `pidns run --trace`
 * and for embedders who want to show what a call did. Tasks are named by a
 * callback (a scenario's names, or anything the caller likes), by default
 * `task ` and their NSpid (`task 3 1`); namespaces are `pidns#N` with N
 * their creation serial (the id the views use) and their level.
 *
 * Numbers are read through `k.nspidOf`. Both kernels deliver events when
 * their call has completed. With the typed API's kernel (`formatEvent(k, e)`
 * in an onEvent listener) a task released by the call keeps the numbers it
 * had. With the raw Kernel (Kernel.trace) format them inside the hook,
 * before the next call can release and reuse what they name; a task
 * released meanwhile (by a call the hook made) is shown without numbers.
 */
import type { KernelEvent } from './kernel.js';
import { TASK_DEAD, type PidNs, type Task } from './objects.js';

/** Where formatEvent reads a task's numbers: the typed PidnsKernel or the raw Kernel. */
export interface EventNumbers {
  nspidOf(t: Task): readonly number[];
}

/** The default task namer: `task` and its NSpid, root level first (`task 3 1`). */
export function nspidNamer(k: EventNumbers): (t: Task) => string {
  return (t) => {
    const n = k.nspidOf(t);
    return n.length > 0 ? `task ${n.join(' ')}` : 'a reaped task';
  };
}
import { SIGKILL } from './flags.js';

const SIGNAL_NAMES: Record<number, string> = { [SIGKILL]: 'SIGKILL', 15: 'SIGTERM' };

function nsName(ns: PidNs): string {
  return `pidns#${ns.serial} (level ${ns.level})`;
}

export function formatEvent(k: EventNumbers, e: KernelEvent, name: (t: Task) => string = nspidNamer(k)): string {
  switch (e.type) {
    case 'create': {
      const numbers = e.task.state === TASK_DEAD ? 'already released' : `NSpid ${k.nspidOf(e.task).join(' ')}`;
      if (e.thread) return `${name(e.task)} created: a thread of ${name(e.task.tg)}'s process, ${numbers}`;
      return `${name(e.task)} created: ${numbers}, parent ${e.parent ? name(e.parent) : '(none)'}`;
    }
    case 'pidns-create':
      return `${nsName(e.ns)} created by ${name(e.by)}; its first process will be its init`;
    case 'pid-for-children': {
      const active = e.task.tg.pidns;
      return e.ns === active
        ? `${name(e.task)}'s new children go into its own namespace again, ${nsName(e.ns)}`
        : `${name(e.task)}'s new children go into ${nsName(e.ns)}; it stays in ${nsName(active)}`;
    }
    case 'signal':
      return `${SIGNAL_NAMES[e.sig] ?? `signal ${e.sig}`} from ${name(e.from)} ends ${name(e.target)}'s process`;
    case 'exit':
      return e.zombie
        ? `${name(e.task)} exited: a zombie until its parent reaps it`
        : `${name(e.task)} exited: a thread, released at once`;
    case 'child-reaper':
      return `${name(e.task)} is now the child reaper of ${nsName(e.ns)} (its init's leader thread exited)`;
    case 'reparent':
      return `${name(e.child)} reparented from ${name(e.from)} to ${name(e.to)}`;
    case 'zap':
      return `${name(e.init)}, the last thread of ${nsName(e.ns)}'s init, exits: zap_pid_ns_processes kills every process in it and waits`;
    case 'zap-done':
      return `${nsName(e.ns)} is empty: ${name(e.init)} finishes its exit`;
    case 'release':
      switch (e.how) {
        case 'wait': return `${name(e.task)} reaped by ${e.by ? name(e.by) : '?'}`;
        case 'autoreap': return `${name(e.task)} reaped at once: its parent ignores SIGCHLD (an init in zap_pid_ns_processes)`;
        case 'zap': return `${name(e.task)} reaped by ${e.by ? name(e.by) : '?'}'s wait in zap_pid_ns_processes`;
        case 'thread': return `${name(e.task)} released: its numbers are free again`;
      }
      break;
    case 'pidns-free':
      return `${nsName(e.ns)} freed: nothing refers to it any more`;
  }
  return '';
}
