/**
 * Every pid-core backend the suites run against: the TS twin and the three
 * WASM builds. A WASM backend whose build/*.wasm file or loader is missing
 * still appears in the list; its make() throws, so its tests FAIL instead of
 * being skipped. (Restrict the list on purpose with PIDNS_CORES=ts,release,...
 * while developing; unset, every backend runs.)
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CoreOptions, PidCore } from '../../src/core/types.js';
import { createTsCore } from '../../src/core/ts/index.js';

export interface Backend {
  /** 'ts', 'release', 'release-simd' or 'debug' — equals the core's `build`. */
  name: string;
  make(opts?: CoreOptions): PidCore;
}

type SyncLoader = (opts?: CoreOptions) => PidCore;
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
    make(extra?: CoreOptions): PidCore {
      if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build:wasm`);
      if (createWasmCoreSync === undefined) throw new Error(`WASM loader unavailable: ${String(loaderError)}`);
      const core = createWasmCoreSync({ ...extra, ...opts });
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
