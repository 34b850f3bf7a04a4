/**
 * Differential fuzzing of the kernel model: random scenario statements run on
 * the TS core and on the WASM core must print the same transcript, and after
 * every step the invariants of the pid machinery hold:
 * - a number is unique per namespace;
 * - a task visible in a namespace is visible in every ancestor of it;
 * - zombies (and tasks waiting in zap) still hold their numbers;
 * - a dead namespace never gains a pid;
 * - the model's task count agrees with what the root namespace sees.
 * Finally everything is killed and reaped: only init's pid is left, every
 * namespace but the root is freed, and the root's bitmap holds pid 0 and 1.
 *
 * The seed is pinned and printed; PIDNS_FUZZ_SEED / PIDNS_FUZZ_RUNS override.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTsCore } from '../src/core/ts/index.js';
import { createWasmCoreSync } from '../src/core/wasm-node.js';
import { PidnsKernel } from '../src/kernel/api.js';
import { ScenarioSession } from '../src/scenario/run.js';
import { bitmapCount, buildScenario, checkInvariants, type Op } from './helpers/kernel-invariants.js';

const SEED = Number(process.env.PIDNS_FUZZ_SEED ?? 20261129);
const RUNS = Number(process.env.PIDNS_FUZZ_RUNS ?? 2000);

function runBoth(lines: string[]): void {
  const kernels = [new PidnsKernel(createTsCore()), new PidnsKernel(createWasmCoreSync())];
  const sessions = kernels.map((k) => new ScenarioSession(k.raw));
  const dead = kernels.map(() => new Map<number, number>());
  const emit = (line: string, i: number): string[] =>
    sessions.map((s, j) => {
      const r = s.step(line);
      checkInvariants(kernels[j], dead[j], `line ${i + 1} '${line}'`);
      return r === null ? '' : r.ok ? r.line : `error: ${r.message}`;
    });
  lines.forEach((line, i) => {
    const [a, b] = emit(line, i);
    expect(b, `wasm vs ts at line ${i + 1}`).toBe(a);
  });
  // Tear down: init's process keeps one live thread (the scenario rules forbid ending it);
  // its other threads leave by texit, everything else is killed and reaped.
  for (const [j, k] of kernels.entries()) {
    const live = [];
    for (let th = k.init.tg.threadHead; th; th = th.tnext) if (th.state === 0) live.push(th);
    const keeper = live[0];
    for (const th of live.slice(1)) k.raw.exit(th, 0);
    expect(k.raw.kill(keeper, -1, 9)).toBeLessThanOrEqual(0);
    while (k.raw.waitpid(keeper, -1) > 0);
    checkInvariants(k, dead[j], 'after teardown');
    // Left: init's process (a zombie leader after `texit init` counts) and nothing else.
    const initThreads = k.init.tg.nrThreads;
    expect(k.raw.nrTasks).toBe(initThreads);
    // Namespaces still named by init's pid_for_children survive, empty.
    for (const ns of k.raw.namespaces()) {
      expect(k.raw.nsPidCount(ns)).toBe(ns.level === 0 ? initThreads : 0);
      expect(bitmapCount(k.core, ns.handle)).toBe(ns.level === 0 ? 1 + initThreads : 1); // pid 0 is never handed out
    }
    // Once init points back at its own namespace, every other one is freed.
    expect(k.raw.setns(keeper, k.init, 'pid')).toBe(0);
    expect(k.namespaces().length).toBe(1);
    expect(k.namespaces()[0].nrPids).toBe(initThreads);
    expect(bitmapCount(k.core, k.raw.rootNs.handle)).toBe(1 + initThreads);
  }
}

describe('kernel fuzz (ts core vs wasm core)', () => {
  it(`random scenarios agree and keep the invariants (seed ${SEED}, ${RUNS} runs)`, () => {
    console.log(`kernel-fuzz: seed ${SEED}, runs ${RUNS} (PIDNS_FUZZ_SEED / PIDNS_FUZZ_RUNS to change)`);
    const op = fc.tuple(fc.nat(1 << 16), fc.nat(1 << 16), fc.nat(1 << 16), fc.nat(1 << 16));
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), (ops) => {
        runBoth(buildScenario(ops as Op[]));
      }),
      { seed: SEED, numRuns: RUNS, verbose: 1 },
    );
  });

  it('the generator reaches namespaces, threads, zombies and teardown', () => {
    // Guard against a generator that silently stops exercising the model.
    const lines = fc.sample(fc.array(fc.tuple(fc.nat(1 << 16), fc.nat(1 << 16), fc.nat(1 << 16), fc.nat(1 << 16)), { minLength: 40, maxLength: 40 }), { seed: SEED, numRuns: 30 })
      .flatMap((ops) => buildScenario(ops as Op[]));
    const text = lines.join('\n');
    for (const word of ['NEWPID', '= thread', 'clone3', 'setns', 'exit', 'texit', 'kill', 'wait', 'samens', 'unshare']) {
      expect(text).toContain(word);
    }
  });
});
