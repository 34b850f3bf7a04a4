/**
 * Differential fuzzing of the kernel model: random scenario statements run on
 * the TS core and on the WASM core must print the same transcript, and after
 * every step the invariants of the pid machinery hold:
 * - a number is unique per namespace;
 * - a task visible in a namespace is visible in every ancestor of it;
 * - zombies (and tasks waiting in zap) still hold their numbers;
 * - a dead namespace never gains a pid;
 * - the model's task count agrees with what the root namespace sees;
 * - numbers held by process group and session ids, one session per group,
 *   and every orphan's new parent as find_new_reaper names it
 *   (helpers/kernel-invariants.ts).
 * A second property runs episodes of process groups, sessions and
 * subreapers chosen from the live state (real pids and group ids).
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
import { TASK_DEAD, TASK_RUNNING, type Task } from '../src/kernel/objects.js';
import { ScenarioSession } from '../src/scenario/run.js';
import { bitmapCount, buildScenario, checkInvariants, watchReparenting, type Op } from './helpers/kernel-invariants.js';

const SEED = Number(process.env.PIDNS_FUZZ_SEED ?? 20261129);
const RUNS = Number(process.env.PIDNS_FUZZ_RUNS ?? 2000);

/**
 * Lines chosen from the state of the TS run (the same for both cores):
 * episodes of process groups, sessions and subreapers, with real pids
 * (children's and groups' numbers as the actor sees them), leaders and
 * subreapers dying before their members and adoptees, namespaces, zombies.
 */
function groupEpisode(ops: Op[]): (i: number, s: ScenarioSession) => string | null {
  let n = 0;
  return (i, s) => {
    if (i >= ops.length) return null;
    const [kind, a, b, c] = ops[i];
    const k = s.kernel;
    const names = s.definedNames().filter((x) => {
      const t = s.task(x);
      return t !== null && t !== undefined && t.state !== TASK_DEAD;
    });
    const live = names.filter((x) => s.task(x)!.state === TASK_RUNNING);
    const pick = (list: string[], x: number): string => list[x % list.length];
    const actor = pick(live, a);
    const at = s.task(actor)!;
    // A number as `actor` sees it: of a process (its leader), of a group, or a small one.
    const seen = (t: Task): number => k.pid_nr_ns(t.tg.pid, at.tg.pidns);
    const kids: Task[] = [];
    for (let th = at.tg.threadHead; th; th = th.tnext) for (let ch = th.childHead; ch; ch = ch.snext) kids.push(ch);
    const someProc = (x: number): number => {
      const choice = x % 4;
      if (choice === 0 || kids.length === 0) return x % 3 === 0 ? 0 : seen(s.task(pick(names, x >> 2))!) || (x % 9) - 1;
      return seen(kids[x % kids.length]) || 0;
    };
    const someGroup = (x: number): number => {
      const t = s.task(pick(names, x))!;
      return t.tg.pgrp === null ? 0 : k.pid_nr_ns(t.tg.pgrp.pid, at.tg.pidns);
    };
    switch (kind % 14) {
      case 0:
      case 1:
      case 2:
        return `t${n++} = fork ${actor}`;
      case 3:
        return `t${n++} = ${b % 3 === 0 ? 'thread' : b % 3 === 1 ? 'clone' : 'clone'} ${actor}${b % 3 === 0 ? '' : b % 3 === 1 ? ' NEWPID' : ' PARENT'}`;
      case 4:
        return `setsid ${actor}`;
      case 5:
      case 6:
        return `setpgid ${actor} ${someProc(b)} ${c % 3 === 0 ? 0 : someGroup(c) || someProc(c)}`;
      case 7:
        return `subreaper ${actor} ${c % 4 === 0 ? 0 : 1}`;
      case 8: {
        const t = s.task(pick(live, b))!;
        if (t.tg === k.init.tg) return `getpgid ${actor} ${someProc(c)}`;
        return `${c % 3 === 0 ? 'texit' : 'exit'} ${pick(live, b)} ${c % 256}`;
      }
      case 9:
        return c % 3 === 0 ? `wait ${actor}` : `wait ${actor} ${c % 3 === 1 ? 0 : -someGroup(b)}`;
      case 10:
        return `kill ${actor} ${c % 3 === 0 ? 0 : -someGroup(b)} ${[0, 9, 15][c % 3]}`;
      case 11:
        return `${b % 2 === 0 ? 'getpgid' : 'getsid'} ${actor} ${someProc(c)}`;
      case 12:
        return `setns ${actor} ${pick(names, b)} ${c % 2 === 0 ? 'pid_for_children' : 'pid'}`;
      default:
        return `getppid ${actor}`;
    }
  };
}

function runBoth(lines: string[]): void {
  runBothFrom((i) => lines[i] ?? null);
}

function runBothFrom(next: (i: number, s: ScenarioSession) => string | null): void {
  const kernels = [new PidnsKernel(createTsCore()), new PidnsKernel(createWasmCoreSync())];
  const sessions = kernels.map((k) => new ScenarioSession(k.raw));
  const dead = kernels.map(() => new Map<number, number>());
  const reparentErrors: string[] = [];
  for (const k of kernels) watchReparenting(k, reparentErrors);
  const emit = (line: string, i: number): string[] =>
    sessions.map((s, j) => {
      const r = s.step(line);
      expect(reparentErrors, `line ${i + 1} '${line}': find_new_reaper`).toEqual([]);
      checkInvariants(kernels[j], dead[j], `line ${i + 1} '${line}'`);
      return r === null ? '' : r.ok ? r.line : `error: ${r.message}`;
    });
  for (let i = 0; ; i++) {
    const line = next(i, sessions[0]);
    if (line === null) break;
    const [a, b] = emit(line, i);
    expect(b, `wasm vs ts at line ${i + 1}`).toBe(a);
  }
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

  it(`process groups, sessions and subreapers keep the invariants (seed ${SEED}, ${Math.ceil(RUNS / 4)} runs)`, () => {
    const op = fc.tuple(fc.nat(1 << 16), fc.nat(1 << 16), fc.nat(1 << 16), fc.nat(1 << 16));
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 80 }), (ops) => {
        runBothFrom(groupEpisode(ops as Op[]));
      }),
      // No shrinking: a failing run is reported as found (the checks make shrinking slow).
      { seed: SEED, numRuns: Math.ceil(RUNS / 4), verbose: 1, endOnFailure: true },
    );
  });

  it('the generator reaches namespaces, threads, zombies and teardown', () => {
    // Guard against a generator that silently stops exercising the model.
    const lines = fc.sample(fc.array(fc.tuple(fc.nat(1 << 16), fc.nat(1 << 16), fc.nat(1 << 16), fc.nat(1 << 16)), { minLength: 40, maxLength: 40 }), { seed: SEED, numRuns: 30 })
      .flatMap((ops) => buildScenario(ops as Op[]));
    const text = lines.join('\n');
    for (const word of ['NEWPID', '= thread', 'clone3', 'setns', 'exit', 'texit', 'kill', 'wait', 'samens', 'unshare', 'setsid', 'setpgid', 'getpgid', 'getsid', 'subreaper']) {
      expect(text).toContain(word);
    }
  });
});
