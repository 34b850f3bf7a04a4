/**
 * Linux errno values (asm-generic/errno-base.h), the same as src/core/errno.ts.
 * The core returns them negated, as the kernel does inside.
 */
export const EPERM: i32 = 1;
export const ENOENT: i32 = 2;
export const ESRCH: i32 = 3;
export const EINTR: i32 = 4;
export const E2BIG: i32 = 7;
export const ECHILD: i32 = 10;
export const EAGAIN: i32 = 11;
export const ENOMEM: i32 = 12;
export const EEXIST: i32 = 17;
export const EINVAL: i32 = 22;
export const ENOSPC: i32 = 28;
