/**
 * The explorer page's controller: owns the choices (scenario, core,
 * allocator, step, namespace, task, bit window), builds the Timeline,
 * renders every view after a change, and keeps the URL hash in step.
 * Keys: ←/→ a step, Home/End the start and the end (outside the editor);
 * Ctrl+Enter in the editor runs it. `document.body.dataset.state` is
 * 'busy' while a view is being made and 'ready' after (tests wait on it).
 */
import type { AllocatorName, CoreName, PidCore } from '../../core/types.js';
import { EXAMPLES } from '../examples.js';
import { checkOf } from '../glossary.js';
import { Timeline } from '../timeline.js';
import { decodeHash, encodeHash } from '../url.js';
import { viewAt, type ExplorerView } from '../view.js';
import { allocatorPanel, type BitWindow } from './allocator-panel.js';
import { allocWalkView } from './alloc-walk-view.js';
import { byId, fill, h } from './dom.js';
import { glossaryPanel } from './glossary-panel.js';
import { nsproxyArrows, nsproxyTable, nsTypeChooser, type NsType } from './nsproxy-view.js';
import { nsLabel, pidTable, structPidPanel } from './pid-table.js';
import { Gutter, StepsList } from './steps-view.js';

/**
 * Scroll `box` (only it, never the page) so that `item` is visible, when
 * `box` is a scroll container (the wide layout's left column).
 */
function keepInView(box: HTMLElement, item: HTMLElement | null): void {
  if (item === null || box.scrollHeight <= box.clientHeight || getComputedStyle(box).overflowY === 'visible') return;
  const top = item.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
  if (top < box.scrollTop) box.scrollTop = top - 8;
  else if (top + item.offsetHeight > box.scrollTop + box.clientHeight) box.scrollTop = top + item.offsetHeight - box.clientHeight + 8;
}

export interface ExplorerOptions {
  makeCore(core: CoreName, allocator: AllocatorName): Promise<PidCore>;
}

interface Choices {
  source: string;
  core: CoreName;
  allocator: AllocatorName;
  at: number;
  ns: number;
  task: string | null;
  win: BitWindow;
  /** The namespace type the nsproxy arrows show. */
  nsType: NsType;
}

const PLAY_MS = 900;

export async function startExplorer(opts: ExplorerOptions): Promise<void> {
  const fromUrl = decodeHash(location.hash);
  const ch: Choices = {
    source: fromUrl.source ?? EXAMPLES[0].source,
    core: fromUrl.core ?? 'wasm',
    allocator: fromUrl.allocator ?? 'pidmap',
    at: fromUrl.at ?? Number.MAX_SAFE_INTEGER,
    ns: fromUrl.ns ?? 0,
    task: fromUrl.task,
    win: { size: 256, start: 0 },
    nsType: 'pid',
  };
  let tl: Timeline | null = null;
  let playing: ReturnType<typeof setInterval> | null = null;
  let pending: Promise<void> = Promise.resolve();
  let generation = 0;

  const src = byId<HTMLTextAreaElement>('src');
  const slider = byId<HTMLInputElement>('step');
  const coreSel = byId<HTMLSelectElement>('core');
  const allocSel = byId<HTMLSelectElement>('allocator');
  const exSel = byId<HTMLSelectElement>('example');
  const nsSel = byId<HTMLSelectElement>('ns-choice');
  const playBtn = byId<HTMLButtonElement>('play');
  fill(exSel, h('option', { value: '' }, '(your scenario)'), EXAMPLES.map((e) => h('option', { value: e.id }, e.title)));
  src.value = ch.source;
  coreSel.value = ch.core;
  allocSel.value = ch.allocator;
  exSel.value = EXAMPLES.find((e) => e.source === ch.source)?.id ?? '';

  const setBusy = (b: boolean): void => { document.body.dataset.state = b ? 'busy' : 'ready'; };

  let steps: StepsList | null = null;
  let shownCheck: string | null = null;
  let gut: Gutter | null = null;

  /** The gutter for the editor's text (the error line as of the last run). */
  function renderGutter(): void {
    gut = new Gutter(src.value, tl?.error ?? null);
    byId('gutter').replaceWith(gut.el);
    gut.el.scrollTop = src.scrollTop;
  }

  function paint(view: ExplorerView): void {
    if (!tl) return;
    const t = tl;
    slider.max = String(t.length);
    slider.value = String(view.at);
    slider.setAttribute('aria-valuetext', view.step ? `step ${view.at} of ${t.length}: ${view.step.text}` : `start, before step 1 of ${t.length}`);
    byId('step-label').textContent = view.step
      ? `Step ${view.at} of ${t.length} · line ${view.step.line}: ${view.step.text} → ${view.step.result}${view.step.notes.length ? ' (' + view.step.notes[0].split(':')[0] + ')' : ''}`
      : `Start (step 0 of ${t.length}): init alone`;
    if (steps === null) {
      steps = new StepsList(t, seek);
      fill(byId('steps-box'), steps.el);
    }
    steps.setAt(view.at);
    keepInView(byId('left'), byId('steps-box').querySelector<HTMLElement>('[aria-current]'));
    gut?.setLine(view.step ? view.step.line : null);
    fill(byId('pid-view'), pidTable(view, ch.task, (name) => { ch.task = ch.task === name ? null : name; void show(); }), structPidPanel(view.structPid, ch.task));
    // Choosing a type redraws only the arrows: the focus stays on the radio button.
    fill(byId('nsproxy-view'), nsTypeChooser(ch.nsType, (t) => { ch.nsType = t; byId('nsproxy-svg').replaceWith(nsproxyArrows(view, t)); }),
      nsproxyArrows(view, ch.nsType), nsproxyTable(view));
    fill(byId('walk-view'), allocWalkView(view));
    const ids = view.snapshot.namespaces.map((n) => n.id);
    fill(nsSel, view.snapshot.namespaces.map((n) => h('option', { value: n.id, selected: n.id === ch.ns }, nsLabel(n.id, n.level))),
      ids.includes(ch.ns) ? null : h('option', { value: ch.ns, selected: true }, `pidns#${ch.ns} (gone)`));
    fill(byId('alloc-view'), allocatorPanel(view, ch.win, (w) => { ch.win = w; void show(); }));
    const check = view.step ? checkOf(view.step.why) : null;
    if (check !== shownCheck || byId('glossary-view').childElementCount === 0) fill(byId('glossary-view'), glossaryPanel(check));
    shownCheck = check;
    scheduleUrl();
  }

  // The hash is written once the steps settle: replaceState with a long
  // scenario in it costs tens of milliseconds, too much for every key press.
  let urlTimer: ReturnType<typeof setTimeout> | null = null;
  let written = '';
  function scheduleUrl(): void {
    if (urlTimer !== null) clearTimeout(urlTimer);
    urlTimer = setTimeout(() => {
      urlTimer = null;
      written = encodeHash({ source: ch.source, at: ch.at, core: ch.core, allocator: ch.allocator, ns: ch.ns, task: ch.task });
      history.replaceState(null, '', written);
      document.body.dataset.url = 'saved';
    }, 250);
    document.body.dataset.url = 'pending';
  }

  /** Make and paint the view of the current choices (the latest request wins). */
  function show(): Promise<void> {
    const gen = ++generation;
    pending = pending.then(async () => {
      if (gen !== generation || !tl) return;
      setBusy(true);
      const t0 = performance.now();
      const view = await viewAt(tl, ch.at, { ns: ch.ns, task: ch.task });
      ch.at = view.at;
      paint(view);
      const ms = performance.now() - t0;
      const status = byId('status');
      status.textContent = `${view.at}/${tl.length} · ${ch.core === 'ts' ? 'TS twin' : 'WASM'} core, ${ch.allocator} · this step took ${ms.toFixed(1)} ms (replay and drawing)`;
      status.dataset.ms = ms.toFixed(2);
      if (gen === generation) setBusy(false);
    }).catch((e: unknown) => {
      byId('status').textContent = `failed: ${String(e)}`;
      setBusy(false);
    });
    return pending;
  }

  function seek(at: number): void {
    if (!tl) return;
    ch.at = Math.max(0, Math.min(tl.length, at));
    void show();
  }

  async function load(): Promise<void> {
    stop();
    setBusy(true);
    ch.source = src.value;
    const gen = ++generation;
    await pending;
    const t = await Timeline.create(ch.source, () => opts.makeCore(ch.core, ch.allocator));
    if (gen !== generation) return;
    tl = t;
    steps = null;
    renderGutter();
    if (tl.error) src.setAttribute('aria-invalid', 'true');
    else src.removeAttribute('aria-invalid');
    byId('error').textContent = tl.error ? `line ${tl.error.line}: ${tl.error.message}` : '';
    await show();
  }

  function stop(): void {
    if (playing !== null) clearInterval(playing);
    playing = null;
    playBtn.textContent = '▶ play';
    playBtn.setAttribute('aria-pressed', 'false');
  }

  function play(): void {
    if (playing !== null) return stop();
    if (tl && ch.at >= tl.length) ch.at = 0;
    playBtn.textContent = '⏸ pause';
    playBtn.setAttribute('aria-pressed', 'true');
    playing = setInterval(() => {
      if (!tl || ch.at >= tl.length) return stop();
      seek(ch.at + 1);
    }, PLAY_MS);
  }

  slider.addEventListener('input', () => seek(Number(slider.value)));
  byId('first').addEventListener('click', () => seek(0));
  byId('prev').addEventListener('click', () => seek(ch.at - 1));
  byId('next').addEventListener('click', () => seek(ch.at + 1));
  byId('last').addEventListener('click', () => seek(Number.MAX_SAFE_INTEGER));
  playBtn.addEventListener('click', play);
  byId('run').addEventListener('click', () => { ch.at = Number.MAX_SAFE_INTEGER; void load(); });
  coreSel.addEventListener('change', () => { ch.core = coreSel.value as CoreName; void load(); });
  allocSel.addEventListener('change', () => { ch.allocator = allocSel.value as AllocatorName; void load(); });
  nsSel.addEventListener('change', () => { ch.ns = Number(nsSel.value); ch.win = { size: ch.win.size, start: 0 }; void show(); });
  exSel.addEventListener('change', () => {
    const ex = EXAMPLES.find((e) => e.id === exSel.value);
    if (!ex) return;
    src.value = ex.source;
    ch.at = Number.MAX_SAFE_INTEGER;
    ch.ns = 0;
    ch.task = null;
    void load();
  });
  src.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); ch.at = Number.MAX_SAFE_INTEGER; void load(); }
  });
  src.addEventListener('input', () => { exSel.value = ''; renderGutter(); });
  src.addEventListener('scroll', () => { if (gut) gut.el.scrollTop = src.scrollTop; });
  // A link to another view of this page (or a hash typed in the address bar): show it.
  window.addEventListener('hashchange', () => {
    if (location.hash === written) return;
    if (urlTimer !== null) clearTimeout(urlTimer);
    urlTimer = null;
    const u = decodeHash(location.hash);
    if (u.source !== null) src.value = u.source;
    if (u.core) coreSel.value = ch.core = u.core;
    if (u.allocator) allocSel.value = ch.allocator = u.allocator;
    ch.at = u.at ?? Number.MAX_SAFE_INTEGER;
    ch.ns = u.ns ?? 0;
    ch.task = u.task;
    exSel.value = EXAMPLES.find((e) => e.source === src.value)?.id ?? '';
    void load();
  });
  document.addEventListener('keydown', (e) => {
    const tag = (e.target as HTMLElement | null)?.tagName;
    if (tag === 'TEXTAREA' || tag === 'SELECT' || (tag === 'INPUT' && (e.target as HTMLInputElement).type !== 'range') || e.altKey || e.ctrlKey || e.metaKey) return;
    if (tag === 'INPUT') return; // the slider moves itself with the arrows, Home and End
    const moves: Record<string, () => number> = {
      ArrowLeft: () => ch.at - 1, ArrowRight: () => ch.at + 1, Home: () => 0, End: () => Number.MAX_SAFE_INTEGER,
    };
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    stop();
    seek(m());
  });
  await load();
}
