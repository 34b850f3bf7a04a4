// Builds the consumer page in the current folder (a copy of this folder's
// fixtures inside a temporary project that installed the packed pidns) with
// one bundler, into ./out: `node build.mjs vite|esbuild-esm|esbuild-iife|webpack|rollup|parcel`.
// The bundlers are the repository's pinned devDependencies (resolved from
// here); everything they bundle, pidns included, resolves from the
// temporary project. Prints the output's files and sizes as JSON.
// `node build.mjs vite-dev` instead starts Vite's dev server on the page
// (loopback, a free port), prints {"url": ...} and serves until killed.
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const which = process.argv[2];
const cwd = process.cwd();
const out = path.join(cwd, 'out');

const builders = {
  async vite() {
    const { build } = await import('vite');
    await build({
      root: cwd, configFile: false, logLevel: 'warn', base: './',
      build: { outDir: out, emptyOutDir: true },
      worker: { format: 'es' },
    });
  },
  'esbuild-esm': () => esbuild('esm'),
  'esbuild-iife': () => esbuild('iife'),
  async webpack() {
    const webpack = (await import('webpack')).default;
    const stats = await new Promise((resolve, reject) => webpack({
      mode: 'production', context: cwd, entry: './page.js', target: 'web',
      output: { path: out, filename: 'page.js', publicPath: 'auto' },
      resolve: { modules: ['node_modules'] },
    }, (err, s) => (err ? reject(err) : resolve(s))));
    if (stats.hasErrors()) throw new Error(stats.toString('errors-only'));
  },
  async rollup() {
    const { rollup } = await import('rollup');
    const { nodeResolve } = await import('@rollup/plugin-node-resolve');
    const bundle = await rollup({ input: { page: 'page.js', worker: 'worker.js' }, plugins: [nodeResolve({ browser: true, rootDir: cwd })] });
    await bundle.write({ dir: out, format: 'es', entryFileNames: '[name].js' });
    await bundle.close();
  },
  async parcel() {
    const { Parcel } = await import('@parcel/core');
    const parcel = new Parcel({
      entries: path.join(cwd, 'index.html'),
      defaultConfig: require.resolve('@parcel/config-default'),
      mode: 'production', shouldDisableCache: true, cacheDir: path.join(cwd, '.parcel-cache'),
      shouldAutoInstall: false, logLevel: 'warn', shouldContentHash: false,
      defaultTargetOptions: { distDir: out, publicUrl: './', shouldOptimize: true },
    });
    await parcel.run();
  },
};

async function esbuild(format) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: ['page.js', 'worker.js'], bundle: true, format, minify: true, outdir: out,
    absWorkingDir: cwd, logLevel: 'warning', platform: 'browser',
  });
}

if (which === 'vite-dev') {
  const { createServer } = await import('vite');
  const server = await createServer({
    root: cwd, configFile: false, logLevel: 'warn', cacheDir: path.join(cwd, '.vite'),
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null },
    worker: { format: 'es' },
  });
  await server.listen();
  process.stdout.write(JSON.stringify({ url: server.resolvedUrls.local[0] }) + '\n');
  process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
  await new Promise(() => {});
}
if (!builders[which]) throw new Error(`unknown bundler ${which}`);
await builders[which]();
const files = {};
const walk = (d) => {
  for (const f of readdirSync(d)) {
    const p = path.join(d, f);
    if (statSync(p).isDirectory()) walk(p);
    else files[path.relative(out, p)] = statSync(p).size;
  }
};
walk(out);
process.stdout.write(JSON.stringify(files) + '\n');
