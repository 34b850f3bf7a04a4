// The worker built as its own IIFE entry next to the page (esbuild IIFE): a classic worker.
export function startWorker() {
  return new Worker('./worker.js');
}
