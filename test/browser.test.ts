/**
 * The browser entry (dist/index.js) in a real browser: Debian's Chromium,
 * driven by playwright-core, loading the page from a loopback HTTP server.
 * It checks that the WASM core is instantiated through the async path from
 * the bytes embedded in dist/ (no request for a .wasm unless `source` names
 * one, no `node:` imports anywhere in what the page loads) and that a
 * scenario gives the kernel's transcript on both cores.
 *
 * Needs /usr/bin/chromium (`.ci/run` installs it) and `npm run build` (dist/, build/).
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from './helpers/chromium.js';
import { startPlayground } from '../src/cli/play.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
import { CHROMIUM, chromiumMissing } from '../scripts/check-chromium.mjs';
const SCENARIO = path.join(ROOT, 'test/scenarios/shared/04-seed-story.pidns');

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"></head>
<body><pre id="out"></pre>
<script type="module">
  import { runScenarioText, createCore } from '/dist/index.js';
  window.runIt = async (text, core) => {
    const r = await runScenarioText(text, { core });
    return { lines: r.lines, error: r.error };
  };
  window.coreBuild = async (source) => (await createCore('wasm', source ? { source } : {})).build;
  window.ready = true;
</script></body></html>`;

/** Serves the page and files below the repository root; nothing else. */
function serve(): Promise<{ server: Server; url: string; requested: string[] }> {
  const requested: string[] = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requested.push(url.pathname);
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      return;
    }
    const file = path.join(ROOT, path.normalize(url.pathname));
    if (!file.startsWith(ROOT + path.sep) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      if (addr === null || typeof addr === 'string') throw new Error('no address');
      resolve({ server, url: `http://127.0.0.1:${addr.port}/`, requested });
    });
  });
}

describe('browser entry (Chromium)', () => {
  let browser: Browser;
  let server: Server;
  let url: string;
  let requested: string[];

  beforeAll(async () => {
    const missing = chromiumMissing() as string | null;
    if (missing) throw new Error(missing);
    if (!existsSync(path.join(ROOT, 'dist/index.js'))) throw new Error('dist/ is missing: run npm run build');
    ({ server, url, requested } = await serve());
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    // Only a server that was started (beforeAll may have failed first): waiting for an absent one's close hung for the hook timeout.
    if (server) await new Promise((r) => server.close(r));
  });

  it.each(['wasm', 'ts'])('runs the seed story on the %s core', async (core) => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    const text = readFileSync(SCENARIO, 'utf8');
    const got = await page.evaluate(
      ([t, c]) => (window as unknown as { runIt: (t: string, c: string) => Promise<{ lines: string[]; error: unknown }> }).runIt(t, c),
      [text, core] as const,
    );
    const expected = readFileSync(SCENARIO.replace(/\.pidns$/, '.expected'), 'utf8');
    expect(got.error).toBeNull();
    expect(got.lines.join('\n') + '\n').toBe(expected);
    expect(errors).toEqual([]);
    await page.close();
  });

  it.each(['wasm', 'ts'])('the playground (pidns play) runs a scenario on the %s core with traces and namespace views', async (core) => {
    const pg = await startPlayground(0, '127.0.0.1');
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(pg.url);
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
      // The page starts with the seed story; run it again on the chosen core, from the scenario file.
      await page.selectOption('#core', core);
      await page.fill('#src', readFileSync(SCENARIO, 'utf8'));
      await page.click('#run');
      await page.waitForFunction((c) => document.getElementById('status')?.textContent?.includes(c === 'ts' ? 'TS' : 'WASM') ?? false, core);
      const rows = await page.$$eval('#out tr', (trs) => trs.map((tr) => ({ cls: tr.className, cells: [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '') })));
      const transcript = rows.filter((r) => r.cls === '' || r.cls === 'fail').map((r) => `${r.cells[1]} -> ${r.cells[2].replace(/^→ /, '')}`);
      const expected = readFileSync(SCENARIO.replace(/\.pidns$/, '.expected'), 'utf8');
      expect(transcript.join('\n') + '\n').toBe(expected);
      const why = rows.filter((r) => r.cls === 'why').map((r) => r.cells[1]);
      expect(why).toEqual(['copy_process: CLONE_THREAD while pid_for_children differs from the active namespace']);
      const trace = rows.filter((r) => r.cls === 'trace').map((r) => r.cells[1]);
      expect(trace).toContain("init's new children go into pidns#6 (level 1); it stays in pidns#0 (level 0)");
      expect(trace).toContain("u created: a thread of c's process, NSpid 5 3");
      // The process tree: init, its thread v, a → b, and c (init's child in b's namespace) with its thread u.
      // Each entry's own text, without its nested list.
      const tree = await page.$$eval('#tree li', (lis) => lis.map((li) => [...li.childNodes].filter((n) => n.nodeName !== 'UL').map((n) => n.textContent).join('').trim()));
      // Processes show their group and session as their own namespace sees them (init's have no number in b's).
      expect(tree).toEqual([
        'init NSpid 1 running pgid 1 sid 1 session leader',
        'v NSpid 6 running (thread)',
        'a NSpid 2 running pgid 1 sid 1',
        'b NSpid 3 1 running pgid 0 sid 0',
        'c NSpid 4 2 running pgid 0 sid 0',
        'u NSpid 5 3 running (thread)',
      ]);
      const ns = await page.$$eval('#namespaces .ns', (ds) => ds.map((d) => d.textContent ?? ''));
      expect(ns.length).toBe(2);
      expect(ns[1]).toContain('pidns#6');
      expect(ns[1]).toContain('init b');
      expect(ns[1]).toMatch(/c 2/);
      // Another allocator: the same transcript, and its work under each allocating statement.
      await page.selectOption('#allocator', 'idr');
      await page.check('#stats');
      await page.fill('#src', readFileSync(SCENARIO, 'utf8'));
      await page.click('#run');
      await page.waitForFunction(() => document.getElementById('status')?.textContent?.includes('idr allocator') ?? false);
      const rows2 = await page.$$eval('#out tr', (trs) => trs.map((tr) => ({ cls: tr.className, cells: [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '') })));
      const transcript2 = rows2.filter((r) => r.cls === '' || r.cls === 'fail').map((r) => `${r.cells[1]} -> ${r.cells[2].replace(/^→ /, '')}`);
      expect(transcript2.join('\n') + '\n').toBe(expected);
      const stats = rows2.filter((r) => r.cls === 'stats').map((r) => r.cells[1]);
      // Five statements allocate pids (a, b, c, u, v); t's clone is refused before alloc_pid.
      expect(stats.length).toBe(5);
      for (const line of stats) expect(line).toMatch(/^idr: \d+ words scanned, \d+ nodes touched, \d+ allocated$/);
      await page.selectOption('#allocator', 'pidmap');
      await page.uncheck('#stats');
      // Every built-in example runs to its end.
      const examples = await page.$$eval('#example option', (os) => os.map((o) => (o as HTMLOptionElement).value));
      expect(examples.length).toBeGreaterThanOrEqual(4);
      for (const ex of examples) {
        await page.evaluate(() => { (window as unknown as { lastRun: unknown }).lastRun = null; });
        await page.selectOption('#example', ex);
        await page.waitForFunction(() => (window as unknown as { lastRun: unknown }).lastRun !== null);
        const last = await page.evaluate(() => (window as unknown as { lastRun: { ran: number; error: string } }).lastRun);
        expect(last.error, ex).toBe('');
        expect(last.ran, ex).toBeGreaterThan(3);
      }
      // The container example: the shim is a subreaper and the parent of the container init (adopted) and of
      // the runtime (a zombie), the init leads its session, w keeps the reaped job's group id 2; root numbers on hover.
      await page.evaluate(() => { (window as unknown as { lastRun: unknown }).lastRun = null; });
      await page.selectOption('#example', 'a container init: setsid and a subreaper shim');
      await page.waitForFunction(() => (window as unknown as { lastRun: unknown }).lastRun !== null);
      const ctree = await page.$$eval('#tree li', (lis) => lis.map((li) => [...li.childNodes].filter((n) => n.nodeName !== 'UL').map((n) => n.textContent).join('').trim()));
      expect(ctree).toEqual([
        'init NSpid 1 running pgid 1 sid 1 session leader',
        'shim NSpid 2 running pgid 1 sid 1 subreaper',
        'runc NSpid 3 zombie pgid 1 sid 1',
        'c NSpid 4 1 running pgid 1 sid 1 session leader',
        'w NSpid 6 3 running pgid 2 sid 1',
        'x NSpid 7 4 running pgid 1 sid 1',
      ]);
      const titles = await page.$$eval('#tree small.grp', (ss) => ss.map((x) => x.getAttribute('title')));
      expect(titles[3]).toBe('as pidns#0 sees them: pgid 4, sid 4'); // c
      expect(titles[4]).toBe('as pidns#0 sees them: pgid 5, sid 4'); // w: the reaped job's root number
      expect(errors).toEqual([]);
      await page.close();
      // The server hands out the page, dist/ and build/*.wasm, nothing else.
      const get = async (p: string) => (await fetch(new URL(p, pg.url))).status;
      expect(await get('/dist/index.js')).toBe(200);
      expect(await get('/build/release.wasm')).toBe(200);
      expect(await get('/package.json')).toBe(404);
      expect(await get('/dist/../package.json')).toBe(404);
      expect(await get('/%2e%2e/package.json')).toBe(404);
      expect(await get('/src/cli/play.ts')).toBe(404);
    } finally {
      await pg.close();
    }
  });

  it('loads the embedded WASM core with no request and no node: module; a `source` URL is fetched', async () => {
    const page = await browser.newPage();
    requested.length = 0;
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    const build = await page.evaluate(() => (window as unknown as { coreBuild: () => Promise<string> }).coreBuild());
    expect(['release', 'release-simd']).toContain(build);
    expect(requested.filter((p) => p.endsWith('.wasm'))).toEqual([]);
    expect(requested.filter((p) => p.startsWith('/node:'))).toEqual([]);
    // The override for sites that must serve the file: a URL, fetched and compiled.
    const fromUrl = await page.evaluate(() => (window as unknown as { coreBuild: (s: string) => Promise<string> }).coreBuild('/build/release.wasm'));
    expect(fromUrl).toBe('release');
    expect(requested.filter((p) => p.endsWith('.wasm'))).toEqual(['/build/release.wasm']);
    await page.close();
  });
});
