/**
 * Runs the pidns command in this process with captured I/O: standard input
 * is `stdin`, files are read from disk, and what it writes comes back as
 * `out` and `err` with its exit status.
 */
import { readFileSync } from 'node:fs';
import { main, type CliIO } from '../../src/cli/main.js';

export async function runCli(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: (s) => void (out += s),
    stderr: (s) => void (err += s),
    readStdin: async () => stdin,
    readFile: (p) => readFileSync(p, 'utf8'),
  };
  const code = await main(args, io);
  return { code, out, err };
}
