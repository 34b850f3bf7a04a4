/**
 * Core benchmark: the WASM pid core against its TS twin (benchmark.js).
 *
 *   npm run bench:core -- [--json FILE] [--filter SUBSTR] [--quick]
 *
 * Cases (names follow mitata's sweep-point style: case/core/...):
 *   sparse      pid_max 32768, 64 live pids, alloc_pid + free_pid of the oldest
 *   dense       pid_max 4194304, every pid taken but 4194 random ones; alloc then free the same pid
 *   dense9999   as dense with 419 free pids (99.99 % full)
 *   walk        alloc_pid + free_pid of the oldest, 64 live, in a namespace at depth 1, 4, 32
 *               (depth = the namespace's level: depth d walks d + 1 levels)
 * each one call per operation and batched (alloc_pid_batch / free_pid_batch, 64 a call).
 * Prints a table (ns/op, WASM/TS ratio) and writes JSON:
 *   { context: {date, commit, node, cpu, wasmBuild}, results: [{case, core, depth, batched, nsPerOp, opsPerSec, rme}] }
 */
import Benchmark from 'benchmark';
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { createTsCore } from '../src/core/ts/index.js';
import { createWasmCoreSync } from '../src/core/wasm-node.js';
import type { PidCore } from '../src/core/types.js';
import { PID_MAX_LIMIT } from '../src/core/layout.js';

interface Case {
  name: string;
  depth: number;
  batched: boolean;
  /** Builds the state and returns one step and how many operations it does. */
  setup(core: PidCore): { step: () => void; opsPerStep: number };
}

const BATCH = 64;
const LIVE = 64;

/** Deterministic PRNG (mulberry32) so every run builds the same maps. */
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

/** A chain of namespaces; returns the one at `depth`. */
function nsAtDepth(core: PidCore, depth: number): number {
  let ns = check(core.create_pid_namespace(0), 'create_pid_namespace');
  check(core.alloc_pid(ns, 0), 'alloc_pid'); // an init at every level, as a real system has
  for (let d = 1; d <= depth; d++) {
    ns = check(core.create_pid_namespace(ns), 'create_pid_namespace');
    check(core.alloc_pid(ns, 0), 'alloc_pid');
  }
  return ns;
}

/** 64 live pids; each operation allocates one and frees the oldest. */
function ringCase(name: string, depth: number, batched: boolean, pidMax: number): Case {
  return {
    name, depth, batched,
    setup(core) {
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
    },
  };
}

/** pid_max 4194304 filled but `free` random pids; each operation takes the next free pid and frees it. */
function denseCase(name: string, free: number, batched: boolean): Case {
  return {
    name, depth: 0, batched,
    setup(core) {
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
    },
  };
}

const CASES: Case[] = [];
for (const batched of [false, true]) {
  CASES.push(ringCase('sparse', 0, batched, 32768));
  CASES.push(denseCase('dense', 4194, batched));
  CASES.push(denseCase('dense9999', 419, batched));
  for (const depth of [1, 4, 32]) CASES.push(ringCase('walk', depth, batched, PID_MAX_LIMIT));
}

interface Result {
  case: string; core: 'wasm' | 'ts'; depth: number; batched: boolean;
  nsPerOp: number; opsPerSec: number; rme: number;
}

function args(argv: string[]): { json?: string; filter?: string; quick: boolean } {
  const out: { json?: string; filter?: string; quick: boolean } = { quick: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') out.json = argv[++i];
    else if (a === '--filter') out.filter = argv[++i];
    else if (a === '--quick') out.quick = true;
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm run bench:core -- [--json FILE] [--filter SUBSTR] [--quick]');
      process.exit(0);
    } else {
      console.error(`bench:core: unknown argument '${a}' (try --help)`);
      process.exit(1);
    }
  }
  if (out.json === undefined && argv.includes('--json')) {
    console.error('bench:core: --json needs a file name');
    process.exit(1);
  }
  return out;
}

function commit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}

function label(c: Case): string {
  return `${c.name}${c.name === 'walk' ? `/depth=${c.depth}` : ''}${c.batched ? '/batched' : ''}`;
}

function main(): void {
  const opt = args(process.argv.slice(2));
  const wasmProbe = createWasmCoreSync();
  const cores: Array<{ name: 'wasm' | 'ts'; make: () => PidCore }> = [
    { name: 'wasm', make: () => createWasmCoreSync() },
    { name: 'ts', make: () => createTsCore() },
  ];
  const results: Result[] = [];
  for (const c of CASES) {
    if (opt.filter && !label(c).includes(opt.filter)) continue;
    for (const k of cores) {
      const core = k.make();
      const { step, opsPerStep } = c.setup(core);
      const bench = new Benchmark(`${label(c)}/${k.name}`, step, {
        minSamples: opt.quick ? 5 : 20,
        maxTime: opt.quick ? 0.5 : 2,
      });
      bench.run();
      if (bench.error) throw bench.error;
      const nsPerOp = (bench.stats.mean * 1e9) / opsPerStep;
      results.push({
        case: c.name, core: k.name, depth: c.depth, batched: c.batched,
        nsPerOp, opsPerSec: 1e9 / nsPerOp, rme: bench.stats.rme,
      });
      process.stderr.write(`${label(c)}/${k.name}: ${nsPerOp.toFixed(1)} ns/op ±${bench.stats.rme.toFixed(1)}%\n`);
    }
  }
  const context = {
    date: new Date().toISOString(),
    commit: commit(),
    node: process.version,
    cpu: `${os.cpus()[0]?.model ?? 'unknown'} ×${os.cpus().length}`,
    wasmBuild: wasmProbe.build,
  };
  const rows: string[][] = [['case', 'wasm ns/op', 'ts ns/op', 'wasm/ts speed-up']];
  for (const c of CASES) {
    const w = results.find((r) => r.core === 'wasm' && r.case === c.name && r.depth === c.depth && r.batched === c.batched);
    const t = results.find((r) => r.core === 'ts' && r.case === c.name && r.depth === c.depth && r.batched === c.batched);
    if (!w || !t) continue;
    rows.push([label(c), w.nsPerOp.toFixed(1), t.nsPerOp.toFixed(1), `${(t.nsPerOp / w.nsPerOp).toFixed(2)}×`]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(`pidns core benchmark — ${context.date} commit ${context.commit} node ${context.node} ${context.cpu} wasm=${context.wasmBuild}`);
  for (const r of rows) console.log(r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
  if (opt.json) {
    writeFileSync(opt.json, JSON.stringify({ context, results }, null, 2) + '\n');
    console.log(`wrote ${opt.json}`);
  }
}

main();
