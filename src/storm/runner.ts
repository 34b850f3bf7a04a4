/**
 * Runs a list of RunSpecs one after another, each in its own child process
 * (node:child_process.fork of worker.ts/js), so that runs do not disturb each
 * other's heap or JIT state and each reports its own peak RSS. A progress
 * bar (cli-progress) goes to stderr when stderr is a terminal.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { getHeapStatistics } from 'node:v8';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { PARTS, type TimeSplit } from './profile.js';
import type { RunRecord, RunSpec } from './spec.js';
import { runName } from './spec.js';
import type { WorkerMessage } from './worker.js';

/** The slice of cli-progress used here (the package ships no types). */
interface Bar {
  update(value: number, payload?: Record<string, unknown>): void;
  setTotal(total: number): void;
  stop(): void;
}
interface MultiBar {
  create(total: number, start: number, payload?: Record<string, unknown>): Bar;
  stop(): void;
}
interface CliProgress {
  MultiBar: new (opts: Record<string, unknown>, preset?: unknown) => MultiBar;
  Presets: Record<string, unknown>;
}

export interface RunnerOptions {
  /** Show progress bars (default: when stderr is a TTY). */
  progress?: boolean;
  /**
   * Run the whole list this many times, round-robin (every spec once, then
   * again), so that a slow spell of a shared machine spreads over all specs
   * instead of hitting one; the records of a spec are then merged
   * (mergeRepeats). Default 1.
   */
  repeat?: number;
  /** A run that failed: its spec and the worker's message. */
  onError?: (spec: RunSpec, message: string) => void;
}

/**
 * The workers alive now. An interrupted storm must leave none behind: the
 * parent's SIGINT/SIGTERM handler (runList) and its 'exit' hook (a closed
 * pipe, an error) kill them; a worker whose parent is gone stops by itself
 * (worker.ts).
 */
const live = new Set<ChildProcess>();
let exitHook = false;

function track(child: ChildProcess): void {
  live.add(child);
  child.on('close', () => live.delete(child));
  if (!exitHook) {
    exitHook = true;
    process.on('exit', killWorkers);
  }
}

/** Kill every worker still running (SIGKILL: a worker is in a CPU loop and has nothing to save). */
export function killWorkers(): void {
  for (const c of live) c.kill('SIGKILL');
  live.clear();
}

/** The number of workers running (for tests). */
export function liveWorkers(): number {
  return live.size;
}

/** Show the cursor again (cli-progress hides it while it draws). */
const SHOW_CURSOR = '\x1b[?25h';

/** The worker module next to this one (worker.ts under tsx, worker.js from dist/). */
function workerPath(): string {
  const here = fileURLToPath(import.meta.url);
  return here.replace(/runner\.(ts|js)$/, 'worker.$1');
}

/** V8's old-space limit of this process (the worker inherits its flags), in MiB. */
function heapLimitMiB(): number {
  return Math.round(getHeapStatistics().heap_size_limit / (1 << 20));
}

/** Run one spec in a child process. Resolves to its record, or an Error. */
export function runInChild(spec: RunSpec, onProgress?: (done: number) => void): Promise<RunRecord | Error> {
  return new Promise((resolve) => {
    const child = fork(workerPath(), [JSON.stringify(spec), String(process.pid)], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      serialization: 'json',
    });
    track(child);
    // The worker's stderr is passed on, except V8's report when the JS heap
    // runs out (a stack dump): that becomes one line saying what to do.
    let stderr = '';
    let oom = false;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      if (oom || /JavaScript heap out of memory|Reached heap limit|<--- Last few GCs --->/.test(d)) {
        oom = true;
        return;
      }
      stderr += d;
      const nl = stderr.lastIndexOf('\n');
      if (nl >= 0) {
        process.stderr.write(stderr.slice(0, nl + 1));
        stderr = stderr.slice(nl + 1);
      }
    });
    let outcome: RunRecord | Error | null = null;
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') onProgress?.(m.done);
      else if (m.type === 'result') outcome = m.record;
      else if (m.type === 'error') outcome = new Error(m.message);
    });
    child.on('error', (e) => {
      outcome ??= e;
    });
    child.on('close', (code, signal) => {
      if (stderr && !oom) process.stderr.write(stderr);
      if (outcome === null) {
        outcome = oom
          ? new Error(
            `out of JS heap memory (V8's limit is ${heapLimitMiB()} MiB here): ask for fewer --tasks, or raise the limit, ` +
              'e.g. NODE_OPTIONS=--max-old-space-size=8192',
          )
          : new Error(signal ? `worker killed by ${signal}` : `worker exited with status ${code} without a result`);
      }
      resolve(outcome);
    });
  });
}

/**
 * Run every spec in turn (`repeat` rounds); failed runs are reported through
 * onError and left out. With repeats, one merged record per spec.
 */
export async function runAll(specs: readonly RunSpec[], opts: RunnerOptions = {}): Promise<RunRecord[]> {
  const repeat = opts.repeat ?? 1;
  if (repeat <= 1) return runList(specs, opts);
  const rounds: RunSpec[] = [];
  for (let i = 0; i < repeat; i++) {
    // One .cpuprofile per run: NAME.cpuprofile becomes NAME.1.cpuprofile, NAME.2.cpuprofile, ...
    for (const s of specs) {
      rounds.push(typeof s.profile === 'string' ? { ...s, profile: s.profile.replace(/(\.cpuprofile)?$/, `.${i + 1}.cpuprofile`) } : s);
    }
  }
  const records = await runList(rounds, opts);
  const bySpec = new Map<string, RunRecord[]>();
  for (const r of records) bySpec.set(r.name, [...(bySpec.get(r.name) ?? []), r]);
  const out: RunRecord[] = [];
  for (const group of bySpec.values()) out.push(mergeRepeats(group));
  return out;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * One record for repeated runs of one spec: the timings are the medians,
 * peak RSS the largest, `samples` keeps every run's ops/s (in run order).
 * The work of a run is deterministic, so every count and the checksum must
 * agree between the repeats; a disagreement is a bug and throws.
 */
export function mergeRepeats(group: readonly RunRecord[]): RunRecord {
  const first = group[0];
  for (const r of group) {
    if (r.checksum !== first.checksum || r.ops !== first.ops || r.allocs !== first.allocs) {
      throw new Error(`storm: ${first.name}: repeated runs did the same work differently (checksums ${first.checksum}, ${r.checksum})`);
    }
  }
  if (group.length === 1) return first;
  const seconds = median(group.map((r) => r.seconds));
  const cpuSeconds = median(group.map((r) => r.cpuSeconds));
  return {
    ...first,
    seconds,
    opsPerSec: median(group.map((r) => r.opsPerSec)),
    nsPerOp: median(group.map((r) => r.nsPerOp)),
    cpuSeconds,
    opsPerCpuSec: median(group.map((r) => r.opsPerCpuSec)),
    peakRssBytes: Math.max(...group.map((r) => r.peakRssBytes)),
    repeats: group.length,
    samples: { opsPerSec: group.map((r) => r.opsPerSec) },
    ...(group.every((r) => r.timeSplit) ? { timeSplit: meanSplit(group.map((r) => r.timeSplit as TimeSplit)) } : {}),
  };
}

/** The mean share of each part over repeated runs. */
function meanSplit(splits: readonly TimeSplit[]): TimeSplit {
  const out = { ...splits[0] };
  for (const k of PARTS) out[k] = splits.reduce((a, s) => a + s[k], 0) / splits.length;
  return out;
}

async function runList(specs: readonly RunSpec[], opts: RunnerOptions): Promise<RunRecord[]> {
  const showBar = opts.progress ?? Boolean(process.stderr.isTTY);
  let multi: MultiBar | null = null;
  if (showBar) {
    const require = createRequire(import.meta.url);
    const cp = require('cli-progress') as CliProgress;
    multi = new cp.MultiBar(
      {
        format: ' {bar} {percentage}% | {name} | {value}/{total} ops | {duration_formatted}',
        hideCursor: true,
        clearOnComplete: false,
        stream: process.stderr,
        barsize: 24,
      },
      cp.Presets.shades_classic,
    );
  }
  // SIGINT (Ctrl-C) or SIGTERM: stop drawing, show the cursor, kill the
  // worker, then die of the same signal (its default action, so the shell sees it).
  const onSignal = (signal: NodeJS.Signals): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    killWorkers();
    if (multi) {
      multi.stop();
      process.stderr.write(SHOW_CURSOR);
    }
    process.kill(process.pid, signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const out: RunRecord[] = [];
  try {
    for (const spec of specs) {
      const bar = multi ? multi.create(spec.tasks, 0, { name: runName(spec) }) : null;
      const r = await runInChild(spec, bar ? (d) => bar.update(d) : undefined);
      if (r instanceof Error) {
        bar?.stop();
        opts.onError?.(spec, r.message);
      } else {
        // tree counts ops in whole steps, so the total can end a little above `tasks`.
        if (bar) {
          bar.setTotal(r.ops);
          bar.update(r.ops);
          bar.stop();
        }
        out.push(r);
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    multi?.stop();
  }
  return out;
}
