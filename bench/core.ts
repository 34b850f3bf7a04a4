/**
 * Core benchmark: the WASM pid core against its TS twin (benchmark.js).
 *
 *   npm run bench:core -- [--json FILE] [--filter SUBSTR] [--quick]
 *
 * Cases (names follow mitata's sweep-point style: case/core/...):
 *   sparse      pid_max 32768, 64 live pids, alloc_pid + free_pid of the oldest
 *   dense       pid_max 4194304, every pid taken but 4194 random ones; alloc then free the same pid
 *   dense9999   as dense with 419 free pids (99.99 % full)
 *   walk        alloc_pid + free_pid of the oldest, 64 live, in a namespace at depth 1, 4, 32
 *               (depth = the namespace's level: depth d walks d + 1 levels)
 * each one call per operation and batched (alloc_pid_batch / free_pid_batch, 64 a call).
 * Prints a table (ns/op, WASM/TS ratio) and writes JSON:
 *   { schemaVersion: 1, context: {date, command, argv, commit, dirty, version, node, cpu, wasmBuild, quick},
 *     results: [{case, core, depth, batched, nsPerOp, opsPerSec, rme}] }   (docs/schema/core.schema.json)
 */
import Benchmark from 'benchmark';
import os from 'node:os';
import { createTsCore } from '../src/core/ts/index.js';
import { createWasmCoreSync } from '../src/core/wasm-node.js';
import type { PidCore } from '../src/core/types.js';
import { PID_MAX_LIMIT } from '../src/core/layout.js';
import { denseStep, ringStep, type Step } from './cases.js';
import { formatCommit } from '../src/storm/provenance.js';
import { benchProvenance, checkOutput, helpIfAsked, writeOutput } from './cli.js';

const USAGE = `usage: npm run bench:core -- [--json FILE] [--filter SUBSTR] [--quick]

The WASM pid core against its TS twin (benchmark.js): sparse, dense,
dense9999 and walk at depth 1, 4, 32, one call per operation and batched.
--json writes {schemaVersion, context, results} (docs/schema/core.schema.json);
--filter runs only the cases whose name contains SUBSTR; --quick: shorter runs.`;
helpIfAsked(USAGE);

interface Case {
  name: string;
  depth: number;
  batched: boolean;
  /** Builds the state and returns one step and how many operations it does. */
  setup(core: PidCore): Step;
}

const ring = (name: string, depth: number, batched: boolean, pidMax: number): Case =>
  ({ name, depth, batched, setup: (core) => ringStep(core, depth, pidMax, batched) });
const dense = (name: string, free: number, batched: boolean): Case =>
  ({ name, depth: 0, batched, setup: (core) => denseStep(core, free, batched) });

const CASES: Case[] = [];
for (const batched of [false, true]) {
  CASES.push(ring('sparse', 0, batched, 32768));
  CASES.push(dense('dense', 4194, batched));
  CASES.push(dense('dense9999', 419, batched));
  for (const depth of [1, 4, 32]) CASES.push(ring('walk', depth, batched, PID_MAX_LIMIT));
}

interface Result {
  case: string; core: 'wasm' | 'ts'; depth: number; batched: boolean;
  nsPerOp: number; opsPerSec: number; rme: number;
}

function args(argv: string[]): { json?: string; filter?: string; quick: boolean } {
  const out: { json?: string; filter?: string; quick: boolean } = { quick: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') out.json = argv[++i];
    else if (a === '--filter') out.filter = argv[++i];
    else if (a === '--quick') out.quick = true;
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(`bench:core: unknown argument '${a}' (try --help)`);
      process.exit(1);
    }
  }
  if (out.json === undefined && argv.includes('--json')) {
    console.error('bench:core: --json needs a file name');
    process.exit(1);
  }
  return out;
}

function label(c: Case): string {
  return `${c.name}${c.name === 'walk' ? `/depth=${c.depth}` : ''}${c.batched ? '/batched' : ''}`;
}

function main(): void {
  const opt = args(process.argv.slice(2));
  checkOutput('bench:core', opt.json, '--json');
  const wasmProbe = createWasmCoreSync();
  const cores: Array<{ name: 'wasm' | 'ts'; make: () => PidCore }> = [
    { name: 'wasm', make: () => createWasmCoreSync() },
    { name: 'ts', make: () => createTsCore() },
  ];
  const results: Result[] = [];
  for (const c of CASES) {
    if (opt.filter && !label(c).includes(opt.filter)) continue;
    for (const k of cores) {
      const core = k.make();
      const { step, opsPerStep } = c.setup(core);
      const bench = new Benchmark(`${label(c)}/${k.name}`, step, {
        minSamples: opt.quick ? 5 : 20,
        maxTime: opt.quick ? 0.5 : 2,
      });
      bench.run();
      if (bench.error) throw bench.error;
      const nsPerOp = (bench.stats.mean * 1e9) / opsPerStep;
      results.push({
        case: c.name, core: k.name, depth: c.depth, batched: c.batched,
        nsPerOp, opsPerSec: 1e9 / nsPerOp, rme: bench.stats.rme,
      });
      process.stderr.write(`${label(c)}/${k.name}: ${nsPerOp.toFixed(1)} ns/op ±${bench.stats.rme.toFixed(1)}%\n`);
    }
  }
  const context = {
    date: new Date().toISOString(),
    ...benchProvenance('bench/core.ts'),
    node: process.version,
    cpu: `${os.cpus()[0]?.model ?? 'unknown'} ×${os.cpus().length}`,
    wasmBuild: wasmProbe.build,
    quick: opt.quick,
  };
  const rows: string[][] = [['case', 'wasm ns/op', 'ts ns/op', 'wasm/ts speed-up']];
  for (const c of CASES) {
    const w = results.find((r) => r.core === 'wasm' && r.case === c.name && r.depth === c.depth && r.batched === c.batched);
    const t = results.find((r) => r.core === 'ts' && r.case === c.name && r.depth === c.depth && r.batched === c.batched);
    if (!w || !t) continue;
    rows.push([label(c), w.nsPerOp.toFixed(1), t.nsPerOp.toFixed(1), `${(t.nsPerOp / w.nsPerOp).toFixed(2)}×`]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`pidns core benchmark — ${context.date} commit ${formatCommit(context)} node ${context.node} ${context.cpu} wasm=${context.wasmBuild}`);
  for (const r of rows) console.log(r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
  if (opt.json) {
    writeOutput('bench:core', opt.json, JSON.stringify({ schemaVersion: 1, context, results }, null, 2) + '\n');
    console.log(`wrote ${opt.json}`);
  }
}

main();
