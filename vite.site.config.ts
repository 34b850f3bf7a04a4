/**
 * `npm run build:site`: the explorer as a static folder (site/: index.html,
 * one JS bundle, the CSS and build/release.wasm) that works from any static
 * host, under any path (relative URLs), with no server of ours.
 * Needs build/release.wasm (`npm run build:wasm`).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('./web/explorer/', import.meta.url));

/**
 * The loader's default `new URL(`../../${file}`, import.meta.url)` is a
 * template literal, which Vite turns into a glob over the package root
 * (README, package.json … end up in the site). The explorer passes the
 * module itself as `source`, so that default is never used here: make it a
 * plain expression Vite leaves alone. No match (the loader changed): no-op.
 */
function noDefaultWasmGlob(): Plugin {
  return {
    name: 'pidns-no-default-wasm-glob',
    transform(code, id) {
      if (!/[\\/]src[\\/]core[\\/]wasm\.ts$/.test(id)) return null;
      const out = code.replace(/new URL\(`\.\.\/\.\.\/\$\{([^`]+)\}`, import\.meta\.url\)/g, "new URL('../../' + ($1), import.meta.url)");
      return out === code ? null : { code: out, map: null };
    },
  };
}

export default defineConfig({
  root,
  plugins: [noDefaultWasmGlob()],
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
