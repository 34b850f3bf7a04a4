/**
 * `npm run build:site`: the explorer as a static folder (site/: index.html,
 * one JS bundle with the WASM core embedded, and the CSS) that works from any
 * static host, under any path (relative URLs), with no server of ours.
 * Needs the embedded core (`npm run build:wasm` writes src/core/wasm-embedded.ts).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./web/explorer/', import.meta.url));

export default defineConfig({
  root,
  base: './',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('./site/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
