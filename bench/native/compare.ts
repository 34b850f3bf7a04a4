/**
 * Native vs WASM table from the JSON lines of run.sh (pidcore) and
 * wasm-timing.ts, optionally with bench/core.ts's --json output.
 *
 *   npx tsx bench/native/compare.ts [--metric minSliceNsPerOp|cpuNsPerOp|nsPerOp] [--core FILE.json] [--rounds R1,R2] FILE.jsonl...
 *
 * --rounds keeps only lines whose "round" field (results/*.jsonl) is listed.
 *
 * Several files may hold the same variant (repeated rounds): the lowest value
 * of the metric is kept. Prints a Markdown table; ratios are WASM / native
 * (1.00 = as fast as native).
 */
import { readFileSync } from 'node:fs';
import { helpIfAsked } from '../cli.js';

helpIfAsked(`usage: npx tsx bench/native/compare.ts [--metric minSliceNsPerOp|cpuNsPerOp|nsPerOp] [--core FILE.json] [--rounds R1,R2] FILE.jsonl...

Prints a Markdown table of native vs WASM time per operation from the JSON lines of
bench/native/run.sh and wasm-timing.ts (lowest value per variant), with
bench/core.ts's --json output as an extra column when --core is given.`);

type Metric = 'minSliceNsPerOp' | 'cpuNsPerOp' | 'nsPerOp';
interface Line { round?: string; case: string; depth: number; batched?: boolean; variant: string; nsPerOp: number; cpuNsPerOp: number; minSliceNsPerOp: number }

const argv = process.argv.slice(2);
let metric: Metric = 'minSliceNsPerOp';
let coreJson: string | undefined;
let rounds: string[] | undefined;
const files: string[] = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--metric') metric = argv[++i] as Metric;
  else if (argv[i] === '--core') coreJson = argv[++i];
  else if (argv[i] === '--rounds') rounds = argv[++i].split(',');
  else files.push(argv[i]);
}

const best = new Map<string, number>(); // `${label}|${variant}` → ns/op
const bestWall = new Map<string, number>(); // the same for nsPerOp (wall clock), for the bench/core.ts column
const labels: string[] = [];
const label = (c: string, d: number, b?: boolean): string => (c === 'walk' ? `walk/depth=${d}` : c) + (b ? '/batched' : '');
for (const f of files) {
  for (const text of readFileSync(f, 'utf8').split('\n')) {
    if (!text.startsWith('{') || !text.includes('"case"')) continue;
    const l = JSON.parse(text) as Line;
    if (rounds && !rounds.includes(l.round ?? '')) continue;
    const lab = label(l.case, l.depth, l.batched);
    if (!labels.includes(lab)) labels.push(lab);
    const k = `${lab}|${l.variant}`;
    best.set(k, Math.min(best.get(k) ?? Infinity, l[metric]));
    bestWall.set(k, Math.min(bestWall.get(k) ?? Infinity, l.nsPerOp));
  }
}
const coreWasm = new Map<string, number>();
if (coreJson) {
  const j = JSON.parse(readFileSync(coreJson, 'utf8')) as { results: Array<{ case: string; core: string; depth: number; batched: boolean; nsPerOp: number }> };
  for (const r of j.results) if (r.core === 'wasm') coreWasm.set(label(r.case, r.depth, r.batched), r.nsPerOp);
}

const get = (lab: string, v: string): number | undefined => best.get(`${lab}|${v}`);
const f1 = (v: number | undefined): string => (v === undefined ? '–' : v.toFixed(1));
const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined ? '–' : `${(a / b).toFixed(2)}×`);
const head = ['case', 'C -O2', 'C -O2 simd', 'C -O3 native', 'WASM release', 'WASM simd',
  'release / C -O2', 'simd / C -O2 simd', 'simd / best C'];
// benchmark.js reports a wall-clock mean: compare it with the C wall-clock figure (nsPerOp).
if (coreJson) head.push('bench/core.ts WASM (wall)', 'C -O2 simd (wall)', 'ratio (wall)');
console.log(`metric: ${metric} (ns/op; lowest over ${files.length} file(s)${rounds ? `, rounds ${rounds.join(',')}` : ''})\n`);
console.log(`| ${head.join(' | ')} |`);
console.log(`|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
for (const lab of labels) {
  const o2 = get(lab, 'c-O2');
  const o2s = get(lab, 'c-O2-simd');
  const o3 = get(lab, 'c-O3-native');
  const wr = get(lab, 'wasm-release');
  const ws = get(lab, 'wasm-release-simd');
  const bestC = Math.min(o2 ?? Infinity, o2s ?? Infinity, o3 ?? Infinity);
  const row = [lab, f1(o2), f1(o2s), f1(o3), f1(wr), f1(ws), ratio(wr, o2), ratio(ws, o2s), ratio(ws, Number.isFinite(bestC) ? bestC : undefined)];
  if (coreJson) {
    const cw = bestWall.get(`${lab}|c-O2-simd`);
    row.push(f1(coreWasm.get(lab)), f1(cw), ratio(coreWasm.get(lab), cw));
  }
  console.log(`| ${row.join(' | ')} |`);
}
