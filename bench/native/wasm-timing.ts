/**
 * The WASM core timed exactly like bench/native/pidcore.c times the native
 * port: the same cases and setup as bench/core.ts (non-batched: one JS→WASM
 * call per alloc_pid / free_pid), the same timing loop (calibrate to 50 ms,
 * repetitions of ≥ --min-time seconds, best of --reps; per repetition the
 * wall-clock mean, the process CPU time mean and the fastest ≈1 ms slice;
 * repetitions are sized from CPU time, so each takes ≥ --min-time wall).
 * It exists so that the native/WASM ratio can be taken with one method on a
 * loaded machine, next to bench/core.ts's benchmark.js numbers.
 *
 *   npx tsx bench/native/wasm-timing.ts [--min-time SEC] [--reps N] [--filter SUBSTR] [--build release|release-simd] [--batched]
 *
 * --batched: bench/core.ts's batched steps (alloc_pid_batch / free_pid_batch of 64) instead of one call per op.
 *
 * Prints JSON lines {case, depth, nsPerOp, cpuNsPerOp, minSliceNsPerOp, variant: "wasm-<build>", ...}.
 */
import { createWasmCoreSync } from '../../src/core/wasm-node.js';
import type { PidCore } from '../../src/core/types.js';
import { PID_MAX_LIMIT } from '../../src/core/layout.js';
import { check, denseStep, ringStep, type Step } from '../cases.js';
import { helpIfAsked } from '../cli.js';

/** ring / dense come from bench/cases.ts, shared with bench/core.ts. */
const ring = (core: PidCore, depth: number, pidMax: number, batched: boolean): Step => ringStep(core, depth, pidMax, batched);
const dense = (core: PidCore, free: number, batched: boolean): Step => denseStep(core, free, batched);

/** Two pid_max calls per op, like pidcore.c's "calls" case. */
function calls(core: PidCore): Step {
  const ns = check(core.create_pid_namespace(0), 'create_pid_namespace');
  let sink = 0;
  return {
    opsPerStep: 1,
    step() {
      sink = core.pid_max(ns);
      sink = core.pid_max(ns) + (sink & 0);
    },
  };
}

const nowNs = (): number => Number(process.hrtime.bigint());
const cpuNs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};

function runSteps(step: () => void, n: number): number {
  const t0 = nowNs();
  for (let i = 0; i < n; i++) step();
  return nowNs() - t0;
}

interface Rep { wall: number; cpu: number; slice: number }
function runRep(step: () => void, n: number, slice: number): Rep {
  let best = Infinity;
  const t0 = nowNs();
  const c0 = cpuNs();
  for (let done = 0; done < n;) {
    const k = Math.min(slice, n - done);
    const s0 = nowNs();
    for (let i = 0; i < k; i++) step();
    const per = (nowNs() - s0) / k;
    if (k === slice && per < best) best = per;
    done += k;
  }
  return { wall: (nowNs() - t0) / n, cpu: (cpuNs() - c0) / n, slice: best };
}

function benchCase(name: string, depth: number, batched: boolean, variant: string, s: Step, minTime: number, reps: number): void {
  const step = s.step;
  // Same calibration as pidcore.c: double n to >= 50 ms wall, run it once
  // more, size repetitions from the lower CPU time per op (all per step here).
  let n = 1000;
  while (runSteps(step, n) < 5e7) n *= 2;
  let cpuPerOp = Infinity;
  for (let k = 0; k < 2; k++) {
    const c0 = cpuNs();
    runSteps(step, n);
    cpuPerOp = Math.min(cpuPerOp, (cpuNs() - c0) / n);
  }
  cpuPerOp = Math.max(cpuPerOp, 1);
  const perRep = Math.floor((minTime * 1e9) / cpuPerOp) + 1;
  const slice = Math.floor(1e6 / cpuPerOp) + 1;
  const best: Rep = { wall: Infinity, cpu: Infinity, slice: Infinity };
  for (let r = 0; r < reps; r++) {
    const x = runRep(step, perRep, slice);
    best.wall = Math.min(best.wall, x.wall);
    best.cpu = Math.min(best.cpu, x.cpu);
    best.slice = Math.min(best.slice, x.slice);
  }
  console.log(JSON.stringify({
    case: name, depth, batched, nsPerOp: +(best.wall / s.opsPerStep).toFixed(2), cpuNsPerOp: +(best.cpu / s.opsPerStep).toFixed(2),
    minSliceNsPerOp: +(best.slice / s.opsPerStep).toFixed(2), variant, opsPerRep: perRep * s.opsPerStep, opsPerSlice: slice * s.opsPerStep, reps,
  }));
}

const USAGE = `usage: npx tsx bench/native/wasm-timing.ts [--min-time SEC] [--reps N] [--filter SUBSTR] [--build release|release-simd] [--batched]

Times the WASM core with the same loop as bench/native/pidcore.c and prints
one JSON line per case and build on stdout.`;

function main(): void {
  const argv = process.argv.slice(2);
  helpIfAsked(USAGE, argv);
  let minTime = 0.5;
  let reps = 3;
  let filter: string | undefined;
  let builds = ['release-simd', 'release'];
  let batched = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--min-time') minTime = Number(argv[++i]);
    else if (a === '--reps') reps = Number(argv[++i]);
    else if (a === '--filter') filter = argv[++i];
    else if (a === '--build') builds = [argv[++i]];
    else if (a === '--batched') batched = true;
    else throw new Error(`unknown argument ${a}`);
  }
  const cases: Array<{ name: string; depth: number; setup: (core: PidCore) => Step }> = [
    { name: 'sparse', depth: 0, setup: (c) => ring(c, 0, 32768, batched) },
    { name: 'dense', depth: 0, setup: (c) => dense(c, 4194, batched) },
    { name: 'dense9999', depth: 0, setup: (c) => dense(c, 419, batched) },
    { name: 'walk', depth: 1, setup: (c) => ring(c, 1, PID_MAX_LIMIT, batched) },
    { name: 'walk', depth: 4, setup: (c) => ring(c, 4, PID_MAX_LIMIT, batched) },
    { name: 'walk', depth: 32, setup: (c) => ring(c, 32, PID_MAX_LIMIT, batched) },
    // Not a bench/core.ts case: two calls of the cheapest export per op (JS→WASM call cost).
    { name: 'calls', depth: 0, setup: (c) => calls(c) },
  ];
  for (const build of builds) {
    for (const c of cases) {
      if (batched && c.name === 'calls') continue;
      const label = (c.depth ? `${c.name}/depth=${c.depth}` : c.name) + (batched ? '/batched' : '');
      if (filter && !label.includes(filter)) continue;
      const core = createWasmCoreSync({ simd: build === 'release-simd' });
      if (core.build !== build) throw new Error(`asked for ${build}, got ${core.build}`);
      benchCase(c.name, c.depth, batched, `wasm-${build}`, c.setup(core), minTime, reps);
    }
  }
}

main();
