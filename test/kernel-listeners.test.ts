/**
 * Event listeners cannot corrupt the kernel (issue 9.2). The typed API
 * delivers a call's events after the call has completed (api-events.ts):
 * a listener that throws does not stop the call or the other listeners, a
 * listener that calls back makes an ordinary call whose events are
 * delivered after the current ones, never inside it.
 *
 * The random test installs hostile listeners (throwing, calling back with
 * random calls, unsubscribing mid-delivery) and checks every invariant of
 * the kernel (helpers/kernel-invariants.ts, the allocator's own check) after every
 * call, and inside the listeners too. The seed is pinned and printed;
 * PIDNS_FUZZ_SEED / PIDNS_LISTENER_RUNS override.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTsCore } from '../src/core/ts/index.js';
import { createWasmCoreSync } from '../src/core/wasm-node.js';
import type { PidCore } from '../src/core/types.js';
import { PidnsKernel, type Result } from '../src/kernel/api.js';
import type { KernelEvent } from '../src/kernel/kernel.js';
import type { Task } from '../src/kernel/objects.js';
import { checkInvariants } from './helpers/kernel-invariants.js';
import { ok } from './helpers/api.js';

const SEED = Number(process.env.PIDNS_FUZZ_SEED ?? 20261203);
const RUNS = Number(process.env.PIDNS_LISTENER_RUNS ?? 300);


type Probe = { check_allocator(ns: number): number };

/** Every invariant, plus the allocator's own consistency check in every namespace. */
function checkAll(k: PidnsKernel, dead: Map<number, number>, where: string): void {
  checkInvariants(k, dead, where);
  for (const ns of k.raw.namespaces()) expect((k.core as unknown as Probe).check_allocator(ns.handle), `${where}: check_allocator of pidns#${ns.serial}`).toBe(0);
  // no thread is left half exited: an exiting thread exists only while a call runs
  for (const v of k.tasksIn(0)) expect(v.state, `${where}: ${v.tid} left exiting`).not.toBe('exiting');
}

const FLAGS = ['0', 'NEWPID', 'NEWPID|NEWNET', 'NEWUTS', 'THREAD|SIGHAND|VM', 'PARENT', 'NEWIPC|SYSVSEM'];
const NSTYPES = ['pid', 'pid_for_children', 'uts', 'net'] as const;

type Op = [number, number, number, number];

/**
 * One typed call from four random numbers, on tasks of `tasks`. Returns the
 * task it made, if any. Never ends init's process (that ends the run).
 */
function callOf(k: PidnsKernel, tasks: Task[], [kind, a, b, c]: Op): Task | null {
  const actor = tasks[a % tasks.length];
  const initGroup = actor.tg === k.init.tg;
  const made = (r: Result<Task>) => (r.ok ? r.value : null);
  switch (kind % 14) {
    case 0: case 1: return made(k.fork(actor));
    case 2: return made(k.clone(actor, FLAGS[b % FLAGS.length]));
    case 3: return made(k.thread(actor));
    case 4: return made(k.clone3(actor, b % 2 ? 'NEWPID' : 0, [1 + (c % 6), 1 + (b % 9)].slice(0, 1 + (c % 2))));
    case 5: k.unshare(actor, b % 2 ? 'NEWPID' : 'NEWUTS'); return null;
    case 6: k.setns(actor, tasks[b % tasks.length], NSTYPES[c % NSTYPES.length]); return null;
    case 7: if (!initGroup) k.exit(actor, c % 256); return null;
    case 8: if (!initGroup || actor.tg.live > 1) k.texit(actor, c % 256); return null;
    case 9: k.kill(actor, (b % 8) - 1, ([0, 9, 15] as const)[c % 3]); return null;
    case 10: case 11: k.wait(actor, b % 3 === 0 ? (c % 6) - 1 : -1); return null;
    case 12: k.setPidmax(actor, 300 + (c % 40)); return null;
    default: k.samens(actor, tasks[b % tasks.length], NSTYPES[c % NSTYPES.length]); return null;
  }
}

interface Hostility {
  /** Throw on every n-th event (0: never). */
  throwEvery: number;
  /** Call back on every n-th event (0: never), at most `budget` times per outer call. */
  callEvery: number;
  budget: number;
  /** Unsubscribe a listener after this many events (0: never). */
  leaveAfter: number;
}

function runHostile(make: () => PidCore, ops: Op[], callbacks: Op[], h: Hostility): void {
  const k = new PidnsKernel(make());
  const tasks: Task[] = [k.init];
  const dead = new Map<number, number>();
  const errors: unknown[] = [];
  k.onListenerError = (e) => void errors.push(e);

  // The recorder, first and well-behaved: sees every event once, in order.
  const seen: KernelEvent[] = [];
  k.onEvent((e) => void seen.push(e));
  let created = 1; // init
  let thrown = 0;
  let nesting = 0;
  let n = 0;
  let budget = 0;
  let cb = 0;
  k.onEvent((e) => {
    nesting++;
    try {
      expect(nesting, 'a listener runs inside another listener').toBe(1);
      n++;
      if (h.callEvery > 0 && n % h.callEvery === 0 && budget > 0 && callbacks.length > 0) {
        budget--;
        // The kernel is consistent whenever a listener runs.
        checkAll(k, dead, `in a listener, event ${e.type}`);
        const at = seen.length;
        const t = callOf(k, tasks, callbacks[cb++ % callbacks.length]);
        if (t) {
          tasks.push(t);
          created++;
          // its creation is delivered after the event being delivered now, not inside this call
          expect(seen.length).toBe(at);
        }
      }
      if (h.throwEvery > 0 && n % h.throwEvery === 0) {
        thrown++;
        throw new Error(`hostile listener: event ${n}`);
      }
    } finally {
      nesting--;
    }
  });
  let m = 0;
  const stop = k.onEvent(() => {
    if (++m === h.leaveAfter) stop();
  });

  ops.forEach((op, i) => {
    budget = h.budget;
    const t = callOf(k, tasks, op);
    if (t) {
      tasks.push(t);
      created++;
    }
    checkAll(k, dead, `after call ${i + 1}`);
    // every task made and released was reported, once
    const creates = seen.filter((e) => e.type === 'create').length;
    const releases = seen.filter((e) => e.type === 'release').length;
    expect(creates, 'create events').toBe(created - 1);
    expect(creates - releases, 'unreleased tasks').toBe(k.raw.nrTasks - 1);
    expect(errors.length, 'listener errors reported').toBe(thrown);
  });
}

const op = fc.tuple(fc.nat(1 << 16), fc.nat(1 << 16), fc.nat(1 << 16), fc.nat(1 << 16));
const hostility = fc.record({
  throwEvery: fc.integer({ min: 0, max: 4 }),
  callEvery: fc.integer({ min: 0, max: 3 }),
  budget: fc.integer({ min: 0, max: 4 }),
  leaveAfter: fc.integer({ min: 0, max: 30 }),
});

describe('hostile event listeners', () => {
  it(`random calls with throwing and calling-back listeners keep every invariant (seed ${SEED}, ${RUNS} runs)`, () => {
    console.log(`kernel-listeners: seed ${SEED}, runs ${RUNS} (PIDNS_FUZZ_SEED / PIDNS_LISTENER_RUNS to change)`);
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), fc.array(op, { maxLength: 20 }), hostility, (ops, callbacks, h) => {
        runHostile(() => createTsCore(), ops as Op[], callbacks as Op[], h);
      }),
      { seed: SEED, numRuns: RUNS, verbose: 1 },
    );
  });

  it('the same on the WASM core (fewer runs)', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), fc.array(op, { maxLength: 20 }), hostility, (ops, callbacks, h) => {
        runHostile(() => createWasmCoreSync(), ops as Op[], callbacks as Op[], h);
      }),
      { seed: SEED + 1, numRuns: Math.ceil(RUNS / 5), verbose: 1 },
    );
  });

  it('issue 9.2: a listener that throws on the first exit event leaves nothing half done', () => {
    const k = new PidnsKernel(createTsCore());
    const errors: unknown[] = [];
    k.onListenerError = (e) => void errors.push(e);
    let once = true;
    const heard: string[] = [];
    k.onEvent((e) => {
      if (e.type === 'exit' && once) {
        once = false;
        throw new Error('boom');
      }
    });
    k.onEvent((e) => void heard.push(e.type));
    const a = ok(k.fork(k.init));
    const t = ok(k.thread(a));
    expect(k.exit(a, 3)).toEqual({ ok: true, value: undefined });
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
    // the second listener still heard everything, after the throw
    expect(heard).toEqual(['create', 'create', 'exit', 'exit', 'release']);
    expect(k.taskView(t).state).toBe('reaped');
    expect(ok(k.wait(k.init))).toEqual({ pid: 2, how: 'exited', code: 3 });
    // later exits and kills work
    const b = ok(k.fork(k.init));
    ok(k.kill(k.init, 4, 9));
    expect(ok(k.wait(k.init))).toEqual({ pid: 4, how: 'killed', code: 9 });
    expect(k.taskView(b).state).toBe('reaped');
    checkAll(k, new Map(), 'after');
  });

  it('issue 9.2: a listener that calls k.kill(k.init, 0, 0) on every event', () => {
    const k = new PidnsKernel(createTsCore());
    let calls = 0;
    k.onEvent(() => {
      calls++;
      ok(k.kill(k.init, 0, 0));
    });
    const ns = ok(k.clone(k.init, 'NEWPID'));
    ok(k.fork(ns));
    ok(k.exit(ns, 0));
    expect(calls).toBe(9); // pidns-create, 2 creates, zap, signal, exit, release, zap-done, exit
    expect(ok(k.wait(k.init))).toMatchObject({ pid: 2, how: 'exited' });
    checkAll(k, new Map(), 'after');
    expect(k.namespaces().length).toBe(1);
  });

  it('a listener that keeps calling back is a loop, not a recursion: the stack stays flat', () => {
    const k = new PidnsKernel(createTsCore());
    let depth = 0;
    let max = 0;
    let forks = 0;
    k.onEvent((e) => {
      depth++;
      max = Math.max(max, depth);
      // every create makes another fork (and so another create event), 20,000 times
      if (e.type === 'create' && forks < 20000) {
        forks++;
        const c = ok(k.fork(k.init));
        ok(k.exit(c, 0));
        ok(k.wait(k.init));
      }
      depth--;
    });
    ok(k.fork(k.init));
    expect(forks).toBe(20000);
    expect(max).toBe(1);
    expect(k.raw.nrTasks).toBe(2);
  });

  it('a listener removed during a delivery is not called again, even for the current event', () => {
    const k = new PidnsKernel(createTsCore());
    const heard: string[] = [];
    let stopB = () => {};
    k.onEvent((e) => {
      heard.push(`a:${e.type}`);
      stopB();
    });
    stopB = k.onEvent((e) => void heard.push(`b:${e.type}`));
    ok(k.fork(k.init));
    ok(k.fork(k.init));
    expect(heard).toEqual(['a:create', 'a:create']);
  });

  it('without onListenerError the error is reported as EventTarget does (reportError)', () => {
    const k = new PidnsKernel(createTsCore());
    const reported: unknown[] = [];
    const g = globalThis as { reportError?: (e: unknown) => void };
    const had = g.reportError;
    g.reportError = (e) => void reported.push(e);
    try {
      k.onEvent(() => {
        throw new Error('listener bug');
      });
      const a = k.fork(k.init);
      expect(a.ok).toBe(true);
      expect(reported.map((e) => (e as Error).message)).toEqual(['listener bug']);
    } finally {
      if (had === undefined) delete g.reportError;
      else g.reportError = had;
    }
  });

  it('events of raw calls made directly are delivered after the synchronous code, in order', async () => {
    const k = new PidnsKernel(createTsCore());
    const seen: string[] = [];
    k.onEvent((e) => void seen.push(e.type));
    const t = k.raw.fork(k.init) as Task;
    k.raw.exit_group(t, 0);
    expect(seen).toEqual([]);
    await Promise.resolve();
    expect(seen).toEqual(['create', 'exit']);
  });
});
