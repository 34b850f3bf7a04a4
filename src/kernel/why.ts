/**
 * Why a call failed: one string per kernel check, named after the kernel
 * function that makes it (Linux 6.18). The kernel model stores the string of
 * the check that fired in `Kernel.why` on every failure (never on success:
 * no string is built on the fast path). `pidns run --explain` prints them.
 *
 * | errno  | reason constant           | kernel check |
 * | ------ | ------------------------- | ------------ |
 * | ESRCH  | ACTOR_EXITED              | the acting task has exited (zombie, exiting, reaped): the call is never made |
 * | ESRCH  | TARGET_REAPED             | /proc/<pid> of a reaped task is gone |
 * | EINVAL | CLONE3_SET_TID_SIZE       | copy_clone_args_from_user: set_tid_size > MAX_PID_NS_LEVEL |
 * | EINVAL | CLONE_NEWNS_FS            | copy_process: CLONE_NEWNS with CLONE_FS |
 * | EINVAL | CLONE_THREAD_SIGHAND      | copy_process: CLONE_THREAD without CLONE_SIGHAND |
 * | EINVAL | CLONE_SIGHAND_VM          | copy_process: CLONE_SIGHAND without CLONE_VM |
 * | EINVAL | CLONE_PARENT_INIT         | copy_process: CLONE_PARENT from a SIGNAL_UNKILLABLE (init) process |
 * | EINVAL | CLONE_THREAD_NEWPID       | copy_process: CLONE_THREAD with CLONE_NEWPID |
 * | EINVAL | CLONE_THREAD_PIDNS        | copy_process: CLONE_THREAD while pid_for_children ≠ active ns |
 * | EINVAL | COPY_NS_IPC_SYSVSEM       | copy_namespaces: CLONE_NEWIPC with CLONE_SYSVSEM |
 * | EINVAL | COPY_PID_NS_ACTIVE        | copy_pid_ns: CLONE_NEWPID while pid_for_children ≠ active ns |
 * | ENOSPC | PID_NS_TOO_DEEP           | create_pid_namespace: level > MAX_PID_NS_LEVEL |
 * | ENOMEM | CORE_NO_MEMORY            | the core's memory cannot grow |
 * | EINVAL | ALLOC_PID_SET_TID_SIZE    | alloc_pid: set_tid_size > ns->level + 1 |
 * | EINVAL | ALLOC_PID_SET_TID_RANGE   | alloc_pid: set_tid[i] < 1 or >= that level's pid_max |
 * | EINVAL | ALLOC_PID_SET_TID_REAPER  | alloc_pid: set_tid[i] != 1 in a level without child_reaper |
 * | EEXIST | ALLOC_PID_SET_TID_BUSY    | alloc_pid: set_tid[i] already taken at its level |
 * | EAGAIN | ALLOC_PID_FULL            | alloc_pid: idr_alloc_cyclic found no free number below pid_max |
 * | ENOMEM | ALLOC_PID_DEAD_NS         | alloc_pid: namespace dead (PIDNS_ADDING cleared) |
 * | EINVAL | UNSHARE_FLAGS             | check_unshare_flags: flag that cannot be unshared (CLONE_PARENT) |
 * | EINVAL | UNSHARE_THREADS           | check_unshare_flags: THREAD/SIGHAND/VM while other threads exist |
 * | ENOENT | PROC_NS_EXITED            | proc ns link of an exited task: nsproxy gone (only `pid` remains) |
 * | ENOENT | PROC_PID_FOR_CHILDREN     | pidns_for_children_get: namespace has no child_reaper yet |
 * | EINVAL | PIDNS_INSTALL             | pidns_install: target not the active ns or a descendant of it |
 * | ESRCH  | KILL_NO_PID               | kill_pid_info: no such pid in the caller's namespace |
 * | ESRCH  | KILL_NO_PGRP              | __kill_pgrp_info: no such process group |
 * | ESRCH  | KILL_INT_MIN              | kill_something_info: pid == INT_MIN |
 * | ESRCH  | KILL_ALL_NONE             | kill_something_info: kill(-1) found no process |
 * | EINVAL | KILL_INVALID_SIGNAL       | check_kill_permission: valid_signal: sig outside 0..64 (after the lookup) |
 * | ESRCH  | WAIT_INT_MIN              | kernel_wait4: upid == INT_MIN |
 * | ECHILD | WAIT_NO_CHILDREN          | do_wait: no children |
 * | ECHILD | WAIT_NOT_CHILD            | do_wait: no child matches the pid / process group |
 * | EPERM  | SETSID_LEADER             | ksys_setsid: the process is a session leader already |
 * | EPERM  | SETSID_PGRP               | ksys_setsid: the process's pid is a process group id |
 * | EINVAL | SETPGID_NEGATIVE          | setpgid: pgid < 0 |
 * | ESRCH  | SETPGID_NO_TASK           | setpgid: find_task_by_vpid(pid) found no task |
 * | EINVAL | SETPGID_NOT_LEADER        | setpgid: pid is a thread that does not lead its process |
 * | EPERM  | SETPGID_CHILD_SESSION     | setpgid: the child is in another session |
 * | ESRCH  | SETPGID_NOT_CHILD         | setpgid: pid is neither the caller's process nor its child |
 * | EPERM  | SETPGID_SESSION_LEADER    | setpgid: the process leads a session |
 * | EPERM  | SETPGID_NO_PGRP           | setpgid: no process group pgid (pid_task(pgrp, PIDTYPE_PGID) is NULL) |
 * | EPERM  | SETPGID_PGRP_SESSION      | setpgid: process group pgid is in another session than the caller |
 * | ESRCH  | GETPGID_NO_TASK           | do_getpgid: find_task_by_vpid(pid) found no task |
 * | ESRCH  | GETSID_NO_TASK            | getsid: find_task_by_vpid(pid) found no task |
 * | EINVAL | NS_LAST_PID_RANGE         | pid_ns_ctl_handler: ns_last_pid outside [0, pid_max] |
 * | EINVAL | PID_MAX_RANGE             | proc_dointvec_pidmax: pid_max outside [301, 4194304] |
 */
export const WHY = {
  ACTOR_EXITED: 'the acting task has exited (zombie, exiting namespace init or reaped): it cannot make calls',
  TARGET_REAPED: 'proc_pid_lookup: the target task has been reaped (no /proc/<pid>)',
  CLONE3_SET_TID_SIZE: 'copy_clone_args_from_user: set_tid_size > MAX_PID_NS_LEVEL (32)',
  CLONE_NEWNS_FS: 'copy_process: CLONE_NEWNS together with CLONE_FS',
  CLONE_THREAD_SIGHAND: 'copy_process: CLONE_THREAD without CLONE_SIGHAND',
  CLONE_SIGHAND_VM: 'copy_process: CLONE_SIGHAND without CLONE_VM',
  CLONE_PARENT_INIT: 'copy_process: CLONE_PARENT from a namespace init (SIGNAL_UNKILLABLE)',
  CLONE_THREAD_NEWPID: 'copy_process: CLONE_THREAD together with CLONE_NEWPID',
  CLONE_THREAD_PIDNS: 'copy_process: CLONE_THREAD while pid_for_children differs from the active namespace',
  COPY_NS_IPC_SYSVSEM: 'copy_namespaces: CLONE_NEWIPC together with CLONE_SYSVSEM',
  COPY_PID_NS_ACTIVE: 'copy_pid_ns: CLONE_NEWPID while pid_for_children differs from the active namespace',
  PID_NS_TOO_DEEP: 'create_pid_namespace: level would exceed MAX_PID_NS_LEVEL (32)',
  CORE_NO_MEMORY: 'the pid core cannot grow its memory',
  ALLOC_PID_SET_TID_SIZE: 'alloc_pid: set_tid_size > ns->level + 1',
  ALLOC_PID_SET_TID_RANGE: 'alloc_pid: set_tid number < 1 or >= pid_max of its level',
  ALLOC_PID_SET_TID_REAPER: 'alloc_pid: set_tid number other than 1 in a namespace without child_reaper',
  ALLOC_PID_SET_TID_BUSY: 'alloc_pid: set_tid number already in use at its level',
  ALLOC_PID_FULL: 'alloc_pid: idr_alloc_cyclic found no free pid below pid_max at some level',
  ALLOC_PID_DEAD_NS: 'alloc_pid: namespace is dead (PIDNS_ADDING cleared by zap_pid_ns_processes or its first process died)',
  UNSHARE_FLAGS: 'check_unshare_flags: flag that unshare does not accept (CLONE_PARENT)',
  UNSHARE_THREADS: 'check_unshare_flags: CLONE_THREAD/SIGHAND/VM while the process has other threads',
  PROC_NS_EXITED: 'proc_ns_get_link: the task has exited; its nsproxy is gone (only the pid link remains)',
  PROC_PID_FOR_CHILDREN: 'pidns_for_children_get: the namespace has no init (child_reaper) yet',
  PIDNS_INSTALL: 'pidns_install: target is neither the active pid namespace nor a descendant of it',
  KILL_NO_PID: 'kill_pid_info: no such pid in the caller\'s pid namespace',
  KILL_NO_PGRP: '__kill_pgrp_info: no such process group in the caller\'s pid namespace',
  KILL_INT_MIN: 'kill_something_info: pid == INT_MIN',
  KILL_ALL_NONE: 'kill_something_info: kill(-1) found no process other than the caller\'s and pid 1',
  KILL_INVALID_SIGNAL: 'check_kill_permission: valid_signal: the signal number is outside 0..64',
  WAIT_INT_MIN: 'kernel_wait4: upid == INT_MIN',
  WAIT_NO_CHILDREN: 'do_wait: the calling process has no children',
  WAIT_NOT_CHILD: 'do_wait: no child of the calling process matches',
  SETSID_LEADER: 'ksys_setsid: the process is a session leader already',
  SETSID_PGRP: 'ksys_setsid: the process\'s pid is the id of a process group (pid_task(sid, PIDTYPE_PGID))',
  SETPGID_NEGATIVE: 'setpgid: pgid < 0',
  SETPGID_NO_TASK: 'setpgid: find_task_by_vpid: no task has that pid in the caller\'s namespace',
  SETPGID_NOT_LEADER: 'setpgid: the pid is a thread that is not its process\'s leader',
  SETPGID_CHILD_SESSION: 'setpgid: the child is in another session than the caller',
  SETPGID_NOT_CHILD: 'setpgid: the process is neither the caller\'s nor a child of it',
  SETPGID_SESSION_LEADER: 'setpgid: the process is a session leader',
  SETPGID_NO_PGRP: 'setpgid: no process group has that id (find_vpid + pid_task(pgrp, PIDTYPE_PGID))',
  SETPGID_PGRP_SESSION: 'setpgid: that process group is in another session than the caller (task_session(g) != task_session(group_leader))',
  GETPGID_NO_TASK: 'do_getpgid: find_task_by_vpid: no task has that pid in the caller\'s namespace',
  GETSID_NO_TASK: 'getsid: find_task_by_vpid: no task has that pid in the caller\'s namespace',
  NS_LAST_PID_RANGE: 'pid_ns_ctl_handler: ns_last_pid outside [0, pid_max]',
  PID_MAX_RANGE: 'proc_dointvec_pidmax: pid_max outside [301, 4194304]',
} as const;
