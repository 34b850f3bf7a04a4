/**
 * The playground's built-in examples (web/playground.html) are scenarios
 * recorded on the real kernel: each one is a file under
 * test/scenarios/playground/ (whose .expected the oracle wrote, and which
 * test/scenarios.test.ts runs on both cores), and the page must hold exactly
 * those texts, in that order. The page itself is tested in Chromium by
 * test/browser.test.ts; `pidns play`'s options here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const ROOT = join(import.meta.dirname, '..');

/** The EXAMPLES object literal of the page: names → scenario texts (template literals without ${}). */
function pageExamples(): [string, string][] {
  const html = readFileSync(join(ROOT, 'web', 'playground.html'), 'utf8');
  const body = /const EXAMPLES = \{([\s\S]*?)\n {2}\};/.exec(html);
  if (!body) throw new Error('no EXAMPLES in web/playground.html');
  const out: [string, string][] = [];
  for (const m of body[1].matchAll(/'([^']+)': `([^`]*)`/g)) out.push([m[1], m[2]]);
  return out;
}

describe('playground', () => {
  it('its examples are the recorded scenarios of test/scenarios/playground', () => {
    const dir = join(ROOT, 'test', 'scenarios', 'playground');
    const files = readdirSync(dir).filter((f) => f.endsWith('.pidns')).sort();
    const examples = pageExamples();
    expect(examples.length).toBe(files.length);
    examples.forEach(([name, text], i) => {
      const slug = name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
      expect(files[i]).toBe(`${String(i + 1).padStart(2, '0')}-${slug}.pidns`);
      expect(text).toBe(readFileSync(join(dir, files[i]), 'utf8'));
    });
  });

  it('pidns play refuses bad options with exit 1', async () => {
    expect(await runCli(['play', '--port', 'x'])).toEqual({ code: 1, out: '', err: "pidns: play: --port wants a whole number from 0 to 65535, not 'x'\n" });
    expect(await runCli(['play', '--port', '70000'])).toMatchObject({ code: 1, err: expect.stringMatching(/--port wants a whole number/) });
    expect(await runCli(['play', '--frob'])).toMatchObject({ code: 1, err: "pidns: play: unknown option '--frob' (see pidns play --help)\n" });
    expect(await runCli(['play', '--host'])).toMatchObject({ code: 1, err: "pidns: play: option '--host' needs a value\n" });
  });

  it('pidns play says so when the port is taken', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as AddressInfo).port;
    try {
      expect(await runCli(['play', '--port', String(port)])).toMatchObject({
        code: 1,
        err: `pidns: play: cannot listen on 127.0.0.1:${port}: the port is in use (try --port 0)\n`,
      });
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });
});
