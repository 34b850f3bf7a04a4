/**
 * Linux errno values (x86_64, asm-generic/errno-base.h). Inside the cores an
 * error is the negative value; at the API it is named.
 */
export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EINTR = 4;
export const E2BIG = 7;
export const ECHILD = 10;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EEXIST = 17;
export const EINVAL = 22;
export const ENOSPC = 28;

export const ERRNO_NAMES: Readonly<Record<number, string>> = {
  [EPERM]: 'EPERM',
  [ENOENT]: 'ENOENT',
  [ESRCH]: 'ESRCH',
  [EINTR]: 'EINTR',
  [E2BIG]: 'E2BIG',
  [ECHILD]: 'ECHILD',
  [EAGAIN]: 'EAGAIN',
  [ENOMEM]: 'ENOMEM',
  [EEXIST]: 'EEXIST',
  [EINVAL]: 'EINVAL',
  [ENOSPC]: 'ENOSPC',
};

export type ErrnoName =
  | 'EPERM' | 'ENOENT' | 'ESRCH' | 'EINTR' | 'E2BIG' | 'ECHILD'
  | 'EAGAIN' | 'ENOMEM' | 'EEXIST' | 'EINVAL' | 'ENOSPC';

/** Name of a (positive or negative) errno value, e.g. errnoName(-22) === 'EINVAL'. */
export function errnoName(e: number): ErrnoName {
  const name = ERRNO_NAMES[Math.abs(e)];
  if (name === undefined) throw new RangeError(`unknown errno ${e}`);
  return name as ErrnoName;
}
