/**
 * The checksum sequence of bench/native/pidcore.c (`pidcore checksum`), run on
 * the WASM core, so that the native port can be shown to be the same
 * algorithm: both print the same JSON lines (numbers, errnos, cursors, work
 * counters, bytes taken from the bump region) for the same operations.
 *
 *   npx tsx bench/native/checksum.ts [--build release|release-simd]
 *
 * Default: both release builds, each line prefixed by nothing (the output of
 * one build must equal the C program's output byte for byte).
 */
import { createWasmCoreSync } from '../../src/core/wasm-node.js';
import type { WasmPidCore } from '../../src/core/wasm.js';
import {
  PID_MAX_LIMIT, PID_LEVEL, STAT_WORDS_SCANNED, STAT_PAGES_TOUCHED, STAT_PAGES_ALLOCATED,
  STAT_ALLOCS, STAT_FREES,
} from '../../src/core/layout.js';
import { check, fillDense, freeRandom, rng } from '../cases.js';
import { helpIfAsked } from '../cli.js';

helpIfAsked(`usage: npx tsx bench/native/checksum.ts [--build release|release-simd]

Runs the checksum sequence of bench/native/pidcore.c on the WASM core and
prints its JSON lines (default: both release builds, one after the other);
the output of one build must equal \`pidcore checksum\`'s byte for byte.`);

const CK_DEPTH = 4;
const CK_STEPS = 400000;

let fnv = 0;
function mix(v: number): void {
  fnv = Math.imul((fnv ^ v) >>> 0, 16777619) >>> 0;
}
const hex = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

function stats(core: WasmPidCore): string {
  const f = core.f64();
  const b = core.statsPtr >>> 3;
  const s = [STAT_WORDS_SCANNED, STAT_PAGES_TOUCHED, STAT_PAGES_ALLOCATED, STAT_ALLOCS, STAT_FREES].map((i) => f[b + i]);
  return `"stats":[${s.join(',')}]`;
}

function heapTop(core: WasmPidCore): number {
  return (core.exports as unknown as { heap_top(): number }).heap_top();
}

function setTid(core: WasmPidCore, values: number[]): void {
  const u32 = core.u32();
  values.forEach((v, i) => { u32[(core.setTidPtr >>> 2) + i] = v >>> 0; });
}

function partMix(core: WasmPidCore): string {
  const base = heapTop(core);
  fnv = 2166136261;
  const nss: number[] = [];
  const inits: number[] = [];
  nss[0] = check(core.create_pid_namespace(0), 'create_pid_namespace');
  inits[0] = check(core.alloc_pid(nss[0], 0), 'alloc_pid');
  for (let d = 1; d <= CK_DEPTH; d++) {
    nss[d] = check(core.create_pid_namespace(nss[d - 1]), 'create_pid_namespace');
    setTid(core, [1]);
    inits[d] = check(core.alloc_pid(nss[d], 1), 'alloc_pid(set_tid)');
  }
  mix(core.set_pid_max(nss[2], 400) >>> 0);
  mix(core.set_pid_max(nss[4], 301) >>> 0);
  mix(core.set_pid_max(nss[3], 100) >>> 0);
  setTid(core, [1]);
  mix(core.alloc_pid(nss[1], 1) >>> 0);
  setTid(core, [5000]);
  mix(core.alloc_pid(nss[2], 1) >>> 0);
  const live: number[] = [];
  let nerr = 0;
  const r = rng(12345);
  for (let s = 0; s < CK_STEPS; s++) {
    const x = r();
    const k = Math.floor(r() * (CK_DEPTH + 1));
    if (x < 0.55 || live.length === 0) {
      const p = core.alloc_pid(nss[k], 0);
      if (p < 0) { mix(p >>> 0); nerr++; continue; }
      live.push(p);
      for (let j = 0; j <= k; j++) mix(core.pid_nr_ns(p, nss[j]) >>> 0);
    } else if (x > 0.999) {
      const v = Math.floor(r() * (core.pid_max(nss[k]) + 1));
      mix(core.set_ns_last_pid(nss[k], v) >>> 0);
    } else {
      const idx = Math.floor(r() * live.length);
      core.free_pid(live[idx]);
      live[idx] = live[live.length - 1];
      live.pop();
    }
  }
  for (let d = 0; d <= CK_DEPTH; d++) mix(core.ns_last_pid(nss[d]) >>> 0);
  let found = 0;
  for (const p of live) {
    const lvl = core.u32()[(p + PID_LEVEL) >>> 2];
    if (core.find_pid_ns(core.pid_nr_ns(p, nss[lvl]), nss[lvl]) === p) found++;
  }
  mix(found);
  let out = `{"part":"mix","checksum":"${hex(fnv)}","live":${live.length},"errors":${nerr},"found":${found},${stats(core)}`;
  for (const p of live) core.free_pid(p);
  for (let d = CK_DEPTH; d >= 0; d--) core.free_pid(inits[d]);
  for (let d = CK_DEPTH; d >= 0; d--) core.put_pid_ns(nss[d]);
  out += `,"heapTop":${heapTop(core) - base}}`;
  return out;
}

/** The dense9999 setup of bench/core.ts and 20000 of its operations. */
function partDense(core: WasmPidCore): string {
  const { ns, handles } = fillDense(core);
  freeRandom(core, handles, 419);
  fnv = 2166136261;
  for (let s = 0; s < 20000; s++) {
    const p = core.alloc_pid(ns, 0);
    mix(core.pid_nr_ns(p, ns) >>> 0);
    core.free_pid(p);
  }
  return `{"part":"dense9999","checksum":"${hex(fnv)}",${stats(core)}}`;
}

const argv = process.argv.slice(2);
const only = argv[0] === '--build' ? argv[1] : undefined;
const builds: Array<{ name: string; simd: boolean }> = [
  { name: 'release', simd: false },
  { name: 'release-simd', simd: true },
];
for (const b of builds) {
  if (only && b.name !== only) continue;
  const mixCore = createWasmCoreSync({ simd: b.simd });
  if (mixCore.build !== b.name) throw new Error(`asked for ${b.name}, got ${mixCore.build}`);
  console.log(partMix(mixCore));
  console.log(partDense(createWasmCoreSync({ simd: b.simd })));
}
