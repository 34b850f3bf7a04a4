/**
 * The tree workload exercises sessions, process groups and child
 * subreapers (issue 10.2): containers are started by a subreaper shim whose
 * runtime exits (the container init is adopted by the shim), every
 * namespace init calls setsid, some forks make job-control groups or
 * subreapers, some kills go to a group. Counted through the raw kernel's
 * trace, on both cores, with the same counts (the workload is deterministic).
 */
import { describe, expect, it } from 'vitest';
import { Kernel, type KernelEvent } from '../src/kernel/kernel.js';
import { makeStormCore } from '../src/storm/spec.js';
import { WORKLOADS } from '../src/storm/workloads.js';

function counts(core: 'ts' | 'wasm', tasks: number): Record<string, number> {
  const k = new Kernel(makeStormCore(core, 'pidmap'), { recycle: true });
  const c: Record<string, number> = {};
  const bump = (key: string) => void (c[key] = (c[key] ?? 0) + 1);
  k.trace = (e: KernelEvent) => {
    bump(e.type);
    if (e.type === 'reparent' && e.subreaper) bump('reparent-to-subreaper');
    // A container init adopted by its shim: the reparented child leads a session (it called setsid) in another namespace than the shim.
    if (e.type === 'reparent' && e.subreaper && e.child.tg.pidns !== e.to.tg.pidns) bump('container-init-adopted');
  };
  const kill = k.kill.bind(k);
  k.kill = (t, pid, sig) => {
    const r = kill(t, pid, sig);
    if (pid < -1) bump(r === 0 ? 'group-kill' : 'group-kill-failed');
    return r;
  };
  const r = WORKLOADS.tree.run(k, { tasks, depth: 4, fill: 0.99, seed: 1 });
  c.checksum = r.checksum;
  c.failures = r.failures;
  return c;
}

describe('tree: the container host uses sessions, groups and subreapers', () => {
  it('setsid, setpgid, subreapers, adoption by subreapers, group kills and held group ids all happen, the same on both cores', () => {
    const ts = counts('ts', 30000);
    expect(ts.setsid).toBeGreaterThan(20);
    expect(ts.setpgid).toBeGreaterThan(100);
    expect(ts.subreaper).toBeGreaterThan(100);
    expect(ts['reparent-to-subreaper']).toBeGreaterThan(100);
    expect(ts['container-init-adopted']).toBeGreaterThan(10);
    expect(ts['pid-held']).toBeGreaterThan(5);
    expect(ts['pid-free']).toBeGreaterThan(5);
    expect(ts['group-kill']).toBeGreaterThan(20);
    console.log(`tree 30000 syscalls: ${JSON.stringify(ts)}`);
    expect(counts('wasm', 30000)).toEqual(ts);
  });
});
