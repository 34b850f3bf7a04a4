#!/usr/bin/env node
// Builds the WASM and the TS (npm run build) when an output is missing or
// older than the newest source file, so `npm start` works on a fresh clone.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outputs = ['dist/cli/main.js', 'build/release.wasm', 'build/release-simd.wasm', 'build/debug.wasm'];

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const src = Math.max(newest(path.join(root, 'src')), newest(path.join(root, 'assembly')));
const stale = outputs.some((f) => {
  const p = path.join(root, f);
  return !existsSync(p) || statSync(p).mtimeMs < src;
});
if (stale) {
  process.stderr.write('pidns: building (npm run build)...\n');
  execSync('npm run build', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
