#!/usr/bin/env node
// The `pidns` command: the compiled CLI (npm run build writes dist/ and build/).
// In a fresh source checkout nothing is built yet: build once, then run.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = ['dist/cli/main.js', 'build/release.wasm', 'build/release-simd.wasm', 'build/debug.wasm', 'scenarios/index.json']
  .every((f) => existsSync(new URL(`../${f}`, import.meta.url)));
if (!built) {
  if (!existsSync(new URL('../assembly/index.ts', import.meta.url))) {
    process.stderr.write('pidns: the package is incomplete (dist/ or build/*.wasm missing); reinstall it\n');
    process.exit(1);
  }
  process.stderr.write('pidns: first run in a source checkout: building (npm run build)...\n');
  try {
    execSync('npm run build', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    process.stderr.write('pidns: the build failed; run `npm ci && npm run build` and try again\n');
    process.exit(1);
  }
}
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
