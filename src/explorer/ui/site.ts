/**
 * Entry of the explorer page (web/explorer/index.html). The WASM core is
 * compiled once from build/release.wasm, found relative to this module
 * (`new URL(..., import.meta.url)`: Vite emits the file into the static
 * site; from dist/ the same path reaches the package's build/) and handed to
 * the loader as `source`, so it works whatever the loader's own default is.
 * Each replay instantiates the compiled module again (a fresh memory).
 */
import { createTsCore } from '../../core/ts/index.js';
import { createWasmCore } from '../../core/wasm.js';
import { startExplorer } from './app.js';

const WASM_URL = new URL('../../../build/release.wasm', import.meta.url);
let compiled: Promise<WebAssembly.Module> | null = null;

function wasmModule(): Promise<WebAssembly.Module> {
  compiled ??= fetch(WASM_URL).then(async (r) => {
    if (!r.ok) throw new Error(`${WASM_URL.href}: HTTP ${r.status}`);
    return WebAssembly.compile(await r.arrayBuffer());
  });
  return compiled;
}

startExplorer({
  async makeCore(core, allocator) {
    if (core === 'ts') return createTsCore({ allocator });
    return createWasmCore({ source: await wasmModule(), allocator, simd: false });
  },
}).catch((e: unknown) => {
  const s = document.getElementById('status');
  if (s) s.textContent = `failed to start: ${String(e)}`;
  document.body.dataset.state = 'failed';
});
