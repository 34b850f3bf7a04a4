/**
 * pidns: a simulator of the Linux kernel's PID-namespace machinery (6.18).
 * Browser-safe entry: no `node:` imports; the WASM core's release builds are
 * embedded (core/wasm.ts). In Node, `pidns/node` adds synchronous creation.
 */
import { createTsCore } from './core/ts/index.js';
import type { CoreName, CoreOptions, PidCore } from './core/types.js';
import { createWasmCore, type WasmCoreOptions } from './core/wasm.js';
import { PidnsKernel } from './kernel/api.js';
import { coreName } from './kernel/api-check.js';
import { runScenario, type RunOptions, type RunResult } from './scenario/run.js';
import { Kernel } from './kernel/kernel.js';

export * from './kernel/index.js';
export * from './scenario/index.js';
export type { PidCore, CoreName, CoreOptions, AllocatorName, AllocatorProbe } from './core/types.js';
export { ALLOCATOR_NAMES } from './core/types.js';
export type { WasmPidCore, WasmCoreOptions, WasmBuildName, WasmSource, WasmCoreExports, CoreCalls } from './core/wasm.js';
export { readCounters, countersSince, type AllocatorCounters } from './core/counters.js';
export { errnoName, type ErrnoName } from './core/errno.js';
export { createTsCore } from './core/ts/index.js';
export { createWasmCore } from './core/wasm.js';

export interface KernelOptions {
  /** Which pid core holds the numbers: 'wasm' (default), 'ts', or a core you made. */
  core?: CoreName | PidCore;
  /** Options for the core when it is made here. */
  coreOptions?: WasmCoreOptions;
}

/** A pid core by name (async: the embedded WASM module, or `opts.source`, is compiled). */
export async function createCore(name: CoreName = 'wasm', opts: WasmCoreOptions = {}): Promise<PidCore> {
  coreName(name, 'createCore(name)');
  return name === 'ts' ? createTsCore(opts as CoreOptions) : createWasmCore(opts);
}

/** A simulated kernel with `init` as pid 1 of the root namespace. */
export async function createKernel(opts: KernelOptions = {}): Promise<PidnsKernel> {
  const core = typeof opts.core === 'object' && opts.core !== null ? opts.core : await createCore(coreName(opts.core ?? 'wasm', 'createKernel({ core })'), opts.coreOptions);
  return new PidnsKernel(core);
}

/** Run a scenario text on a fresh kernel. */
export async function runScenarioText(source: string, opts: KernelOptions & RunOptions = {}): Promise<RunResult> {
  const k = await createKernel(opts);
  return runScenario(source, k.raw, opts);
}

export { Kernel as RawKernel };
