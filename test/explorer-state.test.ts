/**
 * The explorer's state extraction (src/explorer/): scenario + step → tables,
 * bitmaps, nsproxy, trace, as plain data. Checked step by step against the
 * core's own answers (pid_nr_ns, alloc_busy, ns_last_pid, its work counters)
 * on every core × allocator, for the seed story and a teardown scenario, plus
 * the exact contents at the steps the story is about.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { coreVariants, type CoreVariant } from './helpers/cores.js';
import { readCounters } from '../src/core/counters.js';
import { Timeline } from '../src/explorer/timeline.js';
import { BACK_WINDOW, viewAt, type ExplorerView } from '../src/explorer/view.js';
import { busyReader, rangeNumbers } from '../src/explorer/allocator-view.js';
import { WHY } from '../src/kernel/why.js';
import { TASK_RUNNING } from '../src/kernel/objects.js';
import { getpgid } from '../src/kernel/pgrp.js';
import type { AllocatorProbe, PidCore } from '../src/core/types.js';
import { EXAMPLES } from '../src/explorer/examples.js';
import { decodeHash, encodeHash } from '../src/explorer/url.js';

const SHARED = path.join(import.meta.dirname, 'scenarios/shared');
const SEED = readFileSync(path.join(SHARED, '04-seed-story.pidns'), 'utf8');
const TEARDOWN = readFileSync(path.join(SHARED, '18-ns-init-exit.pidns'), 'utf8');
const SESSIONS = readFileSync(path.join(SHARED, '44-container-init-nested.pidns'), 'utf8');
const WRAP = readFileSync(path.join(SHARED, '13-wrap-child-ns.pidns'), 'utf8');
const SET_TID = readFileSync(path.join(SHARED, '16-clone3-set-tid.pidns'), 'utf8');

/** Every view of every step equals what the core itself says. */
async function checkAgainstCore(v: CoreVariant, source: string, nsIds: number[]): Promise<void> {
  const tl = await Timeline.create(source, () => v.make());
  expect(tl.error).toBeNull();
  for (const ns of nsIds) {
    for (let at = 0; at <= tl.length; at++) {
      const view = await viewAt(tl, at, { ns, task: 'b' });
      const live = await tl.seek(at);
      const k = live.kernel;
      const core = k.core as PidCore & AllocatorProbe;
      const nss = k.namespaces();
      expect(view.snapshot.namespaces.map((n) => n.id)).toEqual(nss.map((n) => n.serial));
      for (const row of view.snapshot.tasks) {
        const t = live.session.task(row.name);
        if (!t) throw new Error(`no task ${row.name}`);
        if (t.state === TASK_RUNNING) {
          expect(row.pgid, `${v.name} step ${at} ${row.name} pgid`).toBe(getpgid(k, t, 0, false));
          expect(row.sid, `${v.name} step ${at} ${row.name} sid`).toBe(getpgid(k, t, 0, true));
        }
        nss.forEach((n, i) => {
          const nr = core.pid_nr_ns(t.pid, n.handle);
          expect(row.numbers[i], `${v.name} step ${at} ${row.name} in pidns#${n.serial}`).toBe(nr === 0 ? null : nr);
        });
      }
      const target = nss.find((n) => n.serial === ns);
      if (!target) {
        expect(view.allocator).toBeNull();
        continue;
      }
      const a = view.allocator;
      if (!a) throw new Error('no allocator view');
      expect(a.lastPid).toBe(core.ns_last_pid(target.handle));
      expect(a.cursor - 1).toBe(core.ns_last_pid(target.handle));
      const taken = new Set(rangeNumbers(a.taken));
      for (let nr = 0; nr < 200; nr++) expect(taken.has(nr), `${v.name} step ${at} nr ${nr}`).toBe(core.alloc_busy(target.handle, nr));
      expect(view.counters).toEqual(readCounters(core));
    }
  }
}

describe.each(coreVariants)('explorer state on $name', (v) => {
  it('seed story: every step equals the core (root and the child namespace)', async () => {
    await checkAgainstCore(v, SEED, [0, 6]);
  });
  it('teardown (18-ns-init-exit): every step equals the core', async () => {
    await checkAgainstCore(v, TEARDOWN, [0, 6]);
  });
  it('sessions in nested namespaces (44-container-init-nested): every step equals the core, pgid/sid included', async () => {
    await checkAgainstCore(v, SESSIONS, [0]);
  });
  it('alloc_pid per level: what each level read sums to the step\'s counters (seed, wraps, set_tid)', async () => {
    for (const source of [SEED, WRAP, SET_TID]) {
      const tl = await Timeline.create(source, () => v.make());
      let levelsRead = 0;
      let wraps = 0;
      for (let at = 1; at <= tl.length; at++) {
        const view = await viewAt(tl, at);
        if (view.allocs.length !== 1 || view.step?.errno) continue;
        const levels = view.allocs[0].levels;
        // A namespace the step made had no state before it: no reading, and no sum to check.
        if (levels.some((l) => l.newNs)) {
          for (const l of levels) if (l.newNs) expect(l.reads).toBeNull();
          continue;
        }
        let words = 0;
        let touched = 0;
        for (const l of levels) {
          if (l.how === 'set_tid') {
            expect(l.reads).toBeNull();
            continue;
          }
          if (!l.reads) throw new Error(`${v.name} step ${at} level ${l.level}: no reads`);
          expect(l.reads.found).toBe(l.took);
          words += l.reads.words;
          touched += l.reads.touched;
          levelsRead++;
          if (l.reads.wrapped) wraps++;
        }
        expect(words, `${v.name} step ${at} words`).toBe(view.step?.work.wordsScanned);
        expect(touched, `${v.name} step ${at} touched`).toBe(view.step?.work.pagesTouched);
        expect(view.counters).toEqual(readCounters((await tl.seek(at)).kernel.core));
      }
      expect(levelsRead, `${v.name}: levels read`).toBeGreaterThan(0);
      if (source === WRAP) expect(wraps).toBeGreaterThan(0);
    }
  });
});

const TS = coreVariants.find((v) => v.name === 'ts/pidmap') ?? coreVariants[0];

function numbersOf(view: ExplorerView): Record<string, (number | null)[]> {
  return Object.fromEntries(view.snapshot.tasks.map((t) => [t.name, t.numbers]));
}

describe('explorer state: the seed story, step by step', () => {
  it('shows the struct pid table, nsproxy arrows, the failure and what changed', async () => {
    const tl = await Timeline.create(SEED, () => TS.make());
    expect(tl.length).toBe(9);
    expect(tl.steps.map((s) => s.line)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12]);

    const v2 = await viewAt(tl, 2, { ns: 6, task: 'b' });
    expect(v2.snapshot.namespaces.map((n) => [n.id, n.level, n.init, n.reaper])).toEqual([[0, 0, 'init', 'init'], [6, 1, 'b', 'b']]);
    expect(numbersOf(v2)).toEqual({ init: [1, null], a: [2, null], b: [3, 1] });
    expect(v2.changes.newTasks).toEqual(['b']);
    expect(v2.changes.newNamespaces).toEqual([6]);
    expect(v2.changes.cells).toEqual(['b:0', 'b:6']);
    expect(v2.changes.bitsTaken).toEqual([0, 1]); // a new namespace: its page and pid 0 appear too
    expect(v2.allocator?.taken).toEqual([[0, 1]]);
    expect(v2.allocator?.cursor).toBe(2);
    expect(v2.structPid).toMatchObject({ level: 1, size: 32, cache: 'pid_2', numbers: [{ level: 0, nr: 3, ns: 0 }, { level: 1, nr: 1, ns: 6 }] });
    expect(v2.snapshot.tasks.find((t) => t.name === 'b')?.initOf).toEqual([6]);
    expect(v2.step?.trace.map((e) => e.text)).toEqual(['pidns#6 (level 1) created by a; its first process will be its init', 'b created: NSpid 3 1, parent a']);

    const v3 = await viewAt(tl, 3);
    const init3 = v3.snapshot.tasks.find((t) => t.name === 'init');
    expect(init3?.pidns).toBe(0);
    expect(init3?.nsproxy?.pidForChildren).toBe(6);
    expect(init3?.straddles).toBe(true);
    expect(v3.changes.nsproxy).toEqual(['init']);
    expect(v3.changes.cells).toEqual([]);

    const v4 = await viewAt(tl, 4);
    expect(v4.step?.errno).toBe('EINVAL');
    expect(v4.step?.why).toBe(WHY.CLONE_THREAD_PIDNS);
    expect(v4.changes.newTasks).toEqual([]);
    expect(v4.step?.work.allocs).toBe(0);

    const v5 = await viewAt(tl, 5, { ns: 0 });
    expect(numbersOf(v5).c).toEqual([4, 2]);
    expect(v5.changes.bitsTaken).toEqual([4]);
    expect(v5.step?.work.allocs).toBe(1);

    const v7 = await viewAt(tl, 7);
    expect(v7.snapshot.tasks.find((t) => t.name === 'init')?.straddles).toBe(false);
    expect(v7.changes.nsproxy).toEqual(['init']);

    // Back in time: a replay from a fresh kernel gives the same views.
    const again = await viewAt(tl, 2, { ns: 6, task: 'b' });
    expect(again).toEqual(v2);
    expect(tl.kernelsMade).toBeGreaterThan(1);
  });

  it('teardown: the zap is seen, the namespace dies, its numbers go back', async () => {
    const tl = await Timeline.create(TEARDOWN, () => TS.make());
    const before = await viewAt(tl, 5, { ns: 6 });
    expect(numbersOf(before)).toEqual({
      init: [1, null, null], a: [2, 1, null], b: [3, 2, null], c: [4, 3, null], d: [5, 4, 1], t: [6, 5, null],
    });
    const exit = await viewAt(tl, 6, { ns: 0 });
    expect(exit.step?.text).toBe('exit a 3');
    expect(exit.step?.trace.map((e) => e.event)).toContain('zap');
    expect(exit.snapshot.tasks.map((t) => [t.name, t.state])).toEqual([['init', 'running'], ['a', 'zombie']]);
    expect(exit.changes.goneTasks).toEqual(['b', 'c', 'd', 't']);
    expect(exit.changes.stateChanged).toEqual(['a']);
    expect(exit.changes.bitsFreed.sort((x, y) => x - y)).toEqual([3, 4, 5, 6]);
    expect(exit.snapshot.namespaces.find((n) => n.id === 6)?.alive).toBe(false);
    const reaped = await viewAt(tl, 9, { ns: 6 });
    expect(reaped.step?.text).toBe('wait init');
    expect(reaped.snapshot.namespaces.map((n) => n.id)).toEqual([0]);
    expect(reaped.allocator).toBeNull();
    expect(reaped.changes.goneNamespaces).toEqual([6]);
  });

  it('says when a namespace init ignores a signal', async () => {
    const tl = await Timeline.create('a = clone init NEWPID\nb = fork a\nkill b 1 9\nkill init 2 9\n', () => TS.make());
    expect(tl.steps[2].result).toBe('ok');
    expect(tl.steps[2].notes.join(' ')).toMatch(/SIGKILL to a ignored: a is the init of its namespace/);
    // From the parent namespace SIGKILL is delivered: no note, a signal event.
    expect(tl.steps[3].notes).toEqual([]);
    expect(tl.steps[3].trace.map((e) => e.event)).toContain('signal');
  });

  it('stops at a scenario error with its line', async () => {
    const tl = await Timeline.create('a = fork init\nb = frok a\nc = fork a\n', () => TS.make());
    expect(tl.length).toBe(1);
    expect(tl.error?.line).toBe(2);
  });

  it('measures the cost of a step back and forth in a 10,000-statement scenario', async () => {
    const lines: string[] = ['a = clone init NEWPID'];
    for (let i = 0; lines.length < 10_000; i++) lines.push(`p${i} = fork a`, `exit p${i} 0`, `wait a`);
    const src = lines.slice(0, 10_000).join('\n') + '\n';
    for (const v of coreVariants.filter((c) => c.backend === 'ts' || c.backend === 'release-simd')) {
      const tl = await Timeline.create(src, () => v.make());
      expect(tl.length).toBe(10_000);
      // The live kernel is at the end after the first run; the view of the last step needs the
      // state before it: the first view replays from the start, and keeps the views of the
      // BACK_WINDOW steps before it on the way, so the next steps back run no statement at all.
      const t0 = performance.now();
      const ran0 = tl.statementsRun;
      await viewAt(tl, 10_000);
      const atEnd = performance.now() - t0;
      expect(tl.statementsRun - ran0).toBe(10_000);
      const backMs: number[] = [];
      const backRan: number[] = [];
      for (let i = 1; i <= BACK_WINDOW; i++) {
        const ran = tl.statementsRun;
        const t = performance.now();
        const v = await viewAt(tl, 10_000 - i);
        backMs.push(performance.now() - t);
        backRan.push(tl.statementsRun - ran);
        expect(v.at).toBe(10_000 - i);
      }
      expect(backRan).toEqual(new Array(BACK_WINDOW).fill(0));
      // One more step back leaves the window: one replay, which keeps the next window.
      const ran1 = tl.statementsRun;
      const t1 = performance.now();
      await viewAt(tl, 10_000 - BACK_WINDOW - 1);
      const replayMs = performance.now() - t1;
      expect(tl.statementsRun - ran1).toBe(10_000 - BACK_WINDOW - 1);
      const fwdMs: number[] = [];
      for (let i = BACK_WINDOW; i >= 0; i--) {
        const t = performance.now();
        await viewAt(tl, 10_000 - i);
        fwdMs.push(performance.now() - t);
      }
      const mean = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(2);
      console.log(`explorer ${v.name}: 10,000 statements; view at the end (replay of 10,000 statements, ${BACK_WINDOW} views kept) ${atEnd.toFixed(1)} ms; ${BACK_WINDOW} steps back mean ${mean(backMs)} ms, max ${Math.max(...backMs).toFixed(2)} ms (no replay); the step back out of the window (a replay) ${replayMs.toFixed(1)} ms; steps forward mean ${mean(fwdMs)} ms, max ${Math.max(...fwdMs).toFixed(2)} ms; worst step ${Math.max(...backMs, ...fwdMs, replayMs).toFixed(1)} ms`);
    }
  });
});

describe('explorer examples and URL', () => {
  it('the built-in examples are the recorded playground scenarios (and run to their end)', async () => {
    const dir = path.join(import.meta.dirname, 'scenarios/playground');
    const files = readdirSync(dir).filter((f) => f.endsWith('.pidns')).sort();
    const recorded = EXAMPLES.map((e) => e.source);
    expect(recorded).toEqual(files.map((f) => readFileSync(path.join(dir, f), 'utf8')));
    for (const ex of EXAMPLES) {
      const tl = await Timeline.create(ex.source, () => TS.make());
      expect(tl.error, ex.id).toBeNull();
      expect(tl.length, ex.id).toBeGreaterThan(3);
    }
  });

  it('a link carries the scenario and the step; a malformed one gives the defaults', () => {
    const st = { source: 'a = fork init # é\n', at: 3, core: 'ts' as const, allocator: 'idr' as const, ns: 6, task: 'b' };
    expect(decodeHash(encodeHash(st))).toEqual(st);
    expect(decodeHash('#s=%%%&at=-1&core=x&alloc=zz&ns=1e9&task=1bad')).toEqual({ source: null, at: null, core: null, allocator: null, ns: null, task: null });
    expect(decodeHash('')).toEqual({ source: null, at: null, core: null, allocator: null, ns: null, task: null });
  });
});

describe('explorer: alloc_pid of a step, deepest level first', () => {
  it('shows each level\'s search start and number, set_tid, and the undo of a failed alloc_pid', async () => {
    const seed = await Timeline.create(SEED, () => TS.make());
    const v2 = await viewAt(seed, 2);
    expect(v2.allocs).toEqual([{ task: 'b', levels: [
      { level: 1, ns: 6, cursorBefore: 0, took: 1, cursorAfter: 2, how: 'search', reads: null, newNs: true },
      { level: 0, ns: 0, cursorBefore: 3, took: 3, cursorAfter: 4, how: 'search', newNs: false,
        reads: { words: 1, touched: 1, found: 3, wrapped: false } },
    ] }]);
    // c = fork init into b's namespace (step 5): both levels searched state that existed before; pidmap reads one word of one page each.
    const v3 = await viewAt(seed, 5);
    expect(v3.allocs[0].levels.map((l) => [l.ns, l.took, l.reads])).toEqual([
      [6, 2, { words: 1, touched: 1, found: 2, wrapped: false }],
      [0, 4, { words: 1, touched: 1, found: 4, wrapped: false }],
    ]);
    const setTid = await Timeline.create(EXAMPLES[3].source, () => TS.make());
    const m = await viewAt(setTid, 2);
    expect(m.step?.text).toBe('m = clone3 n 0 set_tid=100,50');
    expect(m.allocs[0].levels.map((l) => [l.ns, l.took, l.how])).toEqual([[6, 100, 'set_tid'], [0, 50, 'set_tid']]);
    const dead = await Timeline.create('a = clone init NEWPID\nsetns init a pid\nexit a 0\nx = fork init\n', () => TS.make());
    const x = await viewAt(dead, 4);
    expect(x.step?.errno).toBe('ENOMEM');
    expect(x.allocs).toEqual([]);
    expect(x.changes.bitsTaken).toEqual([]);
    expect(x.undone).toEqual([{ ns: 6, level: 1, from: 2, to: 3 }, { ns: 0, level: 0, from: 3, to: 4 }]);
  });
});

describe.each(coreVariants)('explorer allocator reading far into the space on $name', (v) => {
  it('pages beyond the first, high numbers and a tall IDR read as the core says', async () => {
    const src = 'lastpid init 40000\na = fork init\nlastpid init 4000000\nb = fork init\nc = fork init\nexit a 0\nwait init\n';
    const tl = await Timeline.create(src, () => v.make());
    expect(tl.steps.map((s) => s.result)).toEqual(['ok', '40001', 'ok', '4000001', '4000002', 'ok', '40001 exited 0']);
    for (let at = 0; at <= tl.length; at++) {
      const view = await viewAt(tl, at);
      const live = await tl.seek(at);
      const core = live.kernel.core as PidCore & AllocatorProbe;
      const h = live.kernel.rootNs.handle;
      const a = view.allocator;
      if (!a) throw new Error('no allocator');
      const taken = new Set(rangeNumbers(a.taken));
      for (const base of [0, 32768, 40000, 3999990, 4194300]) {
        for (let nr = base; nr < Math.min(base + 20, 4194304); nr++) expect(taken.has(nr), `${v.name} step ${at} nr ${nr}`).toBe(core.alloc_busy(h, nr));
      }
      const busy = busyReader(core, h);
      for (const nr of [0, 1, 40001, 4000001, 4000002, 4000003]) expect(busy(nr)).toBe(core.alloc_busy(h, nr));
    }
    const end = await viewAt(tl, tl.length);
    expect(end.allocator?.taken).toEqual([v.allocator === 'idr' ? [1, 1] : [0, 1], [4000001, 4000002]]); // the IDR never holds 0
    if (v.allocator === 'idr') expect(end.allocator?.idr?.shift).toBe(18);
    else expect(end.allocator?.pages.filter((p) => p.present).map((p) => p.index)).toEqual([0, 1, 122]);
  });
});
