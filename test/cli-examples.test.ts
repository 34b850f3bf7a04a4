/**
 * `pidns examples` and `pidns run --example NAME`: the scenarios shipped with
 * the package (scenarios/, copied from test/scenarios/ by the build), each
 * printing its recorded kernel transcript. Needs `npm run build:ts`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli as run } from './helpers/cli.js';

const REPO = join(import.meta.dirname, '..');
const NAMES = [
  'seed-story',
  'the-seed-story-setns-then-no-threads',
  'a-namespace-whose-init-dies',
  'orphans-and-their-new-parent',
  'clone3-set-tid-and-ns-last-pid',
];

describe('shipped example scenarios', () => {
  it('pidns examples lists the seed story and the playground examples', async () => {
    const r = await run(['examples']);
    expect(r.code).toBe(0);
    expect(r.out.trimEnd().split('\n').map((l) => l.split(/\s+/)[0])).toEqual(NAMES);
    expect(r.out).toMatch(/^seed-story +The example of the spec: setns/);
  });

  it.each(NAMES)('pidns run --example %s prints the recorded transcript', async (name) => {
    const r = await run(['run', '--example', name]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(readFileSync(join(REPO, 'scenarios', `${name}.expected`), 'utf8'));
  });

  it('the seed story is the one of test/scenarios/shared, with its recorded transcript', async () => {
    const r = await run(['run', '--example=seed-story', '--core', 'ts']);
    expect(r.out).toBe(readFileSync(join(REPO, 'test/scenarios/shared/04-seed-story.expected'), 'utf8'));
  });

  it('refuses an unknown example, a missing name, a file with --example, and arguments to examples', async () => {
    expect(await run(['run', '--example', 'nope'])).toMatchObject({ code: 1, out: '', err: expect.stringMatching(/^pidns: run: no example 'nope' \(pidns examples lists them: seed-story, /) });
    expect(await run(['run', '--example'])).toMatchObject({ code: 1, err: expect.stringMatching(/needs a name/) });
    expect(await run(['run', 'x.pidns', '--example', 'seed-story'])).toMatchObject({ code: 1, err: expect.stringMatching(/not both/) });
    expect(await run(['examples', 'x'])).toMatchObject({ code: 1, err: expect.stringMatching(/unexpected argument 'x'/) });
  });
});
