/**
 * Runs a list of RunSpecs one after another, each in its own child process
 * (node:child_process.fork of worker.ts/js), so that runs do not disturb each
 * other's heap or JIT state and each reports its own peak RSS. A progress
 * bar (cli-progress) goes to stderr when stderr is a terminal.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
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
  /** A run that failed: its spec and the worker's message. */
  onError?: (spec: RunSpec, message: string) => void;
}

/** The worker module next to this one (worker.ts under tsx, worker.js from dist/). */
function workerPath(): string {
  const here = fileURLToPath(import.meta.url);
  return here.replace(/runner\.(ts|js)$/, 'worker.$1');
}

/** Run one spec in a child process. Resolves to its record, or an Error. */
export function runInChild(spec: RunSpec, onProgress?: (done: number) => void): Promise<RunRecord | Error> {
  return new Promise((resolve) => {
    const child = fork(workerPath(), [JSON.stringify(spec)], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
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
    child.on('exit', (code, signal) => {
      if (outcome === null) {
        outcome = new Error(signal ? `worker killed by ${signal}` : `worker exited with status ${code} without a result`);
      }
      resolve(outcome);
    });
  });
}

/** Run every spec in turn; failed runs are reported through onError and left out. */
export async function runAll(specs: readonly RunSpec[], opts: RunnerOptions = {}): Promise<RunRecord[]> {
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
    multi?.stop();
  }
  return out;
}
