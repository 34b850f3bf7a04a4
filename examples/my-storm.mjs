// A fork storm of your own on the raw kernel (numbers and negative errnos,
// no allocation per call), with the slab-style reuse of reaped tasks the
// built-in storms use. Usage: node examples/my-storm.mjs [N] [wasm|ts]
import { RawKernel } from 'pidns';
import { createCoreSync } from 'pidns/node';

const n = Number(process.argv[2] ?? 1_000_000);
const core = createCoreSync(process.argv[3] ?? 'wasm');
const k = new RawKernel(core, { recycle: true });
const CLONE_NEWPID = 0x20000000;

// Three nested containers, then init of the deepest forks and reaps, n times.
let init = k.init;
for (let i = 0; i < 3; i++) {
  const c = k.clone(init, CLONE_NEWPID);
  if (typeof c === 'number') throw new Error(`clone: errno ${-c}`);
  init = c;
}
const t0 = performance.now();
let sum = 0;
for (let i = 0; i < n; i++) {
  const c = k.fork(init);
  if (typeof c === 'number') throw new Error(`fork: errno ${-c} (${k.why})`);
  k.exit(c, i & 0xff);
  sum += k.waitpid(init, -1);
}
const s = (performance.now() - t0) / 1000;
console.log(`${n} fork+exit+wait cycles at depth 3 on the ${core.build} core: ${(n / s / 1e6).toFixed(2)}M/s (checksum ${sum})`);
