// A page built by a bundler: the seed story on the WASM core (timed from the
// navigation's start: time to first transcript), then on the TS core, then
// both again in a Web Worker. The result goes to window.result for the test.
import { runSeed } from './run-seed.js';
import { startWorker } from './start-worker.js';

async function inWorker() {
  const w = startWorker();
  return new Promise((resolve, reject) => {
    w.onmessage = (e) => resolve(e.data);
    w.onerror = (e) => reject(new Error(`worker: ${e.message}`));
    w.postMessage('go');
  });
}

/** A step's value, or 'error: message' (a page under a strict CSP fails the WASM step only). */
async function attempt(step) {
  try {
    return await step();
  } catch (e) {
    return `error: ${e && e.message || e}`;
  }
}

(async () => {
  const wasm = await attempt(() => runSeed('wasm'));
  const firstMs = performance.now();
  document.getElementById('out').textContent = wasm;
  const ts = await attempt(() => runSeed('ts'));
  const worker = await attempt(inWorker);
  window.result = { wasm, ts, worker, firstMs };
})();
