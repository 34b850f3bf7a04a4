/**
 * `npm test` without Chromium (issue 8, finding 6): it fails at once with
 * one line saying what is missing and how to install it (the check runs
 * before the build), and the browser suite run on its own fails at once
 * with the same line instead of waiting out its 120 s hook timeout.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..');
const MISSING = '/nonexistent/chromium';
const LINE =
  `npm test: the browser suites need Chromium, and ${MISSING} is missing or not executable: ` +
  'install it with `sudo apt-get install chromium` (Debian/Ubuntu), or set PIDNS_CHROMIUM=/path/to/chromium\n';

describe('npm test without Chromium', () => {
  it('the test script checks for Chromium first, before building', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    expect(pkg.scripts.test).toMatch(/^node scripts\/check-chromium\.mjs && npm run build && /);
  });

  it('the check fails with one line naming what is missing and how to install it', () => {
    const r = spawnSync(process.execPath, ['scripts/check-chromium.mjs'], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, PIDNS_CHROMIUM: MISSING },
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(LINE);
    // ... and passes quietly when the executable is there (any executable file stands in for it here).
    const ok = spawnSync(process.execPath, ['scripts/check-chromium.mjs'], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, PIDNS_CHROMIUM: process.execPath },
    });
    expect({ status: ok.status, out: ok.stdout, err: ok.stderr }).toEqual({ status: 0, out: '', err: '' });
  });

  it('the browser suite run alone fails with that line, without waiting for its hook timeout', () => {
    // The guard is a hang guard (the old afterAll waited 120 s), not a speed assertion.
    const r = spawnSync(process.execPath, [join(REPO, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/browser.test.ts', '--hookTimeout=60000'], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, PIDNS_CHROMIUM: MISSING },
      timeout: 50_000,
    });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toContain(LINE.trimEnd());
    expect(r.stdout + r.stderr).not.toMatch(/Hook timed out/);
  });
});
