/**
 * Where a storm's time goes: V8's sampling CPU profiler (node:inspector,
 * in-process) runs exactly over a workload's timed part, and every sample's
 * leaf frame is put into one part of pidns:
 *   core      the pid core: WASM code (and the JS↔WASM trampolines), or
 *             the TS twin, and the loader glue in src/core/
 *   kernel    the kernel model (src/kernel/): copy_process, exit, wait, ...
 *   workload  the storm's own loop, random choices and checksum (src/storm/)
 *   gc        V8's garbage collector
 *   other     anything else (the runtime, built-ins the JIT did not inline)
 * Self time by leaf frame: a built-in called from the kernel model counts as
 * "other", not as the kernel model. Sampling costs time (the interval is
 * 100 µs), so a profiled run is slower: the shares, not the rate, are the
 * point. The workload's share includes its bookkeeping: the checksum of
 * every NSpid handed out and of every call's result, the random choices.
 */
import { Session } from 'node:inspector';
import { writeFileAtomic } from './output.js';
import type { TimedHooks } from './workloads.js';

export const PARTS = ['core', 'kernel', 'workload', 'gc', 'other'] as const;
export type Part = (typeof PARTS)[number];
/** Fraction of the sampled time in each part (they sum to 1). */
export type TimeSplit = Record<Part, number>;

interface CallFrame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The part of pidns a frame belongs to. */
export function partOf(f: CallFrame): Part {
  const { functionName: fn, url } = f;
  if (fn === '(garbage collector)') return 'gc';
  if (fn.startsWith('wasm-function') || fn.startsWith('js-to-wasm') || fn.startsWith('wasm-to-js') || url.startsWith('wasm://') || url.endsWith('.wasm')) return 'core';
  if (/[/\\](core)[/\\]/.test(url)) return 'core';
  if (/[/\\]kernel[/\\]/.test(url)) return 'kernel';
  if (/[/\\]storm[/\\]/.test(url)) return 'workload';
  return 'other';
}

/**
 * The share of samples whose leaf frame is in each part. Samples are
 * counted, not weighted by the time since the previous one: on a busy
 * machine the sampler thread is sometimes late, and its gap would all go to
 * whatever it happened to find. The profiler's own start and stop (the
 * inspector's `dispatch`, a native frame without a script) are left out.
 */
export function splitProfile(p: CpuProfile): TimeSplit {
  const partById = new Map<number, Part | null>();
  for (const n of p.nodes) {
    const f = n.callFrame;
    partById.set(n.id, f.functionName === 'dispatch' && f.url === '' ? null : partOf(f));
  }
  const t: TimeSplit = { core: 0, kernel: 0, workload: 0, gc: 0, other: 0 };
  let total = 0;
  for (const id of p.samples) {
    const part = partById.get(id);
    if (part === null) continue;
    t[part ?? 'other']++;
    total++;
  }
  if (total > 0) for (const k of PARTS) t[k] /= total;
  return t;
}

/**
 * Hooks that profile a workload's timed part. After the run, `profile` holds
 * the raw profile (open it in Chrome DevTools when written to a .cpuprofile
 * file) and `split` its shares.
 */
export class TimedProfiler implements TimedHooks {
  private readonly session = new Session();
  profile: CpuProfile | null = null;
  split: TimeSplit | null = null;

  constructor(intervalMicros = 100) {
    this.session.connect();
    // An in-process session answers synchronously: the profiler is on when post returns.
    this.session.post('Profiler.enable');
    this.session.post('Profiler.setSamplingInterval', { interval: intervalMicros });
  }

  start(): void {
    this.session.post('Profiler.start');
  }

  stop(): void {
    this.session.post('Profiler.stop', (err, res) => {
      if (err) throw err;
      this.profile = (res as unknown as { profile: CpuProfile }).profile;
      this.split = splitProfile(this.profile);
    });
    this.session.disconnect();
  }

  /** Write the raw profile (a .cpuprofile file). */
  save(path: string): void {
    if (this.profile) writeFileAtomic(path, JSON.stringify(this.profile), 'write the profile to');
  }
}
