/**
 * Every pid-core backend the suites run against: the TS twin and the three
 * WASM builds, and (`coreVariants`) every backend × number allocator
 * (ALLOCATOR_NAMES: pidmap, idr, hbm). A WASM backend whose build/*.wasm file or loader is missing
 * still appears in the list; its make() throws, so its tests FAIL instead of
 * being skipped. (Restrict the list on purpose with PIDNS_CORES=ts,release,...
 * while developing; unset, every backend runs.)
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ALLOCATOR_NAMES, type AllocatorName, type AllocatorProbe, type CoreOptions, type PidCore } from '../../src/core/types.js';
import { createTsCore } from '../../src/core/ts/index.js';

export interface Backend {
  /** 'ts', 'release', 'release-simd' or 'debug' — equals the core's `build`. */
  name: string;
  make(opts?: CoreOptions): PidCore & AllocatorProbe;
}

type SyncLoader = (opts?: CoreOptions) => PidCore & AllocatorProbe;
let createWasmCoreSync: SyncLoader | undefined;
let loaderError: unknown;
try {
  const mod = (await import('../../src/core/wasm-node.js')) as { createWasmCoreSync?: SyncLoader };
  createWasmCoreSync = mod.createWasmCoreSync;
  if (typeof createWasmCoreSync !== 'function') loaderError = new Error('src/core/wasm-node.ts exports no createWasmCoreSync');
} catch (e) {
  loaderError = e;
}

function wasmBackend(name: string, file: string, opts: CoreOptions): Backend {
  const path = fileURLToPath(new URL(`../../build/${file}`, import.meta.url));
  return {
    name,
    make(extra?: CoreOptions): PidCore & AllocatorProbe {
      if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build:wasm`);
      if (createWasmCoreSync === undefined) throw new Error(`WASM loader unavailable: ${String(loaderError)}`);
      const core = createWasmCoreSync({ ...extra, ...opts }) as PidCore & AllocatorProbe;
      // A loader that silently fell back to another build would test the wrong thing.
      if (core.build !== name) throw new Error(`asked for the ${name} build, got ${core.build}`);
      return core;
    },
  };
}

const ALL: Backend[] = [
  { name: 'ts', make: (opts?: CoreOptions) => createTsCore(opts) },
  wasmBackend('release', 'release.wasm', { simd: false, debug: false }),
  wasmBackend('release-simd', 'release-simd.wasm', { simd: true, debug: false }),
  wasmBackend('debug', 'debug.wasm', { debug: true }),
];

const only = process.env.PIDNS_CORES?.split(',').map((s) => s.trim()).filter(Boolean);
if (only !== undefined) {
  for (const n of only) if (!ALL.some((b) => b.name === n)) throw new Error(`PIDNS_CORES: unknown backend ${n}`);
}

/** The backends under test (all of them unless PIDNS_CORES names a subset). */
export const backends: Backend[] = only === undefined ? ALL : ALL.filter((b) => only.includes(b.name));

/** A backend with a fixed allocator: `name` is 'backend/allocator' (e.g. 'release-simd/hbm'). */
export interface CoreVariant {
  name: string;
  backend: string;
  allocator: AllocatorName;
  make(opts?: CoreOptions): PidCore & AllocatorProbe;
}

/**
 * The allocators under test: all of them unless PIDNS_ALLOCATORS names a
 * subset (development only).
 */
const onlyAlloc = process.env.PIDNS_ALLOCATORS?.split(',').map((s) => s.trim()).filter(Boolean);
if (onlyAlloc !== undefined) {
  for (const n of onlyAlloc) if (!(ALLOCATOR_NAMES as readonly string[]).includes(n)) throw new Error(`PIDNS_ALLOCATORS: unknown allocator ${n}`);
}
export const allocators: AllocatorName[] = ALLOCATOR_NAMES.filter((a) => onlyAlloc === undefined || onlyAlloc.includes(a));

/** One variant of `backend` with `allocator`; make() checks the core reports that allocator. */
export function variant(backend: Backend, allocator: AllocatorName): CoreVariant {
  return {
    name: `${backend.name}/${allocator}`,
    backend: backend.name,
    allocator,
    make(opts?: CoreOptions) {
      const core = backend.make({ ...opts, allocator });
      if (core.allocator !== allocator) throw new Error(`asked for allocator ${allocator}, got ${core.allocator}`);
      return core;
    },
  };
}

/** Every backend × allocator under test. */
export const coreVariants: CoreVariant[] = allocators.flatMap((a) => backends.map((b) => variant(b, a)));
