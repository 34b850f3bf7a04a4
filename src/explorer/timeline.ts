/**
 * The explorer's time machine: a scenario as a list of steps (one per
 * statement that ran), and a kernel positioned after any chosen step.
 *
 * Going forward runs the next statements on the live kernel. Going back is
 * deterministic replay: a fresh core and kernel run the statements from the
 * start up to the chosen one (the simulation is deterministic, so the state
 * is the same as the first time). Nothing of the kernel is copied: its
 * objects and the core's memory cannot be cloned cheaply, and a replay of
 * 10,000 statements costs milliseconds (test/explorer-timeline.test.ts
 * prints the measured cost per step).
 *
 * The first full run records what each step did: its transcript line, the
 * failed call's errno and `why`, the kernel events in words, the allocator's
 * work counters and notes the kernel itself gives no event for (a signal
 * ignored by a namespace init).
 */
import type { ErrnoName } from '../core/errno.js';
import { countersSince, readCounters, type AllocatorCounters } from '../core/counters.js';
import { PID_TASK } from '../core/layout.js';
import type { PidCore } from '../core/types.js';
import { Kernel, type KernelEvent } from '../kernel/kernel.js';
import { formatEvent } from '../kernel/trace.js';
import { SIGNAL_UNKILLABLE, type Task } from '../kernel/objects.js';
import { parseLine } from '../scenario/parse.js';
import { ScenarioSession } from '../scenario/run.js';

/** The allocator's work counters (src/core/counters.ts, read by name), cumulative or per step. */
export type WorkCounters = AllocatorCounters;

/** One kernel event of a step, in words (formatEvent). */
export interface TraceEntry {
  event: KernelEvent['type'];
  text: string;
}

/** A statement that ran. */
export interface Step {
  /** 1-based step number (step 0 is the state before any statement). */
  index: number;
  /** 1-based line of the source. */
  line: number;
  text: string;
  result: string;
  errno: ErrnoName | null;
  /** The kernel check that fired (why.ts), for a failed call. */
  why: string | null;
  trace: TraceEntry[];
  /** What the step cost the allocator (deltas of the core's counters). */
  work: WorkCounters;
  /** Counters after the step (cumulative since the core was made). */
  total: WorkCounters;
  /** Effects the kernel makes no event for, in words (e.g. a signal a namespace init ignores). */
  notes: string[];
}

/** A kernel positioned after step `at`. */
export interface Live {
  kernel: Kernel;
  session: ScenarioSession;
  at: number;
}

export type CoreMaker = () => PidCore | Promise<PidCore>;


const SIG_NAMES: Record<number, string> = { 9: 'SIGKILL', 15: 'SIGTERM' };

/**
 * The process a `kill T PID SIG` with PID > 0 will signal, if it is a
 * namespace init (SIGNAL_UNKILLABLE); found before the call (kill_proc_info's
 * find_vpid in T's active namespace).
 */
function initTargetOf(k: Kernel, session: ScenarioSession, source: string): { init: Task; sig: number; actor: Task } | null {
  let parsed;
  try {
    parsed = parseLine(source, (n) => session.task(n) !== undefined);
  } catch {
    return null;
  }
  if (parsed === null || parsed.statement.kind !== 'kill') return null;
  const st = parsed.statement;
  if (st.pid <= 0 || st.sig === 0) return null;
  const actor = session.task(st.actor);
  if (!actor || k.exited(actor)) return null;
  const p = k.core.find_pid_ns(st.pid, actor.tg.pidns.handle);
  if (p === 0) return null;
  const t = k.tasks[k.core.u32()[(p + PID_TASK) >> 2] - 1];
  if (!t || (t.tg.flags & SIGNAL_UNKILLABLE) === 0) return null;
  return { init: t.tg, sig: st.sig, actor };
}

/** Run one source line on a live kernel; with `record`, what it did. */
function runLine(live: Live, source: string, record: boolean): { step: Omit<Step, 'index' | 'line'> | null; error: string | null } {
  const k = live.kernel;
  const session = live.session;
  if (!record) {
    const r = session.step(source);
    if (r === null) return { step: null, error: null };
    return r.ok ? { step: {} as Omit<Step, 'index' | 'line'>, error: null } : { step: null, error: r.message };
  }
  const before = readCounters(k.core);
  const trace: TraceEntry[] = [];
  const initTarget = initTargetOf(k, session, source);
  k.trace = (e) => trace.push({ event: e.type, text: formatEvent(k, e, (t) => session.nameOf(t)) });
  let r;
  try {
    r = session.step(source);
  } finally {
    k.trace = null;
  }
  if (r === null) return { step: null, error: null };
  if (!r.ok) return { step: null, error: r.message };
  const notes: string[] = [];
  if (initTarget && r.errno === null && !trace.some((e) => e.event === 'signal')) {
    const name = session.nameOf(initTarget.init);
    notes.push(
      `${SIG_NAMES[initTarget.sig] ?? `signal ${initTarget.sig}`} to ${name} ignored: ${name} is the init of its namespace ` +
        `(SIGNAL_UNKILLABLE), and only a SIGKILL from an ancestor namespace reaches it; kill still returns 0`,
    );
  }
  const total = readCounters(k.core);
  return {
    step: { text: r.text, result: r.result, errno: r.errno, why: r.why, trace, work: countersSince(before, total), total, notes },
    error: null,
  };
}

export class Timeline {
  /** The statements that ran, in order (steps[i].index === i + 1). */
  readonly steps: Step[];
  /** The scenario error that stopped the first run, if any (1-based line). */
  readonly error: { line: number; message: string } | null;
  /** Counters of the fresh kernel (init's alloc_pid): step 0's totals. */
  readonly start: WorkCounters;
  /** How many statements were run since the timeline was made (replays included): the replay cost, for measuring. */
  statementsRun = 0;
  /** How many fresh kernels were made (1 + the replays). */
  kernelsMade = 0;

  private readonly lines: string[];
  private live: Live;
  private readonly makeCore: CoreMaker;

  private constructor(lines: string[], live: Live, makeCore: CoreMaker, steps: Step[], error: Timeline['error'], start: WorkCounters) {
    this.lines = lines;
    this.live = live;
    this.makeCore = makeCore;
    this.steps = steps;
    this.error = error;
    this.start = start;
  }

  /** Run the whole scenario once, recording each step; the live kernel ends after the last step. */
  static async create(source: string, makeCore: CoreMaker): Promise<Timeline> {
    const lines = source.split('\n');
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    const kernel = new Kernel(await makeCore());
    const live: Live = { kernel, session: new ScenarioSession(kernel), at: 0 };
    const start = readCounters(kernel.core);
    const steps: Step[] = [];
    let error: Timeline['error'] = null;
    for (let i = 0; i < lines.length; i++) {
      const r = runLine(live, lines[i], true);
      if (r.error !== null) {
        error = { line: i + 1, message: r.error };
        break;
      }
      if (r.step === null) continue;
      steps.push({ index: steps.length + 1, line: i + 1, ...r.step });
      live.at = steps.length;
    }
    const tl = new Timeline(lines, live, makeCore, steps, error, start);
    tl.kernelsMade = 1;
    tl.statementsRun = steps.length;
    return tl;
  }

  get length(): number {
    return this.steps.length;
  }

  /** The step whose statement is on source line `line` (1-based), if any. */
  stepOfLine(line: number): Step | undefined {
    return this.steps.find((s) => s.line === line);
  }

  /**
   * The kernel after step `at` (0 = before the first statement), clamped to
   * [0, length]. Forward from the live position runs the next statements;
   * backward replays from a fresh kernel. `visit.fn` is called with the
   * kernel at every position in [visit.from, at) the seek passes through.
   * The returned Live is only valid until the next call.
   */
  async seek(at: number, visit?: { from: number; fn: (live: Live) => void }): Promise<Live> {
    at = Math.max(0, Math.min(this.steps.length, Math.floor(at)));
    if (at < this.live.at) {
      const kernel = new Kernel(await this.makeCore());
      this.kernelsMade++;
      this.live = { kernel, session: new ScenarioSession(kernel), at: 0 };
    }
    const live = this.live;
    if (visit && live.at >= visit.from && live.at < at) visit.fn(live);
    while (live.at < at) {
      const step = this.steps[live.at];
      runLine(live, this.lines[step.line - 1], false);
      live.at++;
      this.statementsRun++;
      if (visit && live.at >= visit.from && live.at < at) visit.fn(live);
    }
    return live;
  }

  /** Where the live kernel is (the next seek forward from here costs only the statements in between). */
  get position(): number {
    return this.live.at;
  }
}
