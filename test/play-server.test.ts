/**
 * `pidns play`'s server is hardened (issue 9 item 5): it survives read
 * errors, never serves a file outside its folders (symlinks included), sends
 * CSP / nosniff / frame headers, refuses foreign Host headers (DNS
 * rebinding), warns on a non-loopback --host and prints a usable URL, and
 * stops on the first SIGINT even while a client trickles its headers.
 *
 * The folder cases serve a temporary root (startPlayground's `root`
 * option) with symlinks to /etc/passwd and /proc/self/mem. The suite runs
 * as root, which reads any file, so the EACCES case runs the server in a
 * child process as user nobody (65534) on a file of mode 000. The CLI cases
 * run bin/pidns.js from the build as a child process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayground, type Playground } from '../src/cli/play.js';
import { launchChromium } from './helpers/chromium.js';

const REPO = join(import.meta.dirname, '..');

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GET (or HEAD) `path` from `url`'s server with an optional Host header. */
function get(url: string, path: string, host?: string, method = 'GET'): Promise<Reply> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path, method, headers: host === undefined ? {} : { host } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A root like the package's: web/playground.html, dist/, build/ — plus hostile entries. */
function makeRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'pidns-play-'));
  chmodSync(root, 0o755);
  mkdirSync(join(root, 'web'));
  mkdirSync(join(root, 'dist'));
  mkdirSync(join(root, 'build'));
  writeFileSync(
    join(root, 'web', 'playground.html'),
    '<!doctype html><script type="importmap">{"imports":{}}</script>\n<script type="module">\nconsole.log(1);\n</script><script src="/dist/app.js"></script>',
  );
  writeFileSync(join(root, 'dist', 'app.js'), 'export const ok = 1;\n');
  mkdirSync(join(root, 'web', 'explorer'));
  writeFileSync(join(root, 'web', 'explorer', 'index.html'), '<!doctype html><link rel="stylesheet" href="./explorer.css"><script>var explorer = 1;</script><script type="module" src="../../dist/app.js"></script>');
  writeFileSync(join(root, 'web', 'explorer', 'explorer.css'), 'body { color: red }\n');
  writeFileSync(join(root, 'web', 'explorer', 'other.css'), 'not served\n');
  writeFileSync(join(root, 'web', 'other.html'), 'not served\n');
  mkdirSync(join(root, 'docs'));
  writeFileSync(join(root, 'docs', 'scenario-language.md'), '# The scenario language\n');
  writeFileSync(join(root, 'docs', 'other.md'), 'not served\n');
  writeFileSync(join(root, 'build', 'core.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  symlinkSync(join(root, 'dist', 'app.js'), join(root, 'dist', 'alias.js')); // a symlink inside: fine
  symlinkSync('/etc/passwd', join(root, 'dist', 'evil.js'));
  symlinkSync('/etc', join(root, 'dist', 'etc'));
  symlinkSync('/proc/self/mem', join(root, 'build', 'mem.wasm'));
  symlinkSync('/proc/self/mem', join(root, 'dist', 'mem.js'));
  writeFileSync(join(root, 'dist', 'secret.js'), 'secret\n');
  chmodSync(join(root, 'dist', 'secret.js'), 0o000);
  return root;
}

describe('pidns play server: files', () => {
  let root: string;
  let pg: Playground;
  beforeAll(async () => {
    root = makeRoot();
    pg = await startPlayground(0, '127.0.0.1', { root });
  });
  afterAll(async () => {
    await pg.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves its files, symlinks inside its folders included', async () => {
    expect((await get(pg.url, '/dist/app.js')).body).toBe('export const ok = 1;\n');
    expect((await get(pg.url, '/dist/alias.js')).body).toBe('export const ok = 1;\n');
    expect((await get(pg.url, '/build/core.wasm')).status).toBe(200);
    expect((await get(pg.url, '/')).status).toBe(200);
  });

  it('serves the scenario language reference the page links, and nothing else of docs/', async () => {
    const r = await get(pg.url, '/docs/scenario-language.md');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(r.body).toBe('# The scenario language\n');
    expect((await get(pg.url, '/docs/other.md')).status).toBe(404);
  });

  it('serves the explorer at /explorer/ (its page, with the page CSP, and its CSS), nothing else of web/', async () => {
    for (const p of ['/explorer/', '/explorer/index.html']) {
      const r = await get(pg.url, p);
      expect(r.status, p).toBe(200);
      expect(r.headers['content-type'], p).toBe('text/html; charset=utf-8');
      expect(r.body, p).toContain('var explorer = 1;');
      const csp = String(r.headers['content-security-policy']);
      expect(csp, p).toMatch(/script-src 'self' 'wasm-unsafe-eval' /);
      expect(csp, p).toContain(`'sha256-${createHash('sha256').update('var explorer = 1;').digest('base64')}'`);
      expect(csp, p).toContain("style-src 'self'");
    }
    const css = await get(pg.url, '/explorer/explorer.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toBe('body { color: red }\n');
    expect(String(css.headers['content-security-policy'])).toMatch(/^default-src 'none'/);
    const moved = await get(pg.url, '/explorer');
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe('/explorer/');
    for (const p of ['/explorer/other.css', '/web/explorer/index.html', '/web/explorer/explorer.css', '/web/other.html', '/explorer/../web/other.html',
      '/explorer/%2e%2e/other.html', '/explorer/app.js', '/explorer/index.htm', '/web/playground.html', '/explorer/explorer.css/']) {
      expect((await get(pg.url, p)).status, p).toBe(404);
    }
  });

  it('refuses the explorer\'s files when they are symlinks out of web/', async () => {
    const evil = mkdtempSync(join(tmpdir(), 'pidns-play-evil-'));
    try {
      mkdirSync(join(evil, 'web', 'explorer'), { recursive: true });
      symlinkSync('/etc/passwd', join(evil, 'web', 'explorer', 'explorer.css'));
      symlinkSync('/etc/hostname', join(evil, 'web', 'explorer', 'index.html'));
      const other = await startPlayground(0, '127.0.0.1', { root: evil });
      try {
        for (const p of ['/explorer/', '/explorer/explorer.css']) {
          const r = await get(other.url, p);
          expect(r.status, p).toBe(404);
          expect(r.body, p).not.toMatch(/root:/);
        }
      } finally {
        await other.close();
      }
    } finally {
      rmSync(evil, { recursive: true, force: true });
    }
  });

  it('never serves a file outside its folders through a symlink', async () => {
    for (const p of ['/dist/evil.js', '/dist/etc/passwd.js', '/dist/etc/../etc/passwd', '/build/mem.wasm', '/dist/mem.js']) {
      const r = await get(pg.url, p);
      expect(r.status, p).toBe(404);
      expect(r.body, p).not.toMatch(/root:/);
    }
    expect((await get(pg.url, '/dist/app.js')).status).toBe(200); // still up
  });

  it('sends CSP (inline scripts by hash, wasm-unsafe-eval, no framing), nosniff and X-Frame-Options on every answer', async () => {
    const page = await get(pg.url, '/');
    const csp = String(page.headers['content-security-policy']);
    const html = readFileSync(join(root, 'web', 'playground.html'), 'utf8');
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    expect(csp).toMatch(/(^|; )default-src 'none'(;|$)/);
    expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval' /);
    expect(csp).toContain(hash('{"imports":{}}'));
    expect(csp).toContain(hash('\nconsole.log(1);\n'));
    expect(csp).not.toContain("'unsafe-inline' 'sha"); // scripts are not unsafe-inline
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(html).toContain('console.log(1)');
    for (const p of ['/', '/dist/app.js', '/build/core.wasm', '/nothing', '/dist/evil.js']) {
      const r = await get(pg.url, p);
      expect(r.headers['x-content-type-options'], p).toBe('nosniff');
      expect(r.headers['x-frame-options'], p).toBe('DENY');
      expect(String(r.headers['content-security-policy']), p).toContain("frame-ancestors 'none'");
    }
  });

  it('answers only to its own names: a DNS-rebinding Host header is refused', async () => {
    const port = new URL(pg.url).port;
    expect((await get(pg.url, '/', `evil.example:${port}`)).status).toBe(421);
    expect((await get(pg.url, '/dist/app.js', `attacker.test`)).status).toBe(421);
    expect((await get(pg.url, '/', `localhost:${port}`)).status).toBe(200);
    expect((await get(pg.url, '/', `127.0.0.1:${port}`)).status).toBe(200);
    expect((await get(pg.url, '/', `[::1]:${port}`)).status).toBe(200);
  });
});

/** Spawns `node args`, resolving with the child once its stdout matched `ready`. */
function spawnUntil(args: string[], ready: RegExp, opts: { uid?: number; gid?: number } = {}): Promise<{ child: ChildProcess; out: () => string; err: () => string; match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${ready} in time; stdout ${out} stderr ${err}`)), 15_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, out: () => out, err: () => err, match: m });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} early; stdout ${out} stderr ${err}`));
    });
  });
}

/** Resolves with the exit code, or null if the child is still running after `ms`. */
function exitWithin(child: ChildProcess, ms: number): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('pidns play server: processes', () => {
  it('survives a file it may not read (EACCES, as user nobody) and goes on serving', async () => {
    const root = makeRoot();
    const script = join(root, 'serve.mjs');
    writeFileSync(
      script,
      `import { startPlayground } from ${JSON.stringify(join(REPO, 'dist', 'cli', 'play.js'))};\n` +
        `const pg = await startPlayground(0, '127.0.0.1', { root: ${JSON.stringify(root)} });\nconsole.log('URL ' + pg.url);\n`,
    );
    chmodSync(script, 0o644);
    const { child, match } = await spawnUntil([script], /URL (\S+)\n/, { uid: 65534, gid: 65534 });
    try {
      const url = match[1];
      const denied = await get(url, '/dist/secret.js');
      expect(denied.status).toBe(403);
      expect(denied.body).not.toContain('secret');
      expect((await get(url, '/build/mem.wasm')).status).toBe(404);
      expect((await get(url, '/dist/app.js')).status).toBe(200);
      expect(child.exitCode).toBe(null);
    } finally {
      child.kill('SIGKILL');
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('--host 0.0.0.0 warns and prints a URL a browser can open', async () => {
    const { child, match, err } = await spawnUntil([join(REPO, 'bin', 'pidns.js'), 'play', '--port', '0', '--host', '0.0.0.0'], /pidns playground: (\S+)/);
    try {
      expect(match[1]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(err()).toMatch(/warning: --host 0\.0\.0\.0 is not a loopback address/);
      expect((await get(match[1], '/')).status).toBe(200);
      child.kill('SIGINT');
      expect(await exitWithin(child, 5000)).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('the default host prints no warning', async () => {
    const { child, err } = await spawnUntil([join(REPO, 'bin', 'pidns.js'), 'play', '--port', '0'], /pidns playground: (\S+)/);
    child.kill('SIGINT');
    expect(await exitWithin(child, 5000)).toBe(0);
    expect(err()).toBe('');
  });

  it('stops on the first SIGINT while a slow client trickles its headers', async () => {
    const { child, match } = await spawnUntil([join(REPO, 'bin', 'pidns.js'), 'play', '--port', '0'], /pidns playground: (\S+)/);
    const u = new URL(match[1]);
    const sock = connect(Number(u.port), u.hostname);
    sock.on('error', () => undefined);
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const trickle = setInterval(() => sock.write('X-Slow: 1\r\n'), 100);
    try {
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGINT');
      expect(await exitWithin(child, 3000)).toBe(0);
    } finally {
      clearInterval(trickle);
      sock.destroy();
      child.kill('SIGKILL');
    }
  });
});

describe('pidns play server: the page under its CSP (Chromium)', () => {
  it('runs a scenario on both cores with no CSP violation, and the CSP is enforced', async () => {
    const browser = await launchChromium();
    const pg = await startPlayground(0, '127.0.0.1');
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(String(e)));
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      await page.addInitScript(() => {
        const w = window as unknown as { violations: string[] };
        w.violations = [];
        document.addEventListener('securitypolicyviolation', (e) => w.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      await page.goto(pg.url);
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
      for (const core of ['wasm', 'ts']) {
        await page.selectOption('#core', core);
        await page.click('#run');
        await page.waitForFunction((c) => document.getElementById('status')?.textContent?.includes(c === 'ts' ? 'TS' : 'WASM') ?? false, core);
      }
      expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
      expect(problems).toEqual([]);
      // An injected inline script does not run: the policy is in force.
      const ran = await page.evaluate(async () => {
        const w = window as unknown as { injected?: boolean };
        const s = document.createElement('script');
        s.textContent = 'window.injected = true';
        document.body.append(s);
        await new Promise((r) => setTimeout(r, 50));
        return w.injected === true;
      });
      expect(ran).toBe(false);
      expect((await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).join()).toMatch(/script-src/);
    } finally {
      await pg.close();
      await browser.close();
    }
  }, 60_000);

  it('the explorer at /explorer/ steps the seed story to its end on both cores with no CSP violation; the pages link to each other', async () => {
    const browser = await launchChromium();
    const pg = await startPlayground(0, '127.0.0.1');
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      const failed: string[] = [];
      page.on('pageerror', (e) => problems.push(String(e)));
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('response', (r) => {
        if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
      });
      await page.addInitScript(() => {
        const w = window as unknown as { violations: string[] };
        w.violations = [];
        document.addEventListener('securitypolicyviolation', (e) => w.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      await page.goto(new URL('/explorer', pg.url).href); // redirected to /explorer/
      expect(new URL(page.url()).pathname).toBe('/explorer/');
      await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 30_000 });
      // The stylesheet applied (served, and allowed by style-src 'self').
      expect(await page.evaluate(() => [...document.styleSheets].some((s) => (s.href ?? '').endsWith('/explorer/explorer.css') && s.cssRules.length > 0))).toBe(true);
      expect(await page.inputValue('#example')).toBe('seed');
      for (const core of ['wasm', 'ts']) {
        if ((await page.inputValue('#core')) !== core) {
          await page.selectOption('#core', core);
          await page.waitForFunction(() => document.body.dataset.state === 'ready');
        }
        await page.click('#last');
        await page.waitForFunction(() => {
          const step = document.getElementById('step') as HTMLInputElement;
          return document.body.dataset.state === 'ready' && step.value === step.max && Number(step.max) > 0;
        });
        expect(Number(await page.getAttribute('#step', 'max')), core).toBe(9); // the seed story's nine statements
        const tasks = await page.$$eval('#pid-table tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.task));
        expect(tasks, core).toEqual(expect.arrayContaining(['init', 'a', 'b', 'c', 'u', 'v']));
        expect(await page.textContent('#status'), core).toContain(core === 'ts' ? 'TS twin' : 'WASM');
      }
      expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
      expect(problems).toEqual([]);
      expect(failed).toEqual([]);
      // Each page's header links to the other.
      await page.click('#to-playground');
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
      expect(new URL(page.url()).pathname).toBe('/');
      await page.click('#to-explorer');
      await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 30_000 });
      expect(new URL(page.url()).pathname).toBe('/explorer/');
      expect(problems).toEqual([]);
    } finally {
      await pg.close();
      await browser.close();
    }
  }, 90_000);
});
