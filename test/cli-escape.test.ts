/**
 * Terminal escapes (issue 9, finding 9): text from a scenario file or the
 * command line that an error message echoes (a bad token, a file name, an
 * option) has its non-printable characters escaped, so a scenario cannot
 * set the terminal's title, clear the screen or change colours.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { printable } from '../src/cli/printable.js';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'pidns-escape-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** Any C0/C1 control or DEL: none may reach the terminal. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('error messages escape what is not printable', () => {
  const cases: [string, string, string][] = [
    // [scenario line, what the message must say]
    ['set the title', 'a = \x1b]0;pwned\x07fork init', "unknown call '\\e]0;pwned\\x07fork'"],
    ['clear the screen', '\x1b[2J\x1b[H = fork init', "'\\e[2J\\e[H' is not a valid task name"],
    ['change colours', 'getpid \x1b[31mred', "'\\e[31mred' is not a task name"],
    ['send a C1 CSI and DEL', 'kill init 1 \u009b2J\x7f', "bad signal '\\x9b2J\\x7f'"],
    ['hide text with a bidi override', 'unshare init NEWPID|\u202eDIPWEN', "unknown flag '\u005cu{202e}DIPWEN'"],
    ['send NUL and backspace', 'frob\x00\x08', "unknown statement 'frob\\x00\\x08'"],
  ];
  for (const [what, line, message] of cases) {
    it(`a scenario cannot ${what}`, async () => {
      const p = join(dir, `${what.replace(/ /g, '-')}.pidns`);
      writeFileSync(p, `a0 = fork init\n${line}\n`);
      const r = await runCli(['run', p, '--core', 'ts']);
      expect(r.code).toBe(2);
      expect(r.out).toBe('a0 = fork init -> 2\n');
      expect(r.err).toBe(`${p}:2: ${message}\n`);
      expect(r.err).not.toMatch(CONTROL);
    });
  }

  it('file names and options from the command line are escaped too', async () => {
    const name = join(dir, 'no\x1b[2Jsuch.pidns');
    const r = await runCli(['run', name]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`pidns: cannot read ${join(dir, 'no\\e[2Jsuch.pidns')}: no such file\n`);
    const o = await runCli(['run', 'x', '--\x1b]0;t\x07']);
    expect(o.err).toBe("pidns: run: unknown option '--\\e]0;t\\x07' (see pidns run --help)\n");
    const c = await runCli(['\x1b[31mrun']);
    expect(c.err).toBe("pidns: unknown command '\\e[31mrun' (see pidns --help)\n");
    const s = await runCli(['storm', '--workload', 'w\x1b[1m']);
    expect(s.err).not.toMatch(CONTROL);
  });

  it('printable text is unchanged', () => {
    const s = "unknown flag 'NEWPÎD' — ünïcode, 😀, back\\slash, tab-free";
    expect(printable(s)).toBe(s);
    expect(printable('\t\n\r')).toBe('\\t\\n\\r');
    expect(printable('\u2028\ufeff')).toBe('\\u{2028}\\u{feff}');
  });
});
