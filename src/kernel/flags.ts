/**
 * Clone flags (include/uapi/linux/sched.h) and the namespace types a scenario
 * can name. Values are the kernel's; only the flags the scenario language
 * knows have names here (NEWUSER and NEWTIME are outside the language).
 */
export const CSIGNAL = 0x000000ff;
export const CLONE_VM = 0x00000100;
export const CLONE_FS = 0x00000200;
export const CLONE_FILES = 0x00000400;
export const CLONE_SIGHAND = 0x00000800;
export const CLONE_PARENT = 0x00008000;
export const CLONE_THREAD = 0x00010000;
export const CLONE_NEWNS = 0x00020000;
export const CLONE_SYSVSEM = 0x00040000;
export const CLONE_SETTLS = 0x00080000;
export const CLONE_PARENT_SETTID = 0x00100000;
export const CLONE_CHILD_CLEARTID = 0x00200000;
export const CLONE_NEWCGROUP = 0x02000000;
export const CLONE_NEWUTS = 0x04000000;
export const CLONE_NEWIPC = 0x08000000;
export const CLONE_NEWPID = 0x20000000;
export const CLONE_NEWNET = 0x40000000;

/** Every CLONE_NEW* flag of the language (copy_namespaces' "anything to copy?" test). */
export const CLONE_NEW_ANY =
  CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP;

/** The flags glibc's pthread_create passes (scenario statement `thread`). */
export const PTHREAD_CREATE_FLAGS =
  CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SYSVSEM | CLONE_SIGHAND | CLONE_THREAD |
  CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;

/** Flag names of the scenario language (without the CLONE_ prefix), in a fixed order. */
export const FLAG_NAMES: Readonly<Record<string, number>> = {
  NEWPID: CLONE_NEWPID,
  NEWNS: CLONE_NEWNS,
  NEWUTS: CLONE_NEWUTS,
  NEWIPC: CLONE_NEWIPC,
  NEWNET: CLONE_NEWNET,
  NEWCGROUP: CLONE_NEWCGROUP,
  THREAD: CLONE_THREAD,
  SIGHAND: CLONE_SIGHAND,
  VM: CLONE_VM,
  FS: CLONE_FS,
  FILES: CLONE_FILES,
  SYSVSEM: CLONE_SYSVSEM,
  PARENT: CLONE_PARENT,
};

export type FlagName = keyof typeof FLAG_NAMES;

/** Flags as a `NEWPID|NEWUTS` string (`0` when none); unknown bits as hex. */
export function formatFlags(flags: number): string {
  const parts: string[] = [];
  let rest = flags;
  for (const [name, bit] of Object.entries(FLAG_NAMES)) {
    if (flags & bit) { parts.push(name); rest &= ~bit; }
  }
  if (rest) parts.push('0x' + (rest >>> 0).toString(16));
  return parts.length ? parts.join('|') : '0';
}

/**
 * Namespace types of /proc/PID/ns/ that scenarios name. `pid` is the task's
 * active namespace (from its struct pid), `pid_for_children` its nsproxy's.
 */
export type NsType = 'pid' | 'pid_for_children' | 'uts' | 'ipc' | 'net' | 'cgroup' | 'mnt';
export const NS_TYPES: readonly NsType[] = ['pid', 'pid_for_children', 'uts', 'ipc', 'net', 'cgroup', 'mnt'];
/** The types `setns` accepts in the language (mnt is excluded). */
export const SETNS_TYPES: readonly NsType[] = ['pid', 'pid_for_children', 'uts', 'ipc', 'net', 'cgroup'];

/** Signals of the language. */
export const SIGKILL = 9;
export const SIGTERM = 15;
export const SIGCHLD = 17;
