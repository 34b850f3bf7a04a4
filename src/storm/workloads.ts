/**
 * Fork-storm workloads: seeded, deterministic sequences of system calls
 * driven through the kernel model (src/kernel), not the bare core, so that
 * they measure what a simulated fork really costs: copy_process, alloc_pid
 * at every level, exit_notify, wait_task_zombie and free_pid.
 *
 * Every workload returns the same summary (StormResult): how many operations
 * ran in the timed part and how long it took, a checksum of every NSpid
 * number handed out and of every call's result (equal between the WASM core
 * and its TS twin, which is what the tests compare), and the allocator's
 * work read from the core's stats block (STAT_WORDS_SCANNED: 32-bit bitmap
 * words examined by alloc_pid's searches, summed over all levels of one
 * alloc_pid call).
 *
 * Workloads:
 * - wide       init of a namespace at depth D forks a child, the child
 *              exits, init reaps it: one op = one fork+exit+wait cycle.
 * - wide-live  the same namespace, but all N children are forked first and
 *              kept alive, then all exit, then init reaps them all (the
 *              memory test: 1M live tasks at depth 4). One op = one cycle.
 * - deep       wide in a chain of D nested namespaces (default 8, up to 32).
 * - churn      pid_max 32768 in the namespace at depth D, filled to `fill`
 *              of it; each step forks one task and reaps a random live one.
 *              The allocator's search has to skip the live pids (the low
 *              pids below RESERVED_PIDS are never reaped: on a real host they
 *              belong to long-lived daemons, and alloc_pid never hands them
 *              out again after the cursor wraps).
 * - tree       a container host: random process trees, new namespaces
 *              (clone NEWPID, unshare NEWPID + fork, setns + fork), threads,
 *              exits, kills, namespace teardown (init exit), waits. One op =
 *              one system call, failed ones included. Containers start as
 *              containerd does: a shim that is a child subreaper forks the
 *              runtime, which clones the container's init and exits, so the
 *              init is adopted by the shim; every namespace init calls
 *              setsid. Some forks put the child in a group of its own
 *              (setpgid, job control) or make it a subreaper, and some kills
 *              go to a whole process group (kill -N), so orphans reach
 *              subreapers and reaped group leaders' numbers stay held.
 */
import { RESERVED_PIDS, PID_HEADER, PID_LEVEL, STAT_ALLOCS, STAT_WORDS_SCANNED, UPID_NR, UPID_SIZE } from '../core/layout.js';
import type { PidCore } from '../core/types.js';
import type { Kernel } from '../kernel/kernel.js';
import { CLONE_NEWPID, SIGKILL } from '../kernel/flags.js';
import { TASK_RUNNING, type Task } from '../kernel/objects.js';

export type WorkloadName = 'wide' | 'wide-live' | 'deep' | 'churn' | 'tree';

/** What a workload run is asked to do. */
export interface WorkloadParams {
  /** Operations in the timed part (cycles, steps or system calls: see `opUnit`). */
  tasks: number;
  /** Namespace depth (levels below the root; tree: the deepest level a container may have). */
  depth: number;
  /** churn: the fraction of the namespace's pid_max kept live. */
  fill: number;
  /** Seed of the workload's random choices. */
  seed: number;
}

export interface WorkloadDef {
  name: WorkloadName;
  /** One line for --help. */
  summary: string;
  /** What one op is. */
  opUnit: string;
  defaults: WorkloadParams;
  run(k: Kernel, p: WorkloadParams, progress?: ProgressFn, timed?: TimedHooks): StormResult;
}

/** Called now and then with the number of ops done so far. */
export type ProgressFn = (done: number) => void;

/** Called right at the start and the end of a workload's timed part (e.g. to profile just that). */
export interface TimedHooks {
  start(): void;
  stop(): void;
}

export interface StormResult {
  ops: number;
  /** Seconds spent in the timed part (wall clock). */
  seconds: number;
  /** CPU seconds of the process in the timed part (user + system, every thread). */
  cpuSeconds: number;
  /** Processes (thread-group leaders) created, the setup included. */
  processes: number;
  /** Threads created with CLONE_THREAD. */
  threads: number;
  /** Pid namespaces created. */
  namespaces: number;
  /** Calls that returned an errno (tree only; the others fail on any error). */
  failures: number;
  /** Most unreleased tasks seen at once (sampled after each creation). */
  maxLive: number;
  /** FNV-1a-style mix of every NSpid number handed out and every call's result. */
  checksum: number;
  /** Successful alloc_pid calls (the core's STAT_ALLOCS delta, setup included). */
  allocs: number;
  /** STAT_WORDS_SCANNED over all alloc_pid calls (setup included): mean per call and the largest single call. */
  wordsScanned: { total: number; mean: number; max: number };
}

/** Validation limits (the CLI reports violations). */
export const MAX_DEPTH = 32;
export const MIN_FILL = 0.01;
/** churn keeps at least one pid of [RESERVED_PIDS, pid_max) free, so fill < (pid_max - 1) / pid_max. */
export const MAX_FILL = 0.9999;
/** pid_max that churn writes in its namespace. */
export const CHURN_PID_MAX = 32768;
const PROGRESS_EVERY = 8192;

/**
 * Deterministic PRNG (mulberry32): same seed → same choices in every core,
 * every run, every platform.
 */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.next() / 4294967296) * n);
  }
}

/**
 * Watches the core's stats block: the words scanned by each alloc_pid call
 * (the delta across one fork or clone, which makes exactly one alloc_pid
 * call) and the mix of every NSpid number handed out.
 */
class Probe {
  readonly core: PidCore;
  private readonly at: number;
  private readonly words0: number;
  private readonly allocs0: number;
  private prev: number;
  max = 0;
  hash = 0x811c9dc5;
  processes = 0;
  threads = 0;
  namespaces = 0;
  failures = 0;
  maxLive = 0;
  private t0 = 0;
  private cpu0: NodeJS.CpuUsage | null = null;
  private seconds = 0;
  private cpuSeconds = 0;

  private readonly timed: TimedHooks | undefined;

  constructor(core: PidCore, timed?: TimedHooks) {
    this.core = core;
    this.timed = timed;
    this.at = core.statsPtr >> 3;
    const f = core.f64();
    this.words0 = this.prev = f[this.at + STAT_WORDS_SCANNED];
    this.allocs0 = f[this.at + STAT_ALLOCS];
  }

  /** Mix one number into the checksum. */
  mix(v: number): void {
    this.hash = Math.imul(this.hash ^ (v | 0), 16777619) >>> 0;
  }

  /** After one alloc_pid call (a fork or clone, failed or not): the words it scanned. */
  sample(): void {
    const v = this.core.f64()[this.at + STAT_WORDS_SCANNED];
    const d = v - this.prev;
    if (d > this.max) this.max = d;
    this.prev = v;
  }

  /** A task was created: mix its NSpid numbers (root level first). */
  created(k: Kernel, t: Task): void {
    const u = this.core.u32();
    const pid = t.pid;
    const level = u[(pid + PID_LEVEL) >> 2];
    let h = this.hash;
    for (let i = 0, p = (pid + PID_HEADER + UPID_NR) >> 2; i <= level; i++, p += UPID_SIZE >> 2) {
      h = Math.imul(h ^ u[p], 16777619) >>> 0;
    }
    this.hash = h;
    if (k.nrTasks > this.maxLive) this.maxLive = k.nrTasks;
  }

  /** Start of the timed part: wall clock and the process's CPU time (all threads: GC helpers included). */
  start(): void {
    this.timed?.start();
    this.cpu0 = process.cpuUsage();
    this.t0 = performance.now();
  }

  stop(): void {
    this.seconds = (performance.now() - this.t0) / 1000;
    const c = process.cpuUsage(this.cpu0 ?? undefined);
    this.cpuSeconds = (c.user + c.system) / 1e6;
    this.timed?.stop();
  }

  result(ops: number): StormResult {
    const { seconds, cpuSeconds } = this;
    const f = this.core.f64();
    const total = f[this.at + STAT_WORDS_SCANNED] - this.words0;
    const allocs = f[this.at + STAT_ALLOCS] - this.allocs0;
    return {
      ops,
      seconds,
      cpuSeconds,
      processes: this.processes,
      threads: this.threads,
      namespaces: this.namespaces,
      failures: this.failures,
      maxLive: this.maxLive,
      checksum: this.hash,
      allocs,
      wordsScanned: { total, mean: allocs > 0 ? total / allocs : 0, max: this.max },
    };
  }
}


/** A failed call where the workload expects success: a bug in the model or the workload. */
function unexpected(k: Kernel, call: string, r: number): never {
  throw new Error(r === 0 ? `${call} found nothing to reap` : `${call} failed with errno ${-r} (${k.why})`);
}

/** deepest nr of a task's struct pid (its number in its own namespace). */
function ownNr(k: Kernel, t: Task): number {
  const u = k.core.u32();
  const level = u[(t.pid + PID_LEVEL) >> 2];
  return u[(t.pid + PID_HEADER + level * UPID_SIZE + UPID_NR) >> 2];
}

/**
 * A chain of `depth` nested pid namespaces under the root, each made by
 * clone(CLONE_NEWPID) from the previous one's init (which stays alive).
 * Returns the deepest init (the root init for depth 0).
 */
function nsChain(k: Kernel, probe: Probe, depth: number): Task {
  let t = k.init;
  for (let i = 0; i < depth; i++) {
    const c = k.clone(t, CLONE_NEWPID);
    probe.sample();
    if (typeof c === 'number') unexpected(k, 'clone(CLONE_NEWPID)', c);
    probe.created(k, c);
    probe.processes++;
    probe.namespaces++;
    t = c;
  }
  return t;
}

/** fork+exit+wait cycles by `init` (wide and deep). */
function cycles(k: Kernel, p: WorkloadParams, progress?: ProgressFn, timed?: TimedHooks): StormResult {
  const probe = new Probe(k.core, timed);
  const init = nsChain(k, probe, p.depth);
  const n = p.tasks;
  probe.start();
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + PROGRESS_EVERY);
    for (; i < end; i++) {
      const c = k.fork(init);
      probe.sample();
      if (typeof c === 'number') unexpected(k, 'fork', c);
      probe.created(k, c);
      k.exit(c, i & 0xff);
      const r = k.waitpid(init, -1);
      if (r <= 0) unexpected(k, 'waitpid', r);
      probe.mix(r ^ k.waitStatus);
    }
    progress?.(i);
  }
  probe.stop();
  probe.processes += n;
  return probe.result(n);
}

/** All children forked and kept alive, then all exit, then all reaped. */
function wideLive(k: Kernel, p: WorkloadParams, progress?: ProgressFn, timed?: TimedHooks): StormResult {
  const probe = new Probe(k.core, timed);
  const init = nsChain(k, probe, p.depth);
  const n = p.tasks;
  // Three phases of n steps each; progress counts cycles completed (a third per phase).
  probe.start();
  for (let i = 0; i < n; i++) {
    const c = k.fork(init);
    probe.sample();
    if (typeof c === 'number') unexpected(k, 'fork', c);
    probe.created(k, c);
    if ((i & (PROGRESS_EVERY - 1)) === 0) progress?.(Math.floor(i / 3));
  }
  let i = 0;
  for (let g = init.childHead; g; g = g.snext, i++) {
    k.exit(g.leader, i & 0xff);
    if ((i & (PROGRESS_EVERY - 1)) === 0) progress?.(Math.floor((n + i) / 3));
  }
  for (let j = 0; j < n; j++) {
    const r = k.waitpid(init, -1);
    if (r <= 0) unexpected(k, 'waitpid', r);
    probe.mix(r ^ k.waitStatus);
    if ((j & (PROGRESS_EVERY - 1)) === 0) progress?.(Math.floor((2 * n + j) / 3));
  }
  probe.stop();
  progress?.(n);
  probe.processes += n;
  return probe.result(n);
}

/** Steady state at high occupancy: fork one, reap a random live one. */
function churn(k: Kernel, p: WorkloadParams, progress?: ProgressFn, timed?: TimedHooks): StormResult {
  const probe = new Probe(k.core, timed);
  const init = nsChain(k, probe, p.depth);
  // /proc/sys/kernel/pid_max is per namespace since Linux 6.14: init writes its own.
  const w = k.set_pid_max(init, CHURN_PID_MAX);
  if (w < 0) unexpected(k, 'pid_max write', w);
  const pidMax = CHURN_PID_MAX;
  // Live pids in the namespace, init included.
  const live = Math.min(pidMax - 2, Math.max(2, Math.round(p.fill * pidMax)));
  const rng = new Rng(p.seed);
  // Children that may be reaped: those with a pid ≥ RESERVED_PIDS in the namespace.
  const pool: Task[] = [];
  for (let i = 1; i < live; i++) {
    const c = k.fork(init);
    probe.sample();
    if (typeof c === 'number') unexpected(k, 'fork (fill)', c);
    probe.created(k, c);
    probe.processes++;
    if (ownNr(k, c) >= RESERVED_PIDS) pool.push(c);
  }
  if (pool.length === 0) throw new Error('churn: no reapable task (fill too low)');
  const n = p.tasks;
  probe.start();
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + PROGRESS_EVERY);
    for (; i < end; i++) {
      const c = k.fork(init);
      probe.sample();
      if (typeof c === 'number') unexpected(k, 'fork', c);
      probe.created(k, c);
      // The victim: any reapable live task, the newborn included.
      const j = rng.int(pool.length + 1);
      let victim: Task;
      if (j === pool.length) victim = c;
      else {
        victim = pool[j];
        pool[j] = c;
      }
      k.exit(victim, 0);
      const r = k.waitpid(init, -1);
      if (r <= 0) unexpected(k, 'waitpid', r);
      probe.mix(r);
    }
    progress?.(i);
  }
  probe.stop();
  probe.processes += n;
  return probe.result(n);
}

/** Live processes the tree workload hovers around. */
const TREE_POPULATION = 2048;

/**
 * A random container host. Each op picks a random running thread as actor
 * and makes one system call; namespaces are created up to level `depth`.
 * Above TREE_POPULATION unreleased tasks, creation turns into exits so the
 * host stays at a steady size; a namespace's init dies now and then
 * (exit or a kill from outside), which tears the namespace down.
 */
function tree(k: Kernel, p: WorkloadParams, progress?: ProgressFn, timed?: TimedHooks): StormResult {
  const probe = new Probe(k.core, timed);
  const rng = new Rng(p.seed);
  const maxLevel = p.depth;
  const tasks = k.tasks;
  const n = p.tasks;

  /** A random running thread (k.tasks holds every unreleased one by id). */
  const actor = (): Task => {
    for (let tries = 0; tries < 16; tries++) {
      const t = tasks[rng.int(tasks.length)];
      if (t && t.state === TASK_RUNNING) return t;
    }
    return k.init;
  };
  /** Any unreleased task (a kill or setns target). */
  const anyTask = (): Task => {
    for (let tries = 0; tries < 16; tries++) {
      const t = tasks[rng.int(tasks.length)];
      if (t) return t;
    }
    return k.init;
  };
  const created = (r: Task | number, isThread: boolean, newNs: boolean): void => {
    probe.sample();
    if (typeof r === 'number') {
      probe.failures++;
      probe.mix(r);
      return;
    }
    probe.created(k, r);
    if (isThread) probe.threads++;
    else probe.processes++;
    if (newNs) probe.namespaces++;
  };
  const result = (r: number): void => {
    if (r < 0) probe.failures++;
    probe.mix(r);
  };

  let ops = 0;
  probe.start();
  while (ops < n) {
    const a = actor();
    const full = k.nrTasks >= TREE_POPULATION;
    let roll = rng.int(100);
    // At the population cap, creations (rolls below 46) become exits.
    if (full && roll < 46) roll = 46 + rng.int(28);
    if (roll < 30) {
      const c = k.fork(a);
      created(c, false, false);
      ops++;
      if (typeof c !== 'number') {
        const x = rng.int(16);
        if (x === 0) {
          // Job control: the parent puts its child into a process group of its own.
          result(k.setpgid(a, k.pid_nr_ns(c.pid, a.tg.pidns), 0));
          ops++;
        } else if (x === 1) {
          // A service manager of its own subtree (prctl(PR_SET_CHILD_SUBREAPER)).
          result(k.setSubreaper(c, true));
          ops++;
        }
      }
    } else if (roll < 38) {
      created(k.thread(a), true, false);
      ops++;
    } else if (roll < 41) {
      // A container, unless it would go deeper than maxLevel: a shim (a child subreaper) forks the
      // runtime, which clones the container's init (CLONE_NEWPID) and exits: the shim adopts the init,
      // which leads a session of its own.
      if ((a.nsproxy as NonNullable<Task['nsproxy']>).pidForChildren.level < maxLevel) {
        const shim = k.fork(a);
        created(shim, false, false);
        ops++;
        if (typeof shim !== 'number') {
          result(k.setSubreaper(shim, true));
          const runtime = k.fork(shim);
          created(runtime, false, false);
          ops += 2;
          if (typeof runtime !== 'number') {
            const c = k.clone(runtime, CLONE_NEWPID);
            created(c, false, true);
            ops++;
            if (typeof c !== 'number') {
              result(k.setsid(c));
              ops++;
            }
            result(k.exit_group(runtime, 0));
            ops++;
          }
        }
      }
    } else if (roll < 43) {
      // unshare(CLONE_NEWPID) then fork: the child is the new namespace's init.
      if ((a.nsproxy as NonNullable<Task['nsproxy']>).pidForChildren.level < maxLevel) {
        const r = k.unshare(a, CLONE_NEWPID);
        result(r);
        ops++;
        if (r === 0) {
          probe.namespaces++;
          const c = k.fork(a);
          created(c, false, false);
          ops++;
          if (typeof c !== 'number') {
            // The new namespace's init leads a session of its own.
            result(k.setsid(c));
            ops++;
          }
        }
      }
    } else if (roll < 46) {
      // setns(/proc/<target>/ns/pid) then fork: joining a container (EINVAL unless it is at or below ours).
      const r = k.setns(a, anyTask(), 'pid');
      result(r);
      ops++;
      if (r === 0) {
        created(k.fork(a), false, false);
        ops++;
      }
    } else if (roll < 64) {
      if (a !== k.init) {
        result(k.exit(a, rng.int(256)));
        ops++;
      }
    } else if (roll < 68) {
      if (a.tg !== k.init.tg) {
        result(k.exit_group(a, rng.int(256)));
        ops++;
      }
    } else if (roll < 74) {
      // kill(pid, SIGKILL or SIGTERM): the target's number as the actor sees it (0 → a pid nobody has);
      // one in four goes to the target's whole process group (kill -N) when the actor can name it
      // (N > 1: -1 would be kill(-1)).
      const v = anyTask();
      const sig = rng.int(2) === 0 ? SIGKILL : 15;
      const pgrp = rng.int(4) === 0 ? v.tg.pgrp : null;
      const gnr = pgrp !== null ? k.pid_nr_ns(pgrp.pid, a.tg.pidns) : 0;
      if (gnr > 1) result(k.kill(a, -gnr, sig));
      else {
        const nr = k.pid_nr_ns(v.tg.leader.pid, a.tg.pidns);
        result(k.kill(a, nr === 0 ? 4194303 : nr, sig));
      }
      ops++;
    } else {
      // wait(-1) by the actor, then its namespace's init reaps orphans.
      result(k.waitpid(a, -1));
      ops++;
      const reaper = a.tg.pidns.childReaper;
      if (reaper && reaper.state === TASK_RUNNING) {
        for (let j = 0; j < 8; j++) {
          const r = k.waitpid(reaper, -1);
          result(r);
          ops++;
          if (r <= 0) break;
        }
      }
    }
    if ((ops & 1023) < 8 && progress) progress(ops);
  }
  probe.stop();
  return probe.result(ops);
}

export const WORKLOADS: Readonly<Record<WorkloadName, WorkloadDef>> = {
  wide: {
    name: 'wide',
    summary: 'init of a namespace at depth D forks, the child exits, init reaps it',
    opUnit: 'fork+exit+wait',
    defaults: { tasks: 500_000, depth: 4, fill: 0.99, seed: 1 },
    run: cycles,
  },
  'wide-live': {
    name: 'wide-live',
    summary: 'N children forked and all kept alive, then all exit and are reaped (peak memory)',
    opUnit: 'fork+exit+wait',
    defaults: { tasks: 1_000_000, depth: 4, fill: 0.99, seed: 1 },
    run: wideLive,
  },
  deep: {
    name: 'deep',
    summary: 'a chain of D nested namespaces (default 8, up to 32), N cycles at the deepest',
    opUnit: 'fork+exit+wait',
    defaults: { tasks: 200_000, depth: 8, fill: 0.99, seed: 1 },
    run: cycles,
  },
  churn: {
    name: 'churn',
    summary: 'pid_max 32768 at depth D filled to --fill; each step forks one, reaps a random one',
    opUnit: 'fork+exit+wait',
    defaults: { tasks: 200_000, depth: 4, fill: 0.99, seed: 1 },
    run: churn,
  },
  tree: {
    name: 'tree',
    summary: 'a container host: subreaper shims, setsid, groups, clone/unshare/setns NEWPID, threads, exits, kills, waits',
    opUnit: 'syscall',
    defaults: { tasks: 300_000, depth: 4, fill: 0.99, seed: 1 },
    run: tree,
  },
};

export const WORKLOAD_NAMES = Object.keys(WORKLOADS) as WorkloadName[];

/**
 * The headline mix (`--workload storm`, `npm start`): about a million
 * processes per core (1.2M ops: wide 600k cycles, churn 240k steps after
 * its 32k-task fill, tree 360k syscalls of which ~1/4 create a task), in
 * parts small enough that both cores finish in well under a minute.
 * `--tasks N` scales the parts to N in total, in these proportions.
 */
export const STORM_MIX: readonly { workload: WorkloadName; share: number }[] = [
  { workload: 'wide', share: 0.5 },
  { workload: 'churn', share: 0.2 },
  { workload: 'tree', share: 0.3 },
];
export const STORM_DEFAULT_TASKS = 1_200_000;

/** Run one workload on a kernel. */
export function runWorkload(name: WorkloadName, k: Kernel, p: WorkloadParams, progress?: ProgressFn): StormResult {
  return WORKLOADS[name].run(k, p, progress);
}
