/**
 * `pidns storm`: fork storms through the kernel model, each run in its own
 * child process, then a table (and optionally --json / --chart). Without
 * options it runs the headline mix (wide + churn + tree, about a million
 * processes per core) on both cores: `npm start`.
 */
import { join, resolve } from 'node:path';
import type { AllocatorName, CoreName } from '../core/types.js';
import { runAll } from '../storm/runner.js';
import { formatContext, formatSummary, formatTable, formatTimeSplit, stormContext, stormJson } from '../storm/report.js';
import { stormChart } from '../storm/chart.js';
import { checkOutputDir, checkOutputFile, OutputError, writeFileAtomic } from '../storm/output.js';
import { ALLOCATOR_NAMES, CORE_NAMES, runName, type RunSpec } from '../storm/spec.js';
import {
  MAX_DEPTH,
  MAX_FILL,
  MIN_FILL,
  STORM_DEFAULT_TASKS,
  STORM_MIX,
  WORKLOADS,
  WORKLOAD_NAMES,
  type WorkloadName,
} from '../storm/workloads.js';
import { CliError, splitOption, type CliIO, type Command } from './common.js';

const MAX_TASKS = 100_000_000;
const MAX_REPEAT = 50;

const HELP = `usage: pidns storm [--workload W,...] [--core wasm,ts] [--allocator A,...]
                   [--tasks N] [--depth D] [--fill F] [--seed S]
                   [--repeat N] [--profile] [--profile-dir DIR]
                   [--json FILE] [--chart FILE.svg]

Fork storms driven through the simulated kernel, seeded and deterministic.
Each (workload, core, allocator) runs in its own child process; a table
follows with ops/s, ns per op, allocator words scanned per alloc_pid call
(mean, max), peak RSS and the WASM/TS ratio.

workloads:
${WORKLOAD_NAMES.map((w) => `  ${w.padEnd(10)} ${WORKLOADS[w].summary}`).join('\n')}
  storm      the headline mix (default): ${STORM_MIX.map((m) => `${m.workload} ${m.share * 100}%`).join(', ')} of --tasks
             (default ${STORM_DEFAULT_TASKS.toLocaleString('en')})

options:
  --workload W,...   workloads to run (default: storm)
  --core C,...       cores: ${CORE_NAMES.join(', ')} (default: both)
  --allocator A,...  pid allocators: ${ALLOCATOR_NAMES.join(', ')} (default: ${ALLOCATOR_NAMES[0]})
  --tasks N          ops per workload (cycles, steps or syscalls); 1000, 1e6, 250k, 1M
                     all work (default: per workload)
  --depth D          namespace depth 0..${MAX_DEPTH} (default: 4; deep: 8); for tree,
                     the deepest level a container may have
  --fill F           churn occupancy of pid_max 32768: ${MIN_FILL}..${MAX_FILL} or a
                     percentage such as 99.9% (default: 0.99)
  --seed S           seed of the random choices, 0..4294967295 (default: 1)
  --repeat N         run everything N times (1..${MAX_REPEAT}), round-robin, and report
                     the median ops/s with the slowest..fastest run (default: 1)
  --profile          sample the CPU during each timed part and print where the
                     time goes: core, kernel model, workload, GC, other (the
                     runs are slower while profiled)
  --profile-dir DIR  --profile, and keep each run's .cpuprofile in DIR (open
                     it in Chrome DevTools)
  --json FILE        write {schemaVersion, context, runs} as JSON (its JSON
                     Schema: docs/schema/storm.schema.json)
  --chart FILE.svg   write an SVG bar chart of ops/s, WASM vs TS (the name
                     must end in .svg)

Output files are checked before the first run and written whole (to a
temporary file, then renamed): a failed write leaves an earlier file as it
was. A closed pipe (pidns storm | head) ends the command with status 141.
  -h, --help         show this help
`;

export interface StormArgs {
  workloads: WorkloadName[];
  /** 'storm' given (or nothing): the mix, with `tasks` as its total. */
  mix: boolean;
  cores: CoreName[];
  allocators: AllocatorName[];
  tasks: number | null;
  depth: number | null;
  fill: number | null;
  seed: number;
  repeat: number;
  profile: boolean;
  profileDir: string | null;
  json: string | null;
  chart: string | null;
}

function list<T extends string>(opt: string, v: string, known: readonly T[]): T[] {
  const out: T[] = [];
  for (const item of v.split(',').map((s) => s.trim())) {
    if (!(known as readonly string[]).includes(item)) {
      throw new CliError(`storm: unknown ${opt.slice(2)} '${item}' (one of: ${known.join(', ')})`);
    }
    if (!out.includes(item as T)) out.push(item as T);
  }
  return out;
}

/** A count such as 1000, 1_000_000, 1e6, 250k or 1M. */
function count(opt: string, v: string): number {
  const m = /^(\d[\d_]*(?:\.\d+)?(?:e\d+)?)([kKmM]?)$/.exec(v.trim());
  const n = m ? Number(m[1].replace(/_/g, '')) * (m[2] === '' ? 1 : /k/i.test(m[2]) ? 1e3 : 1e6) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_TASKS) {
    throw new CliError(`storm: ${opt} wants a whole number from 1 to ${MAX_TASKS.toLocaleString('en')}, not '${v}'`);
  }
  return n;
}

function integer(opt: string, v: string, lo: number, hi: number): number {
  const n = /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < lo || n > hi) throw new CliError(`storm: ${opt} wants a whole number from ${lo} to ${hi}, not '${v}'`);
  return n;
}

function fraction(opt: string, v: string): number {
  const s = v.trim();
  const pct = s.endsWith('%');
  const n = /^\d*\.?\d+$/.test(pct ? s.slice(0, -1) : s) ? Number(pct ? s.slice(0, -1) : s) / (pct ? 100 : 1) : NaN;
  if (!(n >= MIN_FILL && n <= MAX_FILL)) {
    throw new CliError(`storm: ${opt} wants a fraction from ${MIN_FILL} to ${MAX_FILL} (or a percentage like 99.9%), not '${v}'`);
  }
  return n;
}

export function parseStormArgs(args: readonly string[]): StormArgs {
  const a: StormArgs = {
    workloads: [],
    mix: false,
    cores: [...CORE_NAMES],
    allocators: [ALLOCATOR_NAMES[0]],
    tasks: null,
    depth: null,
    fill: null,
    seed: 1,
    repeat: 1,
    profile: false,
    profileDir: null,
    json: null,
    chart: null,
  };
  const takesValue = new Set(['--workload', '--core', '--allocator', '--tasks', '--depth', '--fill', '--seed', '--repeat', '--profile-dir', '--json', '--chart']);
  for (let i = 0; i < args.length; i++) {
    const [opt, value] = splitOption(args[i]);
    let v = value;
    if (opt === '--profile') {
      if (v !== undefined) throw new CliError("storm: --profile takes no value (--profile-dir DIR keeps the profiles)");
      a.profile = true;
      continue;
    }
    if (!takesValue.has(opt)) {
      throw new CliError(opt.startsWith('-') ? `storm: unknown option '${opt}' (see pidns storm --help)` : `storm: unexpected argument '${opt}' (see pidns storm --help)`);
    }
    if (v === undefined) v = args[++i];
    if (v === undefined || v === '') throw new CliError(`storm: option '${opt}' needs a value`);
    switch (opt) {
      case '--workload': {
        const ws = list(opt, v, [...WORKLOAD_NAMES, 'storm'] as const);
        a.mix = ws.includes('storm');
        a.workloads = ws.filter((w): w is WorkloadName => w !== 'storm');
        break;
      }
      case '--core': a.cores = list(opt, v, CORE_NAMES); break;
      case '--allocator': a.allocators = list(opt, v, ALLOCATOR_NAMES); break;
      case '--tasks': a.tasks = count(opt, v); break;
      case '--depth': a.depth = integer(opt, v, 0, MAX_DEPTH); break;
      case '--fill': a.fill = fraction(opt, v); break;
      case '--seed': a.seed = integer(opt, v, 0, 0xffffffff); break;
      case '--repeat': a.repeat = integer(opt, v, 1, MAX_REPEAT); break;
      case '--profile-dir': a.profileDir = v; a.profile = true; break;
      case '--json': a.json = v; break;
      case '--chart':
        if (!/\.svg$/i.test(v)) throw new CliError(`storm: --chart writes SVG: the file name must end in .svg, not '${v}'`);
        a.chart = v;
        break;
    }
  }
  if (a.workloads.length === 0) a.mix = true;
  return a;
}

/** The runs, in order: for each workload, for each allocator, each core (WASM first). */
export function stormSpecs(a: StormArgs): RunSpec[] {
  const parts: { workload: WorkloadName; tasks: number }[] = [];
  if (a.mix) {
    const total = a.tasks ?? STORM_DEFAULT_TASKS;
    for (const m of STORM_MIX) parts.push({ workload: m.workload, tasks: Math.max(1, Math.round(total * m.share)) });
  }
  for (const w of a.workloads) parts.push({ workload: w, tasks: a.tasks ?? WORKLOADS[w].defaults.tasks });
  const specs: RunSpec[] = [];
  for (const p of parts) {
    const d = WORKLOADS[p.workload].defaults;
    for (const allocator of a.allocators) {
      for (const core of a.cores) {
        specs.push({
          workload: p.workload,
          core,
          allocator,
          depth: a.depth ?? d.depth,
          tasks: p.tasks,
          fill: a.fill ?? d.fill,
          seed: a.seed,
          ...(a.profile ? { profile: true } : {}),
        });
      }
    }
  }
  return specs;
}

function write(path: string, text: string, what: string): void {
  try {
    writeFileAtomic(path, text, `write ${what}`);
  } catch (e) {
    throw new CliError(`storm: ${(e as Error).message}`);
  }
}

/** Refuse an unusable output path before minutes of runs, not after: every one, before the first run. */
function checkOutputs(a: StormArgs): void {
  try {
    if (a.json !== null) checkOutputFile(a.json, '--json');
    if (a.chart !== null) checkOutputFile(a.chart, '--chart');
    if (a.profileDir !== null) checkOutputDir(a.profileDir, '--profile-dir');
  } catch (e) {
    if (e instanceof OutputError) throw new CliError(`storm: ${e.message}`);
    throw e;
  }
  if (a.json !== null && a.chart !== null && resolve(a.json) === resolve(a.chart)) {
    throw new CliError(`storm: --json and --chart name the same file ${a.json}`);
  }
}

export const stormCommand: Command = {
  summary: 'fork storms on both cores: ops/s, allocator work, memory',
  help: HELP,
  async run(args: string[], io: CliIO): Promise<number> {
    const a = parseStormArgs(args);
    checkOutputs(a);
    const specs = stormSpecs(a);
    if (a.profileDir !== null) {
      const d = a.profileDir;
      for (const s of specs) s.profile = join(d, `${runName(s).replace(/\//g, '_').replace(/=/g, '-')}.cpuprofile`);
    }
    const context = stormContext(['pidns', 'storm'], args);
    io.stdout(formatContext(context));
    let failed = 0;
    const runs = await runAll(specs, {
      repeat: a.repeat,
      onError: (spec, message) => {
        failed++;
        io.stderr(`pidns: storm: ${spec.workload} on ${spec.core}/${spec.allocator} failed: ${message}\n`);
      },
    });
    if (runs.length === 0) {
      io.stderr('pidns: storm: no run finished\n');
      return 1;
    }
    io.stdout(formatTable(runs));
    io.stdout(formatSummary(runs));
    io.stdout(formatTimeSplit(runs));
    const report = { context, runs };
    if (a.json) write(a.json, stormJson(report), 'the JSON to');
    if (a.chart) write(a.chart, stormChart(runs, context), 'the chart to');
    return failed > 0 ? 1 : 0;
  },
};
