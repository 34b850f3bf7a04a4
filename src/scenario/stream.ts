/**
 * Streaming scenario runs: a scenario is read in chunks, cut into lines, and
 * each line is run (ScenarioSession.step) and reported as soon as it is
 * complete, so a scenario of any length runs in bounded memory and its
 * transcript appears while its input is still being written.
 *
 * What is kept between chunks is only the unfinished last line, and a line
 * may not grow beyond `maxLineLength` characters: an endless line (e.g.
 * `/dev/zero`) is a scenario error at its line number, found after reading
 * at most that much of it. The line rules are runScenario's (run.ts): lines
 * end at `\n`, a final newline does not start another line, a trailing CR is
 * ignored by the tokenizer.
 */
import { formatEvent } from '../kernel/trace.js';
import type { Kernel } from '../kernel/kernel.js';
import { ScenarioSession, type CallFailure, type RunOptions, type TraceLine } from './run.js';

/** The longest line accepted by default, in characters (comments included). */
export const MAX_LINE_LENGTH = 65536;

export interface StreamOptions extends RunOptions {
  /** Lines longer than this (in characters, without the newline) are a scenario error. Default MAX_LINE_LENGTH. */
  maxLineLength?: number;
  /**
   * Called after each chunk of input has been run (and before waiting for
   * the next one): a caller that batches its output flushes it here, and may
   * return a promise to hold the input back until its output has drained.
   */
  onChunkDone?: () => void | Promise<void>;
}

export interface StreamResult {
  /** Statements run (transcript lines printed). */
  statements: number;
  /** Lines read (the last one counted even without its newline). */
  lines: number;
  /** The scenario error that stopped the run, if any (`line` is 1-based). */
  error: { line: number; message: string } | null;
}

/**
 * Cuts text chunks into lines. `push` returns the complete lines of the
 * chunk; `end` the unfinished last one, if any. Throws LineTooLong when a line
 * exceeds the limit (its number is `lineNumber`).
 */
export class LineSplitter {
  private pending = '';
  /** The number (1-based) of the line being assembled. */
  lineNumber = 1;
  constructor(readonly maxLineLength: number = MAX_LINE_LENGTH) {}

  /** Calls `each(line, number)` for every line the chunk completes. */
  push(chunk: string, each: (line: string, n: number) => void): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      if (nl < 0) break;
      let line = chunk.slice(start, nl);
      if (this.pending) {
        line = this.pending + line;
        this.pending = '';
      }
      if (line.length > this.maxLineLength) throw new LineTooLong(this.lineNumber, this.maxLineLength);
      each(line, this.lineNumber++);
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.length - start;
      if (this.pending.length + rest > this.maxLineLength) throw new LineTooLong(this.lineNumber, this.maxLineLength);
      this.pending += chunk.slice(start);
    }
  }

  /** The unfinished last line (a file without a final newline), or null. */
  end(each: (line: string, n: number) => void): void {
    if (this.pending) {
      const line = this.pending;
      this.pending = '';
      each(line, this.lineNumber++);
    }
  }
}

export class LineTooLong extends Error {
  constructor(readonly line: number, readonly limit: number) {
    super(`line longer than ${limit} characters`);
    this.name = 'LineTooLong';
  }
}

/** Thrown inside the loop to stop it at a scenario error. */
class Stop {
  constructor(readonly line: number, readonly message: string) {}
}

/**
 * Run a scenario from `chunks` (strings, or UTF-8 bytes decoded as a stream)
 * on `kernel`, calling the RunOptions callbacks as runScenario does; stops
 * at the first scenario error. Input errors (the chunks' iterator throwing)
 * propagate to the caller.
 */
export async function runScenarioStream(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  kernel: Kernel,
  opts: StreamOptions = {},
): Promise<StreamResult> {
  const session = new ScenarioSession(kernel);
  const split = new LineSplitter(opts.maxLineLength ?? MAX_LINE_LENGTH);
  const decoder = new TextDecoder('utf-8');
  const traced: TraceLine[] = [];
  let at = 0;
  let statements = 0;
  const onTrace = opts.onTrace;
  if (onTrace) kernel.trace = (e) => traced.push({ line: at, event: e.type, text: formatEvent(kernel, e, (t) => session.nameOf(t)) });
  const each = (text: string, n: number): void => {
    at = n;
    const r = session.step(text);
    if (r === null) return;
    if (!r.ok) throw new Stop(n, r.message);
    statements++;
    opts.onLine?.(r.line, n);
    if (r.errno !== null) {
      const f: CallFailure = { line: n, errno: r.errno, why: r.why ?? '' };
      opts.onFailure?.(f);
    }
    if (onTrace) {
      for (const t of traced) onTrace(t);
      traced.length = 0;
    }
  };
  const done = (error: StreamResult['error']): StreamResult => ({ statements, lines: split.lineNumber - 1, error });
  try {
    for await (const chunk of chunks) {
      const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      split.push(text, each);
      await opts.onChunkDone?.();
    }
    const tail = decoder.decode();
    if (tail) split.push(tail, each);
    split.end(each);
  } catch (e) {
    if (e instanceof Stop) return done({ line: e.line, message: e.message });
    if (e instanceof LineTooLong) return done({ line: e.line, message: e.message });
    throw e;
  } finally {
    if (onTrace) kernel.trace = null;
  }
  return done(null);
}
