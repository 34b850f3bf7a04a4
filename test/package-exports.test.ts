/**
 * The package's export map, as a Node user meets it (`import 'pidns'` from a
 * separate process, through Node's own resolver and package self-reference):
 * the "node" condition gives the Node entry, so the async createKernel works
 * without fetch; `pidns/node` adds the sync calls. Needs `npm run build` (dist/).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function node(code: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
}

describe('package exports', () => {
  it("import 'pidns' in Node runs a scenario on the WASM core (async API, no fetch)", () => {
    const out = node(`
      import { createKernel, createCore, runScenarioText } from 'pidns';
      const k = await createKernel();
      const a = k.unwrap(k.clone(k.init, 'NEWPID'));
      const core = await createCore('wasm', { allocator: 'hbm' });
      const r = await runScenarioText('a = fork init\\nb = clone a NEWPID\\n', { core: 'ts' });
      console.log(JSON.stringify([k.unwrap(k.nspid(a)), core.name, core.allocator, r.lines]));
    `);
    expect(JSON.parse(out)).toEqual([[2, 1], 'wasm', 'hbm', ['a = fork init -> 2', 'b = clone a NEWPID -> 3 1']]);
  });

  it("import 'pidns/node' gives the synchronous calls", () => {
    const out = node(`
      import { createKernelSync, runScenarioTextSync } from 'pidns/node';
      const k = createKernelSync({ core: 'ts' });
      console.log(JSON.stringify([k.unwrap(k.getpid(k.init)), runScenarioTextSync('x = thread init\\n').lines]));
    `);
    expect(JSON.parse(out)).toEqual([1, ['x = thread init -> 2']]);
  });
});
