/**
 * Memory comes back (issue 9 item 4): after everything is reaped, a core
 * accepts as many forks / namespaces as a fresh core under the same
 * maxMemoryBytes — on every backend and allocator, at several caps.
 *
 * Before the fix, reservation counted only the untouched bump region and
 * freed blocks sat on per-size free lists that no other size could use, so
 * once the cap was reached `alloc_pid` / `create_pid_namespace` gave -ENOMEM
 * for ever. Now memory is handed out in frames (assembly/memory.ts): small
 * objects live in slabs, an empty slab returns its frame, and the
 * reservation counts free frames and free slab slots
 * (docs/core-algorithms.md "Memory").
 *
 * A reaped namespace that lives on keeps what its bitmap holds by design
 * (pidmap pages and hbm leaf blocks until put_pid_ns, like ≤4.14's pidmap;
 * lookup chunks and dirs are freed as they empty — except one parked empty
 * chunk per table, which the table's next new chunk takes first — idr
 * nodes too),
 * so most rounds below rewind each surviving namespace's cursor
 * (ns_last_pid) and a new round uses the same numbers as the fresh one; the
 * namespace cases also free everything of the namespaces themselves; one
 * case never rewinds and allows for the bitmap blocks kept. What the
 * surviving namespaces keep from the start of a later round, the fresh round
 * made only as it went: a structure made by its very last forks counts
 * against the later round before those forks. So a later round may fall
 * short of the fresh one by the pids of RETAINED_FRAMES frames, never more.
 */
import { describe, expect, it } from 'vitest';
import { ENOMEM } from '../src/core/errno.js';
import { BATCH_MAX, MAX_PID_NS_LEVEL, NS_NR_PAGES, SET_TID_MAX, STAT_BATCH_ERROR } from '../src/core/layout.js';
import type { PidCore } from '../src/core/types.js';
import { coreVariants } from './helpers/cores.js';

const MiB = 1024 * 1024;
/** Frames the fresh round's last forks may add to structures that outlive the reaping: one lookup chunk and one bitmap page. */
const RETAINED_FRAMES = 2;
/** Frame size and slab header of the core allocator (assembly/memory.ts). */
const FRAME_BYTES = 4160;
const SLAB_HEADER_BYTES = 24;
/** struct pid objects of `level` one frame holds. */
const pidsPerFrame = (level: number) => Math.floor((FRAME_BYTES - SLAB_HEADER_BYTES) / (16 + 8 * (level + 1)));

function fork(c: PidCore, ns: number, setTid: number[] = []): number {
  const v = new Int32Array(c.u32().buffer, c.setTidPtr, SET_TID_MAX);
  for (let i = 0; i < setTid.length; i++) v[i] = setTid[i];
  return c.alloc_pid(ns, setTid.length);
}

/** alloc_pid_batch in `ns` until it stops; the handles made, and the errno that stopped it. */
function forkUntilFull(c: PidCore, ns: number): { pids: number[]; err: number } {
  const pids: number[] = [];
  for (;;) {
    const got = c.alloc_pid_batch(ns, BATCH_MAX);
    const u = c.u32();
    for (let i = 0; i < got; i++) pids.push(u[(c.batchPtr >> 2) + i]);
    if (got < BATCH_MAX) return { pids, err: c.f64()[(c.statsPtr >> 3) + STAT_BATCH_ERROR] };
  }
}

/** A root namespace with its init (pid 1). */
function rootWithInit(c: PidCore): { root: number; init: number } {
  const root = c.create_pid_namespace(0);
  const init = fork(c, root);
  if (root <= 0 || init <= 0) throw new Error(`setup failed: ${root} ${init}`);
  return { root, init };
}

describe.each(coreVariants)('memory comes back: $name', (v) => {
  // The debug build asserts every allocation stays inside its reservation; it is slower, so fewer caps.
  const forkCaps = v.backend === 'debug' ? [4 * MiB] : v.backend === 'release-simd' ? [4 * MiB, 8 * MiB] : [4 * MiB, 8 * MiB, 16 * MiB];

  it.each(forkCaps)('forks: after reaping everything, as many forks as a fresh core (cap %i)', (cap) => {
    const fresh = v.make({ maxMemoryBytes: cap });
    const f = rootWithInit(fresh);
    const first = forkUntilFull(fresh, f.root);
    expect(first.err).toBe(-ENOMEM);
    expect(first.pids.length).toBeGreaterThan(cap / 64); // a real fill, not an early failure

    const c = v.make({ maxMemoryBytes: cap });
    const { root } = rootWithInit(c);
    for (let round = 0; round < 3; round++) {
      const r = forkUntilFull(c, root);
      expect(r.err).toBe(-ENOMEM);
      expect(r.pids.length, `round ${round}`).toBeGreaterThanOrEqual(first.pids.length - RETAINED_FRAMES * pidsPerFrame(0));
      expect(c.memoryBytes()).toBeLessThanOrEqual(cap);
      for (const p of r.pids) c.free_pid(p); // kill and reap everything but init
      // the report: fork(init) still gave ENOMEM here
      const one = fork(c, root);
      expect(one).toBeGreaterThan(0);
      c.free_pid(one);
      c.set_ns_last_pid(root, 1);
    }
  });

  it.each(forkCaps)('forks, cursor never rewound: a round falls short only by the bitmap blocks the namespace keeps (cap %i)', (cap) => {
    // Each round takes numbers beyond the last: the lookup chunks of the old
    // numbers were freed with their last pid, the bitmap pages / hbm leaf
    // blocks stay (≤4.14 pidmap semantics; the idr frees its nodes).
    const c = v.make({ maxMemoryBytes: cap });
    const { root } = rootWithInit(c);
    const nrPages = () => c.u32()[(root + NS_NR_PAGES) >> 2];
    let first = -1;
    let pagesAtFirst = 0;
    for (let round = 0; round < 3; round++) {
      const r = forkUntilFull(c, root);
      expect(r.err).toBe(-ENOMEM);
      if (first < 0) {
        first = r.pids.length;
        pagesAtFirst = nrPages();
      }
      const kept = v.allocator === 'idr' ? 0 : Math.max(0, nrPages() - pagesAtFirst);
      expect(r.pids.length, `round ${round}`).toBeGreaterThanOrEqual(first - (RETAINED_FRAMES + kept) * pidsPerFrame(0));
      for (const p of r.pids) c.free_pid(p);
    }
  });

  it.each(forkCaps)('forks in a child namespace that is torn down: the next one gets as many (cap %i)', (cap) => {
    const c = v.make({ maxMemoryBytes: cap });
    const { root } = rootWithInit(c);
    let firstCount = -1;
    for (let round = 0; round < 3; round++) {
      const ns = c.create_pid_namespace(root);
      expect(ns).toBeGreaterThan(0);
      const init = fork(c, ns);
      expect(init).toBeGreaterThan(0);
      const r = forkUntilFull(c, ns);
      expect(r.err).toBe(-ENOMEM);
      if (firstCount < 0) firstCount = r.pids.length;
      expect(r.pids.length, `round ${round}`).toBeGreaterThanOrEqual(firstCount - RETAINED_FRAMES * pidsPerFrame(1));
      for (const p of r.pids) c.free_pid(p);
      c.free_pid(init);
      c.put_pid_ns(ns); // the creator's reference: ns and all its blocks are freed
      c.set_ns_last_pid(root, 1);
    }
    expect(firstCount).toBeGreaterThan(cap / 128);
  });

  it.each([2 * MiB, 4 * MiB])('level-32 namespaces: after all are reaped, as many again (cap %i)', (cap) => {
    // The case scaled down: a chain of inits down to level 31, then
    // level-32 namespaces with an init each until memory runs out.
    const c = v.make({ maxMemoryBytes: cap });
    const chain: number[] = [c.create_pid_namespace(0)];
    fork(c, chain[0]);
    for (let l = 1; l < MAX_PID_NS_LEVEL; l++) {
      chain.push(c.create_pid_namespace(chain[l - 1]));
      expect(fork(c, chain[l], [1])).toBeGreaterThan(0);
    }
    const deepest = chain[MAX_PID_NS_LEVEL - 1];
    let firstCount = -1;
    for (let round = 0; round < 3; round++) {
      const made: { ns: number; init: number }[] = [];
      let err = 0;
      for (;;) {
        const ns = c.create_pid_namespace(deepest);
        if (ns < 0) {
          err = ns;
          break;
        }
        const init = fork(c, ns, [1]);
        if (init < 0) {
          err = init;
          c.put_pid_ns(ns);
          break;
        }
        made.push({ ns, init });
      }
      expect(err).toBe(-ENOMEM);
      if (firstCount < 0) firstCount = made.length;
      expect(made.length, `round ${round}`).toBeGreaterThanOrEqual(firstCount);
      for (const { ns, init } of made) {
        c.free_pid(init);
        c.put_pid_ns(ns);
      }
      // the report: clone NEWPID at level 31 still gave ENOMEM here
      const ns = c.create_pid_namespace(deepest);
      expect(ns).toBeGreaterThan(0);
      c.put_pid_ns(ns);
      for (const ns of chain) c.set_ns_last_pid(ns, 1);
    }
    expect(firstCount).toBeGreaterThan(20);
  });
});

describe.each(['ts', 'wasm'] as const)('memory comes back through the kernel API (%s core)', (core) => {
  it('the issue: fork until ENOMEM, kill -1 9 and reap everything, then as many forks again', async () => {
    const { createKernel } = await import('../src/node.js');
    const k = await createKernel({ core, coreOptions: { maxMemoryBytes: 4 * MiB } });
    const fill = (): number => {
      let n = 0;
      for (;;) {
        const r = k.fork(k.init);
        if (!r.ok) {
          expect(r.errno).toBe('ENOMEM');
          return n;
        }
        n++;
      }
    };
    const reapAll = (): void => {
      expect(k.kill(k.init, -1, 9).ok).toBe(true);
      for (;;) {
        const w = k.wait(k.init);
        if (!w.ok || w.value === null) break;
      }
    };
    const first = fill();
    expect(first).toBeGreaterThan(50_000);
    reapAll();
    expect(k.fork(k.init).ok).toBe(true); // gave ENOMEM before the fix
    reapAll();
    // Rewind the cursor (the root namespace keeps its lookup table), as the core tests do.
    expect(k.setLastpid(k.init, 1).ok).toBe(true);
    expect(fill()).toBeGreaterThanOrEqual(first - RETAINED_FRAMES * pidsPerFrame(0));
  }, 60_000);
});
