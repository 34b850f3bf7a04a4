/**
 * Words a student meets in the explorer, explained; and the kernel checks a
 * failed call can name (why.ts), so a failed step links to its check.
 */
import { WHY } from '../kernel/why.js';

export const GLOSSARY: readonly { term: string; text: string }[] = [
  { term: 'PID namespace', text: 'A numbering of processes. Every task has a number in its own namespace and in each ancestor namespace up to the root; a namespace cannot see tasks of its parent.' },
  { term: 'level', text: 'Depth of a namespace: the root is level 0, a namespace made by clone(CLONE_NEWPID) from level L is level L + 1 (at most 32). A struct pid made in a level-L namespace holds L + 1 numbers, numbers[0] for the root … numbers[L] for its own.' },
  { term: 'pidns#N', text: 'A namespace id: the creation order of namespaces in this simulation (pidns#0 is the root). Other namespace types (mnt, uts, ipc, net, cgroup) share the counter. The kernel shows inode numbers instead (/proc/PID/ns/pid).' },
  { term: 'NSpid', text: 'The line of /proc/PID/status that lists a task\'s numbers from the root namespace down to its own: "NSpid: 3 1" is 3 in the root and 1 in its namespace. It is struct pid\'s numbers[0..level].' },
  { term: 'struct pid', text: 'The kernel object that carries a task\'s numbers: level and numbers[] of {nr, ns}. It comes from a slab cache per level ("pid" at level 0, "pid_2", "pid_3" … deeper), because its size grows with the level.' },
  { term: 'alloc_pid', text: 'Takes one number per level, deepest level first (the new namespace\'s own number, then its parent\'s, up to the root), each from that namespace\'s allocator starting at its cursor (last_pid + 1), wrapping to 300 … when it reaches pid_max. On failure the numbers taken so far are given back.' },
  { term: 'cursor, ns_last_pid', text: 'Each namespace remembers where its next search starts (the IDR cursor, idr_next): the last number it handed out + 1. /proc/sys/kernel/ns_last_pid shows cursor - 1 and can be written to choose the next number.' },
  { term: 'set_tid order', text: 'clone3(set_tid=[a, b, …]) asks for exact numbers: set_tid[0] for the deepest level (the new task\'s own namespace), set_tid[1] for its parent, and so on — the reverse of NSpid\'s order.' },
  { term: 'init, child reaper', text: 'The first process of a namespace has number 1 there: its init. It adopts orphans (child_reaper) and ignores signals from inside its namespace; only SIGKILL from an ancestor namespace kills it. When it dies, every other process of the namespace is killed (zap_pid_ns_processes) and no new process may enter.' },
  { term: 'pid_ns_for_children', text: 'The namespace a task\'s next children go into, kept in its nsproxy. setns(pid) and unshare(CLONE_NEWPID) change only this, never the task\'s own (active) namespace. While the two differ, CLONE_THREAD fails with EINVAL: a thread must share its process\'s namespace.' },
  { term: 'zombie', text: 'A process that has exited but was not reaped by its parent\'s wait yet: it keeps its struct pid, so its numbers stay taken. Reaping frees them.' },
  { term: 'pidmap, idr, hbm', text: 'Three allocators of numbers: pidmap is the ≤4.14 kernel\'s bitmap pages with nr_free per page, idr the 4.15+ kernel\'s radix tree with IDR_FREE marks, hbm a hierarchical bitmap whose summary levels mark full words. All give the same numbers; they differ in the work they do.' },
];

export type CheckKey = keyof typeof WHY;

/** The WHY constant whose text `why` is, if any. */
export function checkOf(why: string | null): CheckKey | null {
  if (why === null) return null;
  for (const k of Object.keys(WHY) as CheckKey[]) if (WHY[k] === why) return k;
  return null;
}

export const CHECKS: readonly { key: CheckKey; text: string }[] = (Object.keys(WHY) as CheckKey[]).map((key) => ({ key, text: WHY[key] }));
