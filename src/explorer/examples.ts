/**
 * The built-in scenarios of both pages: the explorer imports them, and the
 * playground (web/playground.html) loads this module's tsc output,
 * /dist/explorer/examples.js, so there is one copy. Each is a recorded
 * example of test/scenarios/playground/ (checked against the kernel by the
 * scenario suite); test/explorer-state.test.ts and test/playground.test.ts
 * check that these texts equal those files, one file an example. The
 * module imports nothing, so the page's load of it fetches one file.
 */
export interface Example {
  id: string;
  title: string;
  source: string;
}

export const EXAMPLES: readonly Example[] = [
  {
    id: 'seed',
    title: 'the seed story: setns, then no threads',
    source: `# A process that setns'es into a child PID namespace cannot create threads;
# a forked child of it can, and setns back lifts the rule.
a = fork init
b = clone a NEWPID            # 3 in the root namespace, 1 in its own
setns init b pid              # init's next children go into b's namespace
t = thread init               # EINVAL
c = fork init                 # a child may
u = thread c                  # and it can have threads
setns init init pid
v = thread init
getppid c                     # 0: c's parent is not visible from there
`,
  },
  {
    id: 'teardown',
    title: 'a namespace whose init dies',
    source: `a = clone init NEWPID
b = fork a
c = fork b
d = thread c
exit a 7                      # zap_pid_ns_processes: everything in it is killed
wait init
z = fork a                    # ESRCH: a has exited
`,
  },
  {
    id: 'orphans',
    title: 'orphans and their new parent',
    source: `p = fork init
q = fork p
r = fork p
exit p 0                      # q and r go to init, the reaper
getppid q                     # 1
wait init                     # init reaps p
exit q 5
wait init 3                   # and its new child q
wait init                     # none: r is still running
`,
  },
  {
    id: 'set-tid',
    title: 'clone3 set_tid and ns_last_pid',
    source: `n = clone init NEWPID
m = clone3 n 0 set_tid=100,50
lastpid n
lastpid n 999
x = fork n
nspid x
pidmax n 400
y = clone3 n 0 set_tid=500   # EINVAL: above pid_max
`,
  },
  {
    id: 'container-init',
    title: 'a container init: setsid and a subreaper shim',
    source: `# containerd-style: a subreaper shim adopts the container's init
shim = fork init
subreaper shim 1
runc = fork shim
c = clone runc NEWPID         # the container's init
setsid c                      # 1: it leads a session of its own
exit runc 0                   # c goes to the shim, not to init
job = fork c
setpgid c 2 0                 # job leads process group 2
w = fork job
exit job 0                    # w goes to c
wait c                        # job is reaped ...
getpgid w 0                   # 2: ... but its number is still w's group
lastpid c 1
x = fork c                    # so fork skips 2
`,
  },
  {
    id: 'signals',
    title: 'signals to a namespace init',
    source: `a = clone init NEWPID
b = fork a
kill b 1 9                    # ignored: a is the init of b's namespace
kill init 2 15                # SIGTERM from the parent namespace: ignored too
kill init 2 9                 # SIGKILL from an ancestor namespace: a dies, b is zapped
wait init
`,
  },
];
