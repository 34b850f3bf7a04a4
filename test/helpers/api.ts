/** Shorthands of the typed-API tests. */
import { createTsCore } from '../../src/core/ts/index.js';
import { PidnsKernel, type Result } from '../../src/kernel/api.js';

/** The value of a Result that must have succeeded (else a throw naming the errno and why). */
export function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected success, got ${r.errno}: ${r.why}`);
  return r.value;
}

/** A fresh typed kernel on the TS core. */
export const kernel = (): PidnsKernel => new PidnsKernel(createTsCore());

/** The kernel as plain JavaScript sees it: no types, any argument. */
export const loose = (k: PidnsKernel): Record<string, (...a: unknown[]) => unknown> => k as unknown as Record<string, (...a: unknown[]) => unknown>;
