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

(async () => {
  const wasm = await runSeed('wasm');
  const firstMs = performance.now();
  document.getElementById('out').textContent = wasm;
  const ts = await runSeed('ts');
  const worker = await inWorker();
  window.result = { wasm, ts, worker, firstMs };
})().catch((e) => {
  window.result = { error: String(e && e.stack || e) };
});
