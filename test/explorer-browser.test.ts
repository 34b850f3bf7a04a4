/**
 * The explorer as users get it: the static site of `npm run build:site`
 * (Vite, vite.site.config.ts) built into a temporary folder, served by a
 * plain static file server under a sub-path, in Debian's Chromium driven by
 * playwright-core. Steps through the seed story and a teardown scenario and
 * checks, at every step, the per-level table, the bits and cursor of the
 * chosen namespace, the nsproxy arrows and the highlighted changes against
 * the WASM core's own answers in Node (pid_nr_ns, alloc_busy, ns_last_pid);
 * then the URL, the error line, other cores and allocators, and a 360 px
 * wide run where nothing overflows.
 *
 * Needs /usr/bin/chromium and the embedded WASM core (npm run build:wasm).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './helpers/chromium.js';
import { CHROMIUM } from '../scripts/check-chromium.mjs';
import { build } from 'vite';
import { backends, variant } from './helpers/cores.js';
import { serveStatic } from './helpers/static-server.js';
import { Timeline } from '../src/explorer/timeline.js';
import { encodeHash } from '../src/explorer/url.js';
import { TASK_DEAD, TASK_RUNNING, type Task } from '../src/kernel/objects.js';
import { getpgid } from '../src/kernel/pgrp.js';
import type { AllocatorName, AllocatorProbe, PidCore } from '../src/core/types.js';
import { STAT_ALLOCS, STAT_FREES, STAT_PAGES_ALLOCATED, STAT_PAGES_TOUCHED, STAT_WORDS_SCANNED } from '../src/core/layout.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const SEED = readFileSync(path.join(ROOT, 'test/scenarios/shared/04-seed-story.pidns'), 'utf8');
const TEARDOWN = readFileSync(path.join(ROOT, 'test/scenarios/shared/18-ns-init-exit.pidns'), 'utf8');
const GROUPS = readFileSync(path.join(ROOT, 'test/scenarios/shared/44-container-init-nested.pidns'), 'utf8');

interface Expected {
  table: Record<string, string[]>;
  bits: string;
  cursor: number | null;
  arrows: string[];
  changedCells: string[];
  /** The core's work counters in total: alloc_pid, free_pid, words scanned, touched, made. */
  counters: number[];
  /** Per running task: "pgid/sid" as getpgid(0) / getsid(0) made by the task return them (pgrp.ts). */
  groups: Record<string, string>;
}

/** What the page must show after each step, from the WASM core in Node (its own calls, not the explorer's readers). */
async function expectedSteps(source: string, nsId: number, allocator: AllocatorName): Promise<Expected[]> {
  const release = backends.find((b) => b.name === 'release');
  if (!release) throw new Error('the release WASM backend is not under test');
  const v = variant(release, allocator);
  const tl = await Timeline.create(source, () => v.make());
  const out: Expected[] = [];
  let prev: Record<string, string[]> = {};
  let prevNs: number[] = [];
  for (let at = 0; at <= tl.length; at++) {
    const live = await tl.seek(at);
    const k = live.kernel;
    const core = k.core as PidCore & AllocatorProbe;
    const nss = k.namespaces();
    const table: Record<string, string[]> = {};
    const arrows: string[] = [];
    const groups: Record<string, string> = {};
    const changedCells: string[] = [];
    for (const name of live.session.definedNames()) {
      const t = live.session.task(name) as Task | null | undefined;
      if (!t || t.state === TASK_DEAD) continue;
      table[name] = nss.map((ns) => {
        const nr = core.pid_nr_ns(t.pid, ns.handle);
        return nr === 0 ? '' : String(nr);
      });
      arrows.push(`${name} active ${t.tg.pidns.serial}`);
      if (t.state === TASK_RUNNING) groups[name] = `${getpgid(k, t, 0, false)}/${getpgid(k, t, 0, true)}`;
      if (t.nsproxy) arrows.push(`${name} children ${t.nsproxy.pidForChildren.serial}`);
      if (at > 0) {
        nss.forEach((ns, i) => {
          const j = prevNs.indexOf(ns.serial);
          const old = prev[name] && j >= 0 ? prev[name][j] : '';
          if (table[name][i] !== '' && table[name][i] !== old) changedCells.push(`${name}:${ns.serial}`);
        });
      }
    }
    const ns = nss.find((n) => n.serial === nsId);
    let bits = '';
    if (ns) for (let nr = 0; nr < 256; nr++) bits += core.alloc_busy(ns.handle, nr) ? '1' : '0';
    const f = core.f64();
    const st = core.statsPtr >> 3;
    const counters = [STAT_ALLOCS, STAT_FREES, STAT_WORDS_SCANNED, STAT_PAGES_TOUCHED, STAT_PAGES_ALLOCATED].map((i) => f[st + i]);
    out.push({ table, bits: bits.replace(/0+$/, ''), cursor: ns ? core.ns_last_pid(ns.handle) + 1 : null, arrows: arrows.sort(), changedCells: changedCells.sort(), counters, groups });
    prev = table;
    prevNs = nss.map((n) => n.serial);
  }
  return out;
}

async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 30_000 });
}

async function shown(page: Page): Promise<Expected & { at: number }> {
  return page.evaluate(() => {
    const table: Record<string, string[]> = {};
    for (const tr of document.querySelectorAll('#pid-table tbody tr')) {
      const name = (tr as HTMLElement).dataset.task ?? '?';
      table[name] = [...tr.querySelectorAll('td[data-ns]')].map((td) => (td.firstChild?.nodeType === 3 ? td.firstChild.textContent ?? '' : ''));
    }
    const changedCells = [...document.querySelectorAll('#pid-table td.changed')].map((td) => `${(td.parentElement as HTMLElement).dataset.task}:${(td as HTMLElement).dataset.ns}`);
    const canvas = document.getElementById('bitmap') as HTMLCanvasElement | null;
    const groups: Record<string, string> = {};
    for (const tr of document.querySelectorAll('#pid-table tbody tr.st-running')) {
      const td = tr.querySelector('td.pgsid') as HTMLElement | null;
      groups[(tr as HTMLElement).dataset.task ?? '?'] = td ? `${td.dataset.pgid}/${td.dataset.sid}` : 'none';
    }
    const cursor = document.getElementById('alloc-cursor')?.textContent ?? null;
    const total = document.querySelectorAll('#work-table tbody tr')[1];
    const counters = total ? ['allocs', 'frees', 'words', 'touched', 'made'].map((c) => Number(total.querySelector(`[data-counter=${c}]`)?.textContent)) : [];
    return {
      at: Number((document.getElementById('step') as HTMLInputElement).value),
      table,
      bits: canvas?.dataset.bits ?? '',
      cursor: cursor === null ? null : Number(cursor.replace('cursor ', '')),
      arrows: [...document.querySelectorAll('#nsproxy-svg [data-arrow]')].map((a) => a.getAttribute('data-arrow') ?? '').sort(),
      changedCells: changedCells.sort(),
      counters,
      groups,
    };
  });
}

describe('the explorer, from its static build (Chromium)', () => {
  let browser: Browser;
  let site: { url: string; close(): Promise<void> };
  let outDir: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (or set PIDNS_CHROMIUM)`);
    if (!existsSync(path.join(ROOT, 'src/core/wasm-embedded.ts'))) throw new Error('src/core/wasm-embedded.ts is missing: run npm run build:wasm');
    outDir = mkdtempSync(path.join(tmpdir(), 'pidns-site-'));
    await build({ configFile: path.join(ROOT, 'vite.site.config.ts'), build: { outDir, emptyOutDir: true }, logLevel: 'error' });
    site = await serveStatic(outDir, '/some/path/');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('the site is a page, one script (the WASM core embedded) and its CSS: nothing else of the repository', () => {
    const files = readFileSync(path.join(outDir, 'index.html'), 'utf8');
    expect(files).toContain('./assets/');
    // The script is bundled from the TypeScript source; the link to `pidns play`'s playground is dropped (no playground here).
    expect(files).not.toMatch(/dist\/|site\.(js|ts)/);
    expect(files).not.toContain('to-playground');
    expect(files).not.toContain('data-play-only');
    const assets = readdirSync(path.join(outDir, 'assets'));
    // The WASM core is embedded in the bundle: nothing else to fetch.
    expect(assets.filter((f) => !/\.(js|css)$/.test(f))).toEqual([]);
  });

  const cases: { name: string; source: string; nsId: number; allocator: AllocatorName }[] = [
    { name: 'the seed story', source: SEED, nsId: 6, allocator: 'pidmap' },
    { name: 'the seed story', source: SEED, nsId: 0, allocator: 'idr' },
    { name: 'a teardown (18-ns-init-exit)', source: TEARDOWN, nsId: 6, allocator: 'hbm' },
    { name: 'a teardown (18-ns-init-exit)', source: TEARDOWN, nsId: 0, allocator: 'pidmap' },
    { name: 'sessions in nested namespaces (44-container-init-nested)', source: GROUPS, nsId: 0, allocator: 'pidmap' },
  ];
  it.each(cases)('steps through $name (pidns#$nsId, $allocator): table, bits, cursor, arrows and highlights equal the core at every step', async ({ source, nsId, allocator }) => {
    const want = await expectedSteps(source, nsId, allocator);
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(site.url + encodeHash({ source, at: 0, core: 'wasm', allocator, ns: nsId, task: null }));
    await waitReady(page);
    expect(await page.textContent('#status')).toContain(`WASM core, ${allocator}`);
    await page.locator('#next').focus();
    for (let at = 0; at < want.length; at++) {
      if (at > 0) {
        await page.keyboard.press('ArrowRight');
        await page.waitForFunction((n) => document.body.dataset.state === 'ready' && (document.getElementById('step') as HTMLInputElement).value === String(n), at);
      }
      const got = await shown(page);
      const w = want[at];
      expect(got.at).toBe(at);
      expect(got.table, `step ${at}`).toEqual(w.table);
      expect(got.arrows, `step ${at}`).toEqual(w.arrows);
      expect(got.changedCells, `step ${at}`).toEqual(w.changedCells);
      expect(got.groups, `step ${at}`).toEqual(w.groups);
      if (w.cursor === null) {
        expect(await page.locator('#alloc-none').count()).toBe(1);
      } else {
        expect(got.bits, `step ${at}`).toBe(w.bits);
        expect(got.cursor, `step ${at}`).toBe(w.cursor);
        expect(got.counters, `step ${at}`).toEqual(w.counters);
      }
    }
    // Back to the start with Home, then End: replays give the same views.
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.body.dataset.state === 'ready' && (document.getElementById('step') as HTMLInputElement).value === '0');
    expect((await shown(page)).table).toEqual(want[0].table);
    await page.keyboard.press('End');
    await page.waitForFunction((n) => document.body.dataset.state === 'ready' && (document.getElementById('step') as HTMLInputElement).value === String(n), want.length - 1);
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((n) => document.body.dataset.state === 'ready' && (document.getElementById('step') as HTMLInputElement).value === String(n), want.length - 2);
    const back = await shown(page);
    expect(back.table).toEqual(want[want.length - 2].table);
    expect(back.changedCells).toEqual(want[want.length - 2].changedCells);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the seed story explains itself: the refused thread links to its check, the mismatch is drawn, struct pid on a click', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(site.url + encodeHash({ source: SEED, at: 4, core: 'wasm', allocator: 'pidmap', ns: 0, task: 'b' }));
    await waitReady(page);
    expect(await page.textContent('#step-label')).toContain('t = thread init → EINVAL');
    expect(await page.getAttribute('#step-label', 'aria-live')).toBe('polite');
    const why = page.locator('#steps li[aria-current] .why a');
    expect(await why.getAttribute('href')).toBe('#check-CLONE_THREAD_PIDNS');
    expect(await page.textContent('#check-CLONE_THREAD_PIDNS')).toContain('pid_for_children differs');
    expect(await page.getAttribute('#check-CLONE_THREAD_PIDNS', 'class')).toBe('fired');
    expect(await page.locator('#nsproxy-table tr.straddles').getAttribute('data-task')).toBe('init');
    expect(await page.locator('#nsproxy-svg .arrow.straddles').getAttribute('data-arrow')).toBe('init children 6');
    // alloc_pid of step 2 (b): deepest level first.
    await page.click('#steps li[data-step="2"] .step-btn');
    await page.waitForFunction(() => document.body.dataset.state === 'ready' && (document.getElementById('step') as HTMLInputElement).value === '2');
    expect(await page.$$eval('#walk ol.walk li', (ls) => ls.map((l) => l.textContent))).toEqual([
      'pidns#6 (level 1): search from the cursor 1 (never allocated: from 1) → took 1; cursor now 2; a namespace this step made: its first search, not read separately',
      'pidns#0 (level 0): search from the cursor 3 → took 3; cursor now 4; read 1 bitmap word in 1 page',
    ]);
    expect(await page.$$eval('#walk .reads[data-reads]', (ls) => ls.map((l) => l.getAttribute('data-reads')))).toEqual(['1/1']);
    // Step 5 (c = fork init, into b's namespace): what each level's search read sums to the step's counters.
    await page.click('#steps li[data-step="5"] .step-btn');
    await page.waitForFunction(() => document.body.dataset.state === 'ready' && (document.getElementById('step') as HTMLInputElement).value === '5');
    expect(await page.$$eval('#walk .reads[data-reads]', (ls) => ls.map((l) => l.getAttribute('data-reads')))).toEqual(['1/1', '1/1']);
    expect(await page.textContent('#work-table tbody tr:first-child [data-counter="words"]')).toBe('2');
    expect(await page.textContent('#work-table tbody tr:first-child [data-counter="touched"]')).toBe('2');
    await page.click('#steps li[data-step="2"] .step-btn');
    await page.waitForFunction(() => document.body.dataset.state === 'ready' && (document.getElementById('step') as HTMLInputElement).value === '2');
    // struct pid of b, from the URL's task: level 1, two numbers, the pid_2 cache.
    const sp = await page.textContent('#struct-pid');
    expect(sp).toContain('"pid_2" cache');
    expect(sp).toContain('numbers[1]nr 1ns = pidns#6');
    // Tables for screen readers: a caption and header cells with a scope.
    expect(await page.locator('#pid-table caption').count()).toBe(1);
    expect(await page.locator('#pid-table th[scope=col]').count()).toBe(4);
    expect(await page.locator('#pid-table th[scope=row]').count()).toBe(3);
    // Another namespace's allocator, chosen in the page; the window moves and zooms.
    await page.selectOption('#ns-choice', '6');
    await page.waitForFunction(() => document.body.dataset.state === 'ready' && (document.getElementById('alloc')?.textContent ?? '').startsWith('pidns#6'));
    expect(await page.textContent('#alloc-taken')).toBe('0–1');
    await page.click('#bits-next');
    await page.waitForFunction(() => document.getElementById('bits-range')?.textContent === 'numbers 256–511');
    expect(await page.getAttribute('#bitmap', 'data-bits')).toBe('');
    await page.selectOption('#bit-window', '32768');
    await page.waitForFunction(() => document.getElementById('bits-range')?.textContent === 'numbers 0–32767');
    expect(await page.getAttribute('#bitmap', 'width')).toBe('512');
    expect(await page.getAttribute('#bitmap', 'height')).toBe('256');
    // A click on another task shows its struct pid; the URL keeps the choice.
    await page.click('#pid-table tr[data-task=a] .task-btn');
    await page.waitForFunction(() => document.getElementById('struct-pid')?.textContent?.includes('struct pid of a') ?? false);
    await page.waitForFunction(() => document.body.dataset.url === 'saved');
    expect(await page.evaluate(() => location.hash)).toContain('task=a');
    await page.close();
  });

  it('the URL reproduces the view; a scenario error sits on its line; an ignored signal is said', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(site.url + encodeHash({ source: SEED, at: 0, core: 'ts', allocator: 'hbm', ns: 6, task: null }));
    await waitReady(page);
    for (let i = 0; i < 5; i++) await page.click('#next');
    await page.waitForFunction(() => document.body.dataset.state === 'ready' && (document.getElementById('step') as HTMLInputElement).value === '5');
    const before = await shown(page);
    await page.waitForFunction(() => document.body.dataset.url === 'saved');
    const hash = await page.evaluate(() => location.hash);
    expect(hash).toMatch(/at=5/);
    const other = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await other.goto(site.url + hash);
    await waitReady(other);
    expect(await other.textContent('#status')).toContain('TS twin core, hbm');
    expect(await shown(other)).toEqual(before);
    expect(await other.locator('#hbm-levels').count()).toBe(1);
    await other.close();

    // Play animates from the start; pause stops it.
    await page.click('#first');
    await page.waitForFunction(() => document.body.dataset.state === 'ready' && (document.getElementById('step') as HTMLInputElement).value === '0');
    await page.click('#play');
    expect(await page.getAttribute('#play', 'aria-pressed')).toBe('true');
    await page.waitForFunction(() => Number((document.getElementById('step') as HTMLInputElement).value) >= 2, null, { timeout: 20_000 });
    await page.click('#play');
    expect(await page.getAttribute('#play', 'aria-pressed')).toBe('false');
    await waitReady(page);
    const paused = await page.evaluate(() => (document.getElementById('step') as HTMLInputElement).value);
    await page.waitForTimeout(2000);
    expect(await page.evaluate(() => (document.getElementById('step') as HTMLInputElement).value)).toBe(paused);

    await page.fill('#src', 'a = fork init\nb = frok a\n');
    await page.click('#run');
    await page.waitForFunction(() => document.getElementById('error')?.textContent !== '');
    await waitReady(page);
    expect(await page.textContent('#error')).toMatch(/^line 2: /);
    expect(await page.getAttribute('#gutter .bad', 'data-line')).toBe('2');
    expect(await page.getAttribute('#src', 'aria-invalid')).toBe('true');

    await page.selectOption('#example', 'signals');
    await page.waitForFunction(() => document.body.dataset.state === 'ready' && (document.getElementById('step') as HTMLInputElement).value === '6');
    const notes = await page.$$eval('#steps .note', (ns) => ns.map((n) => n.textContent ?? ''));
    expect(notes.length).toBe(2);
    expect(notes[0]).toMatch(/^SIGKILL to a ignored: a is the init of its namespace/);
    expect(notes[1]).toMatch(/^SIGTERM to a ignored/);
    await page.close();
  });

  it('draws the other namespace types as arrows too, chosen by keyboard, at 360 px (each arrow as the kernel model says)', async () => {
    const source = 'a = fork init\nb = clone a NEWUTS|NEWNET\nc = clone b NEWPID|NEWIPC\nunshare a NEWNS|NEWCGROUP\n';
    const release = backends.find((b) => b.name === 'release');
    if (!release) throw new Error('the release WASM backend is not under test');
    const tl = await Timeline.create(source, () => variant(release, 'pidmap').make());
    expect(tl.error).toBeNull();
    const live = await tl.seek(tl.length);
    const types = ['mnt', 'uts', 'ipc', 'net', 'cgroup'] as const;
    const want = (type: (typeof types)[number]): string[] => live.session.definedNames().flatMap((name) => {
      const t = live.session.task(name) as Task | null | undefined;
      return t && t.nsproxy ? [`${name} ${type} ${t.nsproxy[type]}`] : [];
    }).sort();
    const page = await browser.newPage({ viewport: { width: 360, height: 800 } });
    await page.goto(site.url + encodeHash({ source, at: tl.length, core: 'wasm', allocator: 'pidmap', ns: 0, task: null }));
    await waitReady(page);
    const arrows = (): Promise<string[]> => page.$$eval('#nsproxy-svg [data-arrow]', (as) => as.map((a) => a.getAttribute('data-arrow') ?? '').sort());
    expect(await page.getAttribute('#nsproxy-svg', 'data-type')).toBe('pid');
    expect(await page.locator('#nstype-choice legend').textContent()).toBe('Arrows for the namespace type');
    // Keyboard: focus the checked radio, arrow keys walk the types in order.
    await page.locator('#nstype-choice input[value=pid]').focus();
    for (const type of types) {
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction((t) => document.getElementById('nsproxy-svg')?.dataset.type === t, type);
      const got = await arrows();
      expect(got, type).toEqual(want(type));
      // The arrows differ between tasks for every type this scenario unshared.
      expect(new Set(got.map((a) => a.split(' ')[2])).size, type).toBeGreaterThan(1);
      expect(await page.getAttribute('#nsproxy-svg', 'aria-label')).toContain(`→ ${type}#`);
      expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe(type);
    }
    // Fits 360 px: the page does not scroll sideways, the chooser wraps.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const box = await page.locator('#nstype-choice').boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(360);
    await page.close();
  });

  it('measures a step back and forth in a 10,000-statement scenario (the page\'s own timing, logged)', async () => {
    const lines: string[] = ['a = clone init NEWPID'];
    for (let i = 0; lines.length < 10_000; i++) lines.push(`p${i} = fork a`, `exit p${i} 0`, `wait a`);
    const source = lines.slice(0, 10_000).join('\n') + '\n';
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(site.url + encodeHash({ source, at: 10_000, core: 'wasm', allocator: 'pidmap', ns: 1, task: null }));
    await waitReady(page);
    await page.locator('#next').focus();
    const times: Record<string, number[]> = { back: [], forward: [] };
    const own: Record<string, string[]> = { back: [], forward: [] };
    for (const [key, dir] of [['back', 'ArrowLeft'], ['forward', 'ArrowRight']] as const) {
      for (let i = 0; i < 4; i++) {
        const want = key === 'back' ? 9_999 - i : 9_997 + i;
        const t0 = Date.now();
        await page.keyboard.press(dir);
        await page.waitForFunction((n) => document.body.dataset.state === 'ready' && (document.getElementById('step') as HTMLInputElement).value === String(n), want);
        times[key].push(Date.now() - t0);
        own[key].push(await page.evaluate(() => document.getElementById('status')?.dataset.ms ?? '?'));
      }
    }
    expect(await page.textContent('#step-label')).toContain('Step 10000 of 10000');
    // A jump back far outside the kept views: one replay from the start.
    await page.evaluate(() => {
      const s = document.getElementById('step') as HTMLInputElement;
      s.value = '5000';
      s.dispatchEvent(new Event('input'));
    });
    await page.waitForFunction(() => document.body.dataset.state === 'ready' && (document.getElementById('step') as HTMLInputElement).value === '5000');
    const jump = await page.evaluate(() => document.getElementById('status')?.dataset.ms ?? '?');
    console.log(`explorer page, 10,000 statements (WASM, pidmap): the page's own time per step (view + drawing): back ${own.back.join(', ')} ms, forward ${own.forward.join(', ')} ms; a jump back to step 5000 (a replay) ${jump} ms; key press to painted view as the test sees it: back ${times.back.join(', ')} ms, forward ${times.forward.join(', ')} ms`);
    expect(await page.textContent('#step-label')).toContain('Step 5000 of 10000');
    // The statement list shows a window around the step, not 10,000 items.
    expect(await page.locator('#steps li.step').count()).toBeLessThanOrEqual(201);
    expect(await page.getAttribute('#steps li[aria-current]', 'data-step')).toBe('5000');
    await page.close();
  });

  it('at 360 px wide nothing overflows horizontally, in every view and allocator', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
    for (const allocator of ['pidmap', 'idr', 'hbm'] as const) {
      // A new hash on the open page: the page follows it (hashchange).
      await page.goto(site.url + encodeHash({ source: TEARDOWN, at: 5, core: 'wasm', allocator, ns: 6, task: 'd' }));
      await page.waitForFunction((a) => document.body.dataset.state === 'ready' && (document.getElementById('status')?.textContent ?? '').includes(a), allocator);
      const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth, view: window.innerWidth }));
      expect(widths.doc, allocator).toBeLessThanOrEqual(widths.view);
      expect(widths.body, allocator).toBeLessThanOrEqual(widths.view);
      // Every element's right edge is inside the viewport (scroll containers clip their own content).
      const outside = await page.evaluate(() => [...document.querySelectorAll('body *')]
        .filter((el) => !el.closest('.scroll') && el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map((el) => `${el.tagName}#${el.id}.${el.className}`));
      expect(outside, allocator).toEqual([]);
    }
    await page.close();
  });
});

