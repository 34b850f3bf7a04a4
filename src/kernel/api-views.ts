/**
 * The typed API's views (api.ts): plain data describing tasks, namespaces
 * and process groups as a namespace sees them, for tools, pages and tests.
 * Tasks inside a view are Task handles, which JSON.stringify as their
 * NSpid and state (Task.toJSON).
 */
import { TASK_DEAD, TASK_EXITING, TASK_RUNNING, TASK_ZAPWAIT, TASK_ZOMBIE, type Task } from './objects.js';

export type TaskState = 'running' | 'exiting' | 'zap-wait' | 'zombie' | 'reaped';

export interface TaskView {
  task: Task;
  state: TaskState;
  /** The thread's NSpid (root level first); empty once reaped. */
  nspid: number[];
  /** NSpid of its thread-group leader (the NStgid line). */
  nstgid: number[];
  isLeader: boolean;
  /** The namespace id of its active pid namespace. */
  pidns: number;
  /**
   * Its process group id and session id as its own (active) namespace
   * sees them: what getpgid(0) / getsid(0) would give it; 0 where the id
   * has no number there (a namespace init still in its creator's session),
   * and 0 once reaped.
   */
  pgid: number;
  sid: number;
  /** The same ids, root level numbers (never 0 before the reap). */
  rootPgid: number;
  rootSid: number;
  /** Does its process lead its session (setsid made it)? */
  sessionLeader: boolean;
  /** Is its process a child subreaper (PR_SET_CHILD_SUBREAPER)? */
  subreaper: boolean;
}

export interface NamespaceView {
  /** Stable id of this namespace within the kernel (creation order; the root is 0). */
  id: number;
  level: number;
  parent: number | null;
  /** Does it still accept new pids (PIDNS_ADDING)? False once its init has exited. */
  alive: boolean;
  /** Its init (child_reaper's process leader), if one was ever published. */
  init: Task | null;
  /** The thread waiting in zap_pid_ns_processes, if any. */
  zapping: Task | null;
  pidMax: number;
  lastPid: number;
  /** pid_allocated: published pids with a number here (threads, zombies, nested namespaces included). */
  nrPids: number;
}

/**
 * A task as plain data (Task.toJSON): its NSpid (root level first) and
 * state. A reaped task's numbers are those it had, when known (its release
 * was seen by an event listener), else empty.
 */
export interface TaskRef {
  nspid: number[];
  state: TaskState;
}

/** A task as one namespace sees it. */
export interface VisibleTask {
  task: Task;
  /** Its thread id in that namespace. */
  tid: number;
  /** Its process id (tgid) in that namespace. */
  tgid: number;
  state: TaskState;
  /** Its process group and session ids in that namespace (0: no number there, as `ps` inside shows). */
  pgid: number;
  sid: number;
  /** Is its process a child subreaper? */
  subreaper: boolean;
}

/** A process group as one namespace sees it (processGroups). */
export interface GroupView {
  /** The group's id and its session's id in that namespace (0: no number there). */
  pgid: number;
  sid: number;
  /** The same, root level numbers. */
  rootPgid: number;
  rootSid: number;
  /** The process whose pid is the group's id; null once it is reaped (its numbers stay held while the group has members). */
  leader: Task | null;
  /** Every member (leaders of their processes), in the order they joined, also those the namespace cannot see. */
  members: Task[];
}

export const STATE_NAMES: Record<number, TaskState> = {
  [TASK_RUNNING]: 'running',
  [TASK_EXITING]: 'exiting',
  [TASK_ZAPWAIT]: 'zap-wait',
  [TASK_ZOMBIE]: 'zombie',
  [TASK_DEAD]: 'reaped',
};
