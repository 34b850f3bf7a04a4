/**
 * Child-process entry of `pidns storm`: runs one RunSpec (JSON in argv[2])
 * and reports to the parent over IPC: `progress` messages (at most ~10 per
 * second), then `result` with the RunRecord, or `error` with a message.
 * Started without IPC (by hand, e.g. under `node --cpu-prof`), it prints the
 * record as JSON on stdout instead.
 */
import { runSpec, type RunSpec } from './spec.js';

export type WorkerMessage =
  | { type: 'progress'; done: number }
  | { type: 'result'; record: import('./spec.js').RunRecord }
  | { type: 'error'; message: string };

function send(m: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(m, undefined, {}, () => resolve());
  });
}

async function main(): Promise<void> {
  let spec: RunSpec;
  try {
    spec = JSON.parse(process.argv[2] ?? '') as RunSpec;
  } catch {
    await send({ type: 'error', message: 'storm worker: bad run description' });
    process.exitCode = 1;
    return;
  }
  let last = 0;
  try {
    const record = runSpec(spec, (done) => {
      const t = performance.now();
      if (t - last >= 100) {
        last = t;
        process.send?.({ type: 'progress', done } satisfies WorkerMessage);
      }
    });
    // Run by hand (`node --cpu-prof dist/storm/worker.js '{...}'`): print the record.
    if (!process.send) process.stdout.write(JSON.stringify(record) + '\n');
    await send({ type: 'result', record });
  } catch (e) {
    if (!process.send) process.stderr.write(`storm worker: ${(e as Error).message}\n`);
    await send({ type: 'error', message: (e as Error).message });
    process.exitCode = 1;
  }
  process.disconnect?.();
}

void main();
