/**
 * One storm run: a (workload, core, allocator) point of the sweep, what it
 * measured, and how to run it in the current process. The runner puts each
 * run in its own child process (worker.ts) so that runs do not share a heap
 * and each reports an honest peak RSS.
 */
import { ALLOCATOR_NAMES, type AllocatorName, type CoreName, type PidCore } from '../core/types.js';
import { createTsCore } from '../core/ts/index.js';
import { createWasmCoreSync } from '../core/wasm-node.js';
import { Kernel } from '../kernel/kernel.js';
import { TimedProfiler, type TimeSplit } from './profile.js';
import { WORKLOADS, type ProgressFn, type WorkloadName } from './workloads.js';

export const CORE_NAMES: readonly CoreName[] = ['wasm', 'ts'];

/** The allocators both cores support (`--allocator` is checked against this list). */
export { ALLOCATOR_NAMES };

export interface RunSpec {
  workload: WorkloadName;
  core: CoreName;
  allocator: AllocatorName;
  depth: number;
  tasks: number;
  fill: number;
  seed: number;
  /**
   * Ops of an untimed warm-up run of the same workload on a throwaway kernel
   * and core (same JIT code, same WASM module) before the measured run, so
   * short runs do not measure the JIT tiers. Default min(tasks, WARMUP_OPS).
   * It changes no counter of the measured run.
   */
  warmup?: number;
  /**
   * Profile the timed part (profile.ts) and report where the time went
   * (RunRecord.timeSplit); with a path, also write the raw .cpuprofile there.
   */
  profile?: boolean | string;
}

export const WARMUP_OPS = 50_000;

/** A finished run as `--json` writes it. */
export interface RunRecord {
  /** Sweep-point name, e.g. storm/wasm/pidmap/wide/depth=4. */
  name: string;
  workload: WorkloadName;
  core: CoreName;
  /** Which build ran: 'release', 'release-simd' or 'ts'. */
  build: string;
  allocator: AllocatorName;
  depth: number;
  tasks: number;
  /** churn only: the fraction of pid_max kept live. */
  fill?: number;
  seed: number;
  /** What one op is ('fork+exit+wait' or 'syscall'). */
  opUnit: string;
  ops: number;
  /** Wall-clock seconds of the timed part. */
  seconds: number;
  opsPerSec: number;
  nsPerOp: number;
  /**
   * CPU seconds of the run's process in the timed part (user + system, all
   * threads) and ops per CPU second: steadier than wall-clock rates when the
   * machine is shared, a little lower on an idle one (GC helper threads).
   */
  cpuSeconds: number;
  opsPerCpuSec: number;
  /** STAT_WORDS_SCANNED per alloc_pid call (all levels of the call): mean and the largest single call. */
  wordsScannedPerAlloc: { mean: number; max: number };
  /** Peak resident set of the run's process (process.resourceUsage().maxRSS). */
  peakRssBytes: number;
  processes: number;
  threads: number;
  namespaces: number;
  failures: number;
  maxLive: number;
  allocs: number;
  checksum: number;
  /** With `--repeat N` (N > 1): how many runs the timings above are the medians of. */
  repeats?: number;
  /** With `--repeat N`: every run's ops/s, in run order. */
  samples?: { opsPerSec: number[] };
  /** With `--profile`: the share of the timed part's CPU samples in each part of pidns (profile.ts). */
  timeSplit?: TimeSplit;
}

export function runName(s: RunSpec): string {
  const fill = s.workload === 'churn' ? `/fill=${+(s.fill * 100).toFixed(3)}` : '';
  return `storm/${s.core}/${s.allocator}/${s.workload}/depth=${s.depth}${fill}`;
}

export function makeStormCore(core: CoreName, allocator: AllocatorName): PidCore {
  return core === 'ts' ? createTsCore({ allocator }) : createWasmCoreSync({ allocator });
}

/** Run one spec in this process. */
export function runSpec(spec: RunSpec, progress?: ProgressFn): RunRecord {
  const def = WORKLOADS[spec.workload];
  const warmup = Math.min(spec.warmup ?? WARMUP_OPS, spec.tasks);
  if (warmup > 0) {
    const wk = new Kernel(makeStormCore(spec.core, spec.allocator), { recycle: true });
    def.run(wk, { tasks: warmup, depth: spec.depth, fill: spec.fill, seed: spec.seed ^ 0x5eed }, undefined);
  }
  const core = makeStormCore(spec.core, spec.allocator);
  // The workloads drop every Task handle at reaping, so the slab-style reuse is safe here.
  const k = new Kernel(core, { recycle: true });
  const profiler = spec.profile ? new TimedProfiler() : undefined;
  const r = def.run(k, { tasks: spec.tasks, depth: spec.depth, fill: spec.fill, seed: spec.seed }, progress, profiler);
  if (profiler && typeof spec.profile === 'string') profiler.save(spec.profile);
  const rec: RunRecord = {
    name: runName(spec),
    workload: spec.workload,
    core: spec.core,
    build: core.build,
    allocator: spec.allocator,
    depth: spec.depth,
    tasks: spec.tasks,
    seed: spec.seed,
    opUnit: def.opUnit,
    ops: r.ops,
    seconds: r.seconds,
    opsPerSec: r.seconds > 0 ? r.ops / r.seconds : 0,
    nsPerOp: r.ops > 0 ? (r.seconds * 1e9) / r.ops : 0,
    cpuSeconds: r.cpuSeconds,
    opsPerCpuSec: r.cpuSeconds > 0 ? r.ops / r.cpuSeconds : 0,
    wordsScannedPerAlloc: { mean: r.wordsScanned.mean, max: r.wordsScanned.max },
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    processes: r.processes,
    threads: r.threads,
    namespaces: r.namespaces,
    failures: r.failures,
    maxLive: r.maxLive,
    allocs: r.allocs,
    checksum: r.checksum,
  };
  if (spec.workload === 'churn') rec.fill = spec.fill;
  if (profiler?.split) rec.timeSplit = profiler.split;
  return rec;
}
