// The same in a Web Worker: both cores, answered to the page.
import { runSeed } from './run-seed.js';

self.onmessage = async () => {
  try {
    self.postMessage({ wasm: await runSeed('wasm'), ts: await runSeed('ts') });
  } catch (e) {
    self.postMessage({ error: String(e && e.stack || e) });
  }
};
