/**
 * waitpid(-1) picks by children-list position through a per-thread heap; this
 * checks it against a plain list model (rule 18: own children oldest first,
 * then the other threads' in thread-list order; reparented children appended)
 * on random exits, and that long fork/exit/wait and NEWPID storms keep the
 * model's tables bounded (ids reused, namespaces freed).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTsCore } from '../src/core/ts/index.js';
import { createWasmCoreSync } from '../src/core/wasm-node.js';
import { CLONE_NEWPID } from '../src/kernel/flags.js';
import { Kernel } from '../src/kernel/kernel.js';
import type { Task } from '../src/kernel/objects.js';

const SEED = 424242;

describe('waitpid(-1) order', () => {
  it('matches a children-list scan for random exit orders across threads and reparenting', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(3), { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(1000), { minLength: 40, maxLength: 40 }),
        fc.nat(3),
        (owners, exitOrder, waiterIdx) => {
          const k = new Kernel(createTsCore());
          // init's process has three threads; `mid` is a child whose children get orphaned.
          const threads: Task[] = [k.init, k.thread(k.init) as Task, k.thread(k.init) as Task];
          const mid = k.fork(k.init) as Task;
          // The model: per thread, its children in list order (process leaders).
          const lists = new Map<Task, Task[]>(threads.map((t) => [t, []]));
          lists.get(k.init)!.push(mid);
          const kids: Task[] = [];
          const orphans: Task[] = [];
          for (const o of owners) {
            if (o === 3) {
              const c = k.fork(mid) as Task;
              orphans.push(c);
            } else {
              const c = k.fork(threads[o]) as Task;
              lists.get(threads[o])!.push(c);
              kids.push(c);
            }
          }
          // mid dies: its children go to the root init's thread that is the child reaper (init), appended in order.
          k.exit_group(mid, 0);
          lists.get(k.init)!.push(...orphans);
          const all = [...kids, ...orphans];
          // exit in a random order, some of them only
          const order = all.map((c, i) => [exitOrder[i % exitOrder.length] + i / 1000, c] as const).sort((a, b) => a[0] - b[0]);
          const exited = new Set<Task>([mid]);
          const alive = new Set<Task>();
          for (const [i, [, c]] of order.entries()) {
            if (i % 4 === 3) {
              alive.add(c); // leave some alive
              continue;
            }
            k.exit_group(c, i);
            exited.add(c);
          }
          const waiter = threads[waiterIdx % 3];
          const start = threads.indexOf(waiter);
          for (;;) {
            // the model: caller's own list first, then the next threads circularly
            let expectTask: Task | null = null;
            for (let j = 0; j < 3 && !expectTask; j++) {
              const list = lists.get(threads[(start + j) % 3])!;
              expectTask = list.find((c) => exited.has(c)) ?? null;
            }
            const r = k.waitpid(waiter, -1);
            if (expectTask === null) {
              expect(r).toBe(alive.size > 0 ? 0 : -10);
              break;
            }
            expect(r).toBe(k.nspidOf(expectTask)[0]);
            for (const list of lists.values()) {
              const at = list.indexOf(expectTask);
              if (at >= 0) list.splice(at, 1);
            }
            exited.delete(expectTask);
          }
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe('storms stay bounded', () => {
  for (const [name, make] of [['ts', createTsCore], ['wasm', createWasmCoreSync]] as const) {
    it(`fork/exit/wait and NEWPID storms reuse ids and free namespaces (${name})`, () => {
      const k = new Kernel(make());
      let p: Task = k.init;
      for (let i = 0; i < 4; i++) p = k.clone(p, CLONE_NEWPID) as Task;
      for (let i = 0; i < 20000; i++) {
        const c = k.fork(p) as Task;
        expect(k.exit_group(c, i)).toBe(0);
        expect(k.waitpid(p, -1)).toBeGreaterThan(0);
        expect(k.waitStatus).toBe((i & 0xff) << 8);
      }
      expect(k.tasks.length).toBeLessThan(10);
      for (let i = 0; i < 2000; i++) {
        const c = k.clone(k.init, CLONE_NEWPID) as Task;
        const g = k.fork(c) as Task;
        expect(k.nspidOf(g).length).toBe(2);
        k.exit_group(c, 0);
        expect(k.waitpid(k.init, -1)).toBeGreaterThan(0);
      }
      expect(k.namespaces().length).toBe(5);
      expect(k.tasks.length).toBeLessThan(10);
      expect(k.nrTasks).toBe(5);
    });
  }

  it('a parent with many zombie children reaps them oldest first', () => {
    const k = new Kernel(createWasmCoreSync());
    const kids: Task[] = [];
    for (let i = 0; i < 5000; i++) kids.push(k.fork(k.init) as Task);
    for (let i = kids.length - 1; i >= 0; i--) k.exit_group(kids[i], 0);
    for (let i = 0; i < kids.length; i++) expect(k.waitpid(k.init, -1)).toBe(i + 2);
    expect(k.waitpid(k.init, -1)).toBe(-10);
  });
});

describe('reaping by pid', () => {
  it('keeps the zombie heap bounded and the order right', () => {
    const k = new Kernel(createTsCore());
    const kids: Task[] = [];
    for (let i = 0; i < 3000; i++) kids.push(k.fork(k.init) as Task);
    for (const c of kids) k.exit_group(c, 1);
    // reap every other one by pid, newest first: their heap entries go stale
    for (let i = kids.length - 1; i >= 0; i -= 2) expect(k.waitpid(k.init, k.nspidOf(kids[i])[0])).toBe(i + 2);
    expect(k.init.zombies!.size).toBeLessThanOrEqual(2 * k.init.tg.nrChildren + 64);
    // the rest come out oldest first
    for (let i = 0; i < kids.length; i += 2) expect(k.waitpid(k.init, -1)).toBe(i + 2);
    expect(k.waitpid(k.init, -1)).toBe(-10);
    for (let round = 0; round < 5; round++) {
      const more: Task[] = [];
      for (let i = 0; i < 500; i++) more.push(k.fork(k.init) as Task);
      for (const c of more) k.exit_group(c, 0);
      for (let i = more.length - 1; i >= 0; i--) expect(k.waitpid(k.init, k.nspidOf(more[i])[0])).toBeGreaterThan(0);
      expect(k.init.zombies!.size).toBeLessThanOrEqual(64);
    }
  });
});
