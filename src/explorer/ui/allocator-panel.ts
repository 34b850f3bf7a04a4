/**
 * View 4: the chosen namespace's allocator, drawn from the core's memory
 * (allocator-view.ts): its bits (every bit of a window: the first 256,
 * 4096 or a whole 32768-number page, any page of the 4194304), the cursor
 * and last_pid, nr_free per page, the IDR tree with its free marks, hbm's
 * summary levels, and the core's work counters for the step and in total.
 */
import { BITS_PER_PAGE, PID_MAX_LIMIT } from '../../core/layout.js';
import { formatRanges, type AllocatorState, type IdrNodeView } from '../allocator-view.js';
import type { ExplorerView } from '../view.js';
import type { WorkCounters } from '../timeline.js';
import { h } from './dom.js';

export interface BitWindow {
  /** Numbers shown: 256, 4096 or 32768. */
  size: number;
  /** First number shown (a multiple of size). */
  start: number;
}

/** Bits [lo, lo + count) from taken ranges: 1 = taken. */
export function bitsFromRanges(taken: readonly [number, number][], lo: number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (const [a, b] of taken) {
    const from = Math.max(a, lo);
    const to = Math.min(b, lo + count - 1);
    for (let n = from; n <= to; n++) out[n - lo] = 1;
  }
  return out;
}

const COLS: Record<number, number> = { 256: 32, 4096: 64, 32768: 256 };

function drawBits(a: AllocatorState, win: BitWindow, view: ExplorerView): HTMLCanvasElement {
  const cols = COLS[win.size] ?? 64;
  const rows = Math.ceil(win.size / cols);
  const cell = Math.max(2, Math.floor(512 / cols));
  const canvas = h('canvas', { id: 'bitmap', width: cols * cell, height: rows * cell, role: 'img' });
  const bits = bitsFromRanges(a.taken, win.start, win.size);
  const taken = new Set(view.changes.bitsTaken);
  const freed = new Set(view.changes.bitsFreed);
  const ctx = canvas.getContext('2d');
  if (ctx) {
    for (let i = 0; i < win.size; i++) {
      const n = win.start + i;
      const x = (i % cols) * cell;
      const y = Math.floor(i / cols) * cell;
      ctx.fillStyle = n >= a.pidMax ? '#d9d9de' : taken.has(n) ? '#1b9e4b' : freed.has(n) ? '#e45756' : bits[i] ? '#33415c' : '#eef0f4';
      ctx.fillRect(x, y, cell - (cell > 3 ? 1 : 0), cell - (cell > 3 ? 1 : 0));
      if (n === a.cursor && cell >= 4) {
        ctx.strokeStyle = '#f58518';
        ctx.lineWidth = Math.max(1, cell / 5);
        ctx.strokeRect(x + 0.5, y + 0.5, cell - 2, cell - 2);
      }
    }
  }
  canvas.setAttribute('aria-label', `bits ${win.start} to ${win.start + win.size - 1} of pidns#${view.nsId}: ${bits.reduce((s, b) => s + b, 0)} taken; the list below names them`);
  if (win.size <= 4096) canvas.dataset.bits = Array.from(bits).join('').replace(/0+$/, '');
  canvas.dataset.start = String(win.start);
  return canvas;
}

/**
 * All PIDMAP_ENTRIES (128) pages of the 4194304-number space in one strip:
 * a page's shade is how full it is, a missing page is blank, the shown one
 * is outlined; a click shows that page. (The page list beside the bitmap is
 * the keyboard's way to the same choice.)
 */
function pageStrip(a: AllocatorState, win: BitWindow, onWindow: (w: BitWindow) => void): HTMLCanvasElement {
  const n = Math.ceil(PID_MAX_LIMIT / BITS_PER_PAGE);
  const cell = 4;
  const canvas = h('canvas', { id: 'page-strip', width: n * cell, height: 14, role: 'img', 'aria-label': `${a.pages.filter((p) => p.present).length} of ${n} pages present; the page list names them` });
  const ctx = canvas.getContext('2d');
  const byIndex = new Map(a.pages.map((p) => [p.index, p]));
  const shown = Math.floor(win.start / BITS_PER_PAGE);
  if (ctx) {
    for (let i = 0; i < n; i++) {
      const p = byIndex.get(i);
      const full = p ? (BITS_PER_PAGE - p.nrFree) / BITS_PER_PAGE : 0;
      ctx.fillStyle = i * BITS_PER_PAGE >= a.pidMax ? '#d9d9de' : !p || !p.present ? '#f4f4f7' : `rgba(51, 65, 92, ${0.25 + 0.75 * full})`;
      ctx.fillRect(i * cell, 2, cell - 1, 10);
      if (i === shown) {
        ctx.strokeStyle = '#f58518';
        ctx.strokeRect(i * cell + 0.5, 0.5, cell - 1, 13);
      }
    }
  }
  canvas.addEventListener('click', (e) => {
    const r = canvas.getBoundingClientRect();
    const i = Math.floor(((e.clientX - r.left) / r.width) * n);
    if (i >= 0 && i < n) onWindow({ size: win.size, start: i * BITS_PER_PAGE });
  });
  return canvas;
}

function counterRow(label: string, c: WorkCounters, unit: string): HTMLElement {
  return h('tr', {}, h('th', { scope: 'row' }, label),
    h('td', { 'data-counter': 'allocs' }, c.allocs), h('td', { 'data-counter': 'frees' }, c.frees),
    h('td', { 'data-counter': 'words' }, c.wordsScanned), h('td', { 'data-counter': 'touched' }, c.pagesTouched),
    h('td', { 'data-counter': 'made' }, c.pagesAllocated), h('td', {}, unit));
}

function idrTree(n: IdrNodeView): HTMLElement {
  const end = n.base + n.span - 1;
  const free = n.free.replace(/(.{16})/g, '$1 ').trim();
  return h('li', {},
    h('span', { class: 'node' }, `${n.shift === 0 ? 'leaf' : `node shift ${n.shift}`} [${n.base}–${end}] count ${n.count}`),
    h('code', { class: 'mark-bits', title: 'IDR_FREE mark, slot 0 first: 1 = free below' }, free),
    n.children.length ? h('ul', {}, n.children.map((c) => idrTree(c.node))) : null);
}

export function allocatorPanel(view: ExplorerView, win: BitWindow, onWindow: (w: BitWindow) => void): HTMLElement {
  const a = view.allocator;
  const unit = { pidmap: 'pages', idr: 'nodes', hbm: 'blocks' };
  if (a === null) return h('p', { class: 'dim', id: 'alloc-none' }, `pidns#${view.nsId} does not exist at this step.`);
  const step = view.step?.work ?? { allocs: 0, frees: 0, wordsScanned: 0, pagesTouched: 0, pagesAllocated: 0, batchError: 0 };
  const pageOptions = [...new Set([...a.pages.map((p) => p.index), Math.floor(win.start / BITS_PER_PAGE)])].sort((x, y) => x - y);
  const page = Math.floor(win.start / BITS_PER_PAGE);
  const usable = [256, 4096, 32768].map((size) => h('option', { value: size, selected: size === win.size }, size === 32768 ? 'a whole page (32768)' : `${size} numbers`));
  return h('div', { id: 'alloc' },
    h('p', {},
      `pidns#${view.nsId} · ${a.kind} · `,
      h('span', { id: 'alloc-cursor' }, `cursor ${a.cursor}`), ` (next search starts there; last_pid ${a.lastPid}) · pid_max ${a.pidMax} · nr_pages ${a.nrPages} ${unit[a.kind]}`),
    h('p', {}, 'taken: ', h('span', { id: 'alloc-taken' }, formatRanges(a.taken) || 'none'),
      view.changes.bitsTaken.length ? h('span', { class: 'took' }, ` · this step took ${view.changes.bitsTaken.join(', ')}`) : null,
      view.changes.bitsFreed.length ? h('span', { class: 'freed' }, ` · freed ${view.changes.bitsFreed.join(', ')}`) : null),
    h('div', { class: 'bar' },
      h('label', {}, 'show ', h('select', { id: 'bit-window', onchange: (e: Event) => {
        const size = Number((e.target as HTMLSelectElement).value);
        onWindow({ size, start: Math.floor(win.start / size) * size });
      } }, usable)),
      h('label', {}, ' of page ', h('select', { id: 'bit-page', onchange: (e: Event) => {
        onWindow({ size: win.size, start: Number((e.target as HTMLSelectElement).value) * BITS_PER_PAGE });
      } }, pageOptions.map((p) => h('option', { value: p, selected: p === page }, `${p} (${p * BITS_PER_PAGE}–${(p + 1) * BITS_PER_PAGE - 1})`)))),
      h('button', { type: 'button', id: 'bits-prev', 'aria-label': 'previous numbers', disabled: win.start === 0, onclick: () => onWindow({ size: win.size, start: Math.max(0, win.start - win.size) }) }, '‹'),
      h('span', { class: 'dim', id: 'bits-range' }, `numbers ${win.start}–${win.start + win.size - 1}`),
      h('button', { type: 'button', id: 'bits-next', 'aria-label': 'next numbers', disabled: win.start + win.size >= PID_MAX_LIMIT, onclick: () => onWindow({ size: win.size, start: Math.min(PID_MAX_LIMIT - win.size, win.start + win.size) }) }, '›')),
    h('p', { class: 'legend' }, 'the whole space, 128 pages of 32768 (click one to show it):'),
    pageStrip(a, win, onWindow),
    drawBits(a, win, view),
    h('p', { class: 'legend' },
      h('span', { class: 'sw taken' }), 'taken ', h('span', { class: 'sw free' }), 'free ',
      h('span', { class: 'sw took' }), 'taken by this step ', h('span', { class: 'sw freed' }), 'freed by this step ',
      h('span', { class: 'sw cursor' }), 'cursor ', h('span', { class: 'sw over' }), '≥ pid_max'),
    h('div', { class: 'scroll' }, h('table', { class: 'grid', id: 'work-table' },
      h('caption', {}, 'The core\'s work counters, all namespaces together (layout.ts STAT_*): this step and since the start'),
      h('thead', {}, h('tr', {}, ['', 'alloc_pid', 'free_pid', 'words scanned', 'touched', 'made', ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, counterRow('this step', step, unit[a.kind]), counterRow('total', view.counters, unit[a.kind])))),
    a.kind !== 'idr' ? h('div', { class: 'scroll' }, h('table', { class: 'grid', id: 'pages-table' },
      h('caption', {}, a.kind === 'pidmap' ? 'pidmap pages: nr_free as stored in each entry' : 'hbm leaf blocks: free numbers in each'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'page'), h('th', { scope: 'col' }, 'numbers'), h('th', { scope: 'col' }, 'memory'), h('th', { scope: 'col' }, 'nr_free'))),
      h('tbody', {}, a.pages.map((p) => h('tr', {}, h('th', { scope: 'row' }, p.index), h('td', {}, `${p.index * BITS_PER_PAGE}–${(p.index + 1) * BITS_PER_PAGE - 1}`),
        h('td', {}, p.present ? 'allocated' : 'none'), h('td', { 'data-nr-free': p.index }, p.nrFree)))))) : null,
    a.idr ? h('div', { id: 'idr-tree' }, h('h4', {}, 'IDR radix tree (IDR_FREE marks, slot 0 first; 1 = something free below)'), h('ul', { class: 'idr' }, idrTree(a.idr)))
      : a.kind === 'idr' ? h('p', { class: 'dim' }, 'The IDR tree is empty.') : null,
    a.hbm ? h('div', { id: 'hbm-levels' }, h('h4', {}, 'hbm summary levels (bit set ⇔ the word below is full)'),
      h('p', {}, 'L3: ', h('code', {}, a.hbm.l3)),
      h('p', {}, 'L2: ', a.hbm.l2.length ? a.hbm.l2.map((w) => h('code', {}, `[${w.index}] ${w.bits}`)) : 'all zero'),
      h('p', {}, 'L1: ', a.hbm.l1.some((b) => b.words.length) ? a.hbm.l1.flatMap((b) => b.words.map((w) => h('code', {}, `[${w.index}] ${w.bits} `))) : 'all zero (no full 64-number word yet)'))
      : null);
}
