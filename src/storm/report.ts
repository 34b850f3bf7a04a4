/**
 * What `pidns storm` prints and writes: the context of the measurement
 * (date, commit, runtime, CPU; mitata-style), a table with one row per run,
 * the WASM/TS ratio of each workload, and the `--json` document.
 */
import { cpus, totalmem } from 'node:os';
import { formatCommit, provenance, type Provenance } from './provenance.js';
import { PARTS, type Part, type TimeSplit } from './profile.js';
import type { RunRecord } from './spec.js';

/** The version of the `--json` document's shape (docs/schema/storm.schema.json); bumped when it changes incompatibly. */
export const STORM_SCHEMA_VERSION = 1;

/** Where and how the runs were measured; `command`, `argv`, `commit`, `dirty`, `version` from provenance.ts. */
export interface StormContext extends Provenance {
  date: string;
  node: string;
  v8: string;
  platform: string;
  arch: string;
  cpu: string;
  cpus: number;
  memoryBytes: number;
}

export interface StormReport {
  context: StormContext;
  runs: RunRecord[];
}

/** The context of runs made by `program` (e.g. ['pidns', 'storm']) with `args`, exactly as given. */
export function stormContext(program: string[], args: readonly string[] = []): StormContext {
  const c = cpus();
  return {
    date: new Date().toISOString(),
    ...provenance(program, args),
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpu: c[0]?.model?.trim() ?? 'unknown',
    cpus: c.length,
    memoryBytes: totalmem(),
  };
}

/** The key a WASM run and its TS twin share. */
function pairKey(r: RunRecord): string {
  return `${r.workload}/${r.allocator}/${r.depth}/${r.tasks}/${r.fill ?? ''}/${r.seed}`;
}

/** WASM ops/s over TS ops/s for every run that has a twin on the other core (keyed by run name). */
export function wasmTsRatios(runs: readonly RunRecord[]): Map<string, number> {
  const byKey = new Map<string, { wasm?: RunRecord; ts?: RunRecord }>();
  for (const r of runs) {
    const e = byKey.get(pairKey(r)) ?? {};
    e[r.core] = r;
    byKey.set(pairKey(r), e);
  }
  const out = new Map<string, number>();
  for (const { wasm, ts } of byKey.values()) {
    if (wasm && ts && ts.opsPerSec > 0) {
      const ratio = wasm.opsPerSec / ts.opsPerSec;
      out.set(wasm.name, ratio);
      out.set(ts.name, ratio);
    }
  }
  return out;
}

export function formatRate(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return v.toFixed(0);
}

export function formatBytes(b: number): string {
  return `${(b / (1 << 20)).toFixed(0)} MiB`;
}

function formatCount(n: number): string {
  return n >= 1e6 && n % 1e5 === 0 ? `${n / 1e6}M` : n >= 1e4 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n);
}

/** The table: one row per run, columns aligned. */
export function formatTable(runs: readonly RunRecord[]): string {
  const ratios = wasmTsRatios(runs);
  // With repeats: ops/s is the median, and a column shows the slowest..fastest run.
  const repeated = runs.some((r) => (r.samples?.opsPerSec.length ?? 0) > 1);
  const head = ['workload', 'core', 'allocator', 'depth', 'ops', 'op', 'ops/s', 'ns/op', 'ops/cpu-s', 'words/alloc', 'max', 'peak RSS', 'wasm/ts'];
  const right = [false, false, false, true, true, false, true, true, true, true, true, true, true];
  if (repeated) {
    head.splice(7, 0, 'range (n)');
    right.splice(7, 0, true);
  }
  const range = (r: RunRecord): string => {
    const s = r.samples?.opsPerSec ?? [r.opsPerSec];
    return `${formatRate(Math.min(...s))}..${formatRate(Math.max(...s))} (${s.length})`;
  };
  const rows = runs.map((r) => [
    ...runCells(r),
    formatCount(r.ops),
    r.opUnit,
    formatRate(r.opsPerSec),
    r.nsPerOp.toFixed(0),
    formatRate(r.opsPerCpuSec),
    r.wordsScannedPerAlloc.mean.toFixed(2),
    String(r.wordsScannedPerAlloc.max),
    formatBytes(r.peakRssBytes),
    ratios.has(r.name) ? `${(ratios.get(r.name) as number).toFixed(2)}x` : '-',
  ]);
  if (repeated) runs.forEach((r, i) => rows[i].splice(7, 0, range(r)));
  return columns(head, rows, (i) => right[i]);
}

/** The cells that name a run: workload (with churn's fill), core build, allocator, depth. */
function runCells(r: RunRecord): string[] {
  return [
    r.workload + (r.fill !== undefined ? ` ${+(r.fill * 100).toFixed(3)}%` : ''),
    r.build === 'ts' ? 'ts' : `wasm${r.build === 'release-simd' ? '+simd' : ''}`,
    r.allocator,
    String(r.depth),
  ];
}

/** Aligned columns under a ruled header; `right(i)` says which columns align right. */
function columns(head: string[], rows: string[][], right: (i: number) => boolean): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (right(i) ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ').trimEnd();
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n') + '\n';
}

const PART_HEADS: Record<Part, string> = { core: 'core', kernel: 'kernel model', workload: 'workload', gc: 'GC', other: 'other' };

/**
 * With --profile: the share of each part of pidns in the timed part's CPU
 * samples (profile.ts), one row per run; '' when no run was profiled.
 */
export function formatTimeSplit(runs: readonly RunRecord[]): string {
  const profiled = runs.filter((r) => r.timeSplit);
  if (profiled.length === 0) return '';
  const head = ['workload', 'core', 'allocator', 'depth', ...PARTS.map((p) => PART_HEADS[p])];
  const rows = profiled.map((r) => [
    ...runCells(r),
    ...PARTS.map((p) => `${((r.timeSplit as TimeSplit)[p] * 100).toFixed(1)}%`),
  ]);
  return (
    '\nwhere the time goes: share of the timed part\'s CPU samples (every 100 µs; profiling slows the runs down)\n' +
    columns(head, rows, (i) => i >= 3)
  );
}

export function formatContext(c: StormContext): string {
  return `pidns storm  ${c.date}  commit ${formatCommit(c)}  node ${c.node}  ${c.cpu} (${c.cpus} cpus, ${formatBytes(c.memoryBytes)})\n`;
}

/**
 * A few lines under the table: processes created per core and, per
 * workload, the WASM/TS ratio (words scanned are equal on both cores by
 * construction; the checksum says whether the cores agreed).
 */
export function formatSummary(runs: readonly RunRecord[]): string {
  const lines: string[] = [];
  const perCore = new Map<string, { procs: number; seconds: number }>();
  for (const r of runs) {
    const e = perCore.get(r.core) ?? { procs: 0, seconds: 0 };
    e.procs += r.processes + r.threads;
    e.seconds += r.seconds;
    perCore.set(r.core, e);
  }
  for (const [core, e] of perCore) {
    lines.push(`${core}: ${formatCount(e.procs)} tasks created, ${e.seconds.toFixed(2)} s timed`);
  }
  const byKey = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const k = pairKey(r);
    byKey.set(k, [...(byKey.get(k) ?? []), r]);
  }
  for (const group of byKey.values()) {
    const sums = new Set(group.map((r) => r.checksum));
    if (group.length > 1 && sums.size > 1) {
      lines.push(`warning: ${group[0].workload}: the cores disagree (checksums ${[...sums].join(', ')})`);
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

export function stormJson(report: StormReport): string {
  return JSON.stringify({ schemaVersion: STORM_SCHEMA_VERSION, ...report }, null, 2) + '\n';
}
