// The worker built as its own ES-module entry next to the page (esbuild ESM, Rollup).
export function startWorker() {
  return new Worker('./worker.js', { type: 'module' });
}
