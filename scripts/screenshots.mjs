#!/usr/bin/env node
/**
 * Screenshots of every view of the explorer (docs/img/explorer-*.png), for
 * the README: builds the static site (vite.site.config.ts) into a temporary
 * folder, serves it on the loopback interface and drives Debian's Chromium
 * (playwright-core; PIDNS_CHROMIUM to use another). Needs build/release.wasm.
 *
 *   node scripts/screenshots.mjs            # or: npm run screenshots
 */
import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'docs/img');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

const scenario = (f) => readFileSync(path.join(ROOT, 'test/scenarios/shared', f), 'utf8');
const SEED = scenario('04-seed-story.pidns');
const TEARDOWN = scenario('18-ns-init-exit.pidns');
const TYPES_STORY = 'a = fork init\nb = clone a NEWUTS|NEWNET\nc = clone b NEWPID|NEWIPC\nunshare a NEWNS|NEWCGROUP\n';

/** The explorer's URL hash (src/explorer/url.ts encodeHash, repeated here: this script runs without a TS loader). */
function hash({ source, at, core = 'wasm', allocator = 'pidmap', ns = 0, task = null }) {
  const p = new URLSearchParams();
  p.set('s', Buffer.from(source, 'utf8').toString('base64url'));
  p.set('at', String(at));
  p.set('core', core);
  p.set('alloc', allocator);
  p.set('ns', String(ns));
  if (task) p.set('task', task);
  return '#' + p.toString();
}

const dir = mkdtempSync(path.join(tmpdir(), 'pidns-shots-'));
await build({ configFile: path.join(ROOT, 'vite.site.config.ts'), build: { outDir: dir, emptyOutDir: true }, logLevel: 'error' });
const server = createServer(async (req, res) => {
  try {
    let file = path.join(dir, path.normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!file.startsWith(dir)) throw new Error('outside');
    if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(await readFile(file));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: process.env.PIDNS_CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
mkdirSync(OUT, { recursive: true });

async function open(width, h, state) {
  const page = await browser.newPage({ viewport: { width, height: h } });
  await page.goto(base + hash(state));
  await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 30000 });
  return page;
}

const shots = [
  { file: 'explorer-overview.png', width: 1440, height: 900, state: { source: SEED, at: 4, task: 'b' }, full: true },
  { file: 'explorer-struct-pid.png', width: 1100, height: 900, state: { source: SEED, at: 6, task: 'c' }, el: 'section:has(#pid-view)' },
  { file: 'explorer-nsproxy.png', width: 1100, height: 900, state: { source: SEED, at: 4 }, el: 'section:has(#nsproxy-view)' },
  { file: 'explorer-pidmap.png', width: 1100, height: 900, state: { source: TEARDOWN, at: 6, ns: 0 }, el: 'section:has(#alloc-view)' },
  { file: 'explorer-idr.png', width: 1100, height: 900, state: { source: TEARDOWN, at: 5, ns: 0, allocator: 'idr' }, el: 'section:has(#alloc-view)' },
  { file: 'explorer-hbm.png', width: 1100, height: 900, state: { source: TEARDOWN, at: 5, ns: 6, allocator: 'hbm' }, el: 'section:has(#alloc-view)' },
  { file: 'explorer-statements.png', width: 1100, height: 1200, state: { source: TEARDOWN, at: 6 }, el: '#left' },
  { file: 'explorer-walk.png', width: 1100, height: 900, state: { source: SEED, at: 5 }, el: 'section:has(#walk-view)' },
  { file: 'explorer-nsproxy-net.png', width: 1100, height: 900, state: { source: TYPES_STORY, at: 4 }, el: 'section:has(#nsproxy-view)', click: '#nstype-choice input[value=net]' },
  { file: 'explorer-360px.png', width: 360, height: 740, state: { source: SEED, at: 4 }, full: false },
];
for (const s of shots) {
  const page = await open(s.width, s.height, s.state);
  const file = path.join(OUT, s.file);
  if (s.click) await page.click(s.click);
  if (s.el) await page.locator(s.el).screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: false });
  console.log(`wrote ${path.relative(ROOT, file)}`);
  await page.close();
}
await browser.close();
server.close();
rmSync(dir, { recursive: true, force: true });
