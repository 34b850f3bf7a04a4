// The same in a Web Worker: both cores, answered to the page.
import { runSeed } from './run-seed.js';

self.onmessage = async () => {
  const attempt = (core) => runSeed(core).catch((e) => `error: ${e && e.message || e}`);
  self.postMessage({ wasm: await attempt('wasm'), ts: await attempt('ts') });
};
