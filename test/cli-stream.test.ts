/**
 * `pidns run` streams (issue 9, finding 6): each statement is run and
 * printed as soon as its line is read, in bounded memory, for files and
 * standard input of any length. A real process is fed 10 million lines
 * through a pipe; its peak RSS is printed and bounded, and its transcript
 * must start before the input ends. An endless line (/dev/zero) is a
 * scenario error at once, not a growing buffer.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LineSplitter, MAX_LINE_LENGTH, runScenarioStream } from '../src/scenario/stream.js';
import { runScenario } from '../src/scenario/run.js';
import { Kernel } from '../src/kernel/kernel.js';
import { createTsCore } from '../src/core/ts/index.js';
import { runCli } from './helpers/cli.js';

const REPO = join(import.meta.dirname, '..');
const CLI = join(REPO, 'src', 'cli', 'main.ts');
const MAXRSS = join(REPO, 'test', 'helpers', 'max-rss.mjs');
const dir = mkdtempSync(join(tmpdir(), 'pidns-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, ['--import', 'tsx', '--import', MAXRSS, CLI, ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

describe('pidns run streams its input', () => {
  it('10 million lines through stdin: bounded memory, output before the input ends', async () => {
    const LINES = 10_000_000;
    // Four lines a block: a statement, a comment, a blank line, a statement with a comment.
    const block = 'getpid init\n# a comment\n\ngettid init   # and one here\n';
    const BLOCK_LINES = 4;
    const PER_WRITE = 16384; // blocks per write: 64K lines
    const chunk = block.repeat(PER_WRITE);
    const rssFile = join(dir, 'maxrss');
    const child = cli(['run', '-', '--core', 'ts'], { PIDNS_TEST_MAXRSS_FILE: rssFile });
    let outBytes = 0;
    let outLines = 0;
    let tail = '';
    let firstOutputAtLine = -1;
    let written = 0; // lines written so far
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => void (err += d));
    let sawOutput: () => void = () => {};
    const firstOutput = new Promise<void>((r) => (sawOutput = r));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      if (firstOutputAtLine < 0) {
        firstOutputAtLine = written;
        sawOutput();
      }
      outBytes += d.length;
      for (let i = d.indexOf('\n'); i >= 0; i = d.indexOf('\n', i + 1)) outLines++;
      tail = (tail + d).slice(-200);
    });
    const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const write = (s: string): Promise<void> =>
      new Promise((r) => (child.stdin.write(s) ? r() : child.stdin.once('drain', () => r())));
    // The first 64K lines, then wait for the transcript to start: without streaming it never would.
    written += PER_WRITE * BLOCK_LINES;
    await write(chunk);
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000));
    expect(await Promise.race([firstOutput.then(() => 'output' as const), timeout])).toBe('output');
    while (written < LINES) {
      written += PER_WRITE * BLOCK_LINES;
      await write(chunk);
    }
    child.stdin.end();
    const code = await closed;
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(written).toBeGreaterThanOrEqual(LINES);
    // Two statements a block.
    expect(outLines).toBe(written / 2);
    expect(tail.endsWith('getpid init -> 1\ngettid init -> 1\n')).toBe(true);
    expect(firstOutputAtLine).toBeLessThan(LINES);
    const maxRssKiB = Number(readFileSync(rssFile, 'utf8'));
    const inputMiB = (written / BLOCK_LINES) * block.length / 2 ** 20;
    console.log(
      `pidns run -: ${written.toLocaleString('en')} lines (${inputMiB.toFixed(0)} MiB in, ${(outBytes / 2 ** 20).toFixed(0)} MiB out), ` +
        `peak RSS ${(maxRssKiB / 1024).toFixed(0)} MiB; first output after ${firstOutputAtLine.toLocaleString('en')} lines`,
    );
    // The input alone is 129 MiB; holding it (or its lines) would take several times that.
    expect(maxRssKiB).toBeLessThan(200 * 1024);
  }, 300_000);

  it('an endless line (/dev/zero) is a scenario error at once, with its line number', () => {
    const rssFile = join(dir, 'maxrss-zero');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', MAXRSS, CLI, 'run', '/dev/zero', '--core', 'ts'], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, PIDNS_TEST_MAXRSS_FILE: rssFile },
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`/dev/zero:1: line longer than ${MAX_LINE_LENGTH} characters\n`);
    console.log(`pidns run /dev/zero: peak RSS ${(Number(readFileSync(rssFile, 'utf8')) / 1024).toFixed(0)} MiB`);
  });

  it('an over-long line after good ones: the earlier statements are printed, then FILE:LINE', async () => {
    const p = join(dir, 'long.pidns');
    writeFileSync(p, `a = fork init\n\n# ${'x'.repeat(MAX_LINE_LENGTH)}\nb = fork init\n`);
    expect(await runCli(['run', p, '--core', 'ts'])).toEqual({
      code: 2,
      out: 'a = fork init -> 2\n',
      err: `${p}:3: line longer than ${MAX_LINE_LENGTH} characters\n`,
    });
    // A comment of exactly the limit is fine.
    writeFileSync(p, `a = fork init\n#${'x'.repeat(MAX_LINE_LENGTH - 1)}\nb = fork init`);
    expect(await runCli(['run', p, '--core', 'ts'])).toEqual({ code: 0, out: 'a = fork init -> 2\nb = fork init -> 3\n', err: '' });
  });

  it('cuts lines the same wherever the chunks end (one byte at a time, UTF-8 split inside a character)', async () => {
    const text = 'a = fork init # é ü 😀\r\nb = clone a NEWPID\n\n  # x\nc = thread b\nwait init\nkill init 3 3\nd = fork init';
    const whole = runScenario(text, new Kernel(createTsCore()));
    const bytes = new TextEncoder().encode(text);
    const lines: string[] = [];
    const r = await runScenarioStream(
      [...bytes].map((b) => Uint8Array.of(b)),
      new Kernel(createTsCore()),
      { onLine: (l) => void lines.push(l) },
    );
    expect(lines).toEqual(whole.lines);
    expect(r.error).toEqual(whole.error);
    expect(r.error).toEqual({ line: 7, message: 'signal 3 is not allowed: SIG is 0, 9 or 15' });
    const got: [string, number][] = [];
    const s = new LineSplitter(8);
    s.push('ab\ncd', (l, n) => void got.push([l, n]));
    s.push('ef\n\ngh', (l, n) => void got.push([l, n]));
    s.end((l, n) => void got.push([l, n]));
    expect(got).toEqual([['ab', 1], ['cdef', 2], ['', 3], ['gh', 4]]);
    expect(() => new LineSplitter(4).push('abcde', () => {})).toThrow(/longer than 4/);
  });
});
