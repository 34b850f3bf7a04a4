/**
 * Parser of the scenario language (shared/spec/scenario-language.md).
 *
 * `parseLine` turns one line into a Statement or a ScenarioSyntaxError
 * (a scenario error that does not depend on the simulation: bad syntax,
 * unknown statement / flag / NSTYPE, `setns … mnt`, a number outside i32, a
 * SIG other than 0, 9, 15, a `subreaper` value other than 0 or 1). Language
 * version 2 (setsid, setpgid, getpgid, getsid, subreaper). Name checks (defined before use, not defined
 * twice) need the names seen so far: `isDefined` answers them, in the same
 * order as the reference oracle makes its checks, so the first error of a
 * line is the one the oracle reports.
 */
import { FLAG_NAMES, NS_TYPES, SETNS_TYPES, type NsType } from '../kernel/flags.js';

export type Statement =
  | { kind: 'fork'; name: string; actor: string }
  | { kind: 'thread'; name: string; actor: string }
  | { kind: 'clone'; name: string; actor: string; flags: number }
  | { kind: 'clone3'; name: string; actor: string; flags: number; setTid: number[] }
  | { kind: 'unshare'; actor: string; flags: number }
  | { kind: 'setns'; actor: string; target: string; nstype: NsType }
  | { kind: 'exit' | 'texit'; actor: string; code: number }
  | { kind: 'kill'; actor: string; pid: number; sig: number }
  | { kind: 'wait'; actor: string; pid: number | null }
  | { kind: 'getpid' | 'gettid' | 'getppid' | 'nspid'; actor: string }
  | { kind: 'lastpid' | 'pidmax'; actor: string; value: number | null }
  | { kind: 'samens'; a: string; b: string; nstype: NsType }
  | { kind: 'setsid'; actor: string }
  | { kind: 'setpgid'; actor: string; pid: number; pgid: number }
  | { kind: 'getpgid' | 'getsid'; actor: string; pid: number }
  | { kind: 'subreaper'; actor: string; value: number | null };

/** A parsed line: the statement and its echo (tokens joined by single spaces). */
export interface ParsedLine {
  statement: Statement;
  text: string;
}

/** A scenario error found while reading a line. */
export class ScenarioSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioSyntaxError';
  }
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INT_RE = /^-?[0-9]+$/;
const MAX_TOKENS = 16;

export function isName(s: string): boolean {
  return NAME_RE.test(s);
}

/** A decimal i32 (optionally negative), else null. */
export function parseI32(s: string): number | null {
  if (!INT_RE.test(s)) return null;
  const v = Number(s);
  if (v < -2147483648 || v > 2147483647) return null;
  return v | 0;
}

/**
 * FLAGS: `0`, or flag names joined by `|` without blanks or empty parts.
 * Returns the flag bits or throws with the offending part.
 */
export function parseFlags(s: string): number {
  if (s === '0') return 0;
  if (s.startsWith('|') || s.endsWith('|') || s.includes('||')) throw new ScenarioSyntaxError(`unknown flag '${s}'`);
  let flags = 0;
  for (const part of s.split('|')) {
    const bit = Object.prototype.hasOwnProperty.call(FLAG_NAMES, part) ? FLAG_NAMES[part] : undefined;
    if (bit === undefined) throw new ScenarioSyntaxError(`unknown flag '${part}'`);
    flags |= bit;
  }
  return flags;
}

/** Split a line into tokens: `#` comment dropped, a trailing CR ignored, blanks are spaces and tabs. */
export function tokenize(line: string): string[] {
  if (line.endsWith('\r')) line = line.slice(0, -1);
  const hash = line.indexOf('#');
  if (hash >= 0) line = line.slice(0, hash);
  return line.split(/[ \t]+/).filter((t) => t.length > 0);
}

/**
 * Parse one line. Returns null for a blank or comment-only line. `isDefined`
 * tells whether a task name has been defined by an earlier line.
 */
export function parseLine(line: string, isDefined: (name: string) => boolean): ParsedLine | null {
  const tok = tokenize(line);
  if (tok.length === 0) return null;
  if (tok.length > MAX_TOKENS) throw new ScenarioSyntaxError('too many tokens');
  const text = tok.join(' ');
  const nt = tok.length;
  const err = (m: string): never => {
    throw new ScenarioSyntaxError(m);
  };
  const need = (s: string): string => {
    if (!isName(s)) err(`'${s}' is not a task name`);
    if (!isDefined(s)) err(`task '${s}' used before it is defined`);
    return s;
  };
  const needInt = (s: string, what: string): number => {
    const v = parseI32(s);
    if (v === null) err(`bad ${what} '${s}'`);
    return v as number;
  };
  const nstype = (s: string, forSetns: boolean): NsType => {
    if (forSetns && s === 'mnt') err(`setns into a '${s}' namespace is not part of the language`);
    const list = forSetns ? SETNS_TYPES : NS_TYPES;
    if (!(list as readonly string[]).includes(s)) err(`unknown NSTYPE '${s}'`);
    return s as NsType;
  };

  if (nt >= 2 && tok[1] === '=') {
    const name = tok[0];
    if (!isName(name)) err(`'${name}' is not a valid task name`);
    if (nt < 3) err("missing call after '='");
    const kind = tok[2];
    let statement: Statement;
    if (kind === 'fork' || kind === 'thread') {
      if (nt !== 4) err(`usage: NEW = ${kind} P`);
      statement = kind === 'fork' ? { kind, name, actor: need(tok[3]) } : { kind, name, actor: need(tok[3]) };
    } else if (kind === 'clone') {
      if (nt !== 5) err('usage: NEW = clone P FLAGS');
      const actor = need(tok[3]);
      statement = { kind, name, actor, flags: parseFlags(tok[4]) };
    } else if (kind === 'clone3') {
      if (nt !== 6) err('usage: NEW = clone3 P FLAGS set_tid=N[,N...]');
      const actor = need(tok[3]);
      const flags = parseFlags(tok[4]);
      if (!tok[5].startsWith('set_tid=')) err(`expected set_tid=N[,N...], got '${tok[5]}'`);
      const list = tok[5].slice(8);
      if (list === '' || list.startsWith(',') || list.endsWith(',') || list.includes(',,')) err(`bad set_tid list '${list}'`);
      const setTid = list.split(',').map((s) => needInt(s, 'set_tid number'));
      statement = { kind, name, actor, flags, setTid };
    } else {
      return err(`unknown call '${kind}'`);
    }
    if (isDefined(name)) err(`task name '${name}' defined twice`);
    return { statement, text };
  }

  const v = tok[0];
  switch (v) {
    case 'unshare': {
      if (nt !== 3) err('usage: unshare T FLAGS');
      const actor = need(tok[1]);
      return { statement: { kind: v, actor, flags: parseFlags(tok[2]) }, text };
    }
    case 'setns': {
      if (nt !== 4) err('usage: setns T TARGET NSTYPE');
      const actor = need(tok[1]);
      const target = need(tok[2]);
      return { statement: { kind: v, actor, target, nstype: nstype(tok[3], true) }, text };
    }
    case 'exit':
    case 'texit': {
      if (nt !== 3) err(`usage: ${v} T CODE`);
      const actor = need(tok[1]);
      return { statement: { kind: v, actor, code: needInt(tok[2], 'exit code') }, text };
    }
    case 'kill': {
      if (nt !== 4) err('usage: kill T PID SIG');
      const actor = need(tok[1]);
      const pid = needInt(tok[2], 'pid');
      const sig = needInt(tok[3], 'signal');
      if (sig !== 0 && sig !== 9 && sig !== 15) err(`signal ${sig} is not allowed: SIG is 0, 9 or 15`);
      return { statement: { kind: v, actor, pid, sig }, text };
    }
    case 'wait': {
      if (nt !== 2 && nt !== 3) err('usage: wait T [PID]');
      const actor = need(tok[1]);
      return { statement: { kind: v, actor, pid: nt === 3 ? needInt(tok[2], 'pid') : null }, text };
    }
    case 'getpid':
    case 'gettid':
    case 'getppid':
    case 'nspid': {
      if (nt !== 2) err(`usage: ${v} T`);
      return { statement: { kind: v, actor: need(tok[1]) }, text };
    }
    case 'lastpid':
    case 'pidmax': {
      if (nt !== 2 && nt !== 3) err(`usage: ${v} T [N]`);
      const actor = need(tok[1]);
      return { statement: { kind: v, actor, value: nt === 3 ? needInt(tok[2], 'number') : null }, text };
    }
    case 'samens': {
      if (nt !== 4) err('usage: samens A B NSTYPE');
      const a = need(tok[1]);
      const b = need(tok[2]);
      return { statement: { kind: v, a, b, nstype: nstype(tok[3], false) }, text };
    }
    case 'setsid': {
      if (nt !== 2) err('usage: setsid T');
      return { statement: { kind: v, actor: need(tok[1]) }, text };
    }
    case 'setpgid': {
      if (nt !== 4) err('usage: setpgid T PID PGID');
      const actor = need(tok[1]);
      const pid = needInt(tok[2], 'pid');
      return { statement: { kind: v, actor, pid, pgid: needInt(tok[3], 'pgid') }, text };
    }
    case 'getpgid':
    case 'getsid': {
      if (nt !== 3) err(`usage: ${v} T PID`);
      const actor = need(tok[1]);
      return { statement: { kind: v, actor, pid: needInt(tok[2], 'pid') }, text };
    }
    case 'subreaper': {
      if (nt !== 2 && nt !== 3) err('usage: subreaper T [0|1]');
      const actor = need(tok[1]);
      if (nt === 2) return { statement: { kind: v, actor, value: null }, text };
      const value = needInt(tok[2], 'subreaper value');
      if (value !== 0 && value !== 1) err(`subreaper value ${value} is not allowed: it is 0 or 1`);
      return { statement: { kind: v, actor, value }, text };
    }
    default:
      return err(`unknown statement '${v}'`);
  }
}
