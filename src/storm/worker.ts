/**
 * Child-process entry of `pidns storm`: runs one RunSpec (JSON in argv[2])
 * and reports to the parent over IPC: `progress` messages (at most ~10 per
 * second), then `result` with the RunRecord, or `error` with a message.
 * Started without IPC (by hand, e.g. under `node --cpu-prof`), it prints the
 * record as JSON on stdout instead.
 */
import { readFileSync } from 'node:fs';
import { runSpec, type RunSpec } from './spec.js';

/**
 * The parent `pidns storm` (its pid in argv[3], as the runner saw it: it may
 * already be gone by the time this module runs); a different parent later
 * means ours died and we were reparented.
 */
const PARENT = Number(process.argv[3] ?? process.ppid);

/**
 * Whether the parent `pidns storm` is gone (killed with SIGKILL, say, so it
 * could not kill us): the run is a synchronous loop, so the IPC channel's
 * 'disconnect' event would only arrive at its end. getppid() from
 * /proc/self/stat (Linux); elsewhere a signal-0 probe of the parent.
 */
function parentGone(): boolean {
  try {
    const st = readFileSync('/proc/self/stat', 'utf8');
    return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) !== PARENT;
  } catch {
    try {
      process.kill(PARENT, 0);
      return false;
    } catch {
      return true;
    }
  }
}

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
        if (process.send && parentGone()) process.exit(1);
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
