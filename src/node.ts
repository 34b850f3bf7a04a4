/**
 * Node entry: everything of the browser entry, plus synchronous creation
 * (the embedded release builds; the debug build is read from the package's
 * build/ folder with node:fs).
 */
import { createTsCore } from './core/ts/index.js';
import type { CoreName, CoreOptions, PidCore } from './core/types.js';
import { createWasmCoreSync } from './core/wasm-node.js';
import { PidnsKernel } from './kernel/api.js';
import { coreName } from './kernel/api-check.js';
import type { KernelOptions } from './index.js';
import { runScenario, type RunOptions, type RunResult } from './scenario/run.js';

export * from './index.js';
export { createWasmCoreSync } from './core/wasm-node.js';

/** A pid core by name, synchronously. */
export function createCoreSync(name: CoreName = 'wasm', opts: CoreOptions = {}): PidCore {
  coreName(name, 'createCoreSync(name)');
  return name === 'ts' ? createTsCore(opts) : createWasmCoreSync(opts);
}

/** createKernel, synchronously. */
export function createKernelSync(opts: KernelOptions = {}): PidnsKernel {
  const core = typeof opts.core === 'object' && opts.core !== null ? opts.core : createCoreSync(coreName(opts.core ?? 'wasm', 'createKernel({ core })'), opts.coreOptions);
  return new PidnsKernel(core);
}

/** In Node, createKernel makes the core synchronously (the same embedded WASM builds; debug read from build/). */
export async function createKernel(opts: KernelOptions = {}): Promise<PidnsKernel> {
  return createKernelSync(opts);
}

/** Run a scenario text on a fresh kernel (synchronously). */
export function runScenarioTextSync(source: string, opts: KernelOptions & RunOptions = {}): RunResult {
  return runScenario(source, createKernelSync(opts).raw, opts);
}

/** In Node, createCore makes the core synchronously (the same embedded WASM builds; debug read from build/). */
export async function createCore(name: CoreName = 'wasm', opts: CoreOptions = {}): Promise<PidCore> {
  return createCoreSync(name, opts);
}

/** Run a scenario text on a fresh kernel. */
export async function runScenarioText(source: string, opts: KernelOptions & RunOptions = {}): Promise<RunResult> {
  return runScenarioTextSync(source, opts);
}
