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

const LIVE = 64;
const BATCH = 64;

/** A step of `ops` operations. */
interface Step { step: () => void; ops: number }

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function check(v: number, what: string): number {
  if (v < 0) throw new Error(`${what} failed: errno ${-v}`);
  return v;
}

function nsAtDepth(core: PidCore, depth: number): number {
  let ns = check(core.create_pid_namespace(0), 'create_pid_namespace');
  check(core.alloc_pid(ns, 0), 'alloc_pid');
  for (let d = 1; d <= depth; d++) {
    ns = check(core.create_pid_namespace(ns), 'create_pid_namespace');
    check(core.alloc_pid(ns, 0), 'alloc_pid');
  }
  return ns;
}

/** bench/core.ts ringCase. */
function ring(core: PidCore, depth: number, pidMax: number, batched: boolean): Step {
  const ns = nsAtDepth(core, depth);
  check(core.set_pid_max(ns, pidMax), 'set_pid_max');
  const live = new Uint32Array(LIVE);
  for (let i = 0; i < LIVE; i++) live[i] = check(core.alloc_pid(ns, 0), 'alloc_pid');
  if (batched) {
    const base = core.batchPtr >>> 2;
    const fresh = new Uint32Array(BATCH);
    return {
      ops: BATCH,
      step() {
        const got = core.alloc_pid_batch(ns, BATCH);
        if (got !== BATCH) throw new Error('batch allocation failed');
        const u32 = core.u32();
        fresh.set(u32.subarray(base, base + BATCH));
        u32.set(live, base);
        core.free_pid_batch(BATCH);
        live.set(fresh);
      },
    };
  }
  let head = 0;
  return {
    ops: 1,
    step() {
      const p = core.alloc_pid(ns, 0);
      core.free_pid(live[head]);
      live[head] = p;
      head = (head + 1) & (LIVE - 1);
    },
  };
}

/** bench/core.ts denseCase. */
function dense(core: PidCore, free: number, batched: boolean): Step {
  const ns = check(core.create_pid_namespace(0), 'create_pid_namespace');
  const handles = new Uint32Array(PID_MAX_LIMIT);
  const base = core.batchPtr >>> 2;
  for (;;) {
    const got = core.alloc_pid_batch(ns, 4096);
    const u32 = core.u32();
    for (let i = 0; i < got; i++) {
      const p = u32[base + i];
      handles[core.pid_nr_ns(p, ns)] = p;
    }
    if (got < 4096) break;
  }
  const r = rng(0x5eed);
  let left = free;
  while (left > 0) {
    const nr = 2 + Math.floor(r() * (PID_MAX_LIMIT - 2));
    if (handles[nr] === 0) continue;
    core.free_pid(handles[nr]);
    handles[nr] = 0;
    left--;
  }
  if (batched) {
    const n = Math.min(BATCH, free);
    return {
      ops: n,
      step() {
        core.alloc_pid_batch(ns, n);
        core.free_pid_batch(n);
      },
    };
  }
  return {
    ops: 1,
    step() {
      core.free_pid(core.alloc_pid(ns, 0));
    },
  };
}

/** Two pid_max calls per op, like pidcore.c's "calls" case. */
function calls(core: PidCore): Step {
  const ns = check(core.create_pid_namespace(0), 'create_pid_namespace');
  let sink = 0;
  return {
    ops: 1,
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
    case: name, depth, batched, nsPerOp: +(best.wall / s.ops).toFixed(2), cpuNsPerOp: +(best.cpu / s.ops).toFixed(2),
    minSliceNsPerOp: +(best.slice / s.ops).toFixed(2), variant, opsPerRep: perRep * s.ops, opsPerSlice: slice * s.ops, reps,
  }));
}

function main(): void {
  const argv = process.argv.slice(2);
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
