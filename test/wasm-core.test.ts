/**
 * WASM-specific tests of the pid core (the shared contract is tested per
 * backend by core-conformance.test.ts): the exported layout globals, the
 * three builds (release, release-simd, debug) agreeing step by step, the
 * bitmap search over a dense 4M map (scalar and SIMD skip loops, positional
 * counters), out-of-memory with the state untouched, the loaders and the
 * debug build's invariant checks.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fc, it as fcit } from '@fast-check/vitest';
import * as layout from '../src/core/layout.js';
import * as errno from '../src/core/errno.js';
import {
  BATCH_MAX,
  BITS_PER_PAGE,
  NS_COUNT,
  NS_CURSOR,
  NS_PID_ALLOCATED,
  NS_PIDMAP,
  PIDMAP_ENTRIES,
  PIDMAP_ENTRY_SIZE,
  PIDMAP_NR_FREE,
  PIDMAP_PAGE,
  PID_HEADER,
  PID_LEVEL,
  PID_MAX_LIMIT,
  SET_TID_MAX,
  STAT_ALLOCS,
  STAT_BATCH_ERROR,
  STAT_FREES,
  STAT_PAGES_ALLOCATED,
  STAT_PAGES_TOUCHED,
  STAT_SLOTS,
  STAT_WORDS_SCANNED,
  UPID_NR,
  UPID_SIZE,
  WORDS_PER_PAGE,
} from '../src/core/layout.js';
import { EAGAIN, ENOMEM } from '../src/core/errno.js';
import { createWasmCoreSync, wasmBytes, wasmModule } from '../src/core/wasm-node.js';
import {
  createWasmCore,
  createWasmCoreFromModule,
  embeddedWasmBytes,
  simdSupported,
  wasmBuildFor,
  type WasmBuildName,
  type WasmPidCore,
} from '../src/core/wasm.js';

const BUILDS: WasmBuildName[] = ['release', 'release-simd', 'debug'];
const optsFor = (b: WasmBuildName) => (b === 'debug' ? { debug: true } : { simd: b === 'release-simd' });
const make = (b: WasmBuildName, extra: { maxMemoryBytes?: number } = {}): WasmPidCore =>
  createWasmCoreSync({ ...optsFor(b), ...extra });

// ── helpers reading memory directly (layout.ts) ─────────────────────────────

const field = (c: WasmPidCore, ptr: number, off: number) => c.u32()[(ptr + off) >> 2];
const entry = (ns: number, p: number) => ns + NS_PIDMAP + p * PIDMAP_ENTRY_SIZE;
function stats(c: WasmPidCore): number[] {
  const s = c.statsPtr >> 3;
  return Array.from(c.f64().subarray(s, s + STAT_SLOTS));
}
function numbers(c: WasmPidCore, pid: number): number[] {
  const lv = field(c, pid, PID_LEVEL);
  const out: number[] = [];
  for (let i = 0; i <= lv; i++) out.push(field(c, pid, PID_HEADER + i * UPID_SIZE + UPID_NR));
  return out;
}
function batch(c: WasmPidCore, n: number): number[] {
  const b = c.batchPtr >> 2;
  return Array.from(c.u32().subarray(b, b + n));
}
function fork(c: WasmPidCore, ns: number, setTid: number[] = []): number {
  const v = new Int32Array(c.u32().buffer, c.setTidPtr, SET_TID_MAX);
  v.set(setTid);
  return c.alloc_pid(ns, setTid.length);
}
/** Everything observable about a namespace but its handle. */
function nsState(c: WasmPidCore, ns: number): number[] {
  const u = c.u32();
  const out = Array.from(u.subarray(ns >> 2, (ns >> 2) + NS_PIDMAP / 4));
  out[1] = 0; // parent handle
  out[8] = u[(ns >> 2) + 8] ? 1 : 0; // lookup handle → present or not
  for (let p = 0; p < PIDMAP_ENTRIES; p++) {
    const page = u[entry(ns, p) >> 2];
    out.push(page ? 1 : 0, u[(entry(ns, p) + PIDMAP_NR_FREE) >> 2]);
    if (page) {
      // a cheap digest of the page's words
      let h = 0;
      for (let w = 0; w < WORDS_PER_PAGE; w++) h = (Math.imul(h, 31) + u[(page >> 2) + w]) | 0;
      out.push(h);
    }
  }
  return out;
}

describe('WASM core: exported layout constants', () => {
  for (const b of BUILDS) {
    it(`${b}: every layout.ts and errno.ts constant is an exported global with the same value`, () => {
      const c = make(b);
      const ex = c.exports;
      let checked = 0;
      for (const [name, value] of Object.entries({ ...layout, ...errno })) {
        if (typeof value !== 'number') continue;
        const g = ex[name];
        expect(g, name).toBeInstanceOf(WebAssembly.Global);
        expect(((g as WebAssembly.Global).value as number) >>> 0, name).toBe(value >>> 0);
        checked++;
      }
      expect(checked).toBeGreaterThan(50);
    });
  }

  it('reports its build, and picks builds from the options', () => {
    expect(make('release').build).toBe('release');
    expect(make('debug').build).toBe('debug');
    expect(createWasmCoreSync({ debug: true, simd: true }).build).toBe('debug');
    expect(wasmBuildFor({ simd: false })).toBe('release');
    expect(wasmBuildFor({})).toBe(simdSupported() ? 'release-simd' : 'release');
    expect(simdSupported()).toBe(true); // Node 20 has WebAssembly SIMD
    expect(make('release-simd').build).toBe('release-simd');
    expect(make('release').exports.simd_enabled()).toBe(0);
    expect(make('release-simd').exports.simd_enabled()).toBe(1);
  });
});

describe('WASM core: the three builds agree step by step', () => {
  /** A run touching wrap-around, exhaustion, refill, nesting and set_tid; returns a trace. */
  function run(b: WasmBuildName): unknown[] {
    const c = make(b);
    const trace: unknown[] = [];
    const root = c.create_pid_namespace(0);
    expect(c.set_pid_max(root, 40000)).toBe(0);
    const child = c.create_pid_namespace(root);
    expect(c.set_pid_max(child, 30000)).toBe(0);
    const pids: number[] = [];
    // fill the root (through the child and directly) to exhaustion
    for (const ns of [child, root]) {
      for (;;) {
        const got = c.alloc_pid_batch(ns, BATCH_MAX);
        pids.push(...batch(c, got));
        trace.push(['batch', got, stats(c)]);
        if (got < BATCH_MAX) break;
      }
    }
    expect(stats(c)[STAT_BATCH_ERROR]).toBe(-EAGAIN);
    // free every 7th, refill
    const kept: number[] = [];
    pids.forEach((p, i) => (i % 7 === 0 ? c.free_pid(p) : kept.push(p)));
    trace.push(['freed', nsState(c, root), nsState(c, child), stats(c)]);
    for (const ns of [child, root, child]) {
      const got = c.alloc_pid_batch(ns, 2000);
      trace.push(['refill', got, batch(c, got).map((p) => numbers(c, p)), stats(c)]);
      kept.push(...batch(c, got));
    }
    // set ns_last_pid low: the freed low numbers come back in order
    expect(c.set_ns_last_pid(root, 0)).toBe(0);
    const low = fork(c, root);
    trace.push(['low', numbers(c, low), c.pid_nr_ns(low, child)]);
    trace.push(['final', c.ns_last_pid(root), c.ns_last_pid(child), nsState(c, root), nsState(c, child), stats(c)]);
    expect(c.exports.check_pidmap(root)).toBe(0);
    expect(c.exports.check_pidmap(child)).toBe(0);
    // every kept pid is findable under its numbers
    for (const p of kept.slice(0, 3000)) {
      const [r, ch] = numbers(c, p);
      expect(c.find_pid_ns(r, root)).toBe(p);
      if (ch !== undefined) expect(c.find_pid_ns(ch, child)).toBe(p);
    }
    return trace;
  }

  it('release, release-simd and debug give identical numbers, fields and counters', () => {
    const [a, s, d] = BUILDS.map(run);
    expect(s).toEqual(a);
    expect(d).toEqual(a);
    // sanity: 40000 - 1 numbers in the root, pid 0 never handed out
    const firstBatches = (a as unknown[][]).filter((t) => t[0] === 'batch').map((t) => t[1] as number);
    expect(firstBatches.reduce((x, y) => x + y, 0)).toBe(39999);
  });
});

describe('WASM core: bitmap search on a dense 4M map', () => {
  /**
   * A root namespace whose 128 pages all exist, every bit set except `free`.
   * Pages are made by set_tid allocations (one number per page), then the
   * bitmap words and nr_free are written directly (white box).
   */
  function denseMap(c: WasmPidCore, free: number[]): number {
    const ns = c.create_pid_namespace(0);
    expect(c.pid_nr_ns(fork(c, ns), ns)).toBe(1); // reaper, so set_tid may pick any number
    for (let p = 1; p < PIDMAP_ENTRIES; p++) expect(c.pid_nr_ns(fork(c, ns, [p * BITS_PER_PAGE]), ns)).toBe(p * BITS_PER_PAGE);
    const u = c.u32();
    for (let p = 0; p < PIDMAP_ENTRIES; p++) {
      const page = u[entry(ns, p) >> 2];
      expect(page).not.toBe(0);
      u.fill(0xffffffff, page >> 2, (page >> 2) + WORDS_PER_PAGE);
      u[(entry(ns, p) + PIDMAP_NR_FREE) >> 2] = 0;
    }
    for (const nr of free) {
      const p = nr >> 15;
      const page = u[entry(ns, p) >> 2];
      u[(page >> 2) + ((nr & 32767) >> 5)] &= ~(1 << (nr & 31));
      u[(entry(ns, p) + PIDMAP_NR_FREE) >> 2]++;
    }
    expect(c.exports.check_pidmap(ns)).toBe(0);
    return ns;
  }
  /** search through the test hook; returns [result, words scanned, pages touched]. */
  function search(c: WasmPidCore, ns: number, begin: number, end: number): [number, number, number] {
    const a = stats(c);
    const r = c.exports.pidmap_search(ns, begin, end);
    const b = stats(c);
    return [r, b[STAT_WORDS_SCANNED] - a[STAT_WORDS_SCANNED], b[STAT_PAGES_TOUCHED] - a[STAT_PAGES_TOUCHED]];
  }

  const A = 64 * BITS_PER_PAGE + 1000; // page 64, word 31
  const B = PID_MAX_LIMIT - 1; // page 127, word 1023, bit 31
  const C = 10 * BITS_PER_PAGE + 5; // page 10, word 0

  for (const b of BUILDS) {
    it(`${b}: finds the free bits with the expected words-scanned counts`, () => {
      const c = make(b);
      const ns = denseMap(c, [A, B, C]);
      // pages 0..9 full (skipped unscanned), page 10: word 0
      expect(search(c, ns, 1, PID_MAX_LIMIT)).toEqual([C, 1, 11]);
      // page 10 from bit 6: all 1024 words; 11..63 skipped; page 64 words 0..31
      expect(search(c, ns, C + 1, PID_MAX_LIMIT)).toEqual([A, 1024 + 32, 55]);
      // page 64 from word 31: 993 words; 65..126 skipped; page 127: all 1024 words
      expect(search(c, ns, A + 1, PID_MAX_LIMIT)).toEqual([B, 993 + 1024, 64]);
      // the same range ending before B: nothing, same work
      expect(search(c, ns, A + 1, PID_MAX_LIMIT - 1)).toEqual([-1, 993 + 1024, 64]);
      // a range inside one word
      expect(search(c, ns, A - 8, A + 1)).toEqual([A, 1, 1]);
      expect(search(c, ns, A - 8, A)).toEqual([-1, 1, 1]);
      // through alloc_pid: cursor → A, B, wrap to 300 → C, then EAGAIN
      expect(c.set_ns_last_pid(ns, 2_000_000)).toBe(0);
      const got = [fork(c, ns), fork(c, ns), fork(c, ns)].map((p) => c.pid_nr_ns(p, ns));
      expect(got).toEqual([A, B, C]);
      const before = stats(c);
      expect(fork(c, ns)).toBe(-EAGAIN);
      const after = stats(c);
      // every page is full now: [C+1, 4194304) skips pages 10..127 unscanned, [300, 4194304) pages 0..127
      expect(after[STAT_WORDS_SCANNED] - before[STAT_WORDS_SCANNED]).toBe(0);
      expect(after[STAT_PAGES_TOUCHED] - before[STAT_PAGES_TOUCHED]).toBe(118 + 128);
      expect(c.ns_last_pid(ns)).toBe(C);
    });
  }

  /** docs/core-algorithms.md `search`, written again in JS over the core's memory. */
  function referenceSearch(c: WasmPidCore, ns: number, begin: number, end: number): [number, number, number] {
    const u = c.u32();
    let words = 0;
    let pages = 0;
    for (let p = begin >> 15; p <= (end - 1) >> 15; p++) {
      pages++;
      const lo = Math.max(begin, p << 15);
      const hi = Math.min(end, (p + 1) << 15);
      const page = u[entry(ns, p) >> 2];
      if (page === 0) return [lo, words, pages];
      if (u[(entry(ns, p) + PIDMAP_NR_FREE) >> 2] === 0) continue;
      const w0 = (lo & 32767) >> 5;
      const w1 = ((hi - 1) & 32767) >> 5;
      for (let w = w0; w <= w1; w++) {
        let bits = ~u[(page >> 2) + w] >>> 0;
        if (w === w0) bits = (bits & (0xffffffff << (lo & 31))) >>> 0;
        if (w === w1) bits = (bits & (0xffffffff >>> (31 - ((hi - 1) & 31)))) >>> 0;
        if (bits !== 0) {
          words += w - w0 + 1;
          return [(p << 15) + (w << 5) + (31 - Math.clz32(bits & -bits)), words, pages];
        }
      }
      words += w1 - w0 + 1;
    }
    return [-1, words, pages];
  }

  it('scalar, SIMD and debug searches match a JS reference on random maps and ranges', () => {
    // deterministic xorshift so a failure reproduces
    let seed = 0x9e3779b9;
    const rnd = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const cores = BUILDS.map((b) => make(b));
    const free: number[] = [];
    for (let k = 0; k < 60; k++) free.push(1 + rnd(PID_MAX_LIMIT - 1));
    // clusters near word and vector boundaries
    for (const base of [5 * BITS_PER_PAGE + 4 * 32 - 1, 7 * BITS_PER_PAGE + 8 * 32, 9 * BITS_PER_PAGE + 32767]) free.push(base);
    const maps = cores.map((c) => denseMap(c, [...new Set(free)]));
    for (let t = 0; t < 400; t++) {
      let begin = rnd(PID_MAX_LIMIT);
      let end = 1 + rnd(PID_MAX_LIMIT);
      if (t % 4 === 0) end = Math.min(PID_MAX_LIMIT, begin + 1 + rnd(300)); // short ranges
      if (begin >= end) [begin, end] = [end - 1, begin + 1];
      const want = referenceSearch(cores[0], maps[0], begin, end);
      cores.forEach((c, i) => expect(search(c, maps[i], begin, end), `${BUILDS[i]} [${begin}, ${end})`).toEqual(want));
    }
  });
});

describe('WASM core: out of memory', () => {
  const SMALL = 4 * 1024 * 1024;

  /** Memory snapshot with the set_tid scratch zeroed (the caller writes it). */
  const snap = (c: WasmPidCore) => {
    const s = c.u32().slice();
    s.fill(0, c.setTidPtr >> 2, (c.setTidPtr >> 2) + SET_TID_MAX);
    return s;
  };
  function expectSame(c: WasmPidCore, before: Uint32Array): void {
    const after = snap(c);
    expect(after.length).toBe(before.length);
    for (let i = 0; i < after.length; i++) {
      if (after[i] !== before[i]) throw new Error(`word ${i} changed: ${before[i]} → ${after[i]}`);
    }
  }

  for (const b of BUILDS) {
    it(`${b}: alloc_pid_batch stops with -ENOMEM, keeps what it made, and a failed call changes nothing`, () => {
      const c = make(b, { maxMemoryBytes: SMALL });
      const root = c.create_pid_namespace(0);
      const deep = c.create_pid_namespace(c.create_pid_namespace(c.create_pid_namespace(root)));
      const made: number[] = [];
      let stoppedBy = 0;
      for (let round = 0; round < 1000 && !stoppedBy; round++) {
        const got = c.alloc_pid_batch(deep, BATCH_MAX);
        made.push(...batch(c, got));
        if (got < BATCH_MAX) stoppedBy = stats(c)[STAT_BATCH_ERROR];
      }
      expect(stoppedBy).toBe(-ENOMEM);
      expect(c.memoryBytes()).toBeLessThanOrEqual(SMALL);
      expect(stats(c)[STAT_ALLOCS]).toBe(made.length);
      // every pid made before the failure is published at every level
      expect(field(c, root, NS_PID_ALLOCATED)).toBe((layout.PIDNS_ADDING + made.length) >>> 0);
      made.forEach((p, i) => {
        expect(numbers(c, p)).toEqual([i + 1, i + 1, i + 1, i + 1]);
      });
      expect(c.find_pid_ns(made.length, deep)).toBe(made.at(-1));
      // a failing call leaves memory exactly as it was (stats included: no search ran)
      const before = snap(c);
      expect(c.alloc_pid(deep, 0)).toBe(-ENOMEM);
      expect(fork(c, deep, [made.length + 5])).toBe(-ENOMEM);
      expectSame(c, before);
      expect(c.alloc_pid_batch(deep, 10)).toBe(0);
      expect(stats(c)[STAT_BATCH_ERROR]).toBe(-ENOMEM);
      expectSame(c, before); // STAT_BATCH_ERROR was already -ENOMEM
      // freeing gives the numbers back; the bump region is still the limit
      c.free_pid_batch(0);
      for (const p of made.slice(0, 10)) c.free_pid(p);
      expect(stats(c)[STAT_FREES]).toBe(10);
      expect(c.find_pid_ns(1, deep)).toBe(0);
    });

    it(`${b}: create_pid_namespace gives -ENOMEM with nothing changed`, () => {
      const c = make(b, { maxMemoryBytes: 1024 * 1024 });
      const root = c.create_pid_namespace(0);
      let last = root;
      let err = 0;
      for (let i = 0; i < 10000; i++) {
        const ns = c.create_pid_namespace(i % 30 === 29 ? root : last); // stay below level 32
        if (ns < 0) {
          err = ns;
          break;
        }
        last = ns;
      }
      expect(err).toBe(-ENOMEM);
      const before = snap(c);
      const rootCount = field(c, root, NS_COUNT);
      expect(c.create_pid_namespace(root)).toBe(-ENOMEM);
      expect(c.create_pid_namespace(0)).toBe(-ENOMEM);
      expect(field(c, root, NS_COUNT)).toBe(rootCount);
      expectSame(c, before);
      // the last namespace made holds only its creator's reference
      const lastParentCount = field(c, last, NS_COUNT);
      expect(lastParentCount).toBe(1);
    });
  }

  it('reservation covers the worst case: an allocation that passes reservation never traps', () => {
    // Walk memory right up to the limit with namespaces and pids of every depth; the debug build asserts
    // that every bump allocation was reserved.
    const c = make('debug', { maxMemoryBytes: 2 * 1024 * 1024 });
    let ns = c.create_pid_namespace(0);
    let failures = 0;
    for (let i = 0; i < 5000 && failures < 50; i++) {
      const r = i % 3 === 0 ? c.create_pid_namespace(ns) : c.alloc_pid(ns, 0);
      if (r === -ENOMEM) failures++;
      else if (i % 3 === 0 && r > 0) ns = r;
      else if (r === -28) ns = c.create_pid_namespace(0); // ENOSPC at level 33: start a new tree
    }
    expect(failures).toBeGreaterThan(0);
    expect(c.memoryBytes()).toBeLessThanOrEqual(2 * 1024 * 1024);
  });
});

describe('WASM core: memory views and references', () => {
  it('u32()/f64() are cached and refreshed after memory growth', () => {
    const c = make('release');
    const u = c.u32();
    const f = c.f64();
    expect(c.u32()).toBe(u);
    const ns = c.create_pid_namespace(0);
    const bytes0 = c.memoryBytes();
    while (c.memoryBytes() === bytes0) c.alloc_pid_batch(ns, BATCH_MAX);
    expect(u.length).toBe(0); // detached by growth
    const u2 = c.u32();
    expect(u2 === u).toBe(false);
    expect(u2.length * 4).toBe(c.memoryBytes());
    expect(c.f64() === f).toBe(false);
    expect(c.f64()[(c.statsPtr >> 3) + STAT_ALLOCS]).toBeGreaterThan(0);
  });

  it('put_pid_ns frees a namespace chain; blocks are reused', () => {
    for (const b of BUILDS) {
      const c = make(b);
      const root = c.create_pid_namespace(0);
      const a = c.create_pid_namespace(root);
      const p = fork(c, a);
      expect(field(c, a, NS_COUNT)).toBe(2);
      c.put_pid_ns(a); // the creator's reference; p still holds one
      expect(field(c, a, NS_COUNT)).toBe(1);
      c.get_pid(p);
      c.free_pid(p); // numbers returned; p's object lives on (count 1)
      expect(field(c, a, NS_COUNT)).toBe(1);
      c.put_pid(p); // last reference: a is freed, root's count drops back
      expect(field(c, root, NS_COUNT)).toBe(1);
      const top = c.exports.heap_top();
      const a2 = c.create_pid_namespace(root);
      expect(a2).toBe(a); // the freed block, from its size's free list
      expect(c.exports.heap_top()).toBe(top);
      expect(field(c, a2, NS_CURSOR)).toBe(0);
      expect(c.pid_nr_ns(fork(c, a2), a2)).toBe(1);
      expect(c.exports.check_pidmap(a2)).toBe(0);
    }
  });
});

describe('WASM core: debug build invariants', () => {
  it('a broken invariant throws a clear Error (debug only)', () => {
    const c = make('debug');
    const ns = c.create_pid_namespace(0);
    const p = fork(c, ns);
    c.free_pid(p);
    expect(() => c.put_pid(p)).toThrow(/broken invariant: put_pid: count underflow/);
  });
  it('the release builds carry no asserts', () => {
    const imports = WebAssembly.Module.imports(wasmModule('release')).map((i) => `${i.module}.${i.name}`);
    expect(imports).toEqual(['env.memory']);
    expect(WebAssembly.Module.imports(wasmModule('debug')).map((i) => i.name)).toContain('abort');
  });
});

describe('WASM core: loaders', () => {
  it('the async loader works in Node with bytes or a compiled module as source', async () => {
    for (const b of BUILDS) {
      const c = await createWasmCore({ source: wasmBytes(b) });
      expect(c.build).toBe(b);
      const ns = c.create_pid_namespace(0);
      expect(c.pid_nr_ns(c.alloc_pid(ns, 0), ns)).toBe(1);
    }
    const c = await createWasmCore({ source: wasmModule('release'), maxMemoryBytes: 1 << 20 });
    expect(c.memory.buffer.byteLength).toBeLessThanOrEqual(1 << 20);
    const d = createWasmCoreFromModule(wasmBytes('release-simd'));
    expect(d.build).toBe('release-simd');
  });

  it('the browser-safe loader needs no file or fetch: the release builds are embedded, equal to build/*.wasm', async () => {
    const c = await createWasmCore();
    expect(c.build).toBe(simdSupported() ? 'release-simd' : 'release');
    expect((await createWasmCore({ simd: false })).build).toBe('release');
    for (const b of ['release', 'release-simd'] as const) {
      expect(Buffer.from(embeddedWasmBytes(b)).equals(readFileSync(new URL(`../build/${b}.wasm`, import.meta.url)))).toBe(true);
    }
    // The debug build is not embedded: the browser-safe loader says how to give it.
    await expect(createWasmCore({ debug: true })).rejects.toThrow(/debug WASM build is not embedded.*source/);
    // A file: URL as source is refused with an explanation (fetch cannot load it in Node).
    await expect(createWasmCore({ source: new URL('../build/release.wasm', import.meta.url) })).rejects.toThrow(/file: URLs/);
  });

  it('creating many cores is cheap (compiled modules are cached)', () => {
    const cores = Array.from({ length: 200 }, () => createWasmCoreSync());
    expect(new Set(cores.map((c) => c.memory)).size).toBe(200);
    expect(cores.every((c) => c.create_pid_namespace(0) > 0)).toBe(true);
  });

  it('rejects an unknown allocator', () => {
    expect(() => createWasmCoreSync({ allocator: 'buddy' as never })).toThrow(/allocator/);
  });
});

describe('WASM core: random operation sequences agree across builds', () => {
  type Op =
    | { t: 'ns'; parent: number }
    | { t: 'fork'; ns: number; setTid: number[] }
    | { t: 'batch'; ns: number; n: number }
    | { t: 'free'; pid: number }
    | { t: 'lastpid'; ns: number; v: number }
    | { t: 'pidmax'; ns: number; v: number }
    | { t: 'disable'; ns: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    { arbitrary: fc.record({ t: fc.constant('ns' as const), parent: fc.nat(20) }), weight: 2 },
    { arbitrary: fc.record({ t: fc.constant('fork' as const), ns: fc.nat(20), setTid: fc.array(fc.oneof(fc.constant(1), fc.integer({ min: -1, max: 700 })), { maxLength: 3 }) }), weight: 8 },
    { arbitrary: fc.record({ t: fc.constant('batch' as const), ns: fc.nat(20), n: fc.integer({ min: 0, max: 400 }) }), weight: 3 },
    { arbitrary: fc.record({ t: fc.constant('free' as const), pid: fc.nat(2000) }), weight: 6 },
    { arbitrary: fc.record({ t: fc.constant('lastpid' as const), ns: fc.nat(20), v: fc.integer({ min: -1, max: 800 }) }), weight: 1 },
    { arbitrary: fc.record({ t: fc.constant('pidmax' as const), ns: fc.nat(20), v: fc.integer({ min: 300, max: 800 }) }), weight: 1 },
    { arbitrary: fc.record({ t: fc.constant('disable' as const), ns: fc.nat(20) }), weight: 1 },
  );

  /** Runs ops on one core; handles are replaced by indices so traces compare across builds. */
  function play(c: WasmPidCore, ops: Op[]): unknown[] {
    const nss = [c.create_pid_namespace(0)];
    expect(c.set_pid_max(nss[0], 700)).toBe(0);
    const pids: number[] = [];
    const out: unknown[] = [];
    const pick = <T>(a: T[], i: number) => a[i % a.length];
    for (const o of ops) {
      switch (o.t) {
        case 'ns': {
          const r = c.create_pid_namespace(pick(nss, o.parent));
          if (r > 0) nss.push(r);
          out.push(r > 0 ? 'ns' : r);
          break;
        }
        case 'fork': {
          const r = fork(c, pick(nss, o.ns), o.setTid);
          if (r > 0) pids.push(r);
          out.push(r > 0 ? numbers(c, r) : r);
          break;
        }
        case 'batch': {
          const got = c.alloc_pid_batch(pick(nss, o.ns), o.n);
          const made = batch(c, got);
          pids.push(...made);
          out.push([got, stats(c)[STAT_BATCH_ERROR], made.map((p) => numbers(c, p).join('.')).join(',')]);
          break;
        }
        case 'free': {
          if (pids.length === 0) break;
          const k = o.pid % pids.length;
          c.free_pid(pids[k]);
          pids.splice(k, 1);
          out.push('freed');
          break;
        }
        case 'lastpid':
          out.push(c.set_ns_last_pid(pick(nss, o.ns), o.v));
          break;
        case 'pidmax':
          out.push(c.set_pid_max(pick(nss, o.ns), o.v));
          break;
        case 'disable':
          c.disable_pid_allocation(pick(nss, o.ns));
          break;
      }
    }
    for (const ns of nss) {
      expect(c.exports.check_pidmap(ns)).toBe(0);
      out.push(nsState(c, ns), c.ns_last_pid(ns));
      for (const p of pids) {
        const nr = c.pid_nr_ns(p, ns);
        if (nr) expect(c.find_pid_ns(nr, ns)).toBe(p);
      }
    }
    out.push(stats(c));
    return out;
  }

  fcit.prop([fc.array(op, { minLength: 1, maxLength: 300 })], { numRuns: 60, seed: 20261129 })(
    'release, release-simd and debug produce the same trace',
    (ops) => {
      const [a, s, d] = BUILDS.map((b) => play(make(b), ops));
      expect(s).toEqual(a);
      expect(d).toEqual(a);
    },
  );
});
