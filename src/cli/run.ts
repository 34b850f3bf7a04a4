/**
 * `pidns run FILE.pidns [--core wasm|ts] [--explain] [--trace]`: run a scenario and
 * print its transcript. `FILE` may be `-` for standard input, which messages
 * then call `<stdin>`.
 */
import type { CoreName, PidCore } from '../core/types.js';
import { createTsCore } from '../core/ts/index.js';
import { createWasmCoreSync } from '../core/wasm-node.js';
import { Kernel } from '../kernel/kernel.js';
import { runScenario } from '../scenario/run.js';
import { CliError, type CliIO, type Command } from './common.js';

const HELP = `usage: pidns run FILE.pidns [--core wasm|ts] [--explain] [--trace]
       pidns run - [--core wasm|ts] [--explain] [--trace]     (scenario on standard input)

Runs a scenario (shared/spec/scenario-language.md) on the simulated kernel and
prints its transcript on standard output, one line per statement.

options:
  --core wasm|ts   which pid core runs the numbers (default: wasm)
  --explain        for each failed call, write "FILE:LINE: ERRNO: why" on
                   standard error: the kernel check that refused it
  --trace          after each statement, write what it did inside the kernel
                   on standard error, "FILE:LINE: trace: ..." per event: tasks
                   created, exits, signals, reparenting, reaps, namespaces
                   made, torn down (zap_pid_ns_processes) and freed
  -h, --help       show this help

exit status:
  0  the whole scenario ran
  1  the run could not start (unreadable file, bad option, missing WASM build)
  2  a scenario error: the statements before it were printed, and
     "FILE:LINE: message" went to standard error (FILE is <stdin> for -)
`;

/** Make a core by name (Node: the WASM core is loaded synchronously from build/). */
export function makeCore(name: CoreName): PidCore {
  if (name === 'ts') return createTsCore();
  try {
    return createWasmCoreSync();
  } catch (e) {
    throw new CliError(`cannot load the WASM core: ${(e as Error).message.replace(/^pidns: /, '')}`);
  }
}

interface RunArgs {
  file: string;
  core: CoreName;
  explain: boolean;
  trace: boolean;
}

function parseArgs(args: string[]): RunArgs {
  let file: string | null = null;
  let core: CoreName = 'wasm';
  let explain = false;
  let trace = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--explain') explain = true;
    else if (a === '--trace') trace = true;
    else if (a === '--core' || a.startsWith('--core=')) {
      const v = a === '--core' ? args[++i] : a.slice('--core='.length);
      if (v === undefined) throw new CliError("run: option '--core' needs a value: wasm or ts");
      if (v !== 'wasm' && v !== 'ts') throw new CliError(`run: unknown core '${v}' (wasm or ts)`);
      core = v;
    } else if (a.startsWith('-') && a !== '-') {
      throw new CliError(`run: unknown option '${a}' (see pidns run --help)`);
    } else if (file === null) file = a;
    else throw new CliError(`run: more than one scenario given ('${file}', '${a}')`);
  }
  if (file === null) throw new CliError('run: no scenario given (usage: pidns run FILE.pidns)');
  return { file, core, explain, trace };
}

export const runCommand: Command = {
  summary: 'run a .pidns scenario and print its transcript',
  help: HELP,
  async run(args: string[], io: CliIO): Promise<number> {
    const { file, core, explain, trace } = parseArgs(args);
    let source: string;
    let shown: string;
    if (file === '-') {
      source = await io.readStdin();
      shown = '<stdin>';
    } else {
      shown = file;
      try {
        source = io.readFile(file);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code ?? err.message;
        throw new CliError(`cannot read ${file}: ${why}`);
      }
    }
    const kernel = new Kernel(makeCore(core));
    let out = '';
    // stderr lines follow the transcript lines they belong to: flush stdout first.
    const flush = (): void => {
      if (out) {
        io.stdout(out);
        out = '';
      }
    };
    const r = runScenario(source, kernel, {
      onLine: (l) => {
        out += l + '\n';
        if (out.length > 1 << 16) {
          io.stdout(out);
          out = '';
        }
      },
      onFailure: explain
        ? (f) => {
          flush();
          io.stderr(`${shown}:${f.line}: ${f.errno}: ${f.why}\n`);
        }
        : undefined,
      onTrace: trace
        ? (t) => {
          flush();
          io.stderr(`${shown}:${t.line}: trace: ${t.text}\n`);
        }
        : undefined,
    });
    if (out) io.stdout(out);
    if (r.error) {
      io.stderr(`${shown}:${r.error.line}: ${r.error.message}\n`);
      return 2;
    }
    return 0;
  },
};
