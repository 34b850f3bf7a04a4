/**
 * Fork storms (src/storm, `pidns storm`): every workload is deterministic
 * and gives the same numbers on both cores; wide's numbers are checked
 * against a count done by hand (cyclic allocation at every level); the JSON
 * document has the promised shape; the SVG is well-formed with one bar per
 * run; bad options exit 1 with a message and no stack trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from './helpers/cli.js';
import { parseStormArgs, stormSpecs } from '../src/cli/storm.js';
import { stormChart } from '../src/storm/chart.js';
import { mergeRepeats } from '../src/storm/runner.js';
import { partOf, splitProfile } from '../src/storm/profile.js';
import { formatTable, stormContext } from '../src/storm/report.js';
import { Kernel } from '../src/kernel/kernel.js';
import { ALLOCATOR_NAMES, makeStormCore, runSpec, type RunRecord, type RunSpec } from '../src/storm/spec.js';
import { WORKLOADS, WORKLOAD_NAMES, type StormResult } from '../src/storm/workloads.js';

const REPO = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'pidns-storm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Everything of a record but the timing and the memory. */
function numbers(r: RunRecord): Partial<RunRecord> {
  const { seconds, opsPerSec, nsPerOp, cpuSeconds, opsPerCpuSec, peakRssBytes, build, core, name, ...rest } = r;
  void seconds, opsPerSec, nsPerOp, cpuSeconds, opsPerCpuSec, peakRssBytes, build, core, name;
  return rest;
}

const SMALL: Record<string, Partial<RunSpec>> = {
  wide: { tasks: 3000, depth: 4 },
  'wide-live': { tasks: 3000, depth: 4 },
  deep: { tasks: 2000, depth: 8 },
  churn: { tasks: 3000, depth: 4, fill: 0.95 },
  tree: { tasks: 6000, depth: 4 },
};

function spec(workload: RunSpec['workload'], core: RunSpec['core'], extra: Partial<RunSpec> = {}): RunSpec {
  const d = WORKLOADS[workload].defaults;
  return { workload, core, allocator: ALLOCATOR_NAMES[0], depth: d.depth, tasks: d.tasks, fill: d.fill, seed: 7, warmup: 0, ...SMALL[workload], ...extra };
}

/** The checksum wide computes, redone by hand: FNV-style mix of each child's NSpid and of each wait's result. */
function wideChecksum(depth: number, n: number): number {
  let h = 0x811c9dc5;
  const mix = (v: number): void => {
    h = Math.imul(h ^ (v | 0), 16777619) >>> 0;
  };
  // The chain: the init of level L has number L + 2 - j at level j (root init is 1 at level 0).
  for (let L = 1; L <= depth; L++) for (let j = 0; j <= L; j++) mix(L + 1 - j);
  // Child i: number depth + 2 + i at level 0, one less per level down; init reaps it as (i + 2).
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= depth; j++) mix(depth + 2 + i - j);
    mix((i + 2) ^ ((i & 0xff) << 8));
  }
  return h;
}

describe('storm workloads', () => {
  for (const w of WORKLOAD_NAMES) {
    it(`${w}: same numbers on the WASM and TS cores, and again with the same seed`, () => {
      const a = runSpec(spec(w, 'wasm'));
      const b = runSpec(spec(w, 'ts'));
      const c = runSpec(spec(w, 'ts'));
      expect(numbers(a)).toEqual(numbers(b));
      expect(numbers(c)).toEqual(numbers(b));
      expect(a.ops).toBeGreaterThanOrEqual(SMALL[w].tasks as number);
      expect(a.allocs).toBeGreaterThan(0);
      expect(a.wordsScannedPerAlloc.mean).toBeGreaterThan(0);
    });
  }

  it('every workload gives the same results with task recycling (what runSpec uses) as without', () => {
    for (const w of WORKLOAD_NAMES) {
      const s = spec(w, 'ts');
      const params = { tasks: s.tasks, depth: s.depth, fill: s.fill, seed: s.seed };
      const strip = ({ seconds, cpuSeconds, ...rest }: StormResult): Partial<StormResult> => (void seconds, void cpuSeconds, rest);
      const plain = WORKLOADS[w].run(new Kernel(makeStormCore('ts', 'pidmap')), params);
      const recycled = WORKLOADS[w].run(new Kernel(makeStormCore('ts', 'pidmap'), { recycle: true }), params);
      expect(strip(recycled), w).toEqual(strip(plain));
    }
  });

  for (const allocator of ALLOCATOR_NAMES) {
    it(`allocator ${allocator}: every workload agrees between the cores and hands out the same numbers as pidmap`, () => {
      for (const w of WORKLOAD_NAMES) {
        const small = { allocator, tasks: 1500, ...(w === 'deep' ? { depth: 6 } : {}) };
        const a = runSpec(spec(w, 'wasm', small));
        const b = runSpec(spec(w, 'ts', small));
        expect(numbers(a), w).toEqual(numbers(b));
        const ref = runSpec(spec(w, 'ts', { ...small, allocator: 'pidmap' }));
        // Every allocator hands out the same numbers (only its work differs).
        expect(a.checksum, w).toBe(ref.checksum);
        expect([a.processes, a.threads, a.namespaces, a.maxLive, a.allocs], w).toEqual([ref.processes, ref.threads, ref.namespaces, ref.maxLive, ref.allocs]);
        expect(a.wordsScannedPerAlloc.mean, w).toBeGreaterThan(0);
      }
    });
  }

  it('wide: NSpid numbers and wait results as counted by hand, one word scanned per level', () => {
    const r = runSpec(spec('wide', 'wasm', { tasks: 1000, depth: 4 }));
    expect(r.checksum).toBe(wideChecksum(4, 1000));
    expect(r.processes).toBe(1004);
    expect(r.namespaces).toBe(4);
    expect(r.allocs).toBe(1004);
    expect(r.maxLive).toBe(6);
    expect(r.wordsScannedPerAlloc.max).toBe(5);
    const d = runSpec(spec('deep', 'ts', { tasks: 500, depth: 12 }));
    expect(d.checksum).toBe(wideChecksum(12, 500));
    expect(d.wordsScannedPerAlloc.max).toBe(13);
  });

  it('wide-live keeps every child alive at once', () => {
    const r = runSpec(spec('wide-live', 'ts', { tasks: 2000 }));
    expect(r.maxLive).toBe(2000 + 5);
    expect(r.processes).toBe(2004);
  });

  it('deep reaches the deepest level the kernel allows (32)', () => {
    const r = runSpec(spec('deep', 'wasm', { tasks: 100, depth: 32 }));
    expect(r.namespaces).toBe(32);
    expect(r.wordsScannedPerAlloc.max).toBe(33);
  });

  it('churn: occupancy makes the allocator scan; the seed picks the victims', () => {
    const lo = runSpec(spec('churn', 'wasm', { fill: 0.9 }));
    const hi = runSpec(spec('churn', 'wasm', { fill: 0.999 }));
    // The fill phase forks round(fill * 32768) - 1 children.
    expect(hi.processes - hi.ops - 4).toBe(Math.round(0.999 * 32768) - 1);
    // Live: the namespace's tasks (init included), the 4 inits above, and the newborn before its step's reap.
    expect(hi.maxLive).toBe(Math.round(0.999 * 32768) + 5);
    expect(hi.wordsScannedPerAlloc.mean).toBeGreaterThan(lo.wordsScannedPerAlloc.mean);
    expect(hi.wordsScannedPerAlloc.max).toBeGreaterThan(5);
    const other = runSpec(spec('churn', 'wasm', { fill: 0.999, seed: 8 }));
    expect(other.checksum).not.toBe(hi.checksum);
    // In the root namespace too (pid_max is per namespace: init writes its own).
    const root = runSpec(spec('churn', 'wasm', { depth: 0, tasks: 1000, fill: 0.9 }));
    expect(numbers(root)).toEqual(numbers(runSpec(spec('churn', 'ts', { depth: 0, tasks: 1000, fill: 0.9 }))));
    expect(root.maxLive).toBe(Math.round(0.9 * 32768) + 1);
  });

  it('tree: creates namespaces every way, threads, and fails some calls', () => {
    const r = runSpec(spec('tree', 'wasm', { tasks: 20000 }));
    expect(r.namespaces).toBeGreaterThan(10);
    expect(r.threads).toBeGreaterThan(10);
    expect(r.failures).toBeGreaterThan(0);
    expect(r.processes).toBeGreaterThan(1000);
    const other = runSpec(spec('tree', 'wasm', { tasks: 20000, seed: 99 }));
    expect(other.checksum).not.toBe(r.checksum);
  });

  it('WorkloadDef results carry every counter', () => {
    const keys: (keyof StormResult)[] = ['ops', 'seconds', 'cpuSeconds', 'processes', 'threads', 'namespaces', 'failures', 'maxLive', 'checksum', 'allocs', 'wordsScanned'];
    const r = runSpec(spec('wide', 'ts', { tasks: 10 }));
    expect(r.ops).toBe(10);
    expect(keys.length).toBe(11);
    expect(r.cpuSeconds).toBeGreaterThanOrEqual(0);
  });
});

/** A strict-enough XML well-formedness check: balanced tags, quoted attributes, escaped text. */
function checkXml(text: string): { root: string; elements: { name: string; attrs: Record<string, string> }[] } {
  const re = /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*"[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  const stack: string[] = [];
  const elements: { name: string; attrs: Record<string, string> }[] = [];
  let root = '';
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (m[6]) throw new Error(`stray '<' at ${m.index}: ${text.slice(m.index, m.index + 40)}`);
    if (m[5] !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(m[5])) throw new Error(`bad entity in text: ${m[5]}`);
      if (stack.length === 0 && m[5].trim()) throw new Error('text outside the root element');
      continue;
    }
    if (!m[2]) continue; // declaration or comment
    const [, close, name, attrText, self] = m;
    if (close) {
      if (stack.pop() !== name) throw new Error(`mismatched </${name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText.matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*"([^"]*)"/g)) {
      if (a[1] in attrs) throw new Error(`duplicate attribute ${a[1]}`);
      attrs[a[1]] = a[2];
    }
    if (stack.length === 0) {
      if (root) throw new Error('two root elements');
      root = name;
    }
    elements.push({ name, attrs });
    if (!self) stack.push(name);
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
  return { root, elements };
}

function fakeRun(workload: RunRecord['workload'], core: RunRecord['core'], opsPerSec: number): RunRecord {
  return {
    name: `storm/${core}/pidmap/${workload}/depth=4`, workload, core, build: core === 'ts' ? 'ts' : 'release', allocator: 'pidmap',
    depth: 4, tasks: 1000, seed: 1, opUnit: 'fork+exit+wait', ops: 1000, seconds: 1000 / opsPerSec, opsPerSec, nsPerOp: 1e9 / opsPerSec, cpuSeconds: 1000 / opsPerSec, opsPerCpuSec: opsPerSec,
    wordsScannedPerAlloc: { mean: 5, max: 5 }, peakRssBytes: 1 << 26, processes: 1004, threads: 0, namespaces: 4, failures: 0,
    maxLive: 6, allocs: 1004, checksum: 1,
  };
}

describe('where the time goes (profile.ts)', () => {
  it('puts each frame in its part and counts samples, leaving out the profiler itself', () => {
    expect(partOf({ functionName: '(garbage collector)', url: '' })).toBe('gc');
    expect(partOf({ functionName: 'wasm-function[8]', url: 'wasm://wasm/1f9e44be' })).toBe('core');
    expect(partOf({ functionName: 'js-to-wasm:ii:i', url: '' })).toBe('core');
    expect(partOf({ functionName: 'pidmap_search', url: 'file:///x/dist/core/ts/pidmap.js' })).toBe('core');
    expect(partOf({ functionName: 'exit', url: 'file:///x/dist/kernel/kernel.js' })).toBe('kernel');
    expect(partOf({ functionName: 'cycles', url: 'file:///x/src/storm/workloads.ts' })).toBe('workload');
    expect(partOf({ functionName: '(program)', url: '' })).toBe('other');
    const nodes = [
      { id: 1, callFrame: { functionName: 'dispatch', url: '' } },
      { id: 2, callFrame: { functionName: 'exit', url: '/a/kernel/kernel.js' } },
      { id: 3, callFrame: { functionName: 'wasm-function[1]', url: 'wasm://wasm/x' } },
      { id: 4, callFrame: { functionName: '(garbage collector)', url: '' } },
    ];
    // The first sample (the profiler starting, with a long delta) does not count; neither do gaps.
    const split = splitProfile({ nodes, samples: [1, 2, 3, 3, 3, 4, 1], timeDeltas: [9000, 100, 100, 100, 5000, 100, 100] });
    expect(split).toEqual({ core: 0.6, kernel: 0.2, workload: 0, gc: 0.2, other: 0 });
  });
});

describe('storm report', () => {
  it('the SVG chart is well-formed XML with one bar per run, axes labelled', () => {
    const runs = [fakeRun('wide', 'wasm', 1.2e6), fakeRun('wide', 'ts', 4e5), fakeRun('tree', 'wasm', 3e5), fakeRun('tree', 'ts', 1e5), fakeRun('churn', 'wasm', 9e5)];
    const svg = stormChart(runs, { ...stormContext(['test']), cpu: 'A <weird> & "cpu"' });
    const x = checkXml(svg);
    expect(x.root).toBe('svg');
    const bars = x.elements.filter((e) => e.name === 'rect' && e.attrs.class === 'bar');
    expect(bars.map((b) => b.attrs['data-run'])).toEqual(runs.map((r) => r.name));
    expect(svg).toContain('ops per second');
    expect(svg).toContain('wasm/ts 3.00x');
  });

  it('repeated runs merge into medians, keep every sample, and must agree on the work', () => {
    const samples = [1.0e6, 1.3e6, 0.9e6, 1.2e6, 1.1e6];
    const m = mergeRepeats(samples.map((v) => ({ ...fakeRun('churn', 'wasm', v), peakRssBytes: v })));
    expect(m.opsPerSec).toBe(1.1e6);
    expect(m.nsPerOp).toBeCloseTo(1e9 / 1.1e6);
    expect(m.seconds).toBeCloseTo(1000 / 1.1e6);
    expect(m.peakRssBytes).toBe(1.3e6);
    expect(m.repeats).toBe(5);
    expect(m.samples?.opsPerSec).toEqual(samples);
    expect(mergeRepeats([fakeRun('wide', 'ts', 2), fakeRun('wide', 'ts', 4)]).opsPerSec).toBe(3);
    expect(() => mergeRepeats([fakeRun('wide', 'ts', 2), { ...fakeRun('wide', 'ts', 4), checksum: 2 }])).toThrow(/did the same work differently/);
    const t = formatTable([m, fakeRun('churn', 'ts', 5e5)]).split('\n');
    expect(t[0]).toContain('range (n)');
    expect(t[2]).toContain('900.0k..1.30M (5)');
    expect(t[3]).toContain('500.0k..500.0k (1)');
    const svg = checkXml(stormChart([m]));
    expect(svg.elements.filter((e) => e.name === 'line' && e.attrs.class === 'range').length).toBe(1);
  });

  it('profiled runs get a panel in the chart: a bar per run split into the parts', () => {
    const split = { core: 0.5, kernel: 0.3, workload: 0.15, gc: 0.05, other: 0 };
    const runs = [{ ...fakeRun('wide', 'wasm', 2e6), timeSplit: split }, { ...fakeRun('wide', 'ts', 1e6), timeSplit: split }];
    const x = checkXml(stormChart(runs));
    const parts = x.elements.filter((e) => e.name === 'rect' && e.attrs.class === 'part');
    // "other" is 0: no segment for it.
    expect(parts.map((p) => `${p.attrs['data-run']}:${p.attrs['data-part']}`)).toEqual(
      runs.flatMap((r) => ['core', 'kernel', 'workload', 'gc'].map((p) => `${r.name}:${p}`)),
    );
    const widths = parts.slice(0, 4).map((p) => Number(p.attrs.width));
    expect(widths[0] / widths[1]).toBeCloseTo(0.5 / 0.3, 1);
    expect(checkXml(stormChart([fakeRun('wide', 'wasm', 2e6)])).elements.some((e) => e.attrs.class === 'part')).toBe(false);
  });

  it('the table has one row per run and the WASM/TS ratio', () => {
    const t = formatTable([fakeRun('wide', 'wasm', 1.2e6), fakeRun('wide', 'ts', 4e5)]);
    const lines = t.trimEnd().split('\n');
    expect(lines.length).toBe(4);
    expect(lines[2]).toContain('1.20M');
    expect(lines[2]).toContain('3.00x');
  });
});

describe('pidns storm', () => {
  const run = runCli;

  const bad: [string[], RegExp][] = [
    [['--workload', 'wyde'], /unknown workload 'wyde' \(one of: wide, wide-live, deep, churn, tree, storm\)/],
    [['--core', 'wasm,js'], /unknown core 'js'/],
    [['--allocator', 'buddy'], /unknown allocator 'buddy' \(one of: pidmap/],
    [['--tasks', 'lots'], /--tasks wants a whole number/],
    [['--tasks', '0'], /--tasks wants a whole number/],
    [['--tasks', '1.5'], /--tasks wants a whole number/],
    [['--depth', '33'], /--depth wants a whole number from 0 to 32/],
    [['--depth', '-1'], /--depth wants a whole number/],
    [['--fill', '1.5'], /--fill wants a fraction/],
    [['--fill', '100%'], /--fill wants a fraction/],
    [['--seed', 'x'], /--seed wants a whole number/],
    [['--repeat', '0'], /--repeat wants a whole number from 1 to 50/],
    [['--profile=yes'], /--profile takes no value/],
    [['--profile-dir', '/nonexistent-dir'], /--profile-dir \/nonexistent-dir: no such directory/],
    [['--repeat', '51'], /--repeat wants a whole number from 1 to 50/],
    [['--json'], /option '--json' needs a value/],
    [['--frobnicate'], /unknown option '--frobnicate'/],
    [['extra'], /unexpected argument 'extra'/],
    [['--json', '/nonexistent-dir/x.json'], /--json \/nonexistent-dir\/x.json: no such directory/],
  ];
  for (const [args, msg] of bad) {
    it(`rejects ${args.join(' ')} with exit 1`, async () => {
      const r = await run(['storm', ...args]);
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toMatch(msg);
      expect(r.err).toMatch(/^pidns: storm: /);
      expect(r.err).not.toContain('    at ');
    });
  }

  it('parses counts and percentages, and expands the storm mix', () => {
    const a = parseStormArgs(['--tasks', '1M', '--fill=99.9%', '--core', 'ts', '--depth', '6']);
    expect(a.tasks).toBe(1_000_000);
    expect(a.fill).toBeCloseTo(0.999);
    const specs = stormSpecs(a);
    expect(specs.map((s) => s.workload)).toEqual(['wide', 'churn', 'tree']);
    expect(specs.reduce((n, s) => n + s.tasks, 0)).toBe(1_000_000);
    expect(specs.every((s) => s.core === 'ts' && s.depth === 6)).toBe(true);
    const b = stormSpecs(parseStormArgs(['--workload', 'deep,wide', '--tasks', '250k']));
    expect(b.map((s) => `${s.workload}/${s.core}/${s.depth}/${s.tasks}`)).toEqual([
      'deep/wasm/8/250000', 'deep/ts/8/250000', 'wide/wasm/4/250000', 'wide/ts/4/250000',
    ]);
    expect(parseStormArgs(['--tasks', '1e4']).tasks).toBe(10000);
    expect(parseStormArgs([]).repeat).toBe(1);
    expect(parseStormArgs(['--repeat', '5']).repeat).toBe(5);
  });

  it('--profile-dir keeps a .cpuprofile per run and the table says where the time went', () => {
    const tsx = join(REPO, 'node_modules', '.bin', 'tsx');
    const cli = join(REPO, 'src', 'cli', 'main.ts');
    const profDir = mkdtempSync(join(tmpdir(), 'pidns-prof-'));
    onTestFinished(() => rmSync(profDir, { recursive: true, force: true }));
    const json = join(profDir, 'run.json');
    const args = ['storm', '--workload', 'wide', '--tasks', '20000', '--profile-dir', profDir, '--repeat', '2', '--json', json];
    const r = spawnSync(tsx, [cli, ...args], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('where the time goes');
    expect(r.stdout).toMatch(/kernel model/);
    const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')).sort();
    expect(files).toEqual([
      'storm_ts_pidmap_wide_depth-4.1.cpuprofile', 'storm_ts_pidmap_wide_depth-4.2.cpuprofile',
      'storm_wasm_pidmap_wide_depth-4.1.cpuprofile', 'storm_wasm_pidmap_wide_depth-4.2.cpuprofile',
    ]);
    const prof = JSON.parse(readFileSync(join(profDir, files[0]), 'utf8'));
    expect(prof.samples.length).toBeGreaterThan(0);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    for (const run of doc.runs) {
      const total = Object.values(run.timeSplit as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(total).toBeCloseTo(1, 6);
      // The TS twin's core and the kernel model are plain JS: they are where a fork spends its time.
      expect(run.timeSplit.core + run.timeSplit.kernel).toBeGreaterThan(0.3);
    }
  });

  it('a run that exhausts the JS heap fails with one line saying what to do, not a V8 dump', () => {
    const cli = join(REPO, 'src', 'cli', 'main.ts');
    const r = spawnSync(process.execPath, ['--max-old-space-size=96', '--import', 'tsx', cli, 'storm', '--workload', 'wide-live', '--tasks', '2M', '--core', 'ts'], {
      encoding: 'utf8',
      cwd: REPO,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^pidns: storm: wide-live on ts\/pidmap failed: out of JS heap memory \(V8's limit is \d+ MiB here\): ask for fewer --tasks, or raise the limit/);
    expect(r.stderr).toContain('pidns: storm: no run finished');
    expect(r.stderr).not.toMatch(/Last few GCs|FATAL ERROR|v8::internal/);
  });

  it('--repeat runs every spec N times and reports one merged record each', () => {
    const json = join(dir, 'repeat.json');
    const tsx = join(REPO, 'node_modules', '.bin', 'tsx');
    const cli = join(REPO, 'src', 'cli', 'main.ts');
    const args = ['storm', '--workload', 'churn', '--core', 'ts', '--tasks', '500', '--fill', '0.5', '--repeat', '3', '--json', json];
    const r = spawnSync(tsx, [cli, ...args], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('range (n)');
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(doc.runs.length).toBe(1);
    expect(doc.runs[0].repeats).toBe(3);
    expect(doc.runs[0].samples.opsPerSec.length).toBe(3);
  });

  it('runs each workload in a child process and writes --json and --chart', () => {
    const tsx = join(REPO, 'node_modules', '.bin', 'tsx');
    const cli = join(REPO, 'src', 'cli', 'main.ts');
    const json = join(dir, 'storm.json');
    const chart = join(dir, 'storm.svg');
    const r = spawnSync(tsx, [cli, 'storm', '--workload', 'wide,churn', '--tasks', '2000', '--fill', '0.9', '--json', json, '--chart', chart], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^pidns storm .*commit/);
    expect(r.stdout).toContain('words/alloc');
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(Object.keys(doc).sort()).toEqual(['context', 'runs', 'schemaVersion']);
    for (const k of ['date', 'commit', 'node', 'cpu', 'command']) expect(typeof doc.context[k]).toBe('string');
    expect(typeof doc.context.dirty).toBe('boolean');
    expect(doc.runs.map((x: RunRecord) => `${x.workload}/${x.core}`)).toEqual(['wide/wasm', 'wide/ts', 'churn/wasm', 'churn/ts']);
    for (const run of doc.runs) {
      expect(run).toMatchObject({ allocator: 'pidmap', depth: 4, tasks: 2000, ops: 2000 });
      expect(run.seconds).toBeGreaterThan(0);
      expect(run.opsPerSec).toBeGreaterThan(0);
      expect(run.peakRssBytes).toBeGreaterThan(1 << 20);
      expect(Object.keys(run.wordsScannedPerAlloc).sort()).toEqual(['max', 'mean']);
    }
    expect(doc.runs[0].checksum).toBe(doc.runs[1].checksum);
    expect(doc.runs[2].checksum).toBe(doc.runs[3].checksum);
    const x = checkXml(readFileSync(chart, 'utf8'));
    expect(x.elements.filter((e) => e.name === 'rect' && e.attrs.class === 'bar').length).toBe(4);
  });
});
