/**
 * Output files of `pidns storm` and the benchmarks (`--json`, `--chart`,
 * `--profile-dir`): every path is checked before the first run (minutes of
 * runs must not end in "cannot write"), and every file is written to a
 * temporary file beside it and renamed over the target, so a failed write
 * (a full disk, an I/O error) leaves the earlier file as it was and never a
 * truncated one.
 */
import { closeSync, existsSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Why an output path cannot be used: thrown by the checks and by writeFileAtomic. */
export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

function code(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ?? err.message;
}

/** Create and remove a file in `dir`: the only sure test that files can be made there (permissions, read-only mounts). */
function probeDir(dir: string, what: string): void {
  const probe = join(dir, `.pidns-probe-${process.pid}-${Date.now()}`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (e) {
    throw new OutputError(`${what}: cannot create files in ${dir}: ${code(e)}`);
  }
}

/** A file that will be written later (`--json FILE`): not a directory, in an existing, writable directory. */
export function checkOutputFile(path: string, what: string): void {
  if (path === '') throw new OutputError(`${what}: empty file name`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new OutputError(`${what} ${path}: is a directory, not a file`);
  const d = dirname(path);
  if (!existsSync(d) || !statSync(d).isDirectory()) throw new OutputError(`${what} ${path}: no such directory ${d}`);
  probeDir(d, `${what} ${path}`);
}

/** A directory that files will be written into (`--profile-dir DIR`): exists and is writable. */
export function checkOutputDir(dir: string, what: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new OutputError(`${what} ${dir}: no such directory`);
  probeDir(dir, `${what} ${dir}`);
}

/** The temporary name a file is written under before the rename (same directory: rename is atomic there). */
export function tempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

/**
 * Write `text` to `path` atomically: into a temporary file, flushed to disk,
 * then renamed over `path`. On any failure the temporary file is removed,
 * `path` is left as it was, and an OutputError says why.
 */
export function writeFileAtomic(path: string, text: string | Uint8Array, what = 'write'): void {
  const tmp = tempPath(path);
  let fd = -1;
  try {
    fd = openSync(tmp, 'w');
    const bytes = typeof text === 'string' ? Buffer.from(text) : text;
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (e) {
    if (fd >= 0) {
      try {
        closeSync(fd);
      } catch {
        // already failing
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      // not created
    }
    throw new OutputError(`cannot ${what} ${path}: ${code(e)}`);
  }
}
