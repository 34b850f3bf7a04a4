/**
 * The scenario runner: executes statements on a Kernel and formats the
 * transcript exactly as scenario-language.md specifies.
 *
 * A ScenarioSession keeps the name table. `step(line)` validates the whole
 * line first (syntax, names, the rules about init's process) and only then
 * makes the call, so a scenario error leaves the simulation exactly as it
 * was. `runScenario` runs a whole text and stops at the first scenario error.
 */
import { errnoName, type ErrnoName } from '../core/errno.js';
import { formatWaitStatus } from '../kernel/format.js';
import { Kernel, type KernelEvent } from '../kernel/kernel.js';
import { formatEvent } from '../kernel/trace.js';
import { TASK_RUNNING, type Task } from '../kernel/objects.js';
import { parseLine, ScenarioSyntaxError, type Statement } from './parse.js';

/** A statement that ran: its transcript line, and for a failed call the errno and the kernel's reason. */
export interface StepDone {
  ok: true;
  statement: Statement;
  /** The statement's tokens joined by single spaces. */
  text: string;
  /** What follows ` -> `. */
  result: string;
  /** The transcript line: `${text} -> ${result}`. */
  line: string;
  errno: ErrnoName | null;
  why: string | null;
}

/** A scenario error: nothing was changed. */
export interface StepError {
  ok: false;
  message: string;
}

export type StepResult = StepDone | StepError;

/** Thrown by the throwing variants; carries the same data as StepError plus the location. */
export class ScenarioError extends Error {
  readonly file: string;
  readonly line: number;
  readonly detail: string;
  constructor(file: string, line: number, detail: string) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'ScenarioError';
    this.file = file;
    this.line = line;
    this.detail = detail;
  }
}

const NO_TASK_WHY = 'the name names no task: the call that should have created it failed';

export class ScenarioSession {
  readonly kernel: Kernel;
  private readonly names = new Map<string, Task | null>();
  private readonly nameByTask = new Map<Task, string>();
  /** The name the statement being run will give the task it creates. */
  private pendingName: string | null = null;

  constructor(kernel: Kernel) {
    this.kernel = kernel;
    this.names.set('init', kernel.init);
    this.nameByTask.set(kernel.init, 'init');
  }

  /** The scenario name of a task (during a creating statement, its new task has the name being defined). */
  nameOf(t: Task): string {
    return this.nameByTask.get(t) ?? this.pendingName ?? '?';
  }

  /** The task a name stands for: a Task, null (its creation failed), undefined (never defined). */
  task(name: string): Task | null | undefined {
    return this.names.get(name);
  }

  /** Names defined so far, in definition order. */
  definedNames(): string[] {
    return [...this.names.keys()];
  }

  /**
   * Run one line. Returns null for a blank or comment-only line, a
   * StepError for a scenario error (state unchanged), else the transcript line.
   */
  step(source: string): StepResult | null {
    let parsed;
    try {
      parsed = parseLine(source, (n) => this.names.has(n));
    } catch (e) {
      if (e instanceof ScenarioSyntaxError) return { ok: false, message: e.message };
      throw e;
    }
    if (parsed === null) return null;
    const st = parsed.statement;
    const init = this.kernel.init;
    if (st.kind === 'exit') {
      const t = this.names.get(st.actor);
      if (st.actor === 'init' || (t && t.tg === init.tg)) {
        return { ok: false, message: `exit ${st.actor} would end init's process; that is not allowed` };
      }
    } else if (st.kind === 'texit') {
      const t = this.names.get(st.actor);
      if (t && t.tg === init.tg && t.state === TASK_RUNNING && t.tg.live === 1) {
        return { ok: false, message: `texit ${st.actor} would end the last live thread of init's process; that is not allowed` };
      }
    }
    else if (st.kind === 'setpgid') {
      const t = this.names.get(st.actor);
      const trapped = t ? this.kernel.setpgidTrapsInit(t, st.pid, st.pgid) : null;
      if (trapped !== null) {
        return {
          ok: false,
          message:
            `setpgid would make namespace init ${this.nameOf(trapped)} a member of process group ${st.pgid === 0 ? st.pid : st.pgid}, ` +
            'whose id is another pid of its own namespace: that init could never finish exiting (not part of the language)',
        };
      }
    }
    const k = this.kernel;
    k.why = '';
    const { result, errno } = this.execute(st);
    return {
      ok: true,
      statement: st,
      text: parsed.text,
      result,
      line: `${parsed.text} -> ${result}`,
      errno,
      why: errno === null ? null : k.why || null,
    };
  }

  private execute(st: Statement): { result: string; errno: ErrnoName | null } {
    const k = this.kernel;
    const num = (r: number): { result: string; errno: ErrnoName | null } =>
      r < 0 ? { result: errnoName(r), errno: errnoName(r) } : { result: String(r), errno: null };
    const ok = (r: number): { result: string; errno: ErrnoName | null } =>
      r < 0 ? { result: errnoName(r), errno: errnoName(r) } : { result: 'ok', errno: null };
    const noTask = (): { result: string; errno: ErrnoName } => {
      k.why = NO_TASK_WHY;
      return { result: 'ESRCH', errno: 'ESRCH' };
    };
    switch (st.kind) {
      case 'fork':
      case 'thread':
      case 'clone':
      case 'clone3': {
        const p = this.names.get(st.actor) as Task | null;
        this.names.set(st.name, null);
        if (p === null) return noTask();
        let r: Task | number;
        this.pendingName = st.name;
        try {
          if (st.kind === 'fork') r = k.fork(p);
          else if (st.kind === 'thread') r = k.thread(p);
          else if (st.kind === 'clone') r = k.clone(p, st.flags);
          else r = k.clone3(p, st.flags, st.setTid);
        } finally {
          this.pendingName = null;
        }
        if (typeof r === 'number') return num(r);
        this.names.set(st.name, r);
        this.nameByTask.set(r, st.name);
        return { result: k.nspidOf(r).join(' '), errno: null };
      }
      case 'samens': {
        const a = this.names.get(st.a) as Task | null;
        const b = this.names.get(st.b) as Task | null;
        if (a === null || b === null) return noTask();
        const r = k.samens(a, b, st.nstype);
        return r < 0 ? num(r) : { result: r === 1 ? 'yes' : 'no', errno: null };
      }
      default:
        break;
    }
    const t = this.names.get(st.actor) as Task | null;
    if (t === null) return noTask();
    switch (st.kind) {
      case 'unshare':
        return ok(k.unshare(t, st.flags));
      case 'setns': {
        const target = this.names.get(st.target) as Task | null;
        // The acting task's ESRCH comes first; then a name that names no task.
        if (target === null) return k.exited(t) ? ok(k.setns(t, t, st.nstype)) : noTask();
        return ok(k.setns(t, target, st.nstype));
      }
      case 'exit':
        return ok(k.exit_group(t, st.code));
      case 'texit':
        return ok(k.exit(t, st.code));
      case 'kill':
        return ok(k.kill(t, st.pid, st.sig));
      case 'wait': {
        const r = k.waitpid(t, st.pid ?? -1);
        if (r < 0) return num(r);
        return { result: r === 0 ? 'none' : `${r} ${formatWaitStatus(k.waitStatus)}`, errno: null };
      }
      case 'getpid':
        return num(k.getpid(t));
      case 'gettid':
        return num(k.gettid(t));
      case 'getppid':
        return num(k.getppid(t));
      case 'nspid': {
        const r = k.nspid(t);
        return typeof r === 'number' ? num(r) : { result: r.join(' '), errno: null };
      }
      case 'lastpid':
        if (st.value !== null) return ok(k.set_ns_last_pid(t, st.value));
        {
          // -1 is a value here (no cyclic allocation yet); errors are below -1.
          const r = k.ns_last_pid(t);
          return r < -1 ? num(r) : { result: String(r), errno: null };
        }
      case 'pidmax':
        return st.value === null ? num(k.pid_max(t)) : ok(k.set_pid_max(t, st.value));
      case 'setsid':
        return num(k.setsid(t));
      case 'setpgid':
        return ok(k.setpgid(t, st.pid, st.pgid));
      case 'getpgid':
        return num(k.getpgid(t, st.pid));
      case 'getsid':
        return num(k.getsid(t, st.pid));
      case 'subreaper':
        return st.value === null ? num(k.getSubreaper(t)) : ok(k.setSubreaper(t, st.value === 1));
    }
  }
}

/** One failed call of a run: where, which errno, and the kernel check that fired. */
export interface CallFailure {
  line: number;
  errno: ErrnoName;
  why: string;
}

export interface RunResult {
  /** Transcript lines, without newlines. */
  lines: string[];
  /** The scenario error that stopped the run, if any (`line` is 1-based). */
  error: { line: number; message: string } | null;
  /** Every failed call, in order (for --explain). */
  failures: CallFailure[];
}

export interface RunOptions {
  /** Called with each transcript line as it is produced, and its 1-based line number in the source. */
  onLine?: (text: string, line: number) => void;
  /** Called with each failed call as it happens. */
  onFailure?: (f: CallFailure) => void;
  /**
   * Called with what each statement did inside the kernel (formatEvent's
   * English, task names from the scenario), after the statement's
   * transcript line and failure. `line` is 1-based.
   */
  onTrace?: (t: TraceLine) => void;
}

/** One kernel event of a run, in words. */
export interface TraceLine {
  line: number;
  event: KernelEvent['type'];
  text: string;
}

/** Run a whole scenario text on `kernel`; stops at the first scenario error. */
export function runScenario(source: string, kernel: Kernel, opts: RunOptions = {}): RunResult {
  const session = new ScenarioSession(kernel);
  const lines: string[] = [];
  const failures: CallFailure[] = [];
  const src = source.split('\n');
  // A final newline does not start another line.
  if (src.length > 0 && src[src.length - 1] === '') src.pop();
  // Events are put in words as they happen (a released task's numbers are gone after the call) and passed on after the line.
  const traced: TraceLine[] = [];
  let at = 0;
  const onTrace = opts.onTrace;
  if (onTrace) kernel.trace = (e) => traced.push({ line: at, event: e.type, text: formatEvent(kernel, e, (t) => session.nameOf(t)) });
  try {
    for (let i = 0; i < src.length; i++) {
      at = i + 1;
      const r = session.step(src[i]);
      if (r === null) continue;
      if (!r.ok) return { lines, error: { line: i + 1, message: r.message }, failures };
      lines.push(r.line);
      opts.onLine?.(r.line, i + 1);
      if (r.errno !== null) {
        const f = { line: i + 1, errno: r.errno, why: r.why ?? '' };
        failures.push(f);
        opts.onFailure?.(f);
      }
      if (onTrace) {
        for (const t of traced) onTrace(t);
        traced.length = 0;
      }
    }
  } finally {
    if (onTrace) kernel.trace = null;
  }
  return { lines, error: null, failures };
}
