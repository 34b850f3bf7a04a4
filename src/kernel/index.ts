/** The kernel model: raw Kernel (fast path), typed PidnsKernel, objects, flags, reasons. */
export { Kernel, type NsIdentity, type KernelEvent, type KernelModelOptions } from './kernel.js';
export { formatEvent } from './trace.js';
export {
  PidnsKernel,
  KernelCallError,
  type Ok,
  type Err,
  type Result,
  type WaitResult,
  type TaskState,
  type TaskView,
  type NamespaceView,
  type VisibleTask,
  type Flags,
} from './api.js';
export { Task, PidNs, NsProxy } from './objects.js';
export type { ThreadGroup } from './objects.js';
export * from './flags.js';
export { WHY } from './why.js';
export { formatWaitStatus } from './format.js';
