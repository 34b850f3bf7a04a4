/**
 * The playground's built-in examples (web/playground.html loads them from
 * /dist/explorer/examples.js, the explorer's module, so the two pages share
 * one copy) start with the scenarios recorded on the real kernel: each one
 * a file under test/scenarios/playground/ (whose .expected the oracle
 * wrote, and which test/scenarios.test.ts runs on both cores), in that
 * order. The page itself is tested in Chromium by
 * test/browser.test.ts; `pidns play`'s options here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { EXAMPLES } from '../src/explorer/examples.js';

const ROOT = join(import.meta.dirname, '..');

/** The page's examples: the module its script imports them from (it must hold no copy of its own). */
function pageExamples(): [string, string][] {
  const html = readFileSync(join(ROOT, 'web', 'playground.html'), 'utf8');
  const m = /import \{ EXAMPLES as EXAMPLE_LIST \} from '\/dist\/explorer\/examples\.js';/.exec(html);
  if (!m) throw new Error('web/playground.html does not import its examples from /dist/explorer/examples.js');
  // No scenario text of its own: the seed story's first statement is only in the shared module.
  expect(html).not.toContain('a = fork init');
  expect(html).not.toMatch(/const EXAMPLES = \{/);
  return EXAMPLES.map((e) => [e.title, e.source]);
}

describe('playground', () => {
  it('its examples are the recorded scenarios of test/scenarios/playground (one copy, shared with the explorer)', () => {
    const dir = join(ROOT, 'test', 'scenarios', 'playground');
    const files = readdirSync(dir).filter((f) => f.endsWith('.pidns')).sort();
    const examples = pageExamples();
    expect(examples.length).toBe(files.length);
    files.forEach((file, i) => {
      const [name, text] = examples[i];
      const slug = name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
      expect(file).toBe(`${String(i + 1).padStart(2, '0')}-${slug}.pidns`);
      expect(text).toBe(readFileSync(join(dir, file), 'utf8'));
    });
  });

  it('pidns play --help tells where the playground and the explorer are', async () => {
    const r = await runCli(['play', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Serves the playground on http:\/\/H:N\/:/);
    expect(r.out).toMatch(/The explorer is on http:\/\/H:N\/explorer\/:/);
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
