/**
 * Tools that behave in pipes (issue 8, finding 5): when the reader of the
 * output goes away (`| head -1`), pidns ends at once and quietly with status
 * 141 (128 + SIGPIPE, as `yes | head` reports), no EPIPE stack trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..');
const CLI = `${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(join(REPO, 'src', 'cli', 'main.ts'))}`;
const dir = mkdtempSync(join(tmpdir(), 'pidns-pipes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run `pidns ARGS | head -1` in bash; the pidns side's status and stderr, and what head printed. */
function throughHead(args: string): { status: number; out: string; err: string } {
  const errFile = join(dir, `err-${Math.random().toString(36).slice(2)}`);
  const r = spawnSync('bash', ['-c', `${CLI} ${args} 2>${errFile} | head -1; echo "status=\${PIPESTATUS[0]}"; cat ${errFile}`], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const m = /^([\s\S]*?)status=(\d+)\n([\s\S]*)$/.exec(r.stdout);
  if (!m) throw new Error(`unexpected output: ${r.stdout} ${r.stderr}`);
  return { out: m[1], status: Number(m[2]), err: m[3] };
}

describe('a closed pipe', () => {
  it('pidns run big.pidns | head -1: status 141, nothing on stderr', () => {
    const p = join(dir, 'big.pidns');
    writeFileSync(p, 'getpid init\n'.repeat(200_000));
    const r = throughHead(`run ${p} --core ts`);
    expect(r).toEqual({ status: 141, out: 'getpid init -> 1\n', err: '' });
  });

  it('pidns storm ... | head -1: status 141, nothing on stderr', () => {
    const r = throughHead('storm --workload wide --tasks 2000 --core ts');
    expect(r.err).toBe('');
    expect(r.status).toBe(141);
    expect(r.out).toMatch(/^pidns storm /);
  });
});
