/**
 * Where a measurement came from, recorded in every JSON result (`pidns
 * storm --json`, bench/*.ts --json): the exact command (its argv, and the
 * same as one shell-quoted line) and the source it ran: the full git commit
 * of the pidns checkout and whether its tracked files differed from that
 * commit (`dirty`). Outside a git checkout (pidns installed from npm) the
 * commit is null and the package version says what ran.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Provenance {
  /** The command line, shell-quoted: paste it to run the same again. */
  command: string;
  /** The exact arguments: the program's name (e.g. `pidns storm`, `bench/storm.ts`) then its arguments. */
  argv: string[];
  /** The full commit hash of the pidns checkout that ran, or null outside a git checkout. */
  commit: string | null;
  /** Whether tracked files differed from `commit` (uncommitted changes); null when unknown. */
  dirty: boolean | null;
  /** The package.json version of pidns. */
  version: string;
}

/** The package root: two folders up from src/storm and dist/storm. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function git(args: string[]): string {
  return execFileSync('git', ['-C', ROOT, ...args], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
}

/** The checkout's commit and dirtiness, only when the package root is the top of a git work tree (not inside another project's tree). */
export function gitState(): { commit: string | null; dirty: boolean | null } {
  try {
    const top = git(['rev-parse', '--show-toplevel']);
    if (realpathSync(top) !== realpathSync(ROOT)) return { commit: null, dirty: null };
    const commit = git(['rev-parse', 'HEAD']);
    const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}

/** A word as a POSIX shell would need it quoted. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('package.json', `file://${ROOT}`), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The provenance of a run of `program` with `args` (the arguments exactly as given). */
export function provenance(program: string[], args: readonly string[]): Provenance {
  const argv = [...program, ...args];
  return { command: argv.map(shellQuote).join(' '), argv, ...gitState(), version: version() };
}

/** `abc123def456` or `abc123def456 (dirty)` or `none (not a git checkout)`: for human-readable headers. */
export function formatCommit(p: { commit: string | null; dirty: boolean | null }): string {
  if (p.commit === null) return 'none (not a git checkout)';
  return `${p.commit.slice(0, 12)}${p.dirty ? ' (dirty)' : ''}`;
}
