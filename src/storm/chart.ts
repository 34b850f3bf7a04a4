/**
 * `--chart FILE.svg`: a self-contained SVG bar chart of the runs (no
 * dependency): ops/s per workload, one bar per run, WASM and TS side by side
 * in each workload's group, with labelled axes, value labels and a legend.
 * Every bar is a `<rect class="bar">` carrying the run's name in `data-run`.
 * Profiled runs (`--profile`) add a panel below: one 100 % bar per run
 * split into where its time went (`<rect class="part" data-part=...>`).
 */
import { formatRate, wasmTsRatios } from './report.js';
import type { RunRecord } from './spec.js';
import type { StormContext } from './report.js';
import { formatCommit } from './provenance.js';
import { PARTS, type Part } from './profile.js';

const PART_COLOURS: Record<Part, string> = { core: '#3b6fb6', kernel: '#54a24b', workload: '#b279a2', gc: '#e45756', other: '#bab0ac' };
const PART_NAMES: Record<Part, string> = { core: 'core', kernel: 'kernel model', workload: 'workload', gc: 'GC', other: 'other' };
const SPLIT_ROW = 22;
const SPLIT_HEAD = 44;

const CORE_COLOURS: Record<string, string> = { wasm: '#3b6fb6', ts: '#e08a2c' };
const BAR_W = 34;
const BAR_GAP = 6;
const GROUP_GAP = 48;
const PLOT_H = 300;
const LEFT = 80;
const RIGHT = 24;
const TOP = 56;
const BOTTOM = 100;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A "nice" axis maximum and step (1, 2 or 5 × 10^k) for values up to `max`. */
function niceScale(max: number, ticks = 5): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.2 };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  return { top: Math.ceil(max / step) * step, step };
}

function groupLabel(r: RunRecord): string {
  const fill = r.fill !== undefined ? ` ${+(r.fill * 100).toFixed(3)}%` : '';
  return `${r.workload}${fill} d=${r.depth}`;
}

export function stormChart(runs: readonly RunRecord[], context?: StormContext): string {
  // Groups in first-seen order; inside a group, runs in the order given.
  const groups = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const k = groupLabel(r);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const allocators = new Set(runs.map((r) => r.allocator));
  const ratios = wasmTsRatios(runs);
  const highest = (r: RunRecord): number => Math.max(r.opsPerSec, ...(r.samples?.opsPerSec ?? []));
  const { top, step } = niceScale(Math.max(0, ...runs.map(highest)));
  const groupW = (n: number): number => n * BAR_W + (n - 1) * BAR_GAP;
  let contentW = 0;
  for (const g of groups.values()) contentW += groupW(g.length) + GROUP_GAP;
  let plotW = contentW;
  const subtitle = context ? `${context.date} · commit ${formatCommit(context)} · node ${context.node} · ${context.cpu}` : '';
  // Wide enough for the subtitle (about 6 px per character at 11 px) and the legend.
  plotW = Math.max(plotW, 360, subtitle.length * 6.2 - RIGHT);
  const width = Math.ceil(LEFT + plotW + RIGHT);
  const profiled = runs.filter((r) => r.timeSplit);
  const splitTop = TOP + PLOT_H + BOTTOM;
  const height = splitTop + (profiled.length > 0 ? SPLIT_HEAD + profiled.length * SPLIT_ROW + 22 : 0);
  const y = (v: number): number => TOP + PLOT_H - (v / top) * PLOT_H;

  const o: string[] = [];
  o.push('<?xml version="1.0" encoding="UTF-8"?>');
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  o.push(`<title>pidns storm: ops/s per workload, WASM vs TS</title>`);
  o.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  o.push(`<text x="${LEFT}" y="20" font-size="14" font-weight="bold">pidns storm: ops/s per workload (higher is better)</text>`);
  if (context) o.push(`<text x="${LEFT}" y="36" fill="#555">${esc(subtitle)}</text>`);
  // y axis, grid and ticks
  for (let v = 0; v <= top + step / 2; v += step) {
    const yy = y(v).toFixed(1);
    o.push(`<line x1="${LEFT}" y1="${yy}" x2="${LEFT + plotW}" y2="${yy}" stroke="#e4e4e4"/>`);
    o.push(`<text x="${LEFT - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${esc(formatRate(v))}</text>`);
  }
  o.push(`<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${TOP + PLOT_H}" stroke="#333"/>`);
  o.push(`<line x1="${LEFT}" y1="${TOP + PLOT_H}" x2="${LEFT + plotW}" y2="${TOP + PLOT_H}" stroke="#333"/>`);
  o.push(`<text transform="translate(18 ${TOP + PLOT_H / 2}) rotate(-90)" text-anchor="middle" font-size="12">ops per second</text>`);
  o.push(`<text x="${LEFT + plotW / 2}" y="${TOP + PLOT_H + BOTTOM - 12}" text-anchor="middle" font-size="12">workload (d = namespace depth)</text>`);

  // Groups centred in the plot.
  let x = LEFT + GROUP_GAP / 2 + (plotW - contentW) / 2;
  for (const [label, g] of groups) {
    const gw = groupW(g.length);
    for (let i = 0; i < g.length; i++) {
      const r = g[i];
      const bx = x + i * (BAR_W + BAR_GAP);
      const by = y(r.opsPerSec);
      const h = TOP + PLOT_H - by;
      const colour = CORE_COLOURS[r.core] ?? '#777';
      o.push(
        `<rect class="bar" data-run="${esc(r.name)}" x="${bx.toFixed(1)}" y="${by.toFixed(1)}" width="${BAR_W}" height="${h.toFixed(1)}" fill="${colour}"><title>${esc(`${r.name}: ${formatRate(r.opsPerSec)} ${r.opUnit}/s`)}</title></rect>`,
      );
      // Repeated runs: the bar is the median, a whisker spans the slowest to the fastest run.
      let labelY = by - 4;
      const samples = r.samples?.opsPerSec;
      if (samples && samples.length > 1) {
        const cx = (bx + BAR_W / 2).toFixed(1);
        const y0 = y(Math.min(...samples));
        const y1 = y(Math.max(...samples));
        o.push(`<line class="range" x1="${cx}" y1="${y0.toFixed(1)}" x2="${cx}" y2="${y1.toFixed(1)}" stroke="#222"/>`);
        for (const yy of [y0, y1]) o.push(`<line x1="${(bx + BAR_W / 2 - 5).toFixed(1)}" y1="${yy.toFixed(1)}" x2="${(bx + BAR_W / 2 + 5).toFixed(1)}" y2="${yy.toFixed(1)}" stroke="#222"/>`);
        labelY = Math.min(labelY, y1 - 4);
      }
      o.push(`<text x="${(bx + BAR_W / 2).toFixed(1)}" y="${labelY.toFixed(1)}" text-anchor="middle" font-size="10">${esc(formatRate(r.opsPerSec))}</text>`);
      const sub = allocators.size > 1 ? `${r.core}/${r.allocator}` : r.core;
      o.push(`<text x="${(bx + BAR_W / 2).toFixed(1)}" y="${TOP + PLOT_H + 13}" text-anchor="middle" font-size="10">${esc(sub)}</text>`);
    }
    o.push(`<text x="${(x + gw / 2).toFixed(1)}" y="${TOP + PLOT_H + 30}" text-anchor="middle" font-weight="bold">${esc(label)}</text>`);
    o.push(`<text x="${(x + gw / 2).toFixed(1)}" y="${TOP + PLOT_H + 44}" text-anchor="middle" fill="#555">op: ${esc(g[0].opUnit)}</text>`);
    const ratio = g.map((r) => ratios.get(r.name)).find((v) => v !== undefined);
    if (ratio !== undefined) {
      o.push(`<text x="${(x + gw / 2).toFixed(1)}" y="${TOP + PLOT_H + 58}" text-anchor="middle" fill="#555">wasm/ts ${ratio.toFixed(2)}x</text>`);
    }
    x += gw + GROUP_GAP;
  }
  // legend
  let lx = LEFT + plotW - 170;
  for (const core of ['wasm', 'ts']) {
    if (!runs.some((r) => r.core === core)) continue;
    o.push(`<rect x="${lx}" y="${TOP - 16}" width="12" height="12" fill="${CORE_COLOURS[core]}"/>`);
    o.push(`<text x="${lx + 16}" y="${TOP - 6}">${core === 'wasm' ? 'WASM core' : 'TS core'}</text>`);
    lx += 90;
  }
  if (profiled.length > 0) splitPanel(o, profiled, splitTop, plotW);
  o.push('</svg>');
  return o.join('\n') + '\n';
}

/** The --profile panel: a 100 % bar per run, split by part, with a legend. */
function splitPanel(o: string[], runs: readonly RunRecord[], top: number, plotW: number): void {
  const labels = runs.map((r) => `${groupLabel(r)} ${r.core}${r.allocator !== 'pidmap' ? `/${r.allocator}` : ''}`);
  // Room for the longest label (≈6 px a character at 10 px) left of the bars.
  const left = Math.max(LEFT, 12 + Math.max(...labels.map((l) => l.length)) * 6);
  const barW = LEFT + plotW - left;
  o.push(`<text x="${LEFT}" y="${top + 14}" font-size="13" font-weight="bold">where the time goes (share of CPU samples)</text>`);
  o.push(`<text x="${LEFT}" y="${top + SPLIT_HEAD + runs.length * SPLIT_ROW + 8}" font-size="10" fill="#555">profiling slows the runs: the rates above are lower than without --profile</text>`);
  let lx = left;
  for (const p of PARTS) {
    o.push(`<rect x="${lx}" y="${top + 24}" width="12" height="12" fill="${PART_COLOURS[p]}"/>`);
    o.push(`<text x="${lx + 16}" y="${top + 34}">${esc(PART_NAMES[p])}</text>`);
    lx += 30 + PART_NAMES[p].length * 7;
  }
  runs.forEach((r, i) => {
    const y = top + SPLIT_HEAD + i * SPLIT_ROW;
    o.push(`<text x="${left - 6}" y="${y + 12}" text-anchor="end" font-size="10">${esc(labels[i])}</text>`);
    let x = left;
    for (const p of PARTS) {
      const share = (r.timeSplit as Record<Part, number>)[p];
      const w = share * barW;
      if (w <= 0) continue;
      o.push(
        `<rect class="part" data-run="${esc(r.name)}" data-part="${p}" x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${SPLIT_ROW - 6}" fill="${PART_COLOURS[p]}"><title>${esc(`${r.name}: ${PART_NAMES[p]} ${(share * 100).toFixed(1)} %`)}</title></rect>`,
      );
      if (w > 34) o.push(`<text x="${(x + w / 2).toFixed(1)}" y="${y + 12}" text-anchor="middle" font-size="10" fill="#fff">${(share * 100).toFixed(0)}%</text>`);
      x += w;
    }
  });
}
