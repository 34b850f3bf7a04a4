/**
 * `npm run build:site`: the explorer as a static folder (site/: index.html,
 * one JS bundle with the WASM core embedded, and the CSS) that works from any
 * static host, under any path (relative URLs), with no server of ours.
 * Needs the embedded core (`npm run build:wasm` writes src/core/wasm-embedded.ts).
 *
 * The page names its script as tsc's output (../../dist/explorer/ui/site.js),
 * the URL that works where `pidns play` serves it (/explorer/ → /dist/...);
 * here that name is pointed back at the TypeScript source, so the bundle is
 * made from src/, not from a possibly stale dist/. The header's link to the
 * playground (data-play-only) is dropped: the static site has no playground.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('./web/explorer/', import.meta.url));
const siteTs = fileURLToPath(new URL('./src/explorer/ui/site.ts', import.meta.url));

const dropPlayOnly: Plugin = {
  name: 'pidns-drop-play-only',
  transformIndexHtml(html) {
    const out = html.replace(/[ \t]*<p data-play-only>[\s\S]*?<\/p>\n?/g, '');
    if (out === html) throw new Error('web/explorer/index.html: no <p data-play-only> to drop');
    return out;
  },
};

export default defineConfig({
  root,
  base: './',
  logLevel: 'warn',
  plugins: [dropPlayOnly],
  resolve: {
    alias: [{ find: /^.*\/dist\/explorer\/ui\/site\.js$/, replacement: siteTs }],
  },
  build: {
    outDir: fileURLToPath(new URL('./site/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
