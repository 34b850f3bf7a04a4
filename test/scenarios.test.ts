/**
 * Conformance: every scenario under test/scenarios/** (recorded on Linux 6.18
 * with the oracle) runs through the CLI on both cores and must print its
 * .expected transcript byte for byte. A scenario with NAME.exit ("STATUS
 * LINE") must stop with that exit status and report `FILE:LINE: message` on
 * stderr after printing exactly the lines of .expected. Every scenario also
 * runs with the idr and hbm allocators (same numbers by design) and with
 * --trace (which only watches).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const ROOT = join(import.meta.dirname, 'scenarios');

function findScenarios(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...findScenarios(p));
    else if (e.endsWith('.pidns')) out.push(p);
  }
  return out;
}

const scenarios = findScenarios(ROOT);

describe('scenario corpus', () => {
  it('has the 46 public scenarios (1–38 of version 1, 40–90 of version 2) and more', () => {
    expect(scenarios.filter((s) => s.includes(`${join('scenarios', 'shared')}`)).length).toBe(46);
    expect(scenarios.length).toBeGreaterThan(46);
  });
});

for (const core of ['ts', 'wasm'] as const) {
  describe(`scenarios on the ${core} core`, () => {
    for (const file of scenarios) {
      const name = relative(ROOT, file);
      it(name, async () => {
        const base = file.slice(0, -'.pidns'.length);
        const expected = readFileSync(`${base}.expected`, 'utf8');
        const r = await runCli(['run', file, '--core', core]);
        expect(r.out).toBe(expected);
        if (existsSync(`${base}.exit`)) {
          const [status, line] = readFileSync(`${base}.exit`, 'utf8').trim().split(/\s+/);
          expect(r.code).toBe(Number(status));
          const lines = r.err.split('\n').filter((l) => l.length > 0);
          expect(lines.length).toBe(1);
          expect(lines[0].startsWith(`${file}:${line}: `)).toBe(true);
        } else {
          expect(r.err).toBe('');
          expect(r.code).toBe(0);
        }
      });
    }
  });
}

describe('scenarios with the other allocators', () => {
  // Every allocator is held to the same numbering: the kernel's transcripts must come out of each.
  for (const [allocator, core] of [['idr', 'wasm'], ['hbm', 'ts']] as const) {
    it(`every scenario prints the kernel's transcript with --allocator ${allocator} (${core} core)`, async () => {
      for (const file of scenarios) {
        const base = file.slice(0, -'.pidns'.length);
        const r = await runCli(['run', file, '--core', core, '--allocator', allocator]);
        expect(r.out, file).toBe(readFileSync(`${base}.expected`, 'utf8'));
        expect(r.code, file).toBe(existsSync(`${base}.exit`) ? Number(readFileSync(`${base}.exit`, 'utf8').trim().split(/\s+/)[0]) : 0);
      }
    });
  }
});

describe('scenarios traced', () => {
  // --trace only watches: every transcript is the same, and every trace line is well-formed.
  it('every scenario prints the same transcript with --trace (ts core)', async () => {
    let traced = 0;
    for (const file of scenarios) {
      const base = file.slice(0, -'.pidns'.length);
      const r = await runCli(['run', file, '--core', 'ts', '--trace']);
      expect(r.out, file).toBe(readFileSync(`${base}.expected`, 'utf8'));
      const lines = r.err.split('\n').filter((l) => l.length > 0);
      const trace = lines.filter((l) => l.startsWith(`${file}:`) && l.includes(': trace: '));
      // Besides trace lines only a scenario error's one line.
      expect(lines.length - trace.length, file).toBe(existsSync(`${base}.exit`) ? 1 : 0);
      for (const l of trace) expect(l.slice(l.indexOf(': trace: ')), file).not.toMatch(/\?|undefined|NaN/);
      traced += trace.length;
    }
    expect(traced).toBeGreaterThan(scenarios.length);
  });
});
