/**
 * Every TypeScript file type-checks: src/, test/ and bench/ with the
 * project's strict settings (tsconfig.test.json, no output), and assembly/
 * against AssemblyScript's standard library. vitest itself only strips
 * types, so without this a type error in a test or a benchmark would pass.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..');
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');

function tsc(project: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [TSC, '-p', join(REPO, project), '--noEmit'], { encoding: 'utf8', cwd: REPO });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('type check', () => {
  it('src, test and bench (tsconfig.test.json)', () => {
    const r = tsc('tsconfig.test.json');
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
  });

  it('assembly (AssemblyScript)', () => {
    const r = tsc('assembly/tsconfig.json');
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
  });
});
