#!/usr/bin/env node
// Random .pidns scenario generator (plain Node ESM, no dependencies).
//
//   node scripts/gen-scenarios.mjs --seed S --count N --len L [--min M]
//        [--out DIR] [--prefix P] [--profile mixed|deep|threads|churn|groups|groupsx]
//
// Writes DIR/<P><S>-<III>.pidns (default DIR test/scenarios/random, P "r"),
// each with M..L statements (default M = min(20, L)). Same arguments, same
// files. Record them with scripts/record-scenarios.sh --prune DIR (keeps only
// the scenarios whose transcript is identical over 5 oracle runs).
//
// Profiles: mixed (everything; each scenario draws its own mix: small pid_max
// or not, nesting, threads, set_tid, kills), deep (more NEWPID, actors chosen
// in deep namespaces, namespace-init exits), threads (many threads, texits
// and waits), churn (allocator stress: single-threaded processes in up to
// four nested levels with small pid_max, forks, clone3 set_tid, exits, reaps
// by pid, lastpid/pidmax writes), groups (language version 2: sessions,
// process groups and subreapers: setsid, setpgid with real pids and group
// ids, getpgid/getsid, subreaper, kill 0 / kill -N, wait 0 / wait -N, with
// episodes where a group leader dies before its members and a subreaper
// before its adoptees; forks, threads, clone NEWPID / PARENT, exits, kills,
// waits; no unshare, setns or clone3, so namespace inits are exactly the
// NEWPID children), groupsx (groups plus clone3 set_tid, unshare, setns,
// lastpid/pidmax writes and samens: group ids met through every way into a
// namespace).
//
// The generator keeps a rough model of the world (tasks, processes, PID
// namespaces, an approximate pid allocator) to pick plausible actors, targets
// and numbers. The model is NOT a simulator: where it is wrong the scenario is
// still valid, only less interesting. Safety does not depend on the model:
//  * never a scenario error: valid syntax, only defined names; no `exit` of
//    a thread of init's process and no texit of init's last live thread
//    (init's threads can only end by texit; a texit of one of init's threads
//    needs three live ones in the model, and a name whose creation may have
//    made a thread of init is never used by exit/texit as a "failed" name);
//  * never the two nondeterministic situations of scenario-language.md:
//    (1) after a statement that may end several threads having children (an
//        exit of a process with two or more such threads, a kill that may hit
//        such a process, kill -1 / kill 0 while two or more threads have
//        children) `wait T` for any child is no longer generated (waits for a
//        specific pid still are);
//    (2) once a statement may have given a task a parent outside its
//        namespace (setns of a pid type, unshare NEWPID, clone PARENT) and a
//        namespace init (not the root's) has tried to get a thread, nothing
//        that can end a namespace init is generated any more: no exit or
//        texit by a namespace init's threads (except a texit that leaves
//        another thread of it alive), no SIGKILL at all. Both triggers are
//        attempt-based, so a wrong model cannot hide them;
//  * groups profile: a setpgid whose target the model believes to be a
//    namespace init only ever makes it lead a group of its own (the
//    scenario error of a namespace init in a group of its namespace); a
//    kill 0 / kill -N counts as a kill -1 for guard (1); every setsid /
//    setpgid counts as an outside-parent attempt for guard (2), since a
//    held group id can keep a dying namespace init waiting like an outside
//    child can. The record script prunes anything the oracle stops on;
//  * nothing out of scope or beyond the oracle: no successful clone with VM
//    but without THREAD (such flag sets always carry NEWNS|FS, which fails),
//    PID namespaces at most MAX_LEVEL (5) deep (the oracle reaches 31).
// PIDNS_GEN_UNSAFE=1 switches the guards of (1) and (2) off, for studies.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// ---------------------------------------------------------------- arguments
const args = { seed: 1, count: 10, len: 40, min: null, out: 'test/scenarios/random', prefix: 'r', profile: 'mixed' };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const v = process.argv[i + 1];
  if (a === '--seed') { args.seed = Number(v); i++; }
  else if (a === '--count') { args.count = Number(v); i++; }
  else if (a === '--len') { args.len = Number(v); i++; }
  else if (a === '--min') { args.min = Number(v); i++; }
  else if (a === '--out') { args.out = v; i++; }
  else if (a === '--prefix') { args.prefix = v; i++; }
  else if (a === '--profile') { args.profile = v; i++; }
  else if (a === '-h' || a === '--help') {
    console.log('usage: gen-scenarios.mjs --seed S --count N --len L [--min M] [--out DIR] [--prefix P] [--profile mixed|deep|threads|churn|groups|groupsx]');
    process.exit(0);
  } else { console.error(`unknown argument ${a}`); process.exit(2); }
}
if (args.min === null) args.min = Math.min(20, args.len);
if (!['mixed', 'deep', 'threads', 'churn', 'groups', 'groupsx'].includes(args.profile)) {
  console.error(`unknown profile ${args.profile}: mixed, deep, threads, churn, groups or groupsx`);
  process.exit(2);
}
if (!(args.count >= 0 && args.len >= 1 && args.min >= 1 && args.min <= args.len && Number.isFinite(args.seed))) {
  console.error('bad --seed/--count/--len/--min');
  process.exit(2);
}

// PIDNS_GEN_UNSAFE=1 switches the two nondeterminism guards off (to study
// what the guards are for); such scenarios are not meant to be kept.
const UNSAFE = process.env.PIDNS_GEN_UNSAFE === '1';

// ---------------------------------------------------------------- random
function mulberry32(a) {
  return function () {
    a |= 0; a = (a + 0x6D2B79F5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
let rnd = mulberry32(1);
const ri = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1)); // inclusive
const chance = (p) => rnd() < p;
const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
function pickW(table) { // [[weight, value], ...]
  let tot = 0;
  for (const [w] of table) tot += w;
  let x = rnd() * tot;
  for (const [w, v] of table) { if ((x -= w) < 0) return v; }
  return table[table.length - 1][1];
}

// ---------------------------------------------------------------- constants
const PID_MAX_LIMIT = 4194304;
const RESERVED = 300;
const MAX_LEVEL = 5;
const NSTYPES = ['pid', 'pid_for_children', 'uts', 'ipc', 'net', 'cgroup'];
const SAMENS_TYPES = [...NSTYPES, 'mnt'];
const CLONE_FLAGS = ['NEWPID', 'NEWNS', 'NEWUTS', 'NEWIPC', 'NEWNET', 'NEWCGROUP',
  'THREAD', 'SIGHAND', 'VM', 'FS', 'FILES', 'SYSVSEM', 'PARENT'];

// ---------------------------------------------------------------- model
class Ns {
  constructor(parent) {
    this.parent = parent;
    this.level = parent ? parent.level + 1 : 0;
    this.pidMax = PID_MAX_LIMIT;
    this.cursor = 0;          // idr "next"
    this.used = new Map();    // nr -> thread holding it
    this.hasInit = false;     // child_reaper set at some point
    this.initProc = null;
    this.dead = false;        // init exited: no more pids
    this.injected = false;    // some task here has its parent outside
  }
  isAncestorOrSelfOf(o) { for (let x = o; x; x = x.parent) if (x === this) return true; return false; }
}

class Proc {
  constructor(ns, parentThread) {
    this.ns = ns;                 // active pid namespace
    this.threads = [];
    this.parentThread = parentThread; // real parent (a thread), null for init
    this.alive = true;            // some thread alive (not zombie)
    this.reaped = false;
    this.nsInitOf = null;         // namespace this process is the init of
    this.everMulti = false;
    // language version 2: the leader processes whose pids are this process's
    // group and session ids, session leadership, the subreaper flag
    this.pg = null;
    this.sid = null;
    this.sessLeader = false;
    this.subreaper = false;
    this.numbersHeld = false;     // reaped, numbers kept as a group/session id
  }
  live() { return this.threads.filter((t) => t.alive); }
}

class Thread {
  constructor(name, proc, pfc, nspid) {
    this.name = name; this.proc = proc; this.pfc = pfc; this.nspid = nspid;
    this.alive = true; this.hadChildren = false;
  }
  // NSpid number as seen from namespace ns (0 if invisible)
  nrIn(ns) {
    if (ns.level >= this.nspid.length) return 0;
    let x = this.proc.ns;
    while (x && x.level > ns.level) x = x.parent;
    return x === ns ? this.nspid[ns.level] : 0;
  }
  // the tgid number as seen from ns
  tgidIn(ns) { return this.proc.threads[0].nrIn(ns); }
}

// ---------------------------------------------------------------- generator
function generate(len) {
  const lines = [];
  const root = new Ns(null);
  const allNs = [root];
  const initProc = new Proc(root, null);
  initProc.nsInitOf = root;
  root.hasInit = true; root.initProc = initProc;
  const init = new Thread('init', initProc, root, [1]);
  initProc.threads.push(init);
  initProc.pg = initProc.sid = initProc; initProc.sessLeader = true;
  root.used.set(1, init); root.cursor = 2;
  const threads = [init];       // every created task
  const names = ['init'];       // every defined name (failed ones included)
  const byName = new Map([['init', init]]);
  let nextName = 0;
  let tainted = false;          // no more wait-any
  const maybeInitThread = new Set(); // names that may be threads of init's process
  const deep = args.profile === 'deep';
  const profile = {
    smallPidMax: chance(deep ? 0.6 : 0.45),
    nest: deep || chance(0.8),
    threads: chance(0.7),
    setTid: chance(0.5),
    kills: chance(0.7),
    newpid: deep ? 0.55 : 0.3,   // share of clones that carry NEWPID
  };

  const newName = () => {
    const n = pick(['a', 'b', 'c', 'p', 'q', 't', 'x', 'n']) + (nextName++);
    return n;
  };
  const liveThreads = () => threads.filter((t) => t.alive);
  const isInitProc = (p) => p === initProc;
  // danger (2): an injected task somewhere and a namespace init that had threads
  // Attempt-based (not prediction-based), so a wrong model cannot hide it:
  // some namespace init (not the root's) tried to get a thread, and some
  // statement may have given a task a parent outside its namespace (setns of
  // a pid type, unshare NEWPID, clone PARENT).
  let multiInitAttempt = false;
  let outsideParentAttempt = false;
  const dangerNsInitEnd = () => !UNSAFE && multiInitAttempt && outsideParentAttempt;

  // actor choice: mostly live tasks, sometimes anything named
  function actor(pLive = 0.93, deep = false) {
    const live = liveThreads();
    if (live.length && chance(pLive)) {
      if (!deep) return pick(live);
      // prefer tasks in deeper namespaces, so nesting grows
      return pickW(live.map((t) => [(args.profile === 'deep' ? (1 + t.proc.ns.level) ** 3 : 1 + 2 * t.proc.ns.level) +
        (t.proc.nsInitOf ? 1 : 0), t]));
    }
    return taskOrGhost(pick(names));
  }
  // A name whose creation failed names no task: a "ghost" keeps the name so
  // that the statement text and the model agree on who acts.
  function taskOrGhost(n) { return byName.get(n) || { name: n, ghost: true, alive: false }; }
  const real = (t) => t && !t.ghost;
  const nameOf = (t, fallback) => (t ? t.name : fallback);
  function anyName() { return pick(names); }

  // ------------------------------------------------------------ allocation
  function allocIn(ns, setTid /* array or null */) {
    // returns {ok, nspid} or {err}
    const path = [];
    for (let x = ns; x; x = x.parent) path.push(x); // deepest first
    if (setTid && setTid.length > ns.level + 1) return { err: 'EINVAL' };
    const taken = [];
    const fail = (e) => {
      for (const [n, nr] of taken) n.used.delete(nr);
      if (!ns.hasInit && !ns.dead && ns.used.size === 0) ns.cursor = 0;
      return { err: e };
    };
    for (let i = 0; i < path.length; i++) {
      const n = path[i];
      let nr;
      const want = setTid && i < setTid.length ? setTid[i] : 0;
      if (setTid && i < setTid.length) {
        if (want < 1 || want >= n.pidMax) return fail('EINVAL');
        if (want !== 1 && !n.hasInit) return fail('EINVAL');
        if (n.used.has(want)) return fail('EEXIST');
        nr = want;
      } else {
        const lo = n.cursor > RESERVED ? RESERVED : 1;
        const begin = Math.max(n.cursor, lo);
        nr = -1;
        for (let c = begin; c < n.pidMax; c++) if (!n.used.has(c)) { nr = c; break; }
        if (nr < 0 && begin > lo) for (let c = lo; c < n.pidMax && c < begin; c++) if (!n.used.has(c)) { nr = c; break; }
        if (nr < 0) return fail('EAGAIN');
        n.cursor = nr + 1;
      }
      n.used.set(nr, null);
      taken.push([n, nr]);
    }
    if (ns.dead) return fail('ENOMEM');
    const nspid = new Array(ns.level + 1);
    for (const [n, nr] of taken) nspid[n.level] = nr;
    return { ok: true, nspid, taken };
  }
  function holdNumbers(t, taken) { for (const [n, nr] of taken) n.used.set(nr, t); }
  function freeNumbers(t) {
    let x = t.proc.ns;
    for (let l = t.nspid.length - 1; l >= 0 && x; l--, x = x.parent) {
      if (x.used.get(t.nspid[l]) === t) x.used.delete(t.nspid[l]);
    }
  }

  // ------------------------------------------------------------ reaping
  // A reaped leader's numbers stay in use while a process (zombie or live,
  // not reaped) has its pid as group or session id.
  const usesIds = (p) => procs().some((q) => !q.reaped && (q.pg === p || q.sid === p));
  function releaseIfUnused(p) {
    if (p && p.reaped && p.numbersHeld && !usesIds(p)) { p.numbersHeld = false; freeNumbers(p.threads[0]); }
  }
  function reap(q) {
    q.reaped = true;
    for (const t of q.threads) if (t !== q.threads[0]) freeNumbers(t);
    if (usesIds(q)) q.numbersHeld = true;
    else freeNumbers(q.threads[0]);
    releaseIfUnused(q.pg);
    releaseIfUnused(q.sid);
  }

  // ------------------------------------------------------------ deaths
  function markInjected(childNs, parentActive) {
    for (let x = childNs; x && !x.isAncestorOrSelfOf(parentActive); x = x.parent) x.injected = true;
  }
  function procDies(p) {
    if (!p.alive) return;
    p.alive = false;
    for (const t of p.threads) {
      if (t !== p.threads[0] && t.alive) freeNumbers(t); // non-leader threads autoreap
      t.alive = false;
    }
    // orphans: children of p's threads go to p's ns reaper
    const reaperNs = p.ns;
    let reaper = reaperNs.initProc;
    // find_new_reaper: the nearest living subreaper among the ancestors in p's namespace
    for (let a = p.parentThread && p.parentThread.proc; a && a.ns === p.ns; a = a.parentThread && a.parentThread.proc) {
      if (a.subreaper && a.alive) { reaper = a; break; }
    }
    for (const q of procs()) {
      if (q.parentThread && q.parentThread.proc === p && !q.reaped) {
        if (reaper && reaper.alive && reaper !== p) {
          const rt = reaper.live()[0] || reaper.threads[0];
          q.parentThread = rt; rt.hadChildren = true;
        } else q.parentThread = null;
      }
    }
    if (p.nsInitOf) {
      const ns = p.nsInitOf;
      ns.dead = true;
      for (const q of procs()) if (q !== p && q.alive && ns.isAncestorOrSelfOf(q.ns)) procDies(q);
      // inside children are reaped by the init: free their numbers
      for (const q of procs()) {
        if (q !== p && !q.reaped && ns.isAncestorOrSelfOf(q.ns) && q.parentThread && ns.isAncestorOrSelfOf(q.parentThread.proc.ns)) {
          reap(q);
        }
      }
    }
  }
  function threadExits(t) {
    const p = t.proc;
    if (!t.alive) return;
    const others = p.live().filter((u) => u !== t);
    if (others.length === 0) { procDies(p); return; }
    t.alive = false;
    if (t !== p.threads[0]) freeNumbers(t);
    if (t.hadChildren) others[0].hadChildren = true;
    for (const q of procs()) if (q.parentThread === t) q.parentThread = others[0];
    if (p.nsInitOf && p.threads[0] === t) { /* reaper role moves; nothing to model */ }
  }
  function procs() { const s = new Set(); for (const t of threads) s.add(t.proc); return [...s]; }
  const threadsWithChildren = (p) => p.threads.filter((t) => t.hadChildren).length;

  // ------------------------------------------------------------ statements
  function emit(s) { lines.push(s); }

  function genCreate(kind) {
    const P = actor(0.93, profile.nest && chance(deep ? 0.9 : 0.6));
    const pn = nameOf(P, anyName());
    const name = newName();
    let flags = '0';
    let setTid = null;
    let newNs = false, isThread = false, parentFlag = false;
    if (kind === 'fork') { /* nothing */ }
    else if (kind === 'thread') isThread = true;
    else {
      // random flag set
      const fl = new Set();
      const r = rnd();
      if (r < profile.newpid && profile.nest) fl.add('NEWPID');
      else if (r < profile.newpid + 0.15) ['THREAD', 'SIGHAND', 'VM'].forEach((f) => fl.add(f));
      else if (r < profile.newpid + 0.25) fl.add('PARENT');
      const n = pickW([[4, 0], [4, 1], [2, 2], [1, 3]]);
      for (let i = 0; i < n; i++) {
        fl.add(pickW([[6, pick(['NEWNS', 'NEWUTS', 'NEWIPC', 'NEWNET', 'NEWCGROUP', 'FILES', 'SYSVSEM'])],
          [1, pick(CLONE_FLAGS)]]));
      }
      if (chance(0.1)) fl.add(pick(fl.size ? [...fl] : ['NEWUTS'])); // a repeated name
      // out of scope: a successful VM clone without THREAD -> force a failure
      if (fl.has('VM') && !fl.has('THREAD')) { fl.add('NEWNS'); fl.add('FS'); }
      const list = [...fl];
      // occasionally repeat a flag
      if (list.length && chance(0.05)) list.push(list[0]);
      flags = list.length ? list.join('|') : '0';
      newNs = fl.has('NEWPID'); isThread = fl.has('THREAD'); parentFlag = fl.has('PARENT');
      if (kind === 'clone3') setTid = genSetTid(P, newNs);
    }
    let line;
    if (kind === 'fork') line = `${name} = fork ${pn}`;
    else if (kind === 'thread') line = `${name} = thread ${pn}`;
    else if (kind === 'clone') line = `${name} = clone ${pn} ${flags}`;
    else line = `${name} = clone3 ${pn} ${flags} set_tid=${setTid.join(',')}`;
    // nesting limit
    if (real(P) && newNs) {
      if (P.pfc.level + 1 > MAX_LEVEL) return false;
    }
    names.push(name);
    emit(line);
    if (!P || !P.alive) return true;
    const fl = new Set(flags === '0' ? [] : flags.split('|'));
    if (kind === 'thread') ['THREAD', 'SIGHAND', 'VM'].forEach((f) => fl.add(f));
    if (fl.has('THREAD') && P.proc.nsInitOf && P.proc.nsInitOf !== root) multiInitAttempt = true;
    // if the model is wrong about a failure, this name may be a thread of
    // init's process: never name it in exit/texit
    if (fl.has('THREAD') && isInitProc(P.proc)) maybeInitThread.add(name);
    if (fl.has('PARENT')) outsideParentAttempt = true;
    if (!fl.has('THREAD')) {
      P.hadChildren = true;
      if (fl.has('PARENT') && P.proc.parentThread) P.proc.parentThread.hadChildren = true;
    }
    // predicted validity
    const p = P.proc;
    const pfcDiffers = P.pfc !== p.ns;
    let err = null;
    if (fl.has('NEWNS') && fl.has('FS')) err = 'EINVAL';
    else if (fl.has('THREAD') && !fl.has('SIGHAND')) err = 'EINVAL';
    else if (fl.has('SIGHAND') && !fl.has('VM')) err = 'EINVAL';
    else if (fl.has('PARENT') && p.nsInitOf) err = 'EINVAL';
    else if (fl.has('THREAD') && (fl.has('NEWPID') || pfcDiffers)) err = 'EINVAL';
    else if (fl.has('NEWPID') && pfcDiffers) err = 'EINVAL';
    else if (fl.has('NEWIPC') && fl.has('SYSVSEM')) err = 'EINVAL';
    if (err) return true;
    let target = P.pfc;
    let created = null;
    if (fl.has('NEWPID')) { created = new Ns(P.pfc); target = created; }
    const res = allocIn(target, setTid);
    if (!res.ok) return true;
    if (created) allNs.push(created);
    isThread = fl.has('THREAD');
    let t;
    if (isThread) {
      t = new Thread(name, p, P.pfc, res.nspid);
      p.threads.push(t); p.everMulti = true;
    } else {
      const parentThread = fl.has('PARENT') ? p.parentThread : P;
      const q = new Proc(target, parentThread);
      q.pg = p.pg; q.sid = p.sid;
      t = new Thread(name, q, target, res.nspid);
      q.threads.push(t);
      if (parentThread) parentThread.hadChildren = true;
      const parentActive = parentThread ? parentThread.proc.ns : root;
      markInjected(target, parentActive);
      if (res.nspid[target.level] === 1 && !target.hasInit) {
        target.hasInit = true; target.initProc = q; q.nsInitOf = target;
      }
    }
    holdNumbers(t, res.taken);
    threads.push(t);
    byName.set(name, t);
    return true;
  }

  function genSetTid(P, newNs) {
    const lvl = real(P) ? P.pfc.level + (newNs ? 1 : 0) : 1;
    let n = chance(0.8) ? ri(1, Math.min(lvl + 1, 3)) : ri(1, lvl + 2);
    const out = [];
    for (let i = 0; i < n; i++) {
      const r = rnd();
      if (i === 0 && newNs && chance(0.8)) out.push(1);
      else if (r < 0.5) out.push(ri(2, 40));
      else if (r < 0.65) out.push(ri(295, 310));
      else if (r < 0.75) out.push(1);
      else if (r < 0.82) out.push(pick([0, -1, PID_MAX_LIMIT, PID_MAX_LIMIT - 1]));
      else {
        // a number some task holds (likely EEXIST)
        const t = pick(threads);
        out.push(t.nspid[t.nspid.length - 1 - Math.min(i, t.nspid.length - 1)] || 2);
      }
    }
    return out;
  }

  function genUnshare() {
    const T = actor();
    const fl = new Set();
    const r = rnd();
    if (r < 0.3 && profile.nest) fl.add('NEWPID');
    const n = ri(r < 0.3 ? 0 : 1, 3);
    const pool = ['NEWPID', 'NEWNS', 'NEWUTS', 'NEWIPC', 'NEWNET', 'NEWCGROUP', 'THREAD', 'SIGHAND', 'VM', 'FS', 'FILES', 'SYSVSEM', 'PARENT'];
    for (let i = 0; i < n; i++) fl.add(pickW([[5, pick(pool.slice(0, 6))], [3, pick(pool.slice(6))]]));
    if (fl.has('NEWPID') && real(T) && T.pfc.level + 1 > MAX_LEVEL) fl.delete('NEWPID');
    if (fl.has('NEWPID')) outsideParentAttempt = true;
    const flags = fl.size ? [...fl].join('|') : (chance(0.5) ? '0' : 'NEWUTS');
    emit(`unshare ${nameOf(T, anyName())} ${flags}`);
    if (!T || !T.alive) return true;
    const p = T.proc;
    const multi = p.threads.length > 1 && !(p.threads.length === 1);
    if (fl.has('PARENT')) return true;
    if ((fl.has('THREAD') || fl.has('SIGHAND') || fl.has('VM')) && p.threads.filter((x) => x.alive || x === p.threads[0]).length > 1 && multi) return true;
    if (fl.has('NEWIPC') && fl.has('SYSVSEM')) return true;
    if (fl.has('NEWPID')) {
      if (T.pfc !== p.ns) return true;
      const ns = new Ns(T.pfc);
      allNs.push(ns);
      T.pfc = ns;
    }
    return true;
  }

  function genSetns() {
    const T = actor();
    let X;
    const type = pickW([[6, 'pid'], [2, 'pid_for_children'], [1, 'uts'], [1, 'ipc'], [1, 'net'], [1, 'cgroup']]);
    if (type.startsWith('pid') && real(T) && chance(0.7)) {
      // prefer a task in a namespace at or below T's active one, or T itself
      const cands = threads.filter((u) => T.proc.ns.isAncestorOrSelfOf(u.proc.ns));
      X = chance(0.25) ? T : pick(cands.length ? cands : threads);
    } else X = taskOrGhost(anyName());
    emit(`setns ${nameOf(T, anyName())} ${nameOf(X, anyName())} ${type}`);
    if (type.startsWith('pid')) outsideParentAttempt = true;
    if (!T || !T.alive || !real(X) || X.proc.reaped) return true;
    if (type === 'pid' || type === 'pid_for_children') {
      const target = type === 'pid' ? X.proc.ns : X.pfc;
      if (!X.alive && type === 'pid_for_children') return true;
      if (type === 'pid_for_children' && !target.hasInit) return true;
      if (T.proc.ns.isAncestorOrSelfOf(target)) T.pfc = target;
    }
    return true;
  }

  function genExit(kind) {
    // candidate actors: never a thread of init's process for exit
    let cands = liveThreads();
    if (kind === 'exit') cands = cands.filter((t) => !isInitProc(t.proc));
    // init's threads: the model could believe in a thread whose creation
    // failed, so keep a margin of one
    if (kind === 'texit') cands = cands.filter((t) => !isInitProc(t.proc) || initProc.live().length > 2);
    // nondeterminism (2)
    if (dangerNsInitEnd()) {
      cands = cands.filter((t) => !t.proc.nsInitOf || isInitProc(t.proc) ||
        (kind === 'texit' && t.proc.live().length > 1));
    }
    let T;
    const inits = cands.filter((t) => t.proc.nsInitOf && !isInitProc(t.proc));
    if (args.profile === 'deep' && inits.length && chance(0.4)) T = pick(inits);
    else if (cands.length && chance(0.95)) T = pick(cands);
    else {
      // a dead or failed name (prints ESRCH) - never init's threads
      const dead = names.filter((n) => { const t = byName.get(n); return !maybeInitThread.has(n) && (!t || (!t.alive && !isInitProc(t.proc))); });
      if (!dead.length) return false;
      const n = pick(dead);
      const code = genCode();
      emit(`${kind} ${n} ${code}`);
      return true;
    }
    if (kind === 'exit' && threadsWithChildren(T.proc) >= 2) tainted = true;
    if (kind === 'exit' && T.proc.nsInitOf) nsInitEndTaint(T.proc);
    emit(`${kind} ${T.name} ${genCode()}`);
    if (kind === 'exit') procDies(T.proc); else threadExits(T);
    return true;
  }
  function nsInitEndTaint(/* p */) { /* zap: orphans stay inside; nothing to taint */ }
  function genCode() {
    return pickW([[10, ri(0, 9)], [3, ri(10, 255)], [1, pick([256, 257, 511, -1, -255, 1000, 2147483647, -2147483648])]]);
  }

  function visiblePids(T) {
    // tgids of processes (and some tids) visible from T's active ns
    const out = [];
    for (const u of threads) {
      if (u.proc.reaped) continue;
      const nr = u.nrIn(T.proc.ns);
      if (nr) out.push(nr);
    }
    return out;
  }

  function genKill() {
    const T = actor();
    let sig = pickW([[3, 0], [4, 9], [4, 15]]);
    if (sig === 9 && dangerNsInitEnd()) sig = pick([0, 15]);
    let pid;
    const r = rnd();
    if (real(T) && r < 0.6) { const v = visiblePids(T); pid = v.length ? pick(v) : 1; }
    else if (r < 0.72) pid = -1;
    else if (r < 0.8) pid = 0;
    else if (r < 0.85) pid = -ri(1, 4);
    else pid = ri(1, 12);
    emit(`kill ${nameOf(T, anyName())} ${pid} ${sig}`);
    if (!T || !T.alive || sig === 0) return true;
    // taint (1)
    const others = procs().filter((p) => p.alive && !isInitProc(p));
    if (pid === -1 || pid === 0 || (pid < -1 && groups)) {
      const n = others.reduce((s, p) => s + threadsWithChildren(p), 0);
      if (n >= 2) tainted = true;
    } else if (pid > 0) {
      if (others.some((p) => threadsWithChildren(p) >= 2)) tainted = true;
    }
    // effects on the model
    const sender = T.proc;
    const canKill = (p) => {
      if (!p.alive || isInitProc(p)) return false;
      if (p.nsInitOf) {
        if (sig !== 9) return false;
        // sender has no pid in p's namespace
        return !p.nsInitOf.isAncestorOrSelfOf(sender.ns);
      }
      return true;
    };
    let victims = [];
    if (pid > 0) {
      const u = threads.find((x) => !x.proc.reaped && x.nrIn(sender.ns) === pid);
      if (u) victims = [u.proc];
    } else if (pid === -1) {
      victims = procs().filter((p) => p !== sender && p.threads[0].tgidIn(sender.ns) > 1 &&
        p.threads[0].nrIn(sender.ns) !== 1);
    } else if (pid === 0) victims = procs().filter((p) => p.pg === sender.pg);
    else if (pid < -1) victims = procs().filter((p) => !p.reaped && p.pg && p.pg.threads[0].nrIn(sender.ns) === -pid);
    for (const p of victims) if (canKill(p)) procDies(p);
    return true;
  }

  function genWait() {
    const T = actor();
    let pidPart = '';
    const r = rnd();
    if ((tainted && !UNSAFE) || r < 0.35) {
      // a specific pid: a child of T's process if we can name one
      if (real(T)) {
        const kids = procs().filter((q) => q.parentThread && q.parentThread.proc === T.proc && !q.reaped);
        if (kids.length && chance(0.85)) {
          const k = pick(kids);
          pidPart = ` ${k.threads[0].nrIn(T.proc.ns) || ri(2, 9)}`;
        } else pidPart = ` ${pick([ri(2, 12), -ri(2, 3)])}`;
      } else pidPart = ` ${ri(2, 9)}`;
    } else if (r < 0.4) pidPart = ' 0';
    if (tainted && !UNSAFE && (pidPart === '' || pidPart === ' 0')) return false;
    emit(`wait ${nameOf(T, anyName())}${pidPart}`);
    if (!T || !T.alive) return true;
    // model: reap a zombie child when the pid is given
    if (pidPart && pidPart !== ' 0') {
      const nr = Number(pidPart);
      const kid = procs().find((q) => q.parentThread && q.parentThread.proc === T.proc && !q.reaped &&
        q.threads[0].nrIn(T.proc.ns) === nr);
      if (kid && !kid.alive) { reap(kid); }
    } else {
      const kids = procs().filter((q) => q.parentThread && q.parentThread.proc === T.proc && !q.reaped && !q.alive);
      if (kids.length === 1) { reap(kids[0]); }
    }
    return true;
  }

  function genRead() {
    const T = actor(0.9);
    const n = nameOf(T, anyName());
    const what = pickW([[3, 'getpid'], [2, 'gettid'], [3, 'getppid'], [4, 'nspid']]);
    emit(`${what} ${n}`);
    return true;
  }

  function genSysctl() {
    const T = actor();
    const n = nameOf(T, anyName());
    const isMax = chance(0.45);
    if (chance(0.4)) { emit(`${isMax ? 'pidmax' : 'lastpid'} ${n}`); return true; }
    const ns = real(T) ? T.proc.ns : root;
    let v;
    if (isMax) {
      v = pickW([[6, ri(301, 330)], [2, ri(331, 1000)], [1, pick([300, 0, -1, PID_MAX_LIMIT, PID_MAX_LIMIT + 1])]]);
    } else {
      const pm = ns.pidMax;
      v = pickW([[3, ri(0, 10)], [3, Math.max(0, pm - ri(1, 4))], [2, pm < 400 ? ri(290, pm) : ri(290, 310)], [1, pick([-1, pm, pm + 1])]]);
    }
    emit(`${isMax ? 'pidmax' : 'lastpid'} ${n} ${v}`);
    if (!T || !T.alive) return true;
    if (isMax && v >= 301 && v <= PID_MAX_LIMIT) ns.pidMax = v;
    if (!isMax && v >= 0 && v <= ns.pidMax) ns.cursor = v + 1;
    return true;
  }

  function genSamens() {
    const a = chance(0.9) ? nameOf(actor(0.8), anyName()) : anyName();
    const b = chance(0.9) ? nameOf(actor(0.8), anyName()) : anyName();
    emit(`samens ${a} ${b} ${pick(SAMENS_TYPES)}`);
    return true;
  }

  // The churn profile: allocator stress. Single-threaded processes only,
  // forks/clones into up to three nested namespaces with small pid_max,
  // exits and reaps by specific pid, lastpid writes: wraps, holes, exhaustion.
  function churnScenario() {
    const levels = [init];
    const nLev = ri(1, 3);
    for (let i = 0; i < nLev; i++) {
      const P = levels[levels.length - 1];
      const name = newName();
      names.push(name);
      emit(`${name} = clone ${P.name} NEWPID`);
      genCreateModel(P, name, new Set(['NEWPID']), null);
      const t = byName.get(name);
      if (!t) break;
      levels.push(t);
    }
    for (const t of levels) {
      if (chance(0.8)) {
        const v = ri(301, 340);
        emit(`pidmax ${t.name} ${v}`); t.proc.ns.pidMax = v;
        const l = pickW([[2, v - ri(1, 8)], [1, ri(290, 299)], [1, ri(0, 5)]]);
        emit(`lastpid ${t.name} ${l}`); t.proc.ns.cursor = l + 1;
      }
    }
    let guard2 = 0;
    while (lines.length < len && guard2++ < len * 50) {
      const r = rnd();
      const live = liveThreads().filter((t) => !isInitProc(t.proc) || t === init);
      if (r < 0.35) {
        const P = pick(live);
        const name = newName();
        names.push(name);
        if (chance(0.15) && !P.proc.nsInitOf) {
          const st = [ri(2, 20)];
          if (chance(0.5)) st.push(ri(295, 340));
          emit(`${name} = clone3 ${P.name} 0 set_tid=${st.join(',')}`);
          genCreateModel(P, name, new Set(), st);
        } else {
          emit(`${name} = fork ${P.name}`);
          genCreateModel(P, name, new Set(), null);
        }
      } else if (r < 0.55) {
        const c = live.filter((t) => !isInitProc(t.proc) && !t.proc.nsInitOf);
        if (!c.length) continue;
        const T = pick(c);
        emit(`exit ${T.name} ${genCode()}`);
        procDies(T.proc);
      } else if (r < 0.78) {
        // reap a zombie child by pid, or any child
        const zs = procs().filter((q) => !q.alive && !q.reaped && q.parentThread && q.parentThread.alive);
        if (zs.length && chance(0.8)) {
          const q = pick(zs);
          const W = q.parentThread;
          if (chance(0.5)) {
            emit(`wait ${W.name} ${q.threads[0].nrIn(W.proc.ns)}`);
            reap(q);
          } else {
            emit(`wait ${W.name}`);
            const kids = procs().filter((k) => k.parentThread && k.parentThread.proc === W.proc && !k.reaped && !k.alive);
            if (kids.length === 1) { reap(kids[0]); }
          }
        } else emit(`wait ${pick(live).name}`);
      } else if (r < 0.9) {
        const T = pick(levels.filter((t) => t.alive));
        if (!T) continue;
        const ns = T.proc.ns;
        if (chance(0.7)) {
          const l = pickW([[3, ri(0, 10)], [3, ri(290, Math.max(290, ns.pidMax))], [1, ns.pidMax - 1]]);
          emit(`lastpid ${T.name} ${l}`);
          if (l >= 0 && l <= ns.pidMax) ns.cursor = l + 1;
        } else {
          const v = ri(301, 345);
          emit(`pidmax ${T.name} ${v}`); ns.pidMax = v;
        }
      } else {
        const T = pick(live);
        emit(`${pick(['nspid', 'lastpid', 'getpid'])} ${T.name}`);
      }
    }
    return lines;
  }
  // model part of genCreate for churn (single-threaded, no THREAD flags)
  function genCreateModel(P, name, fl, setTid) {
    if (!P.alive) return;
    P.hadChildren = true;
    let target = P.pfc;
    let created = null;
    if (fl.has('NEWPID')) { created = new Ns(P.pfc); target = created; }
    const res = allocIn(target, setTid);
    if (!res.ok) return;
    if (created) allNs.push(created);
    const q = new Proc(target, P);
    q.pg = P.proc.pg; q.sid = P.proc.sid;
    const t = new Thread(name, q, target, res.nspid);
    q.threads.push(t);
    if (res.nspid[target.level] === 1 && !target.hasInit) {
      target.hasInit = true; target.initProc = q; q.nsInitOf = target;
    }
    holdNumbers(t, res.taken);
    threads.push(t);
    byName.set(name, t);
  }

  // ------------------------------------------------------------ groups (v2)
  const groupsx = args.profile === 'groupsx';
  const groups = args.profile === 'groups' || groupsx;
  const groupNr = (p, ns) => (p ? p.threads[0].nrIn(ns) : 0);
  const childrenOf = (p) => procs().filter((q) => q.parentThread && q.parentThread.proc === p && !q.reaped);
  // a pid as T sees it: a child's, its own, another process's, or a small number
  function somePid(T) {
    const r = rnd();
    if (!real(T)) return ri(0, 9);
    const kids = childrenOf(T.proc);
    if (r < 0.25) return 0;
    if (r < 0.7 && kids.length) return pick(kids).threads[0].nrIn(T.proc.ns) || ri(2, 9);
    if (r < 0.85) { const v = visiblePids(T); return v.length ? pick(v) : ri(1, 9); }
    return pickW([[4, ri(1, 12)], [1, -ri(1, 3)]]);
  }
  // a group id as T sees it: of a live group of its session mostly
  function someGroup(T) {
    if (!real(T)) return ri(1, 9);
    const gs = [...new Set(procs().filter((q) => !q.reaped && q.pg).map((q) => q.pg))];
    const same = gs.filter((g) => procs().some((q) => !q.reaped && q.pg === g && q.sid === T.proc.sid));
    const g = chance(0.8) && same.length ? pick(same) : gs.length ? pick(gs) : null;
    const nr = groupNr(g, T.proc.ns);
    return nr || ri(1, 9);
  }
  function procByNr(T, nr) {
    const u = threads.find((x) => !x.proc.reaped && x.nrIn(T.proc.ns) === nr);
    return u || null;
  }
  function genSetsid() {
    const T = actor();
    emit(`setsid ${nameOf(T, anyName())}`);
    outsideParentAttempt = true;
    if (!real(T) || !T.alive) return true;
    const p = T.proc;
    if (p.sessLeader || procs().some((q) => !q.reaped && q.pg === p)) return true;
    const oldPg = p.pg, oldSid = p.sid;
    p.pg = p.sid = p; p.sessLeader = true;
    releaseIfUnused(oldPg); releaseIfUnused(oldSid);
    return true;
  }
  function genSetpgid() {
    const T = actor();
    let pid = somePid(T);
    let pgid = pickW([[3, 0], [5, real(T) ? someGroup(T) : ri(1, 9)], [1, ri(1, 12)], [1, -ri(1, 2)]]);
    outsideParentAttempt = true;
    if (!real(T)) { emit(`setpgid ${T.name} ${pid} ${pgid}`); return true; }
    // the target as the model sees it
    const u = pid === 0 ? T.proc.threads[0] : procByNr(T, pid);
    const target = u ? u.proc : null;
    // never a namespace init into another group (a scenario error if it succeeds)
    if (target && target.nsInitOf && target !== initProc && pgid !== 0 && pgid !== pid) pgid = 0;
    emit(`setpgid ${T.name} ${pid} ${pgid}`);
    if (!T.alive || !target || pgid < 0 || u !== target.threads[0]) return true;
    const isChild = target.parentThread && target.parentThread.proc === T.proc;
    if (!isChild && target !== T.proc) return true;
    if (isChild && target.sid !== T.proc.sid) return true;
    if (target.sessLeader) return true;
    let to = target;
    if (pgid !== 0 && pgid !== pid) {
      const g = procs().find((q) => !q.reaped && q.pg && groupNr(q.pg, T.proc.ns) === pgid && q.sid === T.proc.sid);
      if (!g) return true;
      to = g.pg;
    }
    const old = target.pg;
    target.pg = to;
    releaseIfUnused(old);
    return true;
  }
  function genGetIds() {
    const T = actor(0.9);
    emit(`${chance(0.6) ? 'getpgid' : 'getsid'} ${nameOf(T, anyName())} ${somePid(T)}`);
    return true;
  }
  function genSubreaper() {
    const T = actor();
    if (chance(0.25)) { emit(`subreaper ${nameOf(T, anyName())}`); return true; }
    const on = chance(0.8) ? 1 : 0;
    emit(`subreaper ${nameOf(T, anyName())} ${on}`);
    if (real(T) && T.alive) T.proc.subreaper = on === 1;
    return true;
  }
  function genGroupKill() {
    const T = actor();
    let sig = pickW([[3, 0], [3, 9], [4, 15]]);
    if (sig === 9 && dangerNsInitEnd()) sig = pick([0, 15]);
    const pid = chance(0.3) ? 0 : -someGroup(T);
    emit(`kill ${nameOf(T, anyName())} ${pid} ${sig}`);
    if (!real(T) || !T.alive || sig === 0) return true;
    const others = procs().filter((p) => p.alive && !isInitProc(p));
    if (others.reduce((n, p) => n + threadsWithChildren(p), 0) >= 2) tainted = true;
    const sender = T.proc;
    const victims = procs().filter((p) => !p.reaped && p.alive && !isInitProc(p) &&
      (pid === 0 ? p.pg === sender.pg : p.pg && groupNr(p.pg, sender.ns) === -pid));
    for (const p of victims) {
      if (p.nsInitOf && (sig !== 9 || p.nsInitOf.isAncestorOrSelfOf(sender.ns))) continue;
      procDies(p);
    }
    return true;
  }
  function genGroupWait() {
    if (tainted && !UNSAFE) return false;
    const T = actor();
    const pidPart = chance(0.4) ? '0' : String(-someGroup(T));
    emit(`wait ${nameOf(T, anyName())} ${pidPart}`);
    if (!real(T) || !T.alive) return true;
    const g = pidPart === '0' ? T.proc.pg : null;
    const kids = childrenOf(T.proc).filter((q) => !q.alive && (g ? q.pg === g : q.pg && groupNr(q.pg, T.proc.ns) === -Number(pidPart)));
    if (kids.length === 1) reap(kids[0]);
    return true;
  }
  // Episode: a process that leads a group with members (or a subreaper with
  // children or adoptees) dies before them.
  function genLeaderDies() {
    const leaders = procs().filter((p) => p.alive && !isInitProc(p) && !p.nsInitOf &&
      (procs().some((q) => q !== p && !q.reaped && q.pg === p) || (p.subreaper && childrenOf(p).length)));
    if (!leaders.length) return false;
    const p = pick(leaders);
    const T = p.live()[0];
    if (!T) return false;
    if (threadsWithChildren(p) >= 2) tainted = true;
    emit(`exit ${T.name} ${genCode()}`);
    procDies(p);
    return true;
  }
  // Episode: a subreaper with a chain below it, a group led by the middle.
  function genEpisode() {
    const P = actor(1);
    if (!real(P) || !P.alive || (P.proc.nsInitOf && P.proc.nsInitOf !== root && dangerNsInitEnd())) return false;
    const s = newName(); names.push(s);
    emit(`${s} = fork ${P.name}`); genCreateModel(P, s, new Set(), null);
    const S = byName.get(s);
    if (!S) return true;
    emit(`subreaper ${s} 1`); S.proc.subreaper = true;
    const a = newName(); names.push(a);
    emit(`${a} = fork ${s}`); genCreateModel(S, a, new Set(), null);
    const A = byName.get(a);
    if (!A) return true;
    emit(`setpgid ${s} ${A.nrIn(S.proc.ns)} 0`); outsideParentAttempt = true;
    A.proc.pg = A.proc;
    const n = ri(1, 3);
    for (let i = 0; i < n; i++) {
      const b = newName(); names.push(b);
      emit(`${b} = fork ${a}`); genCreateModel(A, b, new Set(), null);
    }
    return true;
  }

  // small pid_max early in some scenarios so wraps and exhaustion happen
  if (profile.smallPidMax) {
    const where = chance(0.5) ? 'init' : null;
    if (where) {
      const v = ri(301, 312);
      emit(`pidmax init ${v}`); root.pidMax = v;
      if (chance(0.7)) { const l = v - ri(1, 6); emit(`lastpid init ${l}`); root.cursor = l + 1; }
    }
  }

  const thr = args.profile === 'threads';
  if (thr) profile.threads = true;
  const churn = args.profile === 'churn';
  if (churn) {
    profile.smallPidMax = true;
    // churn: small pid_max at every level, many forks, exits and reaps
    return churnScenario();
  }
  const table = groups ? [
    [14, () => genCreate('fork')],
    [4, () => (profile.threads ? genCreate('thread') : false)],
    [4, () => genCreate(pick(['clone', 'clone']))],
    [6, genSetsid],
    [12, genSetpgid],
    [6, genGetIds],
    [6, genSubreaper],
    [5, genEpisode],
    [5, genLeaderDies],
    [5, () => genExit('exit')],
    [2, () => (profile.threads ? genExit('texit') : false)],
    [4, () => (profile.kills ? genKill() : false)],
    [5, () => (profile.kills ? genGroupKill() : false)],
    [8, genWait],
    [6, genGroupWait],
    [5, genRead],
    ...(groupsx ? [
      [4, () => (profile.setTid ? genCreate('clone3') : false)],
      [3, genUnshare],
      [4, genSetns],
      [3, genSysctl],
      [1, genSamens],
    ] : []),
  ] : [
    [14, () => genCreate('fork')],
    [thr ? 16 : 7, () => (profile.threads ? genCreate('thread') : false)],
    [thr ? 5 : 10, () => genCreate('clone')],
    [5, () => (profile.setTid ? genCreate('clone3') : false)],
    [thr ? 2 : 4, genUnshare],
    [thr ? 3 : 5, genSetns],
    [6, () => genExit('exit')],
    [thr ? 10 : 4, () => (profile.threads ? genExit('texit') : false)],
    [6, () => (profile.kills ? genKill() : false)],
    [thr ? 16 : 10, genWait],
    [8, genRead],
    [thr ? 3 : 6, genSysctl],
    [3, genSamens],
  ];
  let guard = 0;
  while (lines.length < len && guard++ < len * 50) {
    const f = pickW(table);
    f();
    // a new namespace with a small pid_max now and then
    if (profile.smallPidMax && chance(0.05)) {
      const nsInits = threads.filter((t) => t.alive && t.proc.nsInitOf && t.proc.nsInitOf !== root);
      if (nsInits.length) {
        const t = pick(nsInits);
        const v = ri(301, 310);
        emit(`pidmax ${t.name} ${v}`); t.proc.ns.pidMax = v;
        if (chance(0.7)) { const l = v - ri(1, 5); emit(`lastpid ${t.name} ${l}`); t.proc.ns.cursor = l + 1; }
      }
    }
  }
  return lines;
}

// ---------------------------------------------------------------- main
mkdirSync(args.out, { recursive: true });
for (let i = 0; i < args.count; i++) {
  const sseed = (args.seed * 100003 + i * 7919) >>> 0;
  rnd = mulberry32(sseed);
  const len = ri(args.min, args.len);
  const body = generate(len);
  const name = `${args.prefix}${args.seed}-${String(i).padStart(3, '0')}`;
  const head = [
    `# Random scenario ${name} (scripts/gen-scenarios.mjs --seed ${args.seed} --profile ${args.profile}, #${i}).`,
    '# Generated to exercise everything at once; recorded on the kernel and kept',
    '# only if its transcript was identical over 5 runs.',
  ];
  writeFileSync(join(args.out, `${name}.pidns`), [...head, ...body].join('\n') + '\n');
}
