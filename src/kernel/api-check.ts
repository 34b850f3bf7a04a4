/**
 * Runtime checks of what a JavaScript caller passes to the typed API
 * (api.ts). TypeScript's types say the same, but callers in plain
 * JavaScript (or with `any`) get no compile-time check, and the raw kernel
 * trusts its arguments: before these checks `setns(init, b, 'PID')` said ok
 * and did nothing, `kill(t, pid, 99)` killed, and a task of another kernel
 * was linked into this one.
 *
 * The line between a programmer error and a kernel answer:
 * - A programmer error is an argument the kernel could never be given: not
 *   a Task, a Task of another kernel, a namespace type or flag name that
 *   does not exist, a number that is not an integer (NaN, 1.5, '3') or does
 *   not fit the C type of the system call's parameter (pid_t and int: 32
 *   bits), a signal the model does not model. It throws a TypeError (wrong
 *   kind of value) or RangeError (right kind, not an accepted value) whose
 *   message names the call, the parameter, the bad value and what is
 *   accepted. Nothing has changed in the kernel when it throws.
 * - A kernel answer is an errno the real system call gives for a value it
 *   can be given: a reaped task (ESRCH, as /proc/<pid> of a reaped process
 *   or a pidfd of it: reaping can happen as a side effect of another call,
 *   e.g. a namespace's teardown, so a caller cannot always know it before),
 *   an exited actor (ESRCH), a signal outside 0..64 (EINVAL, after the
 *   target lookup: valid_signal in check_kill_permission), clone flags with
 *   bits the call refuses (EINVAL), a pid that names nothing (ESRCH), an
 *   exit code of any int (the kernel keeps its low 8 bits), a sysctl value
 *   out of its range (EINVAL). Those stay `{ ok: false, errno, why }`.
 */
import { MAX_PID_NS_LEVEL } from '../core/layout.js';
import { FLAG_NAMES, NS_TYPES, SETNS_TYPES, type NsType } from './flags.js';
import { Task } from './objects.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const UINT32_MAX = 4294967295;

/** A value as an error message shows it: strings quoted, objects by their class. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === null || v === undefined) return String(v);
  if (typeof v === 'symbol') return v.toString();
  if (typeof v === 'function') return `a function`;
  if (Array.isArray(v)) return `an array`;
  const name = (v as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

/** `where` is `call(param)`, e.g. `kill(sig)`. */
export function int32(v: unknown, where: string, what = 'an integer'): number {
  if (typeof v !== 'number') throw new TypeError(`${where}: expected ${what} (a 32-bit int), got ${show(v)}`);
  if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
    throw new RangeError(`${where}: expected ${what} from ${INT32_MIN} to ${INT32_MAX} (a 32-bit int), got ${show(v)}`);
  }
  return v;
}

/**
 * A sysctl value (ns_last_pid, pid_max): the kernel parses the text written
 * to /proc, so an integer of any size is a value it can be given; one beyond
 * int32 is its EINVAL (proc_dointvec_minmax), which the model gets from -1.
 */
export function sysctlValue(v: unknown, where: string): number {
  if (typeof v !== 'number') throw new TypeError(`${where}: expected an integer, got ${show(v)}`);
  if (!Number.isInteger(v)) throw new RangeError(`${where}: expected an integer, got ${show(v)}`);
  return v < INT32_MIN || v > INT32_MAX ? -1 : v;
}

/** Flags as a number or as `NEWPID|NEWUTS` text (names without CLONE_, `0` for none). */
export type Flags = number | string;

const FLAG_LIST = Object.keys(FLAG_NAMES).join(', ');

/**
 * Clone / unshare flags. A number is passed on as the kernel's unsigned
 * long would be (any 32-bit pattern; the call itself refuses bits it does
 * not accept, with EINVAL). A string is names joined by `|`, each optionally
 * prefixed CLONE_, or `0`; an unknown name throws RangeError.
 */
export function toFlags(f: unknown, where: string): number {
  if (typeof f === 'number') {
    if (!Number.isInteger(f) || f < INT32_MIN || f > UINT32_MAX) {
      throw new RangeError(`${where}: expected flags as a 32-bit integer or names like 'NEWPID|NEWNET', got ${show(f)}`);
    }
    return f | 0;
  }
  if (typeof f !== 'string') throw new TypeError(`${where}: expected flags as a number or names like 'NEWPID|NEWNET', got ${show(f)}`);
  if (f.trim() === '0') return 0;
  let flags = 0;
  for (const part of f.split('|')) {
    const name = part.trim().replace(/^CLONE_/, '');
    const bit = Object.prototype.hasOwnProperty.call(FLAG_NAMES, name) ? FLAG_NAMES[name] : undefined;
    if (bit === undefined) {
      throw new RangeError(`${where}: unknown clone flag ${show(part)} in ${show(f)} (accepted: ${FLAG_LIST}, joined by '|', or '0' for none)`);
    }
    flags |= bit;
  }
  return flags;
}

/** A namespace type of /proc/<pid>/ns/ (exact, lower case); setns excludes mnt (outside the model). */
export function nsType(v: unknown, where: string, forSetns: boolean): NsType {
  const accepted = forSetns ? SETNS_TYPES : NS_TYPES;
  if (typeof v === 'string' && (accepted as readonly string[]).includes(v)) return v as NsType;
  const why = forSetns && v === 'mnt' ? ' (mount namespaces are outside the model)' : '';
  const msg = `${where}: unknown namespace type ${show(v)}${why} (accepted: ${accepted.join(', ')})`;
  throw typeof v === 'string' ? new RangeError(msg) : new TypeError(msg);
}

/** The signals the model gives their default action: 0 (existence check), SIGKILL, SIGTERM. */
export const MODEL_SIGNALS: readonly number[] = [0, 9, 15];
/** _NSIG: valid_signal accepts 0..64. */
export const NSIG = 64;

/**
 * kill's signal: 0, 9 or 15 are modelled; another integer in 1..64 is a
 * real signal whose action (stop, ignore, a core dump) the model does not
 * have, so it throws RangeError rather than act like SIGTERM; an integer
 * outside 0..64 is returned as it is: the kernel answers it with EINVAL
 * (api.ts). Not an integer: TypeError / RangeError.
 */
export function signal(v: unknown, where: string): number {
  const sig = int32(v, where, 'a signal number');
  if (sig >= 1 && sig <= NSIG && !MODEL_SIGNALS.includes(sig)) {
    throw new RangeError(`${where}: signal ${sig} is not modelled (accepted: 0, 9 (SIGKILL), 15 (SIGTERM); outside 0..${NSIG} the kernel says EINVAL)`);
  }
  return sig;
}

/**
 * clone3's set_tid: an array (or array-like) of pid_t values. Longer than
 * MAX_PID_NS_LEVEL it is passed on unread: the kernel refuses the size
 * (EINVAL) before it reads an entry.
 */
export function setTidArray(v: unknown, where: string): ArrayLike<number> {
  const n = v !== null && typeof v === 'object' ? (v as { length?: unknown }).length : undefined;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new TypeError(`${where}: expected an array of pids, got ${show(v)}`);
  }
  if (n > MAX_PID_NS_LEVEL) return { length: n };
  const a = v as ArrayLike<unknown>;
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(int32(a[i], `${where}[${i}]`, 'a pid'));
  return out;
}

const CORE_NAMES = ['wasm', 'ts'];

/** A core by name ('wasm' or 'ts'): another string used to give the WASM core silently. */
export function coreName(v: unknown, where: string): 'wasm' | 'ts' {
  if (v === 'wasm' || v === 'ts') return v;
  const msg = `${where}: unknown core ${show(v)} (accepted: ${CORE_NAMES.join(', ')}, or a PidCore you made)`;
  throw typeof v === 'string' ? new RangeError(msg) : new TypeError(msg);
}

/** A PidCore made elsewhere: checked for the calls the kernel makes first (a plain object would fail deep inside). */
export function pidCore(v: unknown, where: string): void {
  const c = v as Record<string, unknown> | null;
  const calls = ['u32', 'f64', 'create_pid_namespace', 'alloc_pid', 'free_pid', 'find_pid_ns'];
  if (c === null || typeof c !== 'object' || calls.some((m) => typeof c[m] !== 'function')) {
    throw new TypeError(`${where}: expected a PidCore (createCore('wasm' | 'ts') or createTsCore / createWasmCore), got ${show(v)}`);
  }
}

/** Is v a Task object at all (any kernel)? */
export function isTask(v: unknown): v is Task {
  return v instanceof Task;
}
