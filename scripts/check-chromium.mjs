#!/usr/bin/env node
// The browser suites (test/browser.test.ts and any other that drives a page)
// run Debian's Chromium through playwright-core, which cannot download a
// browser here. `npm test` runs this first: without Chromium it fails at
// once with one line saying what is missing and how to get it, instead of
// building everything and then failing (or waiting) in the browser suite.
// PIDNS_CHROMIUM names another Chromium executable. CI (.ci/run) installs
// chromium before `npm test`, so the browser suites always run there.
import { accessSync, constants, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CHROMIUM = process.env.PIDNS_CHROMIUM || '/usr/bin/chromium';

/** null when Chromium can be run, else the one-line reason and remedy. */
export function chromiumMissing(path = CHROMIUM) {
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    accessSync(path, constants.X_OK);
    return null;
  } catch {
    return `npm test: the browser suites need Chromium, and ${path} is missing or not executable: ` +
      'install it with `sudo apt-get install chromium` (Debian/Ubuntu), or set PIDNS_CHROMIUM=/path/to/chromium';
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const why = chromiumMissing();
  if (why) {
    process.stderr.write(why + '\n');
    process.exit(1);
  }
}
