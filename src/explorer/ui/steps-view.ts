/**
 * View 5: every statement with what it did, in words: its result, the
 * kernel check that fired for a failed call (linked to the list of checks),
 * the kernel events (tasks made, exits, signals, reparenting, reaps,
 * namespaces made and torn down), effects without an event (an ignored
 * signal) and the allocator's work. The current step is marked; a click
 * goes to a step. A scenario error sits at its line.
 */
import { checkOf } from '../glossary.js';
import type { Timeline } from '../timeline.js';
import { h } from './dom.js';

export function stepsList(tl: Timeline, at: number, onSeek: (at: number) => void): HTMLElement {
  const items = tl.steps.map((st) => {
    const key = checkOf(st.why);
    const state = st.index === at ? 'current' : st.index > at ? 'future' : 'past';
    return h('li', { class: `step ${state}${st.errno ? ' fail' : ''}`, 'data-step': st.index, 'aria-current': st.index === at ? 'step' : null },
      h('button', { type: 'button', class: 'step-btn', onclick: () => onSeek(st.index) },
        h('span', { class: 'ln' }, `${st.line}`),
        h('code', {}, st.text), ' ', h('span', { class: 'res' }, `→ ${st.result}`)),
      st.why ? h('div', { class: 'why' }, 'why: ', key ? h('a', { href: `#check-${key}`, 'data-check': key }, st.why) : st.why) : null,
      st.notes.map((n) => h('div', { class: 'note' }, n)),
      st.trace.map((e) => h('div', { class: `trace ev-${e.event}` }, e.text)),
      st.work.allocs + st.work.frees > 0
        ? h('div', { class: 'work' }, `allocator: ${st.work.allocs} alloc_pid, ${st.work.frees} free_pid, ${st.work.wordsScanned} words scanned, ${st.work.pagesTouched} touched, ${st.work.pagesAllocated} made`)
        : null);
  });
  if (tl.error) {
    items.push(h('li', { class: 'step scenario-error', role: 'alert' }, h('span', { class: 'ln' }, `${tl.error.line}`), ` scenario error: ${tl.error.message} (the statements above ran; nothing after this line)`));
  }
  return h('ol', { id: 'steps', class: 'steps' },
    h('li', { class: `step ${at === 0 ? 'current' : 'past'}`, 'data-step': 0, 'aria-current': at === 0 ? 'step' : null },
      h('button', { type: 'button', class: 'step-btn', onclick: () => onSeek(0) }, h('span', { class: 'ln' }, '0'), 'start: init alone, pid 1 of pidns#0')),
    items);
}

/** Line numbers beside the editor, the scenario error's line marked with its message. */
export function gutter(source: string, error: { line: number; message: string } | null, currentLine: number | null): HTMLElement {
  const n = Math.max(1, source.split('\n').length);
  const lines = [];
  for (let i = 1; i <= n; i++) {
    const bad = error !== null && error.line === i;
    lines.push(h('div', { class: `gl${bad ? ' bad' : ''}${currentLine === i ? ' cur' : ''}`, title: bad ? error.message : null, 'data-line': i }, bad ? `✖${i}` : String(i)));
  }
  return h('div', { id: 'gutter', 'aria-hidden': 'true' }, lines);
}
