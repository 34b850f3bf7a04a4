/**
 * Loader of the WASM core (assembly/, compiled by AssemblyScript) behind the
 * PidCore interface (types.ts). Browser-safe: no `node:` imports; the Node
 * entry (wasm-node.ts) adds synchronous creation.
 *
 * Three builds exist (asconfig.json): `release.wasm`, `release-simd.wasm`
 * (the bitmap search skips full words with v128) and `debug.wasm` (invariants
 * asserted; a broken one calls `env.abort`, which throws). All import their
 * memory as `env.memory`; each core gets a fresh `WebAssembly.Memory` (the
 * builds assume a zero-filled memory) whose `maximum` caps the core's size.
 *
 * Where the module comes from by default: the two release builds (about
 * 10 KB each) are embedded in the JavaScript as base64 (wasm-embedded.ts,
 * generated at build time), and the SIMD one is taken when the engine
 * validates SIMD. No `fetch`, no `new URL(..., import.meta.url)`, no file:
 * every bundler (Vite, esbuild ESM/IIFE, webpack, Rollup, Parcel), every
 * worker and every runtime (Node, Deno, Bun) loads it unchanged. Sites whose
 * CSP forbids compiling from bytes they did not fetch (no 'wasm-unsafe-eval')
 * or that want the debug build pass `source`: a URL (fetched and compiled,
 * e.g. the package's `pidns/wasm/release.wasm` served as a file), the bytes,
 * or a compiled `WebAssembly.Module`.
 *
 * The module is instantiated directly (no @assemblyscript/loader): its only
 * imports are `env.memory` and, in the debug build, `env.abort`; its start
 * function runs on instantiation. Hot methods of the returned core are the
 * raw WebAssembly exports (no wrapper): i32 in, i32 out, as the interface says.
 */
import { ALLOCATOR_NAMES, type AllocatorName, type AllocatorProbe, type CoreOptions, type PidCore } from './types.js';
import { EMBEDDED_WASM } from './wasm-embedded.js';

/** Build files, relative to the package root (exported as `pidns/wasm/<name>.wasm`). */
export type WasmBuildName = 'release' | 'release-simd' | 'debug';
export const WASM_BUILD_FILES: Readonly<Record<WasmBuildName, string>> = {
  release: 'build/release.wasm',
  'release-simd': 'build/release-simd.wasm',
  debug: 'build/debug.wasm',
};

export type WasmSource = BufferSource | URL | string;
export interface WasmCoreOptions extends CoreOptions {
  /**
   * Where the module comes from: a URL (fetched and compiled), its bytes, or a
   * compiled module. Default: the release build embedded in the package
   * (SIMD when the engine has it); the debug build always needs `source`
   * in the browser entry.
   */
  source?: WasmSource | WebAssembly.Module;
}

const WASM_PAGE_BYTES = 65536;
/** 4 GiB: the largest wasm32 memory. Handles stay below 2 GiB whatever the maximum (assembly/memory.ts HEAP_LIMIT). */
const MAX_WASM_PAGES = 65536;
/** Pages the core can use at most: objects stay below 2 GiB so that handles are positive i32. */
const HANDLE_LIMIT_PAGES = 32768 + 1;
/** The builds declare a 1-page minimum (their static data fits in it). */
const INITIAL_PAGES = 1;

/** The PidCore calls that are WASM exports of the same name and signature. */
export type CoreCalls = Pick<PidCore,
  | 'create_pid_namespace' | 'get_pid_ns' | 'put_pid_ns' | 'disable_pid_allocation'
  | 'ns_last_pid' | 'set_ns_last_pid' | 'pid_max' | 'set_pid_max'
  | 'alloc_pid' | 'alloc_pid_batch' | 'free_pid' | 'free_pid_batch' | 'get_pid' | 'put_pid'
  | 'find_pid_ns' | 'pid_nr_ns'>;

/** The raw exports of assembly/index.ts. */
export interface WasmCoreExports extends CoreCalls {
  memory: WebAssembly.Memory;
  stats_ptr(): number;
  set_tid_ptr(): number;
  batch_ptr(): number;
  heap_top(): number;
  simd_enabled(): number;
  debug_enabled(): number;
  /** Test hook: bitmap search on [begin, end) without taking; -1 when full. */
  pidmap_search(ns: number, begin: number, end: number): number;
  /** Test hook: 0 when every page's nr_free matches its bits (pidmap cores). */
  check_pidmap(ns: number): number;
  /** Chooses the allocator kind (index in ALLOCATOR_NAMES) before the first namespace: 0 or -EINVAL. */
  set_allocator(kind: number): number;
  allocator_kind(): number;
  /** AllocatorProbe, i32 flavoured (alloc_busy returns 1/0). */
  alloc_busy(ns: number, nr: number): number;
  alloc_search(ns: number, begin: number, end: number): number;
  allocator_checksum(ns: number): number;
  allocator_bytes(ns: number): number;
  check_allocator(ns: number): number;
  lookup_chunks_made(): number;
  /** Layout constants, one WebAssembly.Global each. */
  [name: string]: unknown;
}

/** A PidCore backed by a WASM instance, with the raw exports for tests and tools. */
export interface WasmPidCore extends PidCore, AllocatorProbe {
  readonly name: 'wasm';
  readonly build: WasmBuildName;
  readonly exports: WasmCoreExports;
  readonly memory: WebAssembly.Memory;
}

/** Picks the build for `opts`: debug if asked, else SIMD when wanted and supported. */
export function wasmBuildFor(opts: CoreOptions = {}): WasmBuildName {
  if (opts.debug) return 'debug';
  if (opts.simd !== false && simdSupported()) return 'release-simd';
  return 'release';
}

// A module of one function `() -> v128 { i8x16.popcnt(i8x16.splat(0)) }` (the wasm-feature-detect probe).
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);
let simdCache: boolean | undefined;
/** Whether this runtime validates WebAssembly SIMD (fixed-width v128). */
export function simdSupported(): boolean {
  if (simdCache === undefined) {
    try {
      simdCache = WebAssembly.validate(SIMD_PROBE);
    } catch {
      simdCache = false;
    }
  }
  return simdCache;
}

/** The `env` imports: the memory and an `abort` that throws (reached only by a broken invariant in the debug build). */
export function makeImports(opts: CoreOptions = {}): { env: { memory: WebAssembly.Memory; abort: (...a: number[]) => never } } {
  const maxBytes = opts.maxMemoryBytes ?? MAX_WASM_PAGES * WASM_PAGE_BYTES;
  if (!(maxBytes > 0)) throw new RangeError(`maxMemoryBytes must be positive, got ${maxBytes}`);
  const maximum = Math.max(INITIAL_PAGES, Math.min(MAX_WASM_PAGES, Math.floor(maxBytes / WASM_PAGE_BYTES)));
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum });
  } catch (e) {
    // Some engines refuse a 4 GiB maximum; the core never uses more than 2 GiB (+ one page).
    if (!(e instanceof RangeError) || maximum <= HANDLE_LIMIT_PAGES) throw e;
    memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: HANDLE_LIMIT_PAGES });
  }
  const abort = (msg: number, file: number, line: number, col: number): never => {
    const text = readAsString(memory, msg) ?? 'assertion failed';
    const where = readAsString(memory, file) ?? '?';
    throw new Error(`pidns WASM core: broken invariant: ${text} (${where}:${line}:${col})`);
  };
  return { env: { memory, abort } };
}

/** An AssemblyScript static string (UTF-16LE, byte length at ptr - 4), or undefined. */
function readAsString(memory: WebAssembly.Memory, ptr: number): string | undefined {
  if (!ptr) return undefined;
  const buf = memory.buffer;
  if (ptr < 4 || ptr >= buf.byteLength) return undefined;
  const len = new Uint32Array(buf, (ptr - 4) & ~3, 1)[0] >>> 1;
  if ((ptr & 1) !== 0 || ptr + len * 2 > buf.byteLength) return undefined;
  return String.fromCharCode(...new Uint16Array(buf, ptr, len));
}

/**
 * Wraps an instance of the core module into a PidCore. The build name is read
 * from the module itself (simd_enabled / debug_enabled exports).
 */
export function wrapWasmInstance(instance: WebAssembly.Instance, memory: WebAssembly.Memory, allocator: AllocatorName = 'pidmap'): WasmPidCore {
  const ex = instance.exports as unknown as WasmCoreExports;
  // The kind is a core-global of the instance (assembly/alloc.ts), fixed before the first namespace.
  const kind = ALLOCATOR_NAMES.indexOf(allocator);
  if (kind < 0 || ex.set_allocator(kind) !== 0) throw new RangeError(`cannot select allocator ${String(allocator)}`);
  const build: WasmBuildName = ex.debug_enabled() ? 'debug' : ex.simd_enabled() ? 'release-simd' : 'release';
  let u32 = new Uint32Array(memory.buffer);
  let f64 = new Float64Array(memory.buffer);
  const core: WasmPidCore = {
    name: 'wasm',
    allocator,
    build,
    exports: ex,
    memory,
    // Memory growth detaches the old buffer: its views then have length 0.
    u32() {
      if (u32.length === 0) u32 = new Uint32Array(memory.buffer);
      return u32;
    },
    f64() {
      if (f64.length === 0) f64 = new Float64Array(memory.buffer);
      return f64;
    },
    statsPtr: ex.stats_ptr(),
    setTidPtr: ex.set_tid_ptr(),
    batchPtr: ex.batch_ptr(),
    memoryBytes: () => memory.buffer.byteLength,
    create_pid_namespace: ex.create_pid_namespace,
    get_pid_ns: ex.get_pid_ns,
    put_pid_ns: ex.put_pid_ns,
    disable_pid_allocation: ex.disable_pid_allocation,
    alloc_pid: ex.alloc_pid,
    alloc_pid_batch: ex.alloc_pid_batch,
    free_pid: ex.free_pid,
    free_pid_batch: ex.free_pid_batch,
    get_pid: ex.get_pid,
    put_pid: ex.put_pid,
    find_pid_ns: ex.find_pid_ns,
    pid_nr_ns: ex.pid_nr_ns,
    ns_last_pid: ex.ns_last_pid,
    set_ns_last_pid: ex.set_ns_last_pid,
    pid_max: ex.pid_max,
    set_pid_max: ex.set_pid_max,
    alloc_busy: (ns, nr) => ex.alloc_busy(ns, nr) !== 0,
    alloc_search: ex.alloc_search,
    allocator_checksum: ex.allocator_checksum,
    allocator_bytes: ex.allocator_bytes,
    check_allocator: ex.check_allocator,
    lookup_chunks_made: ex.lookup_chunks_made,
  };
  return core;
}

function checkAllocator(opts: CoreOptions): void {
  if (opts.allocator !== undefined && !ALLOCATOR_NAMES.includes(opts.allocator)) {
    throw new RangeError(`unknown allocator ${String(opts.allocator)}`);
  }
}

/** Synchronously makes a core from a compiled module or its bytes (Node, workers; browsers limit sync compilation of big modules on the main thread). */
export function createWasmCoreFromModule(source: WebAssembly.Module | BufferSource, opts: CoreOptions = {}): WasmPidCore {
  checkAllocator(opts);
  const imports = makeImports(opts);
  const module = source instanceof WebAssembly.Module ? source : new WebAssembly.Module(source);
  const instance = new WebAssembly.Instance(module, imports);
  return wrapWasmInstance(instance, imports.env.memory, opts.allocator);
}

/** Asynchronously makes a core from a compiled module or its bytes. */
export async function instantiateWasmCore(source: WebAssembly.Module | BufferSource, opts: CoreOptions = {}): Promise<WasmPidCore> {
  checkAllocator(opts);
  const imports = makeImports(opts);
  let instance: WebAssembly.Instance;
  try {
    instance = source instanceof WebAssembly.Module
      ? await WebAssembly.instantiate(source, imports)
      : (await WebAssembly.instantiate(source, imports)).instance;
  } catch (e) {
    throw explainCompileError(e);
  }
  return wrapWasmInstance(instance, imports.env.memory, opts.allocator);
}

/**
 * A page whose Content Security Policy lacks 'wasm-unsafe-eval' (or
 * 'unsafe-eval') in script-src may not compile any WebAssembly, embedded or
 * fetched: say so, and name the way out (the TS core needs no WASM).
 */
function explainCompileError(e: unknown): unknown {
  const text = String((e as Error)?.message ?? e);
  if (!/Content.Security.Policy|wasm-unsafe-eval|wasm-eval/i.test(text)) return e;
  return new Error(
    "pidns: this page's Content Security Policy forbids compiling WebAssembly (script-src needs 'wasm-unsafe-eval'); " +
      "allow it, or use the TS core: createKernel({ core: 'ts' }) gives the same results",
    { cause: e },
  );
}

/** The bytes of an embedded release build (decoded from base64 on each call). */
export function embeddedWasmBytes(build: 'release' | 'release-simd'): Uint8Array<ArrayBuffer> {
  const text = atob(EMBEDDED_WASM[build]);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

const embeddedModules = new Map<WasmBuildName, Promise<WebAssembly.Module>>();

/** The compiled module of an embedded release build, compiled once per build. */
export function compileEmbeddedWasm(build: 'release' | 'release-simd'): Promise<WebAssembly.Module> {
  let p = embeddedModules.get(build);
  if (!p) {
    p = WebAssembly.compile(embeddedWasmBytes(build)).catch((e: unknown) => {
      throw explainCompileError(e);
    });
    p.catch(() => embeddedModules.delete(build));
    embeddedModules.set(build, p);
  }
  return p;
}

const moduleCache = new Map<string, Promise<WebAssembly.Module>>();

/** Fetches and compiles the module at `url`, once per URL. */
export function compileWasmUrl(url: URL | string): Promise<WebAssembly.Module> {
  const href = typeof url === 'string' ? url : url.href;
  let p = moduleCache.get(href);
  if (!p) {
    p = (async () => {
      if (href.startsWith('file:')) {
        throw new Error(
          `pidns: cannot fetch ${href}: fetch() does not load file: URLs in Node. ` +
            `Leave \`source\` out (the release builds are embedded), or pass the module bytes as \`source\`.`,
        );
      }
      const res = await fetch(href);
      if (!res.ok) throw new Error(`pidns: fetching ${href} failed: HTTP ${res.status}`);
      return WebAssembly.compile(await res.arrayBuffer()).catch((e: unknown) => {
        throw explainCompileError(e);
      });
    })();
    p.catch(() => moduleCache.delete(href));
    moduleCache.set(href, p);
  }
  return p;
}

/**
 * The WASM core. Loads `opts.source` (a URL, bytes, or a compiled module)
 * or, by default, the embedded release build chosen by `opts.simd` (SIMD
 * when supported). The debug build is not embedded: with `opts.debug` pass
 * its `source` (the file `pidns/wasm/debug.wasm`), or in Node use
 * createWasmCoreSync from the Node entry, which reads it.
 */
export async function createWasmCore(opts: WasmCoreOptions = {}): Promise<WasmPidCore> {
  const { source, ...coreOpts } = opts;
  if (source === undefined) {
    const build = wasmBuildFor(coreOpts);
    if (build === 'debug') {
      throw new Error(
        'pidns: the debug WASM build is not embedded in the browser entry; pass its location as `source` ' +
          "(e.g. new URL('/assets/debug.wasm', location.href) for a copy of pidns/wasm/debug.wasm), or use pidns/node in Node",
      );
    }
    return instantiateWasmCore(await compileEmbeddedWasm(build), coreOpts);
  }
  if (typeof source === 'string' || source instanceof URL) return instantiateWasmCore(await compileWasmUrl(source), coreOpts);
  return instantiateWasmCore(source, coreOpts);
}
