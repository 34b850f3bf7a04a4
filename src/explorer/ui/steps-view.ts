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
 * The list shows a window of WINDOW steps around the current one (items are
 * made on first use and kept): moving by a step touches two items, a jump
 * re-renders at most the window, so a 10,000-statement scenario steps as
 * fast as a short one. Buttons at both ends move the window.
 */
export class StepsList {
  static readonly WINDOW = 200;
  readonly el: HTMLOListElement;
  private readonly items: (HTMLLIElement | undefined)[];
  private readonly tl: Timeline;
  private readonly onSeek: (at: number) => void;
  private readonly error: HTMLLIElement | null;
  private at = -1;
  private lo = 0;
  private hi = -1;

  constructor(tl: Timeline, onSeek: (at: number) => void) {
    this.tl = tl;
    this.onSeek = onSeek;
    this.items = new Array<HTMLLIElement | undefined>(tl.steps.length + 1);
    this.error = tl.error
      ? h('li', { class: 'step scenario-error' }, h('span', { class: 'ln' }, `${tl.error.line}`), ` scenario error: ${tl.error.message} (the statements above ran; nothing after this line)`)
      : null;
    this.el = h('ol', { id: 'steps', class: 'steps' });
  }

  private item(i: number): HTMLLIElement {
    const have = this.items[i];
    if (have) return have;
    const onSeek = this.onSeek;
    let li: HTMLLIElement;
    if (i === 0) {
      li = h('li', { class: 'step', 'data-step': 0 },
        h('button', { type: 'button', class: 'step-btn', onclick: () => onSeek(0) }, h('span', { class: 'ln' }, '0'), 'start: init alone, pid 1 of pidns#0'));
    } else {
      const st = this.tl.steps[i - 1];
      const key = checkOf(st.why);
      li = h('li', { class: `step${st.errno ? ' fail' : ''}`, 'data-step': st.index },
        h('button', { type: 'button', class: 'step-btn', onclick: () => onSeek(st.index) },
          h('span', { class: 'ln' }, `${st.line}`),
          h('code', {}, st.text), ' ', h('span', { class: 'res' }, `→ ${st.result}`)),
        st.why ? h('div', { class: 'why' }, 'why: ', key ? h('a', { href: `#check-${key}`, 'data-check': key }, st.why) : st.why) : null,
        st.notes.map((n) => h('div', { class: 'note' }, n)),
        st.trace.map((e) => h('div', { class: `trace ev-${e.event}` }, e.text)),
        st.work.allocs + st.work.frees > 0
          ? h('div', { class: 'work' }, `allocator: ${st.work.allocs} alloc_pid, ${st.work.frees} free_pid, ${st.work.wordsScanned} words scanned, ${st.work.pagesTouched} touched, ${st.work.pagesAllocated} made`)
          : null);
    }
    this.items[i] = li;
    return li;
  }

  private mark(i: number): void {
    const li = this.item(i);
    li.classList.toggle('current', i === this.at);
    li.classList.toggle('past', i < this.at);
    li.classList.toggle('future', i > this.at);
    if (i === this.at) li.setAttribute('aria-current', 'step');
    else li.removeAttribute('aria-current');
  }

  /** Show steps [lo, hi] (clamped), with buttons to the hidden ones. */
  private render(lo: number, hi: number): void {
    const last = this.items.length - 1;
    this.lo = Math.max(0, lo);
    this.hi = Math.min(last, hi);
    const shown: HTMLLIElement[] = [];
    for (let i = this.lo; i <= this.hi; i++) {
      this.mark(i);
      shown.push(this.item(i));
    }
    const half = StepsList.WINDOW >> 1;
    const before = this.lo > 0
      ? h('li', { class: 'more' }, h('button', { type: 'button', onclick: () => this.render(this.lo - half, this.hi - half) }, `↑ ${this.lo} earlier steps`))
      : null;
    const after = this.hi < last
      ? h('li', { class: 'more' }, h('button', { type: 'button', onclick: () => this.render(this.lo + half, this.hi + half) }, `↓ ${last - this.hi} later steps`))
      : null;
    this.el.replaceChildren(...[before, ...shown, after, this.hi === last ? this.error : null].filter((x): x is HTMLLIElement => x !== null));
  }

  /** Mark step `at` current, those before past, those after future. */
  setAt(at: number): void {
    const old = this.at;
    this.at = at;
    const margin = 10;
    if (old < 0 || at < this.lo + (this.lo > 0 ? margin : 0) || at > this.hi - (this.hi < this.items.length - 1 ? margin : 0)) {
      const half = StepsList.WINDOW >> 1;
      this.render(at - half, at + half);
      return;
    }
    for (let i = Math.min(old, at); i <= Math.max(old, at); i++) this.mark(i);
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
