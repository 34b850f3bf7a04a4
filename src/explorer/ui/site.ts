/**
 * Entry of the explorer page (web/explorer/index.html). The WASM core is the
 * loader's default: the release builds embedded in the JavaScript (the SIMD
 * one where the engine validates it), so the static site is HTML, one JS
 * bundle and CSS, with nothing to fetch. Each replay makes a fresh core (a
 * new memory).
 */
import { createTsCore } from '../../core/ts/index.js';
import { createWasmCore } from '../../core/wasm.js';
import { startExplorer } from './app.js';

startExplorer({
  async makeCore(core, allocator) {
    if (core === 'ts') return createTsCore({ allocator });
    return createWasmCore({ allocator });
  },
}).catch((e: unknown) => {
  const s = document.getElementById('status');
  if (s) s.textContent = `failed to start: ${String(e)}`;
  document.body.dataset.state = 'failed';
});
