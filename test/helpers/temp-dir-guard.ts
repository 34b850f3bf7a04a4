/**
 * The test run's own temporary folder (vitest globalSetup): the run leaves
 * the OS temp dir as it found it, and a test that leaves a temporary file
 * or folder behind fails the run, naming it.
 *
 * Setup makes a fresh folder in the OS temp dir and points TMPDIR at it, so
 * os.tmpdir() in the tests, and in every process they start, is that
 * folder. (vitest starts its workers after the global setup and gives them
 * its own process.env, so they inherit TMPDIR; a nested vitest run nests
 * its own folder inside.) Teardown runs after every test file has ended,
 * afterAll hooks included: by then the folder must hold nothing but tsx's
 * compile cache. It is removed either way. Anything else that runs on the
 * machine at the same time (another run of this suite among them) makes
 * its temporary folders elsewhere, so it cannot make this fail.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** tsx's compile cache, where tsx puts it (os.tmpdir()/tsx-<uid>): a cache, not something a test leaves behind. */
const TSX_CACHE = `tsx-${process.geteuid ? process.geteuid() : userInfo().username}`;

export default function setup(): () => void {
  const before = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'pidns-test-run-'));
  // Others may look in, as in the OS temp dir (test/play-server.test.ts runs a server as user nobody from a folder in here).
  chmodSync(dir, 0o755);
  process.env.TMPDIR = dir;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    let left = readdirSync(dir).filter((f) => f !== TSX_CACHE);
    // test/package.test.ts keeps its consumer project on request: then the folder stays too.
    const kept = process.env.PIDNS_KEEP_CONSUMER ? left.filter((f) => f.startsWith('pidns-consumer-')) : [];
    left = left.filter((f) => !kept.includes(f));
    if (kept.length) console.log(`kept (PIDNS_KEEP_CONSUMER): ${kept.map((f) => join(dir, f)).join(', ')}`);
    else rmSync(dir, { recursive: true, force: true });
    if (left.length) {
      // vitest prints an error thrown here but does not fail the run for it: the exit status does.
      process.exitCode = 1;
      throw new Error(
        `the tests left ${left.length} temporary ${left.length === 1 ? 'entry' : 'entries'} behind in their TMPDIR (${dir}${kept.length ? '' : ', now removed'}): ` +
          `${left.map((f) => JSON.stringify(f)).join(', ')}. Remove what a test makes (afterAll, onTestFinished or try/finally with rmSync).`,
      );
    }
  };
}
