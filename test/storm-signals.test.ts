/**
 * Interrupted storms (issue 9, finding 7), by fault injection: SIGINT or
 * SIGTERM sent to `pidns storm` alone (not its process group) mid-run
 * leaves no worker process behind, the parent dies of that signal, and on a
 * terminal (a pty from script(1)) the cursor is shown again. A worker whose
 * parent was killed outright (SIGKILL) stops by itself.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..');
const CLI = join(REPO, 'src', 'cli', 'main.ts');
/** A run long enough to be interrupted (the TS core, tens of seconds). */
const LONG = ['storm', '--workload', 'wide', '--tasks', '50M', '--core', 'ts'];

/** The pids whose parent is `pid` (from /proc/PID/task/TID/children). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // gone
  }
  return out;
}

/** Whether `pid` is alive (not a zombie, not gone). */
function alive(pid: number): boolean {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return st.slice(st.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function until<T>(what: string, f: () => T | null | undefined | false, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every worker seen: killed after the tests if one is still there (a failed test leaves nothing running). */
const seen: number[] = [];
afterAll(() => {
  for (const w of seen) if (alive(w)) process.kill(w, 'SIGKILL');
});

/** The worker: the node child of `pid` that runs worker.ts. */
function workerOf(pid: number): number | null {
  for (const c of childrenOf(pid)) {
    try {
      if (readFileSync(`/proc/${c}/cmdline`, 'utf8').includes('worker.')) {
        seen.push(c);
        return c;
      }
    } catch {
      // gone
    }
  }
  return null;
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  // 'exit', not 'close': a worker left behind would hold the inherited stdout open.
  return new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
}

describe('an interrupted pidns storm', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} to the parent alone: it dies of ${signal} and its worker is gone`, async () => {
      // node directly (not tsx's wrapper), so that the signal reaches the CLI process itself.
      const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...LONG], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => void (err += d));
      const done = exited(child);
      const worker = await until('the worker', () => workerOf(child.pid!));
      // Let the worker get into its run.
      await new Promise((r) => setTimeout(r, 500));
      expect(alive(worker)).toBe(true);
      process.kill(child.pid!, signal);
      const r = await done;
      expect(r.signal).toBe(signal);
      await until('the worker to end', () => !alive(worker), 10_000);
      expect(err).not.toContain('    at ');
    }, 120_000);
  }

  it('a worker whose parent was killed outright (SIGKILL) stops by itself', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...LONG], { cwd: REPO, stdio: 'ignore' });
    const done = exited(child);
    const worker = await until('the worker', () => workerOf(child.pid!));
    await new Promise((r) => setTimeout(r, 500));
    process.kill(child.pid!, 'SIGKILL');
    await done;
    await until('the orphaned worker to end', () => !alive(worker), 10_000);
  }, 120_000);

  it.skipIf(!existsSync('/usr/bin/script'))('Ctrl-C on a terminal: the progress bar stops and the cursor is shown again', () => {
    // script(1) gives the storm a pty (so it draws its bar and hides the cursor); the shell
    // inside sends SIGINT to the storm alone once the bar is up.
    const cmd =
      `${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(CLI)} ${LONG.join(' ')} & p=$!; ` +
      // Wait for the worker (the bar is drawn from then on), up to 60 s, then a moment more.
      'for i in $(seq 300); do [ -n "$(cat /proc/$p/task/*/children 2>/dev/null)" ] && break; sleep 0.2; done; ' +
      'sleep 1; kill -INT $p; wait $p; echo "status=$?"';
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: REPO, encoding: 'utf8', timeout: 90_000 });
    const out = r.stdout;
    expect(out).toContain('status=130');
    const hide = out.lastIndexOf('\x1b[?25l');
    const show = out.lastIndexOf('\x1b[?25h');
    expect(hide).toBeGreaterThanOrEqual(0);
    expect(show).toBeGreaterThan(hide);
  });
});
