/**
 * The programs in examples/ run as a user would run them (`node
 * examples/X.mjs`, importing the package by its name) and print what they
 * promise. container-host is deterministic: its whole output is checked.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..');

function node(script: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [join(REPO, 'examples', script), ...args], { encoding: 'utf8', cwd: REPO });
}

describe('examples', () => {
  it('container-host.mjs: two containers, a setns exec, the views, a teardown', () => {
    const r = node('container-host.mjs');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'nspid web (root level first)       [3,1]',
      'nspid worker                       [5,2]',
      'getppid worker (its init)          1',
      'getppid web (parent outside)       0',
      'setns runtime -> db pid            ok',
      'thread runtime (refused)           EINVAL (copy_process: CLONE_THREAD while pid_for_children differs from the active namespace)',
      'nspid exec (in container 2)        [6,2]',
      'pidns#0 level 0: sees 1, 2, 3, 4, 5, 6',
      'pidns#6 level 1: sees 1, 2',
      'pidns#7 level 1: sees 1, 2',
      'exit web                           ok',
      'wait runtime (reaps web)           {"pid":3,"how":"exited","code":0}',
      'nspid worker (gone)                ESRCH (the acting task has exited (zombie, exiting namespace init or reaped): it cannot make calls (nspid(t) is a reaped task))',
      '',
    ]);
  });

  it.each(['wasm', 'ts'])('my-storm.mjs runs its own storm on the %s core', (core) => {
    const r = node('my-storm.mjs', '20000', core);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // The checksum is the sum of the reaped pids as the deepest init sees them: 2..20001.
    expect(r.stdout).toMatch(new RegExp(`^20000 fork\\+exit\\+wait cycles at depth 3 on the (release|release-simd|ts) core: [0-9.]+M/s \\(checksum ${(2 + 20001) * 20000 / 2}\\)\\n$`));
  });
});
