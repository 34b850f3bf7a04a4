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

/**
 * The list is built once per timeline; moving to another step only changes
 * the items between the old and the new step (a step of ±1 touches two), so
 * a 10,000-statement scenario steps as fast as a short one.
 */
export class StepsList {
  readonly el: HTMLOListElement;
  private readonly items: HTMLLIElement[];
  private at = -1;

  constructor(tl: Timeline, onSeek: (at: number) => void) {
    const start = h('li', { class: 'step', 'data-step': 0 },
      h('button', { type: 'button', class: 'step-btn', onclick: () => onSeek(0) }, h('span', { class: 'ln' }, '0'), 'start: init alone, pid 1 of pidns#0'));
    this.items = [start, ...tl.steps.map((st) => {
      const key = checkOf(st.why);
      return h('li', { class: `step${st.errno ? ' fail' : ''}`, 'data-step': st.index },
        h('button', { type: 'button', class: 'step-btn', onclick: () => onSeek(st.index) },
          h('span', { class: 'ln' }, `${st.line}`),
          h('code', {}, st.text), ' ', h('span', { class: 'res' }, `→ ${st.result}`)),
        st.why ? h('div', { class: 'why' }, 'why: ', key ? h('a', { href: `#check-${key}`, 'data-check': key }, st.why) : st.why) : null,
        st.notes.map((n) => h('div', { class: 'note' }, n)),
        st.trace.map((e) => h('div', { class: `trace ev-${e.event}` }, e.text)),
        st.work.allocs + st.work.frees > 0
          ? h('div', { class: 'work' }, `allocator: ${st.work.allocs} alloc_pid, ${st.work.frees} free_pid, ${st.work.wordsScanned} words scanned, ${st.work.pagesTouched} touched, ${st.work.pagesAllocated} made`)
          : null);
    })];
    const error = tl.error
      ? h('li', { class: 'step scenario-error' }, h('span', { class: 'ln' }, `${tl.error.line}`), ` scenario error: ${tl.error.message} (the statements above ran; nothing after this line)`)
      : null;
    this.el = h('ol', { id: 'steps', class: 'steps' }, this.items, error);
  }

  /** Mark step `at` current, those before past, those after future. */
  setAt(at: number): void {
    const from = this.at < 0 ? 0 : Math.min(this.at, at);
    const to = this.at < 0 ? this.items.length - 1 : Math.max(this.at, at);
    for (let i = from; i <= to && i < this.items.length; i++) {
      const li = this.items[i];
      li.classList.toggle('current', i === at);
      li.classList.toggle('past', i < at);
      li.classList.toggle('future', i > at);
      if (i === at) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
    }
    this.at = at;
  }
}

/** Line numbers beside the editor, the scenario error's line marked with its message; the current step's line highlighted. */
export class Gutter {
  readonly el: HTMLElement;
  private readonly lines: HTMLElement[] = [];
  private cur: number | null = null;

  constructor(source: string, error: { line: number; message: string } | null) {
    const n = Math.max(1, source.split('\n').length);
    for (let i = 1; i <= n; i++) {
      const bad = error !== null && error.line === i;
      this.lines.push(h('div', { class: `gl${bad ? ' bad' : ''}`, title: bad ? error.message : null, 'data-line': i }, bad ? `✖${i}` : String(i)));
    }
    this.el = h('div', { id: 'gutter', 'aria-hidden': 'true' }, this.lines);
  }

  setLine(line: number | null): void {
    if (this.cur !== null) this.lines[this.cur - 1]?.classList.remove('cur');
    if (line !== null) this.lines[line - 1]?.classList.add('cur');
    this.cur = line;
  }
}
