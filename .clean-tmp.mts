import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { createTsCore } from './src/core/ts/index.ts';
import { Kernel } from './src/kernel/kernel.ts';
import { runScenario } from './src/scenario/run.ts';
const dir = process.argv[2];
for (const f of readdirSync(dir).filter((f) => f.endsWith('.pidns'))) {
  let lines = readFileSync(`${dir}/${f}`, 'utf8').split('\n').filter((l) => l);
  for (;;) {
    const r = runScenario(lines.join('\n') + '\n', new Kernel(createTsCore()));
    if (!r.error) break;
    lines.splice(r.error.line - 1, 1);
  }
  writeFileSync(`${dir}/${f}`, lines.join('\n') + '\n');
}
