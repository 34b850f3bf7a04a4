/**
 * The core benchmark's cases, shared by bench/core.ts (benchmark.js),
 * bench/native/wasm-timing.ts (the loop that mirrors the native C port) and
 * the allocator lab: a seeded PRNG, namespace chains, the 64-live ring and
 * the dense maps. Every setup is deterministic.
 */
import type { PidCore } from '../src/core/types.js';
import { PID_MAX_LIMIT } from '../src/core/layout.js';

export const BATCH = 64;
export const LIVE = 64;

/** One timed step and how many operations it does. */
export interface Step {
  step: () => void;
  opsPerStep: number;
}

/** Deterministic PRNG (mulberry32), also used by bench/native/pidcore.c. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A handle or a throw naming the failed call (setup code only). */
export function check(v: number, what: string): number {
  if (v < 0) throw new Error(`${what} failed: errno ${-v}`);
  return v;
}

/** A chain of namespaces, each with an init, as a real system has; returns the one at `depth`. */
export function nsAtDepth(core: PidCore, depth: number): number {
  let ns = check(core.create_pid_namespace(0), 'create_pid_namespace');
  check(core.alloc_pid(ns, 0), 'alloc_pid');
  for (let d = 1; d <= depth; d++) {
    ns = check(core.create_pid_namespace(ns), 'create_pid_namespace');
    check(core.alloc_pid(ns, 0), 'alloc_pid');
  }
  return ns;
}

/** 64 live pids at `depth`; each operation allocates one and frees the oldest. */
export function ringStep(core: PidCore, depth: number, pidMax: number, batched: boolean): Step {
  const ns = nsAtDepth(core, depth);
  check(core.set_pid_max(ns, pidMax), 'set_pid_max');
  const live = new Uint32Array(LIVE);
  for (let i = 0; i < LIVE; i++) live[i] = check(core.alloc_pid(ns, 0), 'alloc_pid');
  if (!batched) {
    let head = 0;
    return {
      opsPerStep: 1,
      step() {
        const p = core.alloc_pid(ns, 0);
        core.free_pid(live[head]);
        live[head] = p;
        head = (head + 1) & (LIVE - 1);
      },
    };
  }
  const base = core.batchPtr >>> 2;
  const fresh = new Uint32Array(BATCH);
  return {
    opsPerStep: BATCH,
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

/** A root namespace with every number of pid_max 4194304 taken; returns it and the handle of each number. */
export function fillDense(core: PidCore): { ns: number; handles: Uint32Array } {
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
  return { ns, handles };
}

/** Frees `free` distinct random numbers (≥ 2) of a filled map, with the PRNG seed the native port uses. */
export function freeRandom(core: PidCore, handles: Uint32Array, free: number): void {
  const r = rng(0x5eed);
  let left = free;
  while (left > 0) {
    const nr = 2 + Math.floor(r() * (PID_MAX_LIMIT - 2));
    if (handles[nr] === 0) continue;
    core.free_pid(handles[nr]);
    handles[nr] = 0;
    left--;
  }
}

/** pid_max 4194304 filled but `free` random pids; each operation takes the next free pid and frees it. */
export function denseStep(core: PidCore, free: number, batched: boolean): Step {
  const { ns, handles } = fillDense(core);
  freeRandom(core, handles, free);
  if (!batched) {
    return {
      opsPerStep: 1,
      step() {
        core.free_pid(core.alloc_pid(ns, 0));
      },
    };
  }
  const n = Math.min(BATCH, free);
  return {
    opsPerStep: n,
    step() {
      core.alloc_pid_batch(ns, n);
      core.free_pid_batch(n);
    },
  };
}
