/**
 * Allocator-lab benchmark: every number allocator (pidmap, idr, hbm) in both
 * cores (wasm = the default build, SIMD when supported; ts = the twin).
 *
 *   npx tsx bench/allocators.ts [--json FILE] [--svg FILE] [--quick]
 *
 * Measures, per allocator × core:
 *   occupancy  a root namespace with pid_max 4194304 filled to 0, 50, 90, 99,
 *              99.9, 99.99 % (random free numbers, seeded); each operation is
 *              free_pid(alloc_pid(ns)) — alloc at the cursor, then free it, like
 *              bench/core.ts 'dense' — ns/op (fastest of 101 short repetitions; the
 *              median is in the JSON), words and pages (the
 *              allocator's STAT_WORDS_SCANNED / STAT_PAGES_TOUCHED, see
 *              docs/core-algorithms.md) per alloc.
 *   worst      at 99.99 %: ns_last_pid set to the highest free number before
 *              every alloc, so the search finds nothing up to pid_max and
 *              wraps to RESERVED_PIDS — the longest search there is. ns/op of
 *              repeated worst-case ops (includes the free and the sysctl
 *              write; fastest and median repetition), and p50 / p99 / max of
 *              individually timed ops (timer overhead included, ≈ 30–80 ns;
 *              the max catches GC pauses and preemption, not the search).
 *   depth      alloc_pid + free_pid of the oldest of 64 live pids in a
 *              namespace at depth 1, 4, 8, 32 (walks depth + 1 levels).
 *   memory     allocator bytes of one namespace (pages / leaf blocks / tree
 *              nodes, outside the namespace object): numbers taken
 *              sequentially from a fresh namespace up to each occupancy, and
 *              after the random frees of the occupancy sweep.
 * Writes JSON (--json) and a self-contained SVG chart (--svg): log-scale
 * ns/alloc against occupancy, one line per allocator × core.
 * Timings are wall-clock on this machine; words/pages are deterministic.
 */
import os from 'node:os';
import { PID_MAX_LIMIT, STAT_PAGES_TOUCHED, STAT_WORDS_SCANNED } from '../src/core/layout.js';
import { createTsCore } from '../src/core/ts/index.js';
import { ALLOCATOR_NAMES, type AllocatorName, type AllocatorProbe, type PidCore } from '../src/core/types.js';
import { createWasmCoreSync } from '../src/core/wasm-node.js';
import { check, rng } from './cases.js';
import { benchProvenance, checkOutput, helpIfAsked, writeOutput } from './cli.js';

const USAGE = `usage: npx tsx bench/allocators.ts [--json FILE] [--svg FILE] [--quick]

Every pid allocator (pidmap, idr, hbm) in both cores: ns per alloc and the
allocator's words / pages per alloc against occupancy, the worst case at
99.99 %, namespace depth, and memory. --json writes {schemaVersion, context,
occupancy, worst, depth, memory} (docs/schema/allocators.schema.json);
--svg a chart; --quick: shorter runs.`;
helpIfAsked(USAGE);

type Core = PidCore & AllocatorProbe;
type CoreKind = 'wasm' | 'ts';

const OCCUPANCIES = [0, 50, 90, 99, 99.9, 99.99];
const DEPTHS = [1, 4, 8, 32];
const MEMORY_POINTS = [0, 0.1, 1, 10, 50, 90, 100];
const LIVE = 64;

function make(kind: CoreKind, allocator: AllocatorName): Core {
  return kind === 'ts' ? createTsCore({ allocator }) : createWasmCoreSync({ allocator });
}
function counters(c: Core): [number, number] {
  const f = c.f64();
  const s = c.statsPtr >> 3;
  return [f[s + STAT_WORDS_SCANNED], f[s + STAT_PAGES_TOUCHED]];
}
const now = () => Number(process.hrtime.bigint());

interface OccRow { allocator: AllocatorName; core: CoreKind; occupancy: number; free: number; ops: number; nsPerAlloc: number; nsPerAllocMedian: number; wordsPerAlloc: number; pagesPerAlloc: number }
interface WorstRow { allocator: AllocatorName; core: CoreKind; occupancy: number; ops: number; nsPerOpMean: number; nsPerOpMedian: number; maxSingleNs: number; p99SingleNs: number; p50SingleNs: number; wordsPerAlloc: number; pagesPerAlloc: number }
interface DepthRow { allocator: AllocatorName; core: CoreKind; depth: number; ops: number; nsPerOp: number; nsPerOpMedian: number; wordsPerOp: number }
interface MemRow { allocator: AllocatorName; core: CoreKind; pattern: 'sequential' | 'after-random-frees'; occupancy: number; bytes: number }

/**
 * Times `op`: a warm-up of WARMUP ops, then REPS repetitions of ~minMs/REPS
 * each; returns [total ops, ns/op of the fastest repetition, median ns/op].
 * The machine this runs on is shared (other jobs), so the fastest
 * repetition is the figure reported: it is the least disturbed one.
 */
const WARMUP = 200;
const REPS = 101;
function timeLoop(op: () => void, minMs: number, minOps: number, maxOps: number): [number, number, number] {
  for (let i = 0; i < WARMUP; i++) op();
  // calibrate: ops per repetition
  let chunk = 100;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < chunk; i++) op();
    const dt = now() - t0;
    if (dt > (minMs * 1e6) / REPS / 4 || chunk >= maxOps / REPS) { chunk = Math.max(Math.ceil(minOps / REPS), Math.min(Math.ceil(maxOps / REPS), Math.ceil((chunk * (minMs * 1e6)) / REPS / Math.max(dt, 1)))); break; }
    chunk *= 4;
  }
  const per: number[] = [];
  let ops = 0;
  for (let r = 0; r < REPS; r++) {
    const t0 = now();
    for (let i = 0; i < chunk; i++) op();
    per.push((now() - t0) / chunk);
    ops += chunk;
  }
  per.sort((a, b) => a - b);
  return [ops, per[0], per[per.length >> 1]];
}
/** Counter deltas per op over `n` ops (deterministic). */
function perOp(c: Core, op: () => void, n: number): [number, number] {
  const [w0, p0] = counters(c);
  for (let i = 0; i < n; i++) op();
  const [w1, p1] = counters(c);
  return [(w1 - w0) / n, (p1 - p0) / n];
}

function occupancySweep(kind: CoreKind, allocator: AllocatorName, quick: boolean, occ: OccRow[], worst: WorstRow[], mem: MemRow[]): void {
  const c = make(kind, allocator);
  const ns = check(c.create_pid_namespace(0), 'create_pid_namespace');
  const handles = new Uint32Array(PID_MAX_LIMIT);
  const base = c.batchPtr >>> 2;
  // Fill every number 1 .. PID_MAX_LIMIT-1 sequentially, noting the allocator's bytes on the way.
  let taken = 0;
  const points = [...MEMORY_POINTS];
  const note = () => {
    while (points.length > 0 && taken >= Math.floor((points[0] / 100) * PID_MAX_LIMIT) - 1) {
      mem.push({ allocator, core: kind, pattern: 'sequential', occupancy: points.shift() as number, bytes: c.allocator_bytes(ns) });
    }
  };
  note();
  for (;;) {
    const want = Math.min(4096, Math.max(1, Math.floor((points.length > 0 ? (points[0] / 100) * PID_MAX_LIMIT - 1 : PID_MAX_LIMIT) - taken)));
    const got = c.alloc_pid_batch(ns, want);
    const u32 = c.u32();
    for (let i = 0; i < got; i++) {
      const p = u32[base + i];
      handles[c.pid_nr_ns(p, ns)] = p;
    }
    taken += got;
    note();
    if (got < want) break;
  }
  if (points.length > 0) mem.push({ allocator, core: kind, pattern: 'sequential', occupancy: points.shift() as number, bytes: c.allocator_bytes(ns) });
  // A random order of every number but 1 (the init stays: the namespace must live).
  const order = new Uint32Array(PID_MAX_LIMIT - 2);
  for (let i = 0; i < order.length; i++) order[i] = i + 2;
  const r = rng(0x5eed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const t = order[i]; order[i] = order[j]; order[j] = t;
  }
  let freed = 0;
  for (const q of [...OCCUPANCIES].sort((a, b) => b - a)) {
    const target = Math.max(1, Math.round((q / 100) * PID_MAX_LIMIT)); // pids to keep (number 0 is not a pid)
    while (taken > target && freed < order.length) {
      const nr = order[freed++];
      c.free_pid(handles[nr]);
      handles[nr] = 0;
      taken--;
    }
    const freeNumbers = PID_MAX_LIMIT - 1 - taken;
    const step = () => { c.free_pid(check(c.alloc_pid(ns, 0), 'alloc_pid')); };
    const [wpa, ppa] = perOp(c, step, 20000);
    const [ops, best, median] = timeLoop(step, quick ? 60 : 300, 1000, 2_000_000);
    occ.push({ allocator, core: kind, occupancy: q, free: freeNumbers, ops, nsPerAlloc: best, nsPerAllocMedian: median, wordsPerAlloc: wpa, pagesPerAlloc: ppa });
    mem.push({ allocator, core: kind, pattern: 'after-random-frees', occupancy: q, bytes: c.allocator_bytes(ns) });
    if (q === 99.99) {
      // Worst case: the cursor right after the highest free number, so the search runs to pid_max, wraps and rescans from 300.
      let fmax = PID_MAX_LIMIT - 1;
      while (fmax > 1 && handles[fmax] !== 0) fmax--;
      const op = () => {
        c.set_ns_last_pid(ns, fmax);
        c.free_pid(c.alloc_pid(ns, 0));
      };
      // sanity: this op does wrap
      c.set_ns_last_pid(ns, fmax);
      const probe = check(c.alloc_pid(ns, 0), 'alloc_pid');
      const got = c.pid_nr_ns(probe, ns);
      c.free_pid(probe);
      if (got >= fmax) throw new Error(`worst case did not wrap: got ${got}, fmax ${fmax}`);
      const [a0, b0] = counters(c);
      op();
      const [a1, b1] = counters(c);
      const [wops, wbest, wmedian] = timeLoop(op, quick ? 60 : 300, 1000, 2_000_000);
      const singles = new Float64Array(quick ? 2000 : 20000);
      for (let i = 0; i < singles.length; i++) {
        const t0 = now();
        op();
        singles[i] = now() - t0;
      }
      singles.sort();
      worst.push({
        allocator, core: kind, occupancy: q, ops: wops, nsPerOpMean: wbest, nsPerOpMedian: wmedian,
        maxSingleNs: singles[singles.length - 1], p99SingleNs: singles[Math.floor(singles.length * 0.99)], p50SingleNs: singles[singles.length >> 1],
        wordsPerAlloc: a1 - a0, pagesPerAlloc: b1 - b0,
      });
    }
  }
}

function depthSweep(kind: CoreKind, allocator: AllocatorName, quick: boolean, out: DepthRow[]): void {
  for (const depth of DEPTHS) {
    const c = make(kind, allocator);
    let ns = check(c.create_pid_namespace(0), 'create_pid_namespace');
    check(c.alloc_pid(ns, 0), 'alloc_pid');
    for (let d = 1; d <= depth; d++) {
      ns = check(c.create_pid_namespace(ns), 'create_pid_namespace');
      check(c.alloc_pid(ns, 0), 'alloc_pid');
    }
    const live = new Uint32Array(LIVE);
    for (let i = 0; i < LIVE; i++) live[i] = check(c.alloc_pid(ns, 0), 'alloc_pid');
    let head = 0;
    const step = () => {
      const p = c.alloc_pid(ns, 0);
      c.free_pid(live[head]);
      live[head] = p;
      head = (head + 1) & (LIVE - 1);
    };
    const [wpo] = perOp(c, step, 20000);
    const [ops, best, median] = timeLoop(step, quick ? 60 : 300, 1000, 5_000_000);
    out.push({ allocator, core: kind, depth, ops, nsPerOp: best, nsPerOpMedian: median, wordsPerOp: wpo });
  }
}

// ── SVG ─────────────────────────────────────────────────────────────────────

const COLORS: Record<AllocatorName, string> = { pidmap: '#d62728', idr: '#1f77b4', hbm: '#2ca02c' };

function svgChart(rows: OccRow[], worst: WorstRow[]): string {
  const W = 760, H = 460, L = 80, R = 200, T = 40, B = 60;
  const pw = W - L - R, ph = H - T - B;
  const vals = [...rows.map((r) => r.nsPerAlloc), ...worst.map((w) => w.nsPerOpMean)].filter((v) => v > 0);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...vals))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...vals))));
  const x = (i: number) => L + (pw * i) / (OCCUPANCIES.length - 1);
  const y = (v: number) => T + ph * (1 - (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)));
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${L}" y="22" font-size="15" font-weight="bold">pidns allocator lab: ns per alloc_pid + free_pid vs occupancy (pid_max 4194304)</text>`);
  for (let e = Math.log10(lo); e <= Math.log10(hi) + 1e-9; e++) {
    const v = Math.pow(10, e);
    parts.push(`<line x1="${L}" x2="${L + pw}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${L - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v >= 1000 ? `${v / 1000} µs` : `${v} ns`}</text>`);
  }
  OCCUPANCIES.forEach((q, i) => {
    parts.push(`<line x1="${x(i).toFixed(1)}" x2="${x(i).toFixed(1)}" y1="${T}" y2="${T + ph}" stroke="#eee"/>`);
    parts.push(`<text x="${x(i).toFixed(1)}" y="${T + ph + 18}" text-anchor="middle">${q} %</text>`);
  });
  parts.push(`<text x="${L + pw / 2}" y="${H - 15}" text-anchor="middle">occupancy of pid_max (log-scale y; ◆ = worst case at 99.99 %: search wraps)</text>`);
  parts.push(`<rect x="${L}" y="${T}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  let ly = T + 10;
  for (const allocator of ALLOCATOR_NAMES) {
    for (const core of ['wasm', 'ts'] as const) {
      const pts = OCCUPANCIES.map((q, i) => {
        const r = rows.find((o) => o.allocator === allocator && o.core === core && o.occupancy === q);
        return r ? `${x(i).toFixed(1)},${y(r.nsPerAlloc).toFixed(1)}` : null;
      }).filter((p): p is string => p !== null);
      if (pts.length === 0) continue;
      const dash = core === 'ts' ? ' stroke-dasharray="6 4"' : '';
      parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${COLORS[allocator]}" stroke-width="2"${dash}/>`);
      for (const p of pts) { const [px, py] = p.split(','); parts.push(`<circle cx="${px}" cy="${py}" r="3" fill="${COLORS[allocator]}"/>`); }
      const w = worst.find((o) => o.allocator === allocator && o.core === core);
      if (w) {
        const wx = x(OCCUPANCIES.length - 1), wy = y(w.nsPerOpMean);
        parts.push(`<path d="M ${wx - 5} ${wy} L ${wx} ${wy - 5} L ${wx + 5} ${wy} L ${wx} ${wy + 5} Z" fill="none" stroke="${COLORS[allocator]}" stroke-width="1.5"/>`);
      }
      parts.push(`<line x1="${L + pw + 15}" x2="${L + pw + 45}" y1="${ly}" y2="${ly}" stroke="${COLORS[allocator]}" stroke-width="2"${dash}/>`);
      parts.push(`<text x="${L + pw + 52}" y="${ly + 4}">${esc(`${allocator} / ${core}`)}</text>`);
      ly += 20;
    }
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

// ── main ────────────────────────────────────────────────────────────────────

function args(argv: string[]): { json?: string; svg?: string; quick: boolean } {
  const out: { json?: string; svg?: string; quick: boolean } = { quick: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json' || a === '--svg') {
      const v = argv[++i];
      if (v === undefined) { console.error(`bench/allocators: ${a} needs a file name`); process.exit(1); }
      if (a === '--json') out.json = v; else out.svg = v;
    } else if (a === '--quick') out.quick = true;
    else if (a === '--help' || a === '-h') { console.log(USAGE); process.exit(0); }
    else { console.error(`bench/allocators: unknown argument '${a}' (try --help)`); process.exit(1); }
  }
  return out;
}

function main(): void {
  const opt = args(process.argv.slice(2));
  checkOutput('bench/allocators', opt.json, '--json');
  if (opt.svg !== undefined && !/\.svg$/i.test(opt.svg)) { console.error(`bench/allocators: --svg writes SVG: the file name must end in .svg, not '${opt.svg}'`); process.exit(1); }
  checkOutput('bench/allocators', opt.svg, '--svg');
  const wasmBuild = createWasmCoreSync().build;
  const occ: OccRow[] = [];
  const worst: WorstRow[] = [];
  const depth: DepthRow[] = [];
  const mem: MemRow[] = [];
  for (const allocator of ALLOCATOR_NAMES) {
    for (const kind of ['wasm', 'ts'] as const) {
      const t0 = Date.now();
      occupancySweep(kind, allocator, opt.quick, occ, worst, mem);
      depthSweep(kind, allocator, opt.quick, depth);
      console.error(`${allocator}/${kind}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  }
  const f = (v: number, d = 1) => v.toFixed(d);
  console.log('\noccupancy (alloc at the cursor + free; fastest of 101 short repetitions: ns/op, words/alloc)');
  console.log('allocator core   ' + OCCUPANCIES.map((q) => `${q}%`.padStart(20)).join(''));
  for (const a of ALLOCATOR_NAMES) for (const k of ['wasm', 'ts'] as const) {
    console.log(`${a.padEnd(9)} ${k.padEnd(6)} ` + OCCUPANCIES.map((q) => {
      const r = occ.find((o) => o.allocator === a && o.core === k && o.occupancy === q) as OccRow;
      return `${f(r.nsPerAlloc)}ns/${f(r.wordsPerAlloc, 1)}w`.padStart(20);
    }).join(''));
  }
  console.log('\nworst case at 99.99 % (cursor after the highest free number: the search wraps)');
  for (const w of worst) console.log(`${w.allocator.padEnd(9)} ${w.core.padEnd(6)} ${f(w.nsPerOpMean)} ns/op best rep, ${f(w.nsPerOpMedian)} median rep (set_ns_last_pid + alloc_pid + free_pid); single ops timed alone: p50 ${f(w.p50SingleNs, 0)}, p99 ${f(w.p99SingleNs, 0)}, max ${f(w.maxSingleNs, 0)} ns; ${w.wordsPerAlloc} words, ${w.pagesPerAlloc} pages/nodes per alloc`);
  console.log('\ndepth (alloc_pid + free_pid of the oldest of 64)');
  for (const d of depth) console.log(`${d.allocator.padEnd(9)} ${d.core.padEnd(6)} depth ${String(d.depth).padStart(2)}: ${f(d.nsPerOp)} ns/op, ${f(d.wordsPerOp, 2)} words/op`);
  console.log('\nmemory (allocator bytes of one namespace)');
  for (const a of ALLOCATOR_NAMES) for (const pattern of ['sequential', 'after-random-frees'] as const) {
    const rows = mem.filter((m) => m.allocator === a && m.core === 'wasm' && m.pattern === pattern);
    console.log(`${a.padEnd(9)} ${pattern.padEnd(19)} ` + rows.map((m) => `${m.occupancy}%: ${m.bytes}`).join(', '));
  }
  const context = { date: new Date().toISOString(), ...benchProvenance('bench/allocators.ts'), node: process.version, cpu: os.cpus()[0]?.model ?? 'unknown', cpus: os.cpus().length, wasmBuild, quick: opt.quick };
  if (opt.json) writeOutput('bench/allocators', opt.json, JSON.stringify({ schemaVersion: 1, context, occupancy: occ, worst, depth, memory: mem }, null, 2) + '\n');
  if (opt.svg) writeOutput('bench/allocators', opt.svg, svgChart(occ, worst));
}

main();
