/**
 * `pidns run --explain` and `--trace` for the statements of language
 * version 2 (issue 10.2): which kernel check fired for every failing
 * setsid / setpgid / getpgid / getsid / subreaper / group kill / group wait,
 * and group and session changes, subreaper marks, adoption by a subreaper,
 * a reaped leader's pid held and freed, in the trace of the README's
 * container-init scenario (own/66, recorded with the oracle).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli as run } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'pidns-cli-groups-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const OWN = join(import.meta.dirname, 'scenarios', 'own');

// Transcript checked against the oracle (Linux 6.18) when this test was written.
const CHECKS = [
  'a = fork init',
  'setsid init', // init leads session 1
  'b = fork a',
  'setpgid a 3 0',
  'setsid b', // b's pid is group 3's id
  'setpgid init 0 -1',
  'setpgid init 99 0',
  't = thread a',
  'setpgid a 4 0', // a thread
  'setpgid init 3 0', // b is a's child, not init's
  'c = fork init',
  'setsid c',
  'setpgid init 5 0', // c is in another session
  'setpgid c 0 0', // c leads a session
  'setpgid a 0 77',
  'setpgid a 0 5', // group 5 is c's session's
  'getpgid init 99',
  'getsid init 99',
  'kill init -77 9',
  'wait a -77',
  'exit c 0',
  'subreaper c 1',
  'setsid c',
];

describe('pidns run --explain for groups, sessions and subreapers', () => {
  it('names the kernel function and check of every failure', async () => {
    const p = join(dir, 'checks.pidns');
    writeFileSync(p, CHECKS.join('\n') + '\n');
    for (const core of ['ts', 'wasm']) {
      const r = await run(['run', p, '--explain', '--core', core]);
      expect(r.code).toBe(0);
      expect(r.out.split('\n').filter((l) => / -> E/.test(l)).map((l) => l.split(' -> ')[1])).toEqual([
        'EPERM', 'EPERM', 'EINVAL', 'ESRCH', 'EINVAL', 'ESRCH', 'EPERM', 'EPERM', 'EPERM', 'EPERM', 'ESRCH', 'ESRCH', 'ESRCH', 'ECHILD', 'ESRCH', 'ESRCH',
      ]);
      expect(r.err.split('\n').map((l) => l.replace(p, 'F'))).toEqual([
        'F:2: EPERM: ksys_setsid: the process is a session leader already',
        "F:5: EPERM: ksys_setsid: the process's pid is the id of a process group (pid_task(sid, PIDTYPE_PGID))",
        'F:6: EINVAL: setpgid: pgid < 0',
        "F:7: ESRCH: setpgid: find_task_by_vpid: no task has that pid in the caller's namespace",
        "F:9: EINVAL: setpgid: the pid is a thread that is not its process's leader",
        "F:10: ESRCH: setpgid: the process is neither the caller's nor a child of it",
        'F:13: EPERM: setpgid: the child is in another session than the caller',
        'F:14: EPERM: setpgid: the process is a session leader',
        'F:15: EPERM: setpgid: no process group has that id (find_vpid + pid_task(pgrp, PIDTYPE_PGID))',
        'F:16: EPERM: setpgid: that process group is in another session than the caller (task_session(g) != task_session(group_leader))',
        "F:17: ESRCH: do_getpgid: find_task_by_vpid: no task has that pid in the caller's namespace",
        "F:18: ESRCH: getsid: find_task_by_vpid: no task has that pid in the caller's namespace",
        "F:19: ESRCH: __kill_pgrp_info: no such process group in the caller's pid namespace",
        'F:20: ECHILD: do_wait: no child of the calling process matches',
        'F:22: ESRCH: the acting task has exited (zombie, exiting namespace init or reaped): it cannot make calls',
        'F:23: ESRCH: the acting task has exited (zombie, exiting namespace init or reaped): it cannot make calls',
        '',
      ]);
    }
  });
});

describe('pidns run --trace for groups, sessions and subreapers', () => {
  it('the container-init scenario: setsid, adoption by a subreaper, a reaped leader\'s pid held then freed', async () => {
    const p = join(OWN, '66-container-init.pidns');
    const r = await run(['run', p, '--trace', '--core', 'ts']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(readFileSync(join(OWN, '66-container-init.expected'), 'utf8'));
    expect(r.err.split('\n').map((l) => l.replace(`${p}:`, ''))).toEqual([
      '5: trace: shim created: NSpid 2, parent init',
      '6: trace: shim is a child subreaper: orphans of its descendants come to it',
      '8: trace: runc created: NSpid 3, parent shim',
      '9: trace: pidns#6 (level 1) created by runc; its first process will be its init',
      '9: trace: c created: NSpid 4 1, parent runc',
      '11: trace: c leads a new session 1 and process group 1 (setsid: both ids are its pid)',
      '13: trace: c reparented from runc to shim, a child subreaper',
      '13: trace: runc exited: a zombie until its parent reaps it',
      '14: trace: runc reaped by shim',
      '16: trace: job created: NSpid 5 2, parent c',
      '17: trace: job leads a new process group, numbered with its pid (NSpid 5 2) (setpgid by c)',
      '18: trace: w created: NSpid 6 3, parent job',
      '19: trace: w reparented from job to c',
      '19: trace: job exited: a zombie until its parent reaps it',
      '20: trace: job reaped by c',
      "20: trace: job's pid stays allocated after its reap: it is still the id of a process group with members",
      '25: trace: x created: NSpid 7 4, parent c',
      "26: trace: SIGTERM from c ends w's process",
      '26: trace: w exited: a zombie until its parent reaps it',
      '27: trace: w reaped by c',
      "27: trace: job's pid (NSpid 5 2) is free again: no process group or session uses it any more",
      '29: trace: y created: NSpid 8 2, parent c',
      '31: trace: z created: NSpid 5, parent init',
      "32: trace: c, the last thread of pidns#6 (level 1)'s init, exits: zap_pid_ns_processes kills every process in it and waits",
      "32: trace: SIGKILL from c ends x's process",
      "32: trace: SIGKILL from c ends y's process",
      '32: trace: x exited: a zombie until its parent reaps it',
      '32: trace: x reaped at once: its parent ignores SIGCHLD (an init in zap_pid_ns_processes)',
      '32: trace: y exited: a zombie until its parent reaps it',
      '32: trace: y reaped at once: its parent ignores SIGCHLD (an init in zap_pid_ns_processes)',
      '32: trace: pidns#6 (level 1) is empty: c finishes its exit',
      '32: trace: c exited: a zombie until its parent reaps it',
      '33: trace: c reaped by shim',
      '33: trace: pidns#6 (level 1) freed: nothing refers to it any more',
      '',
    ]);
    // the WASM core gives the same trace
    expect((await run(['run', p, '--trace', '--core', 'wasm'])).err).toBe(r.err);
  });

  it('setsid that leaves a held group, setpgid into a group whose leader is reaped, and a cleared subreaper', async () => {
    const p = join(dir, 'moves.pidns');
    writeFileSync(p, [
      'a = fork init', // 2
      'b = fork a', // 3
      'setpgid a 3 0', // b leads group 3
      'c = fork b', // 4, in group 3
      'exit b 0',
      'wait a', // b reaped: 3 held by c
      'd = fork init', // 5
      'setpgid init 5 3', // d (init's child) joins group 3 of init's session, whose leader is reaped
      'setsid c', // c leaves group 3; d still holds it
      'subreaper a 1',
      'subreaper a 0',
      '',
    ].join('\n'));
    const r = await run(['run', p, '--trace', '--core', 'ts']);
    // transcript checked against the oracle
    expect(r.out.split('\n').slice(7, 9)).toEqual(['setpgid init 5 3 -> ok', 'setsid c -> 4']);
    const trace = r.err.split('\n').filter((l) => !/created/.test(l)).map((l) => l.replace(`${p}:`, ''));
    expect(trace).toEqual([
      '3: trace: b leads a new process group, numbered with its pid (NSpid 3) (setpgid by a)',
      '5: trace: c reparented from b to init',
      '5: trace: b exited: a zombie until its parent reaps it',
      '6: trace: b reaped by a',
      "6: trace: b's pid stays allocated after its reap: it is still the id of a process group with members",
      '8: trace: d moved into process group NSpid 3, whose leader is reaped (setpgid by init)',
      '9: trace: c leads a new session 4 and process group 4 (setsid: both ids are its pid)',
      '10: trace: a is a child subreaper: orphans of its descendants come to it',
      '11: trace: a is no longer a child subreaper',
      '',
    ]);
  });
});
