/**
 * Entry of the explorer page (web/explorer/index.html). The WASM core comes
 * from build/release.wasm, found relative to this module
 * (`new URL(..., import.meta.url)`: Vite emits the file into the static
 * site; from dist/ the same path reaches the package's build/), and is
 * handed to the loader as `source` (a URL, which the loader fetches and
 * compiles once per URL), so it works whatever the loader's own default
 * location is. Each replay makes a fresh core (a new memory).
 */
import { createTsCore } from '../../core/ts/index.js';
import { createWasmCore } from '../../core/wasm.js';
import { startExplorer } from './app.js';

const WASM_URL = new URL('../../../build/release.wasm', import.meta.url);

startExplorer({
  async makeCore(core, allocator) {
    if (core === 'ts') return createTsCore({ allocator });
    return createWasmCore({ source: WASM_URL, allocator, simd: false });
  },
}).catch((e: unknown) => {
  const s = document.getElementById('status');
  if (s) s.textContent = `failed to start: ${String(e)}`;
  document.body.dataset.state = 'failed';
});
