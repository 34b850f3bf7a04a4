/**
 * Node entry of the WASM core: synchronous creation. The release builds come
 * from the bytes embedded in the package (wasm-embedded.ts), so bundling the
 * Node entry (e.g. esbuild --platform=node) or running it under Deno or Bun
 * needs no file next to it; only the debug build is read from the package's
 * build/ folder with node:fs. Compiled modules are cached per build, so
 * making many cores (tests make hundreds) costs one instantiation each.
 */
import { readFileSync } from 'node:fs';
import type { CoreOptions } from './types.js';
import {
  WASM_BUILD_FILES,
  createWasmCoreFromModule,
  embeddedWasmBytes,
  wasmBuildFor,
  type WasmBuildName,
  type WasmPidCore,
} from './wasm.js';

const modules = new Map<WasmBuildName, WebAssembly.Module>();

/** The package's build file of `build` (src/core/ and dist/core/ sit two folders below the root). */
function buildFileUrl(build: WasmBuildName): URL {
  return new URL(`../../${WASM_BUILD_FILES[build]}`, import.meta.url);
}

/** The bytes of a build: embedded for the release builds, read from build/ for debug. */
export function wasmBytes(build: WasmBuildName): Uint8Array<ArrayBuffer> {
  if (build !== 'debug') return embeddedWasmBytes(build);
  const url = buildFileUrl(build);
  try {
    return new Uint8Array(readFileSync(url));
  } catch (e) {
    throw new Error(`pidns: cannot read ${url.pathname} (run \`npm run build:wasm\`): ${(e as Error).message}`);
  }
}

/** The compiled module of a build, compiled once per process. */
export function wasmModule(build: WasmBuildName): WebAssembly.Module {
  let m = modules.get(build);
  if (!m) {
    m = new WebAssembly.Module(wasmBytes(build));
    modules.set(build, m);
  }
  return m;
}

/** The WASM core, instantiated synchronously: debug build if `opts.debug`, else SIMD when `opts.simd !== false` and supported. */
export function createWasmCoreSync(opts: CoreOptions = {}): WasmPidCore {
  return createWasmCoreFromModule(wasmModule(wasmBuildFor(opts)), opts);
}
