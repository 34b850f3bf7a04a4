/**
 * `pidns run FILE.pidns [--core wasm|ts] [--allocator A] [--explain] [--trace] [--stats]`: run a scenario and
 * print its transcript. `FILE` may be `-` for standard input, which messages
 * then call `<stdin>`.
 */
import { ALLOCATOR_NAMES, type AllocatorName, type CoreName, type PidCore } from '../core/types.js';
import { countersSince, readCounters } from '../core/counters.js';
import { createTsCore } from '../core/ts/index.js';
import { createWasmCoreSync } from '../core/wasm-node.js';
import { Kernel } from '../kernel/kernel.js';
import { runScenarioStream } from '../scenario/stream.js';
import { CliError, type CliIO, type Command } from './common.js';
import { readExample } from './examples.js';
import { printable } from './printable.js';

const HELP = `usage: pidns run FILE.pidns [--core wasm|ts] [--allocator A] [--explain] [--trace] [--stats]
       pidns run - [...]                                   (scenario on standard input)
       pidns run --example NAME [...]                      (a shipped scenario: pidns examples)

Runs a scenario on the simulated kernel and prints its transcript on
standard output, one line per statement, each as soon as its line is read
(any length of input runs in bounded memory; a line may have up to 65536
characters). The language — statements, flags, results, scenario errors —
is described in docs/scenario-language.md (in the pidns package folder).

options:
  --example NAME   run the shipped scenario NAME (\`pidns examples\` lists them)
                   instead of a file; messages call it example:NAME
  --core wasm|ts   which pid core runs the numbers (default: wasm)
  --allocator A    the core's pid allocator: ${ALLOCATOR_NAMES.join(', ')} (default: pidmap);
                   every one hands out the same numbers, only their work differs
  --explain        for each failed call, write "FILE:LINE: ERRNO: why" on
                   standard error: the kernel check that refused it
  --trace          after each statement, write what it did inside the kernel
                   on standard error, "FILE:LINE: trace: ..." per event: tasks
                   created, exits, signals, reparenting, reaps, namespaces
                   made, torn down (zap_pid_ns_processes) and freed
  --stats          after each statement that allocated pids, write the
                   allocator's work on standard error, "FILE:LINE: stats:
                   ...": words scanned, pages (or nodes, blocks) touched and
                   allocated by its alloc_pid calls
  -h, --help       show this help

exit status:
  0  the whole scenario ran
  1  the run could not start (unreadable file, bad option, missing WASM build)
  2  a scenario error: the statements before it were printed, and
     "FILE:LINE: message" went to standard error (FILE is <stdin> for -)
  141  standard output was closed early (pidns run big.pidns | head -1)
`;

/** What each allocator's pagesTouched counter counts (docs/core-algorithms.md "Allocators"). */
const UNITS: Record<AllocatorName, string> = { pidmap: 'pages', idr: 'nodes', hbm: 'blocks' };

/** Make a core by name (Node: the WASM core is loaded synchronously from build/). */
export function makeCore(name: CoreName, allocator: AllocatorName = 'pidmap'): PidCore {
  if (name === 'ts') return createTsCore({ allocator });
  try {
    return createWasmCoreSync({ allocator });
  } catch (e) {
    throw new CliError(`cannot load the WASM core: ${(e as Error).message.replace(/^pidns: /, '')}`);
  }
}

interface RunArgs {
  /** A file, '-', or null with `example` set. */
  file: string | null;
  example: string | null;
  core: CoreName;
  allocator: AllocatorName;
  explain: boolean;
  trace: boolean;
  stats: boolean;
}

function parseArgs(args: string[]): RunArgs {
  let file: string | null = null;
  let example: string | null = null;
  let core: CoreName = 'wasm';
  let allocator: AllocatorName = 'pidmap';
  let explain = false;
  let trace = false;
  let stats = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--explain') explain = true;
    else if (a === '--trace') trace = true;
    else if (a === '--stats') stats = true;
    else if (a === '--example' || a.startsWith('--example=')) {
      const v = a === '--example' ? args[++i] : a.slice('--example='.length);
      if (v === undefined || v === '') throw new CliError("run: option '--example' needs a name (pidns examples lists them)");
      example = v;
    }
    else if (a === '--allocator' || a.startsWith('--allocator=')) {
      const v = a === '--allocator' ? args[++i] : a.slice('--allocator='.length);
      if (v === undefined) throw new CliError(`run: option '--allocator' needs a value: ${ALLOCATOR_NAMES.join(', ')}`);
      if (!(ALLOCATOR_NAMES as readonly string[]).includes(v)) throw new CliError(`run: unknown allocator '${v}' (${ALLOCATOR_NAMES.join(', ')})`);
      allocator = v as AllocatorName;
    }
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
  if (file !== null && example !== null) throw new CliError(`run: give a file or --example, not both ('${file}', --example ${example})`);
  if (file === null && example === null) throw new CliError('run: no scenario given (usage: pidns run FILE.pidns)');
  return { file, example, core, allocator, explain, trace, stats };
}

/** The scenario's text as chunks: streamed when the I/O can (nodeIO), else read whole. */
function input(file: string, io: CliIO): AsyncIterable<string | Uint8Array> | Iterable<string> {
  try {
    if (io.openInput) return io.openInput(file);
    if (file === '-') return (async function* () { yield await io.readStdin(); })();
    return [io.readFile(file)];
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code ?? err.message;
    throw new CliError(`cannot read ${file}: ${why}`);
  }
}

export const runCommand: Command = {
  summary: 'run a .pidns scenario and print its transcript',
  help: HELP,
  async run(args: string[], io: CliIO): Promise<number> {
    const { file, example, core, allocator, explain, trace, stats } = parseArgs(args);
    let shown: string;
    let chunks: AsyncIterable<string | Uint8Array> | Iterable<string>;
    if (file === null) {
      const ex = readExample(example as string);
      shown = printable(ex.shown);
      chunks = [ex.source];
    } else {
      shown = file === '-' ? '<stdin>' : printable(file);
      chunks = input(file, io);
    }
    const kernel = new Kernel(makeCore(core, allocator));
    // The allocator's counters before the statement.
    let before = readCounters(kernel.core);
    let out = '';
    // stderr lines follow the transcript lines they belong to: flush stdout first.
    const flush = (): void => {
      if (out) {
        io.stdout(out);
        out = '';
      }
    };
    let r;
    try {
      // Each statement runs as soon as its line is read (src/scenario/stream.ts); the
      // transcript is written after every chunk of input, so memory stays bounded.
      r = await runScenarioStream(chunks, kernel, {
        onLine: (l, line) => {
          out += l + '\n';
          if (stats) {
            const now = readCounters(kernel.core);
            const d = countersSince(before, now);
            before = now;
            if (d.allocs > 0) {
              flush();
              io.stderr(`${shown}:${line}: stats: ${allocator}: ${d.wordsScanned} words scanned, ${d.pagesTouched} ${UNITS[allocator]} touched, ${d.pagesAllocated} allocated\n`);
            }
          }
          if (out.length > 1 << 16) flush();
        },
        onChunkDone: () => {
          flush();
          return io.drain?.();
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
    } catch (e) {
      // A read error of the input (a Node error with a code, e.g. EIO) ends the run like an unreadable file.
      const err = e as NodeJS.ErrnoException;
      if (typeof err?.code !== 'string') throw e;
      flush();
      throw new CliError(`cannot read ${shown}: ${err.code}`);
    }
    flush();
    if (r.error) {
      io.stderr(`${shown}:${r.error.line}: ${printable(r.error.message)}\n`);
      return 2;
    }
    return 0;
  },
};
