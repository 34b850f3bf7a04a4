/**
 * Storm sweep: where the costs of a simulated fork move with namespace depth
 * and with occupancy (the allocator's scan). Every point runs in its own
 * child process through the same runner as `pidns storm`.
 *
 *   npx tsx bench/storm.ts [--quick] [--core wasm,ts] [--allocator A,...] [--repeat N] [--json FILE] [--chart FILE.svg]
 *
 * Points (named storm/CORE/ALLOCATOR/WORKLOAD/depth=D[/fill=F]):
 *   deep   fork+exit+wait cycles at depth 1, 4, 8, 16, 32
 *   churn  pid_max 32768 at depth 4 filled to 90, 99, 99.9 and 99.99 %
 * Prints the `pidns storm` table; --repeat / --json / --chart as in `pidns storm`.
 */
import { ALLOCATOR_NAMES, type AllocatorName, type CoreName } from '../src/core/types.js';
import { formatContext, formatSummary, formatTable, stormContext, stormJson } from '../src/storm/report.js';
import { runAll } from '../src/storm/runner.js';
import { stormChart } from '../src/storm/chart.js';
import type { RunSpec } from '../src/storm/spec.js';
import { checkOutput, fail, helpIfAsked, writeOutput } from './cli.js';

helpIfAsked(`usage: npx tsx bench/storm.ts [--quick] [--core wasm,ts] [--allocator A,...] [--repeat N] [--json FILE] [--chart FILE.svg]

Storm sweep through the same runner as pidns storm, each point in its own
child process: deep (fork+exit+wait at depth 1, 4, 8, 16, 32) and churn
(pid_max 32768 at depth 4 filled to 90, 99, 99.9, 99.99 %), on both cores.
--json writes the pidns storm document (docs/schema/storm.schema.json);
--chart an SVG bar chart. --quick: fewer ops per point.`);

const KNOWN = new Set(['--quick', '--core', '--allocator', '--repeat', '--json', '--chart']);
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (!KNOWN.has(a)) fail('bench/storm', `unknown argument '${a}' (try --help)`);
  if (a !== '--quick' && process.argv[++i] === undefined) fail('bench/storm', `${a} needs a value`);
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const quick = process.argv.includes('--quick');
const cores = (option('--core') ?? 'wasm,ts').split(',') as CoreName[];
const allocators = (option('--allocator') ?? ALLOCATOR_NAMES[0]).split(',') as AllocatorName[];
for (const a of allocators) {
  if (!ALLOCATOR_NAMES.includes(a)) {
    process.stderr.write(`bench/storm: unknown allocator '${a}' (one of: ${ALLOCATOR_NAMES.join(', ')})\n`);
    process.exit(1);
  }
}
const cycles = quick ? 50_000 : 400_000;
const steps = quick ? 20_000 : 150_000;

const specs: RunSpec[] = [];
for (const allocator of allocators) {
  for (const depth of [1, 4, 8, 16, 32]) {
    for (const core of cores) specs.push({ workload: 'deep', core, allocator, depth, tasks: cycles, fill: 0.99, seed: 1 });
  }
  for (const fill of [0.9, 0.99, 0.999, 0.9999]) {
    for (const core of cores) specs.push({ workload: 'churn', core, allocator, depth: 4, tasks: steps, fill, seed: 1 });
  }
}

for (const c of cores) if (c !== 'wasm' && c !== 'ts') fail('bench/storm', `unknown core '${c}' (wasm, ts)`);
const repeat = Number(option('--repeat') ?? 1);
if (!Number.isInteger(repeat) || repeat < 1 || repeat > 50) fail('bench/storm', '--repeat wants a whole number from 1 to 50');
const json = option('--json');
const chart = option('--chart');
if (chart !== undefined && !/\.svg$/i.test(chart)) fail('bench/storm', `--chart writes SVG: the file name must end in .svg, not '${chart}'`);
checkOutput('bench/storm', json, '--json');
checkOutput('bench/storm', chart, '--chart');
const context = stormContext(['bench/storm.ts'], process.argv.slice(2));
process.stdout.write(formatContext(context));
const runs = await runAll(specs, {
  repeat,
  onError: (s, m) => process.stderr.write(`bench/storm: ${s.workload} depth=${s.depth} on ${s.core} failed: ${m}\n`),
});
process.stdout.write(formatTable(runs));
process.stdout.write(formatSummary(runs));
if (json) writeOutput('bench/storm', json, stormJson({ context, runs }));
if (chart) writeOutput('bench/storm', chart, stormChart(runs, context));
