/**
 * The explorer's built-in scenarios. The first four are the playground's
 * recorded examples (test/scenarios/playground/, checked against the
 * kernel by the scenario suite); test/explorer-state.test.ts checks that
 * these texts equal those files.
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
