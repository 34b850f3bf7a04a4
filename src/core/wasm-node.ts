/**
 * Node entry of the WASM core: synchronous loading from the package's build/
 * folder with node:fs. Compiled modules are cached per file, so making many
 * cores (tests make hundreds) costs one instantiation each.
 */
import { readFileSync } from 'node:fs';
import type { CoreOptions } from './types.js';
import {
  createWasmCoreFromModule,
  defaultWasmUrl,
  wasmBuildFor,
  type WasmBuildName,
  type WasmPidCore,
} from './wasm.js';

const modules = new Map<WasmBuildName, WebAssembly.Module>();

/** The compiled module of a build, read and compiled once per process. */
export function wasmModule(build: WasmBuildName): WebAssembly.Module {
  let m = modules.get(build);
  if (!m) {
    const url = defaultWasmUrl(build);
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = new Uint8Array(readFileSync(url));
    } catch (e) {
      throw new Error(`pidns: cannot read ${url.pathname} (run \`npm run build:wasm\`): ${(e as Error).message}`);
    }
    m = new WebAssembly.Module(bytes);
    modules.set(build, m);
  }
  return m;
}

/** The bytes of a build file (for the async loader's `source` option in Node). */
export function wasmBytes(build: WasmBuildName): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(defaultWasmUrl(build)));
}

/** The WASM core, instantiated synchronously: debug build if `opts.debug`, else SIMD when `opts.simd !== false` and supported. */
export function createWasmCoreSync(opts: CoreOptions = {}): WasmPidCore {
  return createWasmCoreFromModule(wasmModule(wasmBuildFor(opts)), opts);
}
