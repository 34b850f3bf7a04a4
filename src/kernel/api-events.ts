/**
 * Event delivery of the typed API (PidnsKernel.onEvent): listeners hear
 * about a call's events only after the call has completed.
 *
 * Why: the raw kernel reports events from inside its algorithms
 * (Kernel.trace), between two steps of an exit or a teardown. A listener
 * called there that throws leaves the call half done; one that calls back
 * into the kernel runs a second call on a state the first is still
 * changing (issue 9.2: a zombie that wait never reaps, an `exiting` thread
 * forever, later calls throwing TypeErrors from runPending). So the typed
 * layer's hook only records: it queues the event (and, for a `release`,
 * the task's numbers, which are gone once the call returns). When the
 * outermost typed call returns, the queue is delivered in order, every
 * event to every listener. The kernel is then consistent, so:
 * - a listener may call the kernel: that is an ordinary call; its events
 *   join the end of the queue and are delivered after the ones before them
 *   (a loop, never a recursion: the stack does not grow with the events);
 * - a listener that throws does not stop the delivery: the other listeners
 *   and the later events are still delivered, and the call's Result is
 *   returned as usual (the call did happen). The error is passed to
 *   `onListenerError` if set, else reported as EventTarget reports a
 *   listener's exception: `reportError` where it exists (browsers),
 *   otherwise thrown from a microtask (an uncaught exception in Node, as
 *   Node's own EventTarget does). Rethrowing it from the call instead would
 *   lose the call's Result, e.g. a task that was made.
 * - events of calls made on the raw kernel directly (`k.raw.fork(...)`,
 *   the scenario runner) are not inside a typed call: they are delivered
 *   from a microtask after the current synchronous code. Code that needs
 *   them synchronously sets Kernel.trace itself, which is unguarded.
 */
import type { Kernel, KernelEvent } from './kernel.js';
import type { Task } from './objects.js';

export type EventListener = (e: KernelEvent) => void;
export type ListenerErrorHandler = (error: unknown, event: KernelEvent) => void;

export class EventDispatcher {
  /**
   * Replaced, never changed in place: a delivery loop keeps reading the
   * array it started an event with. `on` is cleared at unsubscription, so a
   * listener removed during a delivery is not called again, even for the
   * event being delivered (as EventTarget does).
   */
  private listeners: readonly { fn: EventListener; on: boolean }[] = [];
  private queue: KernelEvent[] = [];
  /** Next queue entry to deliver. */
  private next = 0;
  /** Typed calls in progress (a listener's call during delivery counts too). */
  private depth = 0;
  private delivering = false;
  private scheduled = false;
  /** The numbers a released task had (its struct pid is freed with it); weak: gone with the Task. */
  readonly released = new WeakMap<Task, number[]>();
  onListenerError: ListenerErrorHandler | null = null;
  private readonly hook: (e: KernelEvent) => void;

  constructor(private readonly raw: Kernel) {
    this.hook = (e) => this.collect(e);
  }

  add(listener: EventListener): () => void {
    const entry = { fn: listener, on: true };
    this.listeners = [...this.listeners, entry];
    this.raw.trace = this.hook;
    return () => {
      if (!entry.on) return;
      entry.on = false;
      this.listeners = this.listeners.filter((l) => l !== entry);
      if (this.listeners.length === 0 && this.raw.trace === this.hook) this.raw.trace = null;
    };
  }

  /** Around every typed call. */
  enter(): void {
    this.depth++;
  }

  leave(): void {
    if (--this.depth === 0 && !this.delivering && this.next < this.queue.length) this.deliver();
  }

  /** Kernel.trace while someone listens: record only, never call out. */
  private collect(e: KernelEvent): void {
    if (e.type === 'release') this.released.set(e.task, this.raw.nspidOf(e.task));
    this.queue.push(e);
    if (this.depth === 0 && !this.delivering && !this.scheduled) {
      // A raw call made outside the typed layer: deliver once it (and the code around it) is done.
      this.scheduled = true;
      queueMicrotask(() => {
        this.scheduled = false;
        if (this.depth === 0 && !this.delivering && this.next < this.queue.length) this.deliver();
      });
    }
  }

  private deliver(): void {
    this.delivering = true;
    try {
      while (this.next < this.queue.length) {
        const e = this.queue[this.next++];
        for (const l of this.listeners) {
          if (!l.on) continue;
          try {
            l.fn(e);
          } catch (err) {
            this.report(err, e);
          }
        }
        // A listener that keeps calling back keeps the queue growing at its end: drop the delivered head.
        if (this.next >= 1024 && this.next * 2 >= this.queue.length) {
          this.queue = this.queue.slice(this.next);
          this.next = 0;
        }
      }
    } finally {
      this.queue.length = 0;
      this.next = 0;
      this.delivering = false;
    }
  }

  private report(err: unknown, e: KernelEvent): void {
    const handler = this.onListenerError;
    if (handler !== null) {
      try {
        handler(err, e);
        return;
      } catch (again) {
        err = again;
      }
    }
    const g = globalThis as { reportError?: (e: unknown) => void };
    if (typeof g.reportError === 'function') g.reportError(err);
    else queueMicrotask(() => { throw err; });
  }
}
