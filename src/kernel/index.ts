/** The kernel model: raw Kernel (fast path), typed PidnsKernel, objects, flags, reasons. */
export { Kernel, type NsIdentity, type KernelEvent, type KernelModelOptions } from './kernel.js';
export { formatEvent, nspidNamer, type EventNumbers } from './trace.js';
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
  type TaskRef,
  WHY_INVALID_SIGNAL,
} from './api.js';
export { MODEL_SIGNALS, NSIG } from './api-check.js';
export type { EventListener, ListenerErrorHandler } from './api-events.js';
export { Task, PidNs, NsProxy, PidRoles, TaskChildren, ZombieHeap } from './objects.js';
export type { ThreadGroup, TaskDescriber } from './objects.js';
export * from './flags.js';
export { WHY } from './why.js';
export { formatWaitStatus } from './format.js';
