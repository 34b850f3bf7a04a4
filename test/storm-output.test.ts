/**
 * Output files of `pidns storm` (issue 9, finding 8; issue 8, finding 5):
 * every output path is checked before the first run (a directory, a folder
 * where no file can be made, a chart name without .svg: exit 1 at once,
 * nothing run), and files are written to a temporary file and renamed, so a
 * failed write (a full disk: a tiny tmpfs; or an injected failure) leaves
 * an earlier file intact and no temporary file behind.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputError, tempPath, writeFileAtomic } from '../src/storm/output.js';
import { runCli } from './helpers/cli.js';

const REPO = join(import.meta.dirname, '..');
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');
const CLI = join(REPO, 'src', 'cli', 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'pidns-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SMALL = ['--workload', 'wide', '--core', 'ts', '--tasks', '1000'];

describe('output paths are checked before the first run', () => {
  const cases: [string, string[], RegExp][] = [
    ['--json naming a directory', ['--json', dir], /^pidns: storm: --json .*: is a directory, not a file\n$/],
    ['--chart naming a directory', ['--chart', join(dir, 'd.svg')], /^pidns: storm: --chart .*d\.svg: is a directory, not a file\n$/],
    ['--chart without .svg', ['--chart', join(dir, 'chart.png')], /^pidns: storm: --chart writes SVG: the file name must end in \.svg, not '.*chart\.png'\n$/],
    ['--json where no file can be made', ['--json', '/proc/pidns.json'], /^pidns: storm: --json \/proc\/pidns\.json: cannot create files in \/proc: E[A-Z]+\n$/],
    ['--profile-dir where no file can be made', ['--profile-dir', '/proc'], /^pidns: storm: --profile-dir \/proc: cannot create files in \/proc: E[A-Z]+\n$/],
    ['--profile-dir naming a file', ['--profile-dir', join(dir, 'file')], /^pidns: storm: --profile-dir .*file: no such directory\n$/],
    ['--json and --chart the same file', ['--json', join(dir, 'x.svg'), '--chart', join(dir, 'x.svg')], /same file/],
  ];
  mkdirSync(join(dir, 'd.svg'));
  writeFileSync(join(dir, 'file'), '');
  for (const [what, args, message] of cases) {
    it(`${what}: exit 1 at once, nothing run`, async () => {
      const r = await runCli(['storm', ...SMALL, ...args]);
      expect(r.err).toMatch(message);
      expect(r.code).toBe(1);
      expect(r.out).toBe(''); // not even the context line: no run started
    });
  }
  it('the check leaves no file behind', () => {
    expect(readdirSync(dir).sort()).toEqual(['d.svg', 'file']);
  });
});

describe('a failed write leaves the earlier file intact', () => {
  it('injected: the temporary file cannot be made (a directory in its place)', () => {
    const target = join(dir, 'good.json');
    writeFileSync(target, '{"good": true}\n');
    mkdirSync(tempPath(target));
    expect(() => writeFileAtomic(target, '{"new": 1}\n', 'write the JSON to')).toThrow(OutputError);
    expect(() => writeFileAtomic(target, '{"new": 1}\n', 'write the JSON to')).toThrow(/^cannot write the JSON to .*good\.json: EISDIR$/);
    expect(readFileSync(target, 'utf8')).toBe('{"good": true}\n');
    rmSync(tempPath(target), { recursive: true });
    writeFileAtomic(target, '{"new": 1}\n');
    expect(readFileSync(target, 'utf8')).toBe('{"new": 1}\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  // A real full disk: a 256 KiB tmpfs (needs root to mount; skipped otherwise).
  const tiny = join(tmpdir(), `pidns-tiny-${process.pid}`);
  mkdirSync(tiny, { recursive: true });
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', tiny]).status === 0;
  afterAll(() => {
    if (mounted) spawnSync('umount', [tiny]);
    rmSync(tiny, { recursive: true, force: true });
  });

  it.skipIf(!mounted)('on a full disk (tiny tmpfs): exit 1 with ENOSPC, the earlier --json and --chart unchanged, no temporary file', () => {
    const json = join(tiny, 'storm.json');
    const chart = join(tiny, 'storm.svg');
    writeFileSync(json, '{"earlier": "run"}\n');
    writeFileSync(chart, '<svg>earlier</svg>\n');
    // Fill the rest of the disk (an empty file can still be made: the check before the run passes).
    let n = 0;
    try {
      for (;;) writeFileSync(join(tiny, `filler${n++}`), Buffer.alloc(4096));
    } catch {
      // full
    }
    const r = spawnSync(TSX, [CLI, 'storm', ...SMALL, '--json', json, '--chart', chart], { encoding: 'utf8' });
    expect(r.stderr).toMatch(/^pidns: storm: cannot write the (JSON|chart) to .*: ENOSPC\n$/);
    expect(r.status).toBe(1);
    expect(readFileSync(json, 'utf8')).toBe('{"earlier": "run"}\n');
    expect(readFileSync(chart, 'utf8')).toBe('<svg>earlier</svg>\n');
    expect(readdirSync(tiny).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
