/**
 * The pidns command: exit statuses 0 / 1 / 2, stdin, --explain, --core,
 * help, and messages without stack traces. Mostly through `main` with
 * injected I/O; one real process checks the executable path end to end.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS, main, type CliIO } from '../src/cli/main.js';
import { runCli } from './helpers/cli.js';

const REPO = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'pidns-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const run = runCli;

const GOOD = 'a = fork init   # comment\n\n# only a comment\nb = clone a NEWPID\r\nc = clone init THREAD\nwait init\n';
const GOOD_OUT = 'a = fork init -> 2\nb = clone a NEWPID -> 3 1\nc = clone init THREAD -> EINVAL\nwait init -> none\n';

describe('pidns run', () => {
  for (const core of ['ts', 'wasm']) {
    it(`prints the transcript and exits 0 (--core ${core})`, async () => {
      const r = await run(['run', file('good.pidns', GOOD), '--core', core]);
      expect(r).toEqual({ code: 0, out: GOOD_OUT, err: '' });
    });
  }

  it('defaults to the wasm core and accepts --core=ts', async () => {
    const p = file('good2.pidns', GOOD);
    expect((await run(['run', p])).out).toBe(GOOD_OUT);
    expect((await run(['run', `--core=ts`, p])).out).toBe(GOOD_OUT);
  });

  it('reads a scenario from stdin with -, naming it <stdin>', async () => {
    expect(await run(['run', '-'], GOOD)).toEqual({ code: 0, out: GOOD_OUT, err: '' });
    const bad = await run(['run', '-'], 'a = fork init\nkill a 2 3\nb = fork init\n');
    expect(bad).toEqual({ code: 2, out: 'a = fork init -> 2\n', err: '<stdin>:2: signal 3 is not allowed: SIG is 0, 9 or 15\n' });
  });

  it('stops at a scenario error with exit 2 and FILE:LINE: message', async () => {
    const p = file('bad.pidns', 'a = fork init\n# c\nb = fork a\nexit init 0\nc = fork init\n');
    const r = await run(['run', p, '--core', 'ts']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('a = fork init -> 2\nb = fork a -> 3\n');
    expect(r.err).toBe(`${p}:4: exit init would end init's process; that is not allowed\n`);
  });

  it('--explain writes the reason of each failed call to stderr', async () => {
    const p = file('explain.pidns', 'a = clone init THREAD\nb = fork init\nwait b\nlastpid init -5\n');
    const r = await run(['run', p, '--explain', '--core', 'ts']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('a = clone init THREAD -> EINVAL\nb = fork init -> 2\nwait b -> ECHILD\nlastpid init -5 -> EINVAL\n');
    expect(r.err.split('\n')).toEqual([
      `${p}:1: EINVAL: copy_process: CLONE_THREAD without CLONE_SIGHAND`,
      `${p}:3: ECHILD: do_wait: the calling process has no children`,
      `${p}:4: EINVAL: pid_ns_ctl_handler: ns_last_pid outside [0, pid_max]`,
      '',
    ]);
    // without --explain nothing goes to stderr
    expect((await run(['run', p, '--core', 'ts'])).err).toBe('');
  });

  it('--trace writes what each statement did in the kernel after its line, on stderr', async () => {
    const text = 'a = fork init\nb = clone a NEWPID\nc = fork b\nd = thread b\ntexit b 0\nkill init 3 9\nwait a\n';
    const p = file('trace.pidns', text);
    // One stream with both, to see the order.
    const both: string[] = [];
    const io: CliIO = {
      stdout: (s) => void both.push(...s.trimEnd().split('\n').map((l) => `out ${l}`)),
      stderr: (s) => void both.push(...s.trimEnd().split('\n').map((l) => `err ${l.replace(p, 'F')}`)),
      readStdin: async () => '',
      readFile: (f) => readFileSync(f, 'utf8'),
    };
    expect(await main(['run', p, '--trace', '--core', 'ts'], io)).toBe(0);
    expect(both).toEqual([
      'out a = fork init -> 2',
      'err F:1: trace: a created: NSpid 2, parent init',
      'out b = clone a NEWPID -> 3 1',
      'err F:2: trace: pidns#6 (level 1) created by a; its first process will be its init',
      'err F:2: trace: b created: NSpid 3 1, parent a',
      'out c = fork b -> 4 2',
      'err F:3: trace: c created: NSpid 4 2, parent b',
      'out d = thread b -> 5 3',
      "err F:4: trace: d created: a thread of b's process, NSpid 5 3",
      'out texit b 0 -> ok',
      "err F:5: trace: d is now the child reaper of pidns#6 (level 1) (its init's leader thread exited)",
      'err F:5: trace: c reparented from b to d',
      'err F:5: trace: b exited: a zombie until its parent reaps it',
      'out kill init 3 9 -> ok',
      "err F:6: trace: SIGKILL from init ends b's process",
      "err F:6: trace: d, the last thread of pidns#6 (level 1)'s init, exits: zap_pid_ns_processes kills every process in it and waits",
      "err F:6: trace: SIGKILL from d ends c's process",
      'err F:6: trace: c exited: a zombie until its parent reaps it',
      'err F:6: trace: c reaped at once: its parent ignores SIGCHLD (an init in zap_pid_ns_processes)',
      'err F:6: trace: pidns#6 (level 1) is empty: d finishes its exit',
      'err F:6: trace: d exited: a thread, released at once',
      'err F:6: trace: d released: its numbers are free again',
      'out wait a -> 3 killed 9',
      'err F:7: trace: b reaped by a',
      'err F:7: trace: pidns#6 (level 1) freed: nothing refers to it any more',
    ]);
    // The transcript is the same with and without --trace, on both cores.
    for (const core of ['ts', 'wasm']) {
      const plain = await run(['run', p, '--core', core]);
      const traced = await run(['run', p, '--core', core, '--trace']);
      expect(traced.out).toBe(plain.out);
      expect(plain.err).toBe('');
    }
  });

  it('--allocator picks the core\'s allocator and --stats reports its work per allocating statement', async () => {
    const p = file('stats.pidns', 'a = fork init\nb = clone a NEWPID\ngetpid b\n');
    const want = 'a = fork init -> 2\nb = clone a NEWPID -> 3 1\ngetpid b -> 1\n';
    const runs = await Promise.all(['pidmap', 'idr', 'hbm'].map((a) => run(['run', p, '--core', 'ts', '--allocator', a, '--stats'])));
    for (const r of runs) expect(r.out).toBe(want);
    // pidmap: one word and one page per level searched; the new namespace's page 0 is made at creation.
    expect(runs[0].err).toBe(
      `${p}:1: stats: pidmap: 1 words scanned, 1 pages touched, 0 allocated\n` +
      `${p}:2: stats: pidmap: 2 words scanned, 2 pages touched, 1 allocated\n`,
    );
    // idr: the root namespace's leaf root holds 1 and 2: one mark read; the new namespace's tree is empty (no search) and gets a leaf.
    expect(runs[1].err).toBe(
      `${p}:1: stats: idr: 1 words scanned, 1 nodes touched, 0 allocated\n` +
      `${p}:2: stats: idr: 1 words scanned, 1 nodes touched, 1 allocated\n`,
    );
    expect(runs[2].err).toMatch(/^.*:1: stats: hbm: 1 words scanned, 1 blocks touched, 0 allocated\n.*:2: stats: hbm: /);
    expect(await run(['run', p, '--allocator', 'buddy'])).toMatchObject({ code: 1, err: "pidns: run: unknown allocator 'buddy' (pidmap, idr, hbm)\n" });
    expect(await run(['run', p, '--allocator'])).toMatchObject({ code: 1 });
  });

  it('fails with exit 1 and a one-line message for bad input', async () => {
    const missing = await run(['run', join(dir, 'nope.pidns')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toBe(`pidns: cannot read ${join(dir, 'nope.pidns')}: no such file\n`);
    expect(await run(['run', dir])).toMatchObject({ code: 1, err: `pidns: cannot read ${dir}: is a directory\n` });
    expect(await run(['run'])).toMatchObject({ code: 1, err: 'pidns: run: no scenario given (usage: pidns run FILE.pidns)\n' });
    expect(await run(['run', 'x', '--core', 'java'])).toMatchObject({ code: 1, err: "pidns: run: unknown core 'java' (wasm or ts)\n" });
    expect(await run(['run', 'x', '--core'])).toMatchObject({ code: 1 });
    expect(await run(['run', 'x', '--fast'])).toMatchObject({ code: 1, err: "pidns: run: unknown option '--fast' (see pidns run --help)\n" });
    expect(await run(['run', 'x', 'y'])).toMatchObject({ code: 1 });
    expect(await run(['frob'])).toMatchObject({ code: 1, err: "pidns: unknown command 'frob' (see pidns --help)\n" });
    expect((await run([])).code).toBe(1);
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    expect(await run(['--version'])).toEqual({ code: 0, out: `pidns ${pkg.version} (simulates Linux 6.18)\n`, err: '' });
    expect((await run(['-V'])).out).toBe(`pidns ${pkg.version} (simulates Linux 6.18)\n`);
  });

  it('has help for the command and each subcommand', async () => {
    const h = await run(['--help']);
    expect(h.code).toBe(0);
    expect(h.out).toContain('usage: pidns COMMAND');
    for (const name of Object.keys(COMMANDS)) expect(h.out).toContain(`  ${name}`);
    const rh = await run(['run', '--help']);
    expect(rh.code).toBe(0);
    expect(rh.out).toContain('pidns run FILE.pidns [--core wasm|ts] [--allocator A] [--explain] [--trace] [--stats]');
    expect(rh.out).toContain('<stdin>');
  });
});

describe('the pidns process', () => {
  it('runs from the TypeScript sources with stdin and real exit statuses', () => {
    const tsx = join(REPO, 'node_modules', '.bin', 'tsx');
    const cli = join(REPO, 'src', 'cli', 'main.ts');
    const ok = spawnSync(tsx, [cli, 'run', '-', '--core', 'ts'], { input: GOOD, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(GOOD_OUT);
    const bad = spawnSync(tsx, [cli, 'run', '-', '--core', 'ts'], { input: 'a = fork init\nb = forkk init\n', encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('a = fork init -> 2\n');
    expect(bad.stderr).toBe("<stdin>:2: unknown call 'forkk'\n");
    const missing = spawnSync(tsx, [cli, 'run', join(dir, 'missing.pidns')], { encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).not.toContain('    at ');
  });
});
