// The consumer's code: the README's one-line embedding, then the seed story
// on a core. SEED comes from seed.js, written by the test (the scenario text).
import { runScenarioText } from 'pidns';
import { SEED } from './seed.js';

export async function runSeed(core) {
  const r = await runScenarioText(SEED, { core });
  if (r.error) throw new Error(`line ${r.error.line}: ${r.error.message}`);
  return r.lines.join('\n') + '\n';
}
