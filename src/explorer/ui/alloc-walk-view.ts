/**
 * alloc_pid of the chosen step, animated deepest level first: per level the
 * namespace, where its search started (the cursor), the number it took and
 * how (cyclic search or set_tid); for a failed step the numbers taken and
 * given back (cursors that moved with nothing kept).
 */
import type { AllocLevel } from '../alloc-walk.js';
import type { ExplorerView } from '../view.js';
import { h } from './dom.js';

const UNIT: Record<string, [string, string]> = { pidmap: ['bitmap word', 'page'], idr: ['word', 'node'], hbm: ['word', 'block'] };
const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;

/** What the level's search read (the core's own counters around the same search on the state before the step). */
function readsText(l: AllocLevel, kind?: string): HTMLElement | null {
  const [w, p] = UNIT[kind ?? ''] ?? ['word', 'page'];
  if (l.reads) {
    return h('span', { class: 'reads', 'data-reads': `${l.reads.words}/${l.reads.touched}` },
      `; read ${plural(l.reads.words, w)} in ${plural(l.reads.touched, p)}${l.reads.wrapped ? ' (nothing free up to pid_max: wrapped to the bottom)' : ''}`);
  }
  if (l.newNs) return h('span', { class: 'reads' }, '; a namespace this step made: its first search, not read separately');
  return null;
}

export function allocWalkView(view: ExplorerView): HTMLElement {
  const st = view.step;
  if (view.allocs.length === 0 && view.undone.length === 0) {
    return h('p', { id: 'walk', class: 'dim' }, st ? 'This step allocated no pid.' : 'Choose a step that makes a task to see alloc_pid at work.');
  }
  return h('div', { id: 'walk' },
    view.allocs.map((w) => h('div', {},
      h('p', {}, `alloc_pid for ${w.task}: one number per level, deepest level first`),
      h('ol', { class: 'walk' }, w.levels.map((l, i) => h('li', { style: `animation-delay: ${i * 0.6}s`, 'data-ns': l.ns },
        h('strong', {}, `pidns#${l.ns} (level ${l.level})`), ': ',
        l.how === 'search'
          ? `search from the cursor ${Math.max(l.cursorBefore, 1)}${l.cursorBefore === 0 ? ' (never allocated: from 1)' : ''} → took ${l.took}; cursor now ${l.cursorAfter}`
          : `set_tid asks for ${l.took} → took ${l.took}; the cursor stays at ${l.cursorAfter}`,
        readsText(l, view.allocator?.kind)))))),
    view.undone.length
      ? h('div', { class: 'undo' },
        h('p', {}, `alloc_pid failed (${st?.errno ?? '?'}): the numbers it took were given back (its error path frees every level already taken); only the cursors show they were taken:`),
        h('ol', { class: 'walk' }, view.undone.map((u, i) => h('li', { style: `animation-delay: ${i * 0.6}s`, 'data-ns': u.ns },
          h('strong', {}, `pidns#${u.ns} (level ${u.level})`), `: took ${u.to - 1}, gave it back; cursor ${u.from} → ${u.to}`))))
      : null);
}
