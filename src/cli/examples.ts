/**
 * The scenarios shipped with the package (scenarios/ at the package root,
 * written by scripts/copy-scenarios.mjs at build time from test/scenarios/:
 * the seed story and the playground's examples, each recorded on the real
 * kernel): `pidns examples` lists them, `pidns run --example NAME` runs one.
 */
import { readFileSync } from 'node:fs';
import { CliError, type CliIO, type Command } from './common.js';

/** The package root: dist/cli/ and src/cli/ both sit two folders below it. */
const SCENARIOS = new URL('../../scenarios/', import.meta.url);

export interface ShippedExample {
  name: string;
  /** File name inside scenarios/. */
  file: string;
  summary: string;
}

/** The shipped examples, in the order of scenarios/index.json. */
export function shippedExamples(): ShippedExample[] {
  try {
    return JSON.parse(readFileSync(new URL('index.json', SCENARIOS), 'utf8')) as ShippedExample[];
  } catch (e) {
    throw new CliError(`cannot read the shipped examples (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); in a source checkout run \`npm run build\``);
  }
}

/** The text of the shipped example NAME, and the name to show in messages. */
export function readExample(name: string): { source: string; shown: string } {
  const all = shippedExamples();
  const ex = all.find((e) => e.name === name);
  if (!ex) throw new CliError(`run: no example '${name}' (pidns examples lists them: ${all.map((e) => e.name).join(', ')})`);
  return { source: readFileSync(new URL(ex.file, SCENARIOS), 'utf8'), shown: `example:${ex.name}` };
}

const HELP = `usage: pidns examples

Lists the scenarios shipped with the package (recorded on the real kernel):
run one with \`pidns run --example NAME\`.
`;

export const examplesCommand: Command = {
  summary: 'list the example scenarios shipped with the package',
  help: HELP,
  async run(args: string[], io: CliIO): Promise<number> {
    if (args.length > 0) throw new CliError(`examples: unexpected argument '${args[0]}' (see pidns examples --help)`);
    const all = shippedExamples();
    const width = Math.max(...all.map((e) => e.name.length));
    io.stdout(all.map((e) => `${e.name.padEnd(width)}  ${e.summary}\n`).join(''));
    return 0;
  },
};
