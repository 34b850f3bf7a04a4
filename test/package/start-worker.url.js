// The worker for bundlers that follow `new Worker(new URL(...), ...)` (Vite, webpack, Parcel).
export function startWorker() {
  return new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
}
