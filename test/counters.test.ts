/**
 * The allocator's work counters are read by name (issue 8.4): readCounters
 * / PidnsKernel.counters give the stats block's slots as named fields on
 * both cores, and the tools that show them (pidns run --stats, the
 * playground) read them through that API, not through layout offsets.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countersSince, readCounters, type AllocatorCounters } from '../src/core/counters.js';
import { STAT_ALLOCS, STAT_FREES, STAT_PAGES_ALLOCATED, STAT_PAGES_TOUCHED, STAT_WORDS_SCANNED } from '../src/core/layout.js';
import { createTsCore } from '../src/core/ts/index.js';
import { createWasmCoreSync } from '../src/core/wasm-node.js';
import type { PidCore } from '../src/core/types.js';
import { PidnsKernel } from '../src/kernel/api.js';

const REPO = join(import.meta.dirname, '..');

for (const [name, make] of [['ts', () => createTsCore()], ['wasm', () => createWasmCoreSync()]] as [string, () => PidCore][]) {
  describe(`counters by name (${name} core)`, () => {
    it('name the stats block\'s slots and move with the work', () => {
      const k = new PidnsKernel(make());
      const before = k.counters();
      const a = k.unwrap(k.fork(k.init));
      k.unwrap(k.exit(a, 0));
      k.unwrap(k.wait(k.init));
      const now = readCounters(k.core);
      const f = k.core.f64();
      const at = k.core.statsPtr >> 3;
      expect(now).toEqual({
        wordsScanned: f[at + STAT_WORDS_SCANNED],
        pagesTouched: f[at + STAT_PAGES_TOUCHED],
        pagesAllocated: f[at + STAT_PAGES_ALLOCATED],
        allocs: f[at + STAT_ALLOCS],
        frees: f[at + STAT_FREES],
        batchError: 0,
      });
      const d = countersSince(before, now);
      expect(d.allocs).toBe(1);
      expect(d.frees).toBe(1);
      expect(d.wordsScanned).toBeGreaterThan(0);
      // filling an object you keep: the same values, no new object
      const mine: AllocatorCounters = { wordsScanned: -1, pagesTouched: -1, pagesAllocated: -1, allocs: -1, frees: -1, batchError: -1 };
      expect(readCounters(k.core, mine)).toBe(mine);
      expect(mine).toEqual(now);
    });
  });
}

describe('the tools read the counters by name', () => {
  it('pidns run --stats and the playground use no stats-block offsets', () => {
    for (const file of ['src/cli/run.ts', 'web/playground.html']) {
      const text = readFileSync(join(REPO, file), 'utf8');
      expect(text, file).not.toMatch(/statsPtr|STAT_[A-Z]/);
      expect(text, file).toMatch(/readCounters/);
    }
  });
});
