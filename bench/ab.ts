/**
 * A/B of two builds of pidns on one storm workload, made for a shared,
 * noisy machine: each round runs build A and build B *at the same time*,
 * each pinned to its own CPU (taskset; the CPUs swap every round), so both
 * see the same moment of the host's load. The answer is the per-round
 * ratio B/A of ops/s (median and quartiles), which is far steadier than
 * the ratio of runs taken one after the other: on the 2-vCPU machine of
 * this repository, two identical builds give 0.99–1.02 this way, where
 * alternated whole runs of one build vary by up to 2×.
 *
 *   npx tsx bench/ab.ts --a DIR --b DIR [--workload wide] [--core ts] [--tasks N]
 *                       [--depth D] [--fill F] [--rounds R] [--runs K] [--warmup N] [--json FILE]
 *
 * DIR is a built checkout (`npm run build`; its dist/ is imported), e.g. a
 * `git worktree add --detach /tmp/base REV`. Every round starts one fresh
 * Node process per build; each makes K runs (a fresh core and kernel
 * each, after the storm's usual warm-up) and reports its first run (what
 * `pidns storm` measures) and the median of the others (steady state).
 */
import { execFileSync, spawn } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchProvenance, helpIfAsked, writeOutput } from './cli.js';

const USAGE = `usage: npx tsx bench/ab.ts --a DIR --b DIR [--workload W] [--core wasm|ts] [--tasks N]
                          [--depth D] [--fill F] [--rounds R] [--runs K] [--warmup N] [--json FILE]

A/B of two built checkouts (DIR/dist) on one storm workload. Each round runs A and B at
the same time, pinned to CPUs 0 and 1 (swapped every round), and records the ratio B/A
of operations per second: the first run of each process (what pidns storm reports) and the median of
its other runs (steady state). Prints the median ratio (over pairs of rounds with the CPUs swapped)
with its quartiles.

options:
  --a DIR, --b DIR   the two builds (each a checkout after npm run build)
  --workload W       wide, wide-live, deep, churn or tree (default: wide)
  --core C           wasm or ts (default: ts)
  --tasks N          ops per run (default: 300000)
  --depth D          namespace depth (default: 4)
  --fill F           churn occupancy (default: 0.99)
  --rounds R         rounds, an even number 2..200 (default: 10); each two, with the CPUs
                     swapped, give one ratio sqrt(r1 r2), free of the CPUs' difference
  --runs K           runs per process, 2..20 (default: 5)
  --warmup N         ops of the untimed warm-up before each run (default: the storm's, 50,000)
  --json FILE        also write every round's numbers as JSON`;

helpIfAsked(USAGE);

interface Side { first: number; steady: number }
interface Round { round: number; cpuA: number; a: Side; b: Side }

function fail(msg: string): never {
  process.stderr.write(`bench/ab: ${msg}\n${USAGE.split('\n')[0]}\n`);
  process.exit(2);
}

function parse(argv: string[]) {
  const o = { a: '', b: '', workload: 'wide', core: 'ts', tasks: 300_000, depth: 4, fill: 0.99, rounds: 10, runs: 5, warmup: -1, json: '' };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[i + 1];
    if (!k.startsWith('--') || !(k.slice(2) in o)) fail(`unknown argument ${k}`);
    if (v === undefined) fail(`${k} needs a value`);
    i++;
    const key = k.slice(2) as keyof typeof o;
    if (typeof o[key] === 'number') {
      const n = Number(v.replace(/_/g, ''));
      if (!Number.isFinite(n)) fail(`${k} ${v}: not a number`);
      (o as Record<string, unknown>)[key] = n;
    } else (o as Record<string, unknown>)[key] = v;
  }
  if (!o.a || !o.b) fail('--a and --b are required');
  for (const d of [o.a, o.b]) if (!existsSync(resolve(d, 'dist/storm/spec.js'))) fail(`${d}: no dist/storm/spec.js (run npm run build there)`);
  if (!['wasm', 'ts'].includes(o.core)) fail(`--core ${o.core}: wasm or ts`);
  if (!['wide', 'wide-live', 'deep', 'churn', 'tree'].includes(o.workload)) fail(`--workload ${o.workload}: wide, wide-live, deep, churn or tree`);
  if (!Number.isInteger(o.rounds) || o.rounds < 2 || o.rounds > 200 || o.rounds % 2 !== 0) fail('--rounds: an even number, 2..200 (rounds are paired with the CPUs swapped)');
  if (!Number.isInteger(o.runs) || o.runs < 2 || o.runs > 20) fail('--runs: 2..20');
  if (!Number.isInteger(o.tasks) || o.tasks < 1000) fail('--tasks: an integer ≥ 1000');
  if (o.warmup !== -1 && (!Number.isInteger(o.warmup) || o.warmup < 0)) fail('--warmup: an integer ≥ 0');
  return o;
}

const opts = parse(process.argv.slice(2));

/** The child: K runs of the spec with the build's own runSpec; prints {first, steady}. */
const CHILD = `
const [dir, spec, runs] = [process.argv[1], JSON.parse(process.argv[2]), +process.argv[3]];
const { runSpec } = await import(dir);
const r = [];
for (let i = 0; i < runs; i++) r.push(runSpec(spec).opsPerSec);
const rest = r.slice(1).sort((x, y) => x - y);
const m = rest.length >> 1;
process.stdout.write(JSON.stringify({ first: r[0], steady: rest.length % 2 ? rest[m] : (rest[m - 1] + rest[m]) / 2 }));
`;

function runSide(dir: string, cpu: number | null): Promise<Side> {
  const spec = { workload: opts.workload, core: opts.core, allocator: 'pidmap', depth: opts.depth, tasks: opts.tasks, fill: opts.fill, seed: 1, ...(opts.warmup >= 0 ? { warmup: opts.warmup } : {}) };
  const args = ['--single-threaded', '--input-type=module', '-e', CHILD, pathToFileURL(resolve(dir, 'dist/storm/spec.js')).href, JSON.stringify(spec), String(opts.runs)];
  const [cmd, argv] = cpu === null ? [process.execPath, args] : ['taskset', ['-c', String(cpu), process.execPath, ...args]];
  return new Promise((ok, ko) => {
    const p = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d));
    p.on('error', ko);
    p.on('close', (code) => (code === 0 ? ok(JSON.parse(out) as Side) : ko(new Error(`${dir}: run exited with ${code}`))));
  });
}

function quantile(xs: number[], q: number): number {
  const s = xs.slice().sort((x, y) => x - y);
  const at = q * (s.length - 1);
  const lo = Math.floor(at);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (at - lo);
}

const pin = availableParallelism() >= 2 && existsSync('/usr/bin/taskset');
if (!pin) process.stderr.write('bench/ab: fewer than 2 CPUs or no taskset: A and B still run at the same time, unpinned\n');
const rounds: Round[] = [];
for (let r = 0; r < opts.rounds; r++) {
  const cpuA = r & 1;
  const [a, b] = await Promise.all([runSide(opts.a, pin ? cpuA : null), runSide(opts.b, pin ? 1 - cpuA : null)]);
  rounds.push({ round: r, cpuA, a, b });
  process.stderr.write(`round ${r + 1}/${opts.rounds}: B/A first ${(b.first / a.first).toFixed(3)} steady ${(b.steady / a.steady).toFixed(3)}\n`);
}
// The two vCPUs of a shared host are often unequally loaded (one 30 % slower
// for minutes): a round's ratio then carries that factor, and the next round,
// with the CPUs swapped, its inverse. So rounds are taken two by two and each
// pair gives sqrt(r1 · r2), in which the CPUs' factor cancels.
const line = (name: keyof Side): string => {
  const ratios: number[] = [];
  for (let i = 0; i + 1 < rounds.length; i += 2) {
    ratios.push(Math.sqrt((rounds[i].b[name] / rounds[i].a[name]) * (rounds[i + 1].b[name] / rounds[i + 1].a[name])));
  }
  const a = quantile(rounds.map((x) => x.a[name]), 0.5);
  const b = quantile(rounds.map((x) => x.b[name]), 0.5);
  return `${name.padEnd(6)}  B/A ${quantile(ratios, 0.5).toFixed(3)} (quartiles ${quantile(ratios, 0.25).toFixed(3)}..${quantile(ratios, 0.75).toFixed(3)}, ${ratios.length} CPU-swapped pairs)  A ${(a / 1e6).toFixed(3)}M  B ${(b / 1e6).toFixed(3)}M ops/s`;
};
console.log(`${opts.workload} on ${opts.core}, ${opts.tasks} ops, depth ${opts.depth}, ${opts.rounds} paired rounds × ${opts.runs} runs`);
console.log(`A = ${resolve(opts.a)}\nB = ${resolve(opts.b)}`);
console.log(line('first'));
console.log(line('steady'));
if (opts.json) {
  const context = {
    date: new Date().toISOString(),
    ...benchProvenance('bench/ab.ts'),
    node: process.version,
    cpu: `${cpus()[0]?.model ?? 'unknown'} ×${cpus().length}`,
    pinned: pin,
  };
  const { json: _json, a, b, ...run } = opts;
  const doc = { schemaVersion: 1, context, a: { dir: resolve(a), ...gitOf(a) }, b: { dir: resolve(b), ...gitOf(b) }, run, rounds };
  writeOutput('bench/ab', opts.json, JSON.stringify(doc, null, 2) + '\n');
}

/** The commit a build's checkout is at (and whether its tracked files differ), null when it is not a git checkout. */
function gitOf(dir: string): { commit: string | null; dirty: boolean | null } {
  try {
    const commit = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}
