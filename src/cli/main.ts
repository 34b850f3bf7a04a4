/**
 * The `pidns` command. Subcommands live in a table (`COMMANDS`) so more can be
 * added (e.g. `pidns storm`) without touching the dispatcher. Every command
 * gets its arguments and an injectable I/O object and returns an exit status:
 * 0 success, 1 failure (bad option, unreadable file, missing WASM build ...),
 * 2 a scenario error. Bad input never produces a stack trace.
 */
import { closeSync, createReadStream, fstatSync, openSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { examplesCommand } from './examples.js';
import { playCommand } from './play.js';
import { runCommand } from './run.js';
import { stormCommand } from './storm.js';
import { CliError, type CliIO, type Command } from './common.js';
import { quietOnClosedPipe } from './pipes.js';
import { printable } from './printable.js';

export { CliError, type CliIO, type Command } from './common.js';

export const COMMANDS: Record<string, Command> = {
  run: runCommand,
  storm: stormCommand,
  play: playCommand,
  examples: examplesCommand,
};

/** The version in the package's package.json (two folders up from src/cli and dist/cli). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function usage(): string {
  const lines = [
    'usage: pidns COMMAND [ARGS]',
    '',
    'A simulator of the Linux kernel\'s PID-namespace machinery (Linux 6.18).',
    '',
    'commands:',
  ];
  for (const [name, cmd] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)}${cmd.summary}`);
  lines.push('', 'options:', '  -h, --help     show this help (`pidns COMMAND --help` for a command)', '  -V, --version  show the version', '');
  return lines.join('\n');
}

/** A file opened for streaming; a directory or a missing file throws (with `code`) now, before any output. */
function openFile(path: string): AsyncIterable<Buffer> {
  const fd = openSync(path, 'r');
  try {
    if (fstatSync(fd).isDirectory()) throw Object.assign(new Error(`${path}: is a directory`), { code: 'EISDIR' });
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return createReadStream('', { fd, highWaterMark: 1 << 16 });
}

export function nodeIO(): CliIO {
  quietOnClosedPipe();
  return {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    readFile: (p) => readFileSync(p, 'utf8'),
    openInput: (p) => (p === '-' ? process.stdin : openFile(p)),
    drain: () => (process.stdout.writableNeedDrain ? new Promise<void>((r) => void process.stdout.once('drain', r)) : undefined),
  };
}

/** Run the CLI with `argv` (without node and script); resolves to the exit status. */
export async function main(argv: string[], io: CliIO = nodeIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr(usage());
    return 1;
  }
  if (name === '-h' || name === '--help' || name === 'help') {
    io.stdout(usage());
    return 0;
  }
  if (name === '-V' || name === '--version') {
    io.stdout(`pidns ${packageVersion()} (simulates Linux 6.18)\n`);
    return 0;
  }
  const cmd = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!cmd) {
    io.stderr(`pidns: unknown command '${printable(name)}' (see pidns --help)\n`);
    return 1;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    io.stdout(cmd.help);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr(`pidns: ${printable(e.message)}\n`);
      return 1;
    }
    // An internal error: still no stack trace unless asked for.
    const err = e as Error;
    io.stderr(`pidns: internal error: ${printable(err.message)}\n`);
    if (process.env.PIDNS_DEBUG) io.stderr(`${err.stack}\n`);
    return 1;
  }
}

// Run when executed directly (`npx tsx src/cli/main.ts ...` or `node dist/cli/main.js ...`).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
