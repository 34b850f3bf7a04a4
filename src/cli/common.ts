/**
 * What every `pidns` subcommand shares: its I/O, its shape, and the error
 * that becomes `pidns: message` with exit status 1. Kept apart from main.ts
 * so that a subcommand's module can be loaded on its own (tests, the
 * playground server) without a circular import.
 */
/** What a command may touch of the outside world (tests inject their own). */
export interface CliIO {
  stdout(s: string): void;
  stderr(s: string): void;
  /** The whole of standard input. */
  readStdin(): Promise<string>;
  /** A file's text; throws a Node-style error (with `code`) when it cannot be read. */
  readFile(path: string): string;
  /**
   * A file (or standard input for `-`) as a stream of chunks, for the
   * commands that stream their input (`pidns run`); throws a Node-style error
   * at once when the file cannot be opened or is a directory. Without it,
   * readStdin / readFile give the whole text as one chunk.
   */
  openInput?(path: string): AsyncIterable<string | Uint8Array>;
  /** Resolves once standard output has room again (its buffer drained); without it, no waiting. */
  drain?(): Promise<void> | void;
}

export interface Command {
  /** One line for `pidns --help`. */
  summary: string;
  /** Full help for `pidns CMD --help`. */
  help: string;
  run(args: string[], io: CliIO): Promise<number>;
}

/** A failure to report as `pidns: message` with exit status 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** `--name=value` → ['--name', 'value']; anything else → [arg, undefined] (the value may be the next argument). */
export function splitOption(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}
