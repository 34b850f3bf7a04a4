/**
 * The package a user installs is the thing under test. `npm pack` once, then
 * `npm install <tarball>` into a fresh folder under the OS temp dir (no
 * path back to this repository: nothing there resolves `pidns` from here),
 * and from that folder:
 *  - a page built with Vite, esbuild (ESM and IIFE), webpack 5, Rollup and
 *    Parcel (this repository's pinned devDependencies, run by
 *    test/package/build.mjs, resolving the consumer's imports in the temp
 *    folder), loaded in Chromium: the seed story on the WASM and the TS core,
 *    in the page and in a Web Worker, with no request for a .wasm file;
 *    also Vite's dev server, a page under a strict CSP (the WASM core
 *    explains, the TS core runs) and `pidns play` from the install (the
 *    playground and the explorer);
 *  - Node ESM (`import`) and CJS (`require`), Deno and Bun;
 *  - a TypeScript consumer type-checked by tsc 5.9 and tsc 7 under
 *    `nodenext` and `bundler` resolution (skipLibCheck off, no @types);
 *  - the CLI from the install (`npx pidns run FILE`, `--example`, `examples`),
 *    the shipped example programs and the README's library programs.
 * Each prints the seed story's transcript equal to
 * test/scenarios/shared/04-seed-story.expected. Start-up cost (time to the
 * first transcript in a cold page, bundle size added by pidns) is printed,
 * never asserted.
 *
 * Needs `npm run build` (the tarball is packed with --ignore-scripts from
 * dist/ and build/) and /usr/bin/chromium.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './helpers/chromium.js';
import { CHROMIUM } from '../scripts/check-chromium.mjs';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const FIXTURES = path.join(ROOT, 'test/package');
const BIN = path.join(ROOT, 'node_modules/.bin');
const SEED = readFileSync(path.join(ROOT, 'test/scenarios/shared/04-seed-story.pidns'), 'utf8');
const EXPECTED = readFileSync(path.join(ROOT, 'test/scenarios/shared/04-seed-story.expected'), 'utf8');

/** Which worker starter each bundler's page uses (test/package/start-worker.*.js). */
const BUNDLERS = {
  vite: 'url',
  'esbuild-esm': 'module',
  'esbuild-iife': 'classic',
  webpack: 'url',
  rollup: 'module',
  parcel: 'url',
} as const;
type Bundler = keyof typeof BUNDLERS;

let dir: string; // the consumer project
const startup: Record<string, { firstMs: number; jsKB: number; gzipKB: number }> = {};

/** Runs a command in the consumer project; its output. */
async function sh(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const { stdout } = await run(cmd, args, {
    cwd: opts.cwd ?? dir, env: { ...process.env, ...opts.env }, encoding: 'utf8', maxBuffer: 1 << 24, timeout: 240_000,
  });
  return stdout;
}

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist/index.js')) || !existsSync(path.join(ROOT, 'src/core/wasm-embedded.ts'))) {
    throw new Error('dist/ or the embedded WASM is missing: run npm run build');
  }
  dir = mkdtempSync(path.join(tmpdir(), 'pidns-consumer-'));
  // Nothing above the consumer may hold a node_modules (it would be found by resolution).
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    expect(existsSync(path.join(d, 'node_modules')), `${d}/node_modules`).toBe(false);
    if (d === path.dirname(d)) break;
  }
  expect(path.relative(ROOT, dir).startsWith('..')).toBe(true);
  const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' }));
  const tarball = path.join(dir, packed[0].filename);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
  await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball]);
  rmSync(tarball);
  writeFileSync(path.join(dir, 'seed.pidns'), SEED);
  writeFileSync(path.join(dir, 'seed.js'), `export const SEED = ${JSON.stringify(SEED)};\n`);
}, 240_000);

afterAll(() => {
  if (dir && !process.env.PIDNS_KEEP_CONSUMER) rmSync(dir, { recursive: true, force: true });
  if (Object.keys(startup).length) console.log('start-up cost (cold page, Chromium):', JSON.stringify(startup));
});

describe('the tarball', () => {
  it('holds the package and no tests; the WASM files are exports; LICENSE is MIT', () => {
    const pkg = path.join(dir, 'node_modules/pidns');
    const top = readdirSync(pkg).sort();
    expect(top).toEqual(['LICENSE', 'README.md', 'bin', 'build', 'dist', 'docs', 'examples', 'package.json', 'scenarios', 'src', 'web']);
    expect(readdirSync(path.join(pkg, 'build')).sort()).toEqual(['debug.wasm', 'release-simd.wasm', 'release.wasm']);
    expect(readFileSync(path.join(pkg, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the pidns authors\n/);
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `
      import { readFileSync } from 'node:fs';
      import { fileURLToPath } from 'node:url';
      for (const b of ['release', 'release-simd', 'debug']) {
        const bytes = readFileSync(fileURLToPath(import.meta.resolve('pidns/wasm/' + b + '.wasm')));
        console.log(b, WebAssembly.validate(bytes));
      }`], { cwd: dir, encoding: 'utf8' });
    expect(out).toBe('release true\nrelease-simd true\ndebug true\n');
    const meta = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8'));
    expect(meta.sideEffects).toBe(false);
    expect(meta.repository?.url).toMatch(/^https:\/\//);
    expect(meta.keywords).toContain('pid-namespace');
    // Nothing the browser path loads needs a runtime dependency: only the CLI's progress bar remains.
    expect(Object.keys(meta.dependencies ?? {})).toEqual(['cli-progress']);
  });

  it('engines admits only Node versions that can require() the ES-module package', () => {
    const meta = JSON.parse(readFileSync(path.join(dir, 'node_modules/pidns/package.json'), 'utf8'));
    // require(esm) without a flag: Node 20.19+ and 22.12+ (not 21, nor 22.0-22.11).
    expect(meta.engines.node).toBe('^20.19.0 || >=22.12.0');
    const [major, minor] = process.versions.node.split('.').map(Number);
    expect(major === 20 ? minor >= 19 : major >= 22).toBe(true);
  });
});

describe('a page built by each bundler, in Chromium (page and Web Worker)', () => {
  let browser: Browser;
  let server: Server;
  let base: string;
  let requests: { path: string; status: number }[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (or set PIDNS_CHROMIUM)`);
    server = createServer(async (req, res) => {
      const p = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
      const file = path.join(dir, path.normalize(p));
      const ok = file.startsWith(dir + path.sep) && /\/app-[a-z-]+\/out\//.test(file) && existsSync(file) && !file.endsWith(path.sep);
      const type = ({ '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' } as Record<string, string>)[path.extname(file)];
      const status = ok ? 200 : 404;
      requests.push({ path: p, status });
      if (!ok) return void res.writeHead(404).end();
      // ?csp: the page as a site with a strict Content Security Policy serves it (no 'wasm-unsafe-eval').
      const csp = req.url?.endsWith('?csp') ? { 'content-security-policy': "script-src 'self'; worker-src 'self'" } : {};
      res.writeHead(200, { 'content-type': type ?? 'application/octet-stream', ...csp }).end(await readFile(file));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    if (addr === null || typeof addr === 'string') throw new Error('no address');
    base = `http://127.0.0.1:${addr.port}`;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  /** A consumer app folder for `bundler`: the fixtures, the seed story, its worker starter and page. */
  function makeApp(bundler: Bundler | 'vite-dev'): { app: string; html: string } {
    const app = path.join(dir, `app-${bundler}`);
    mkdirSync(app);
    for (const f of ['page.js', 'worker.js', 'run-seed.js']) copyFileSync(path.join(FIXTURES, f), path.join(app, f));
    copyFileSync(path.join(dir, 'seed.js'), path.join(app, 'seed.js'));
    copyFileSync(path.join(FIXTURES, `start-worker.${bundler === 'vite-dev' ? 'url' : BUNDLERS[bundler]}.js`), path.join(app, 'start-worker.js'));
    const module = bundler !== 'esbuild-iife' && bundler !== 'webpack';
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>pidns</title><link rel="icon" href="data:,"></head><body><pre id="out"></pre>`
      + `<script ${module ? 'type="module" ' : ''}src="./page.js"></script></body></html>\n`;
    // Vite and Parcel build from the page; the others get it next to their output.
    writeFileSync(path.join(app, 'index.html'), html);
    return { app, html };
  }

  /** Loads `url` in a fresh (cold) browser context; the page's result, its errors and every response. */
  async function load(url: string): Promise<{ result: Record<string, unknown>; errors: string[]; responses: { url: string; status: number }[] }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    const responses: { url: string; status: number }[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    context.on('response', (r) => responses.push({ url: r.url(), status: r.status() }));
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, null, { timeout: 60_000 });
    const result = await page.evaluate(() => (window as unknown as { result: Record<string, unknown> }).result);
    await context.close();
    return { result, errors, responses };
  }

  function expectSeedEverywhere({ result, errors, responses }: Awaited<ReturnType<typeof load>>): void {
    expect(result.wasm).toBe(EXPECTED);
    expect(result.ts).toBe(EXPECTED);
    expect(result.worker).toEqual({ wasm: EXPECTED, ts: EXPECTED });
    expect(errors).toEqual([]);
    // The WASM core is in the bundle: no .wasm fetched, nothing missing (esbuild's pages once fetched /build/*.wasm: 404).
    expect(responses.filter((r) => r.status >= 400 || /\.wasm(\?|$)/.test(r.url))).toEqual([]);
  }

  it.each(Object.keys(BUNDLERS) as Bundler[])('%s', async (bundler) => {
    const { app, html } = makeApp(bundler);
    const files = JSON.parse((await sh(process.execPath, [path.join(FIXTURES, 'build.mjs'), bundler], { cwd: app })).trim().split('\n').pop()!) as Record<string, number>;
    if (!files['index.html']) writeFileSync(path.join(app, 'out/index.html'), html);
    // Vite once emitted README.md as an asset (a template `new URL` turned into a glob).
    expect(Object.keys(files).filter((f) => !/\.(js|html|map)$/.test(f))).toEqual([]);
    const loaded = await load(`${base}/app-${bundler}/out/index.html`);
    expectSeedEverywhere(loaded);
    expect(requests.filter((r) => r.status !== 200)).toEqual([]);
    // Page and worker each hold a copy of pidns (or share a chunk): all of the output's JS.
    const js = Object.keys(files).filter((f) => f.endsWith('.js'));
    startup[bundler] = {
      firstMs: Math.round(loaded.result.firstMs as number),
      jsKB: Math.round(js.reduce((s, f) => s + files[f], 0) / 102.4) / 10,
      gzipKB: Math.round(js.reduce((s, f) => s + gzipSync(readFileSync(path.join(app, 'out', f))).length, 0) / 102.4) / 10,
    };
  }, 240_000);

  it("a page whose CSP forbids WebAssembly: the WASM core says why and what to do, the TS core runs", async () => {
    // The esbuild ESM page of the matrix above, served with `script-src 'self'`.
    const { result, errors } = await load(`${base}/app-esbuild-esm/out/index.html?csp`);
    expect(result.wasm).toMatch(/^error: pidns: this page's Content Security Policy forbids compiling WebAssembly \(script-src needs 'wasm-unsafe-eval'\); allow it, or use the TS core/);
    expect(result.ts).toBe(EXPECTED);
    expect(errors.filter((e) => !/Content Security Policy/.test(e))).toEqual([]);
  }, 60_000);

  it('pidns play from the install: the playground runs its first example on the WASM core, the explorer steps the seed story', async () => {
    const child = spawn(process.execPath, ['node_modules/pidns/bin/pidns.js', 'play', '--port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let buf = '';
        child.stdout.on('data', (d: Buffer) => {
          buf += d;
          const m = /(http:\/\/\S+\/)/.exec(buf);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`pidns play exited with ${code}`)));
      });
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors: string[] = [];
      const responses: { url: string; status: number }[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      context.on('response', (r) => responses.push({ url: r.url(), status: r.status() }));
      await page.goto(url);
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, null, { timeout: 60_000 });
      const last = await page.evaluate(() => (window as unknown as { lastRun: { ran: number; error: string } }).lastRun);
      const status = await page.textContent('#status');
      // The explorer, from the same install: it loads and steps the seed story to its end.
      await page.goto(`${url}explorer/`);
      await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
      await page.click('#last');
      await page.waitForFunction(() => {
        const step = document.getElementById('step') as HTMLInputElement;
        return document.body.dataset.state === 'ready' && Number(step.max) > 0 && step.value === step.max;
      });
      const tasks = await page.$$eval('#pid-table tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.task));
      await context.close();
      expect(last).toMatchObject({ error: '' });
      expect(last.ran).toBeGreaterThan(3);
      expect(status).toMatch(/WASM/);
      expect(tasks).toEqual(expect.arrayContaining(['init', 'a', 'b', 'c']));
      expect(errors).toEqual([]);
      expect(responses.filter((r) => r.status >= 400 || /\.wasm(\?|$)/.test(r.url))).toEqual([]);
    } finally {
      child.kill('SIGTERM');
    }
  }, 120_000);

  it("Vite's dev server", async () => {
    const { app } = makeApp('vite-dev');
    const child = spawn(process.execPath, [path.join(FIXTURES, 'build.mjs'), 'vite-dev'], { cwd: app, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let buf = '';
        child.stdout.on('data', (d: Buffer) => {
          buf += d;
          const m = /\{"url":"([^"]+)"\}/.exec(buf);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`vite dev exited with ${code}`)));
      });
      expectSeedEverywhere(await load(`${url}index.html`));
    } finally {
      child.kill('SIGTERM');
    }
  }, 120_000);

  it('what pidns adds to a page: esbuild --minify of one import, raw and gzip', async () => {
    const app = path.join(dir, 'app-size');
    mkdirSync(app);
    const sizes: Record<string, { min: number; gzip: number }> = {};
    const embedded: Record<string, boolean> = {};
    for (const [name, code] of Object.entries({
      createKernel: "import { createKernel } from 'pidns'; createKernel().then((k) => console.log(k.getpid(k.init)));",
      runScenarioText: "import { runScenarioText } from 'pidns'; runScenarioText('a = fork init').then((r) => console.log(r.lines));",
      'TS core only (new PidnsKernel(createTsCore()))': "import { PidnsKernel, createTsCore } from 'pidns'; const k = new PidnsKernel(createTsCore()); console.log(k.getpid(k.init));",
    })) {
      writeFileSync(path.join(app, 'entry.js'), code);
      const out = await sh(path.join(BIN, 'esbuild'), ['entry.js', '--bundle', '--minify', '--format=esm', '--platform=browser'], { cwd: app });
      sizes[name] = { min: out.length, gzip: gzipSync(out).length };
      embedded[name] = out.includes('AGFzbQ');
      // The browser path loads no runtime dependency (no loader, no CLI progress bar) and no node: module.
      expect(out).not.toMatch(/cli-progress|@assemblyscript|"node:/);
    }
    console.log('bundle size added by pidns (bytes):', JSON.stringify(sizes));
    // The embedded builds are in the bundle (about 2 x 14 KB of base64), the loader code is not tree-shaken away.
    expect(sizes.createKernel.min).toBeGreaterThan(28_000);
    // A page that builds its kernel on the TS core only leaves the WASM out (the base64 of "\0asm" is AGFzbQ).
    expect(embedded['TS core only (new PidnsKernel(createTsCore()))']).toBe(false);
    expect(embedded.createKernel).toBe(true);
  }, 60_000);
});

describe('runtimes', () => {
  const ESM = `
    import { runScenarioText } from 'pidns';
    import { runScenarioTextSync } from 'pidns/node';
    import { readFileSync } from 'node:fs';
    const text = readFileSync('seed.pidns', 'utf8');
    for (const core of ['wasm', 'ts']) {
      const a = await runScenarioText(text, { core });
      const b = runScenarioTextSync(text, { core });
      if (a.lines.join('\\n') !== b.lines.join('\\n')) throw new Error('sync and async differ on ' + core);
      process.stdout.write(core + '\\n' + a.lines.join('\\n') + '\\n');
    }
  `;
  const CJS = `
    const { runScenarioText } = require('pidns');
    const { runScenarioTextSync } = require('pidns/node');
    const text = require('node:fs').readFileSync('seed.pidns', 'utf8');
    (async () => {
      for (const core of ['wasm', 'ts']) {
        const a = await runScenarioText(text, { core });
        const b = runScenarioTextSync(text, { core });
        if (a.lines.join('\\n') !== b.lines.join('\\n')) throw new Error('sync and async differ on ' + core);
        process.stdout.write(core + '\\n' + a.lines.join('\\n') + '\\n');
      }
    })().catch((e) => { console.error(e); process.exit(1); });
  `;
  const BOTH = `wasm\n${EXPECTED}ts\n${EXPECTED}`;

  beforeAll(() => {
    writeFileSync(path.join(dir, 'esm.mjs'), ESM);
    writeFileSync(path.join(dir, 'cjs.cjs'), CJS);
  });

  it('Node, ES module (import)', async () => {
    expect(await sh(process.execPath, ['esm.mjs'])).toBe(BOTH);
  });
  it('Node, CommonJS (require)', async () => {
    expect(await sh(process.execPath, ['cjs.cjs'])).toBe(BOTH);
  });
  it('Deno', async () => {
    const env = { DENO_DIR: path.join(dir, '.deno'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
    expect(await sh(path.join(BIN, 'deno'), ['run', '--quiet', `--allow-read=${dir}`, 'esm.mjs'], { env })).toBe(BOTH);
  });
  it('Bun', async () => {
    expect(await sh(path.join(BIN, 'bun'), ['esm.mjs'], { env: { BUN_INSTALL_CACHE_DIR: path.join(dir, '.bun') } })).toBe(BOTH);
  });
});

describe("the README's library section, copied into the consumer", () => {
  // Every code block of "## The library" (and its subsections) that is a whole
  // program (starts with an import) runs as an ES module from the install.
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = /^## The library\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
  const programs = [...section.matchAll(/```(?:ts|js)\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => b.startsWith('import '));

  it('has at least one program', () => {
    expect(programs.length).toBeGreaterThan(0);
  });
  it.each(programs.map((p, i) => [i, p] as const))('program %i runs', async (i, program) => {
    writeFileSync(path.join(dir, `readme-${i}.mjs`), program);
    await sh(process.execPath, [`readme-${i}.mjs`]);
  });
});

describe('TypeScript consumers (skipLibCheck off, no @types)', () => {
  const CONSUMER = `
    import { createKernel, runScenarioText, formatEvent, type PidnsKernel, type KernelOptions } from 'pidns';
    import { createKernelSync } from 'pidns/node';
    const opts: KernelOptions = { core: 'wasm', coreOptions: { allocator: 'idr' } };
    const k: PidnsKernel = await createKernel(opts);
    const a = k.unwrap(k.fork(k.init));
    const nspid: number[] = k.unwrap(k.nspid(a));
    const stop = k.onEvent((e) => formatEvent(k.raw, e, (t) => String(t.id)));
    stop();
    const r = await runScenarioText('a = fork init\\n', { core: 'ts' });
    const lines: string[] = r.lines;
    // The documented override: a URL, bytes or a compiled module.
    await createKernel({ coreOptions: { source: new URL('https://example.invalid/release.wasm') } });
    await createKernel({ coreOptions: { source: new Uint8Array(8) } });
    createKernelSync({ core: 'ts' });
    // @ts-expect-error: not a core name
    await createKernel({ core: 'java' });
    export { nspid, lines };
  `;
  const TSC = { '5.9': path.join(ROOT, 'node_modules/typescript/bin/tsc'), '7': path.join(ROOT, 'node_modules/typescript7/bin/tsc') };
  const RESOLUTION = {
    nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
    bundler: { module: 'esnext', moduleResolution: 'bundler' },
  };

  beforeAll(() => {
    writeFileSync(path.join(dir, 'consumer.ts'), CONSUMER);
    for (const [name, res] of Object.entries(RESOLUTION)) {
      writeFileSync(path.join(dir, `tsconfig.${name}.json`), JSON.stringify({
        compilerOptions: { ...res, target: 'es2022', lib: ['es2022', 'dom'], strict: true, skipLibCheck: false, types: [], noEmit: true },
        files: ['consumer.ts'],
      }));
    }
  });

  const cases = Object.keys(TSC).flatMap((v) => Object.keys(RESOLUTION).map((r) => [v, r] as const));
  it.each(cases)('tsc %s, %s resolution', async (version, resolution) => {
    const tsc = TSC[version as keyof typeof TSC];
    expect(await sh(process.execPath, [tsc, '--version'])).toMatch(version === '7' ? /^Version 7\./ : /^Version 5\.9\./);
    // tsc prints its errors on stdout and exits 2; show them when it fails.
    const out = await sh(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`]).catch((e) => e.stdout as string);
    expect(out).toBe('');
  }, 120_000);
});

describe('the CLI from the install', () => {
  it('npx pidns run FILE prints the seed story', async () => {
    expect(await sh('npx', ['--offline', 'pidns', 'run', 'seed.pidns'])).toBe(EXPECTED);
  });
  it('npx pidns run --example seed-story, and pidns examples lists the shipped scenarios', async () => {
    expect(await sh('npx', ['--offline', 'pidns', 'run', '--example', 'seed-story'])).toBe(EXPECTED);
    expect(await sh('npx', ['--offline', 'pidns', 'run', '--example', 'seed-story', '--core', 'ts'])).toBe(EXPECTED);
    const list = await sh('npx', ['--offline', 'pidns', 'examples']);
    expect(list.split('\n').filter(Boolean).map((l) => l.split(' ')[0])).toEqual([
      'seed-story', 'the-seed-story-setns-then-no-threads', 'a-namespace-whose-init-dies',
      'orphans-and-their-new-parent', 'clone3-set-tid-and-ns-last-pid',
      'a-container-init-setsid-and-a-subreaper-shim', 'signals-to-a-namespace-init',
    ]);
    for (const name of list.split('\n').filter(Boolean).map((l) => l.split(' ')[0])) {
      const expected = readFileSync(path.join(dir, 'node_modules/pidns/scenarios', `${name}.expected`), 'utf8');
      expect(await sh(process.execPath, ['node_modules/pidns/bin/pidns.js', 'run', '--example', name])).toBe(expected);
    }
  });
  it('the shipped example programs run from the install', async () => {
    expect(await sh(process.execPath, ['node_modules/pidns/examples/container-host.mjs'])).toMatch(/\S/);
    expect(await sh(process.execPath, ['node_modules/pidns/examples/my-storm.mjs'])).toMatch(/\S/);
  });
});
