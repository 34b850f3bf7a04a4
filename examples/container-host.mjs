// A container host in a few calls: two containers (PID namespaces), a
// process joining one with setns, and what each namespace sees. Run it
// from a checkout after `npm run build`:  node examples/container-host.mjs
import { createKernelSync } from 'pidns/node';

const k = createKernelSync({ core: 'wasm' });
const show = (what, r) =>
  console.log(what.padEnd(34), r.ok ? (r.value === undefined ? 'ok' : JSON.stringify(r.value)) : `${r.errno} (${r.why})`);

const runtime = k.unwrap(k.fork(k.init));               // a container runtime, pid 2
const web = k.unwrap(k.clone(runtime, 'NEWPID'));        // container 1: its init
const db = k.unwrap(k.clone(runtime, 'NEWPID|NEWNET'));  // container 2, with its own network
const worker = k.unwrap(k.fork(web));                    // a process inside container 1

show('nspid web (root level first)', k.nspid(web));
show('nspid worker', k.nspid(worker));
show('getppid worker (its init)', k.getppid(worker));
show('getppid web (parent outside)', k.getppid(web));

// `docker exec`: the runtime enters container 2's PID namespace, then forks.
show('setns runtime -> db pid', k.setns(runtime, db, 'pid'));
show('thread runtime (refused)', k.thread(runtime));
const exec = k.unwrap(k.fork(runtime));
show('nspid exec (in container 2)', k.nspid(exec));

for (const ns of k.namespaces()) {
  const seen = k.tasksIn(ns.id).map((v) => `${v.tid}${v.tid === v.tgid ? '' : `(tgid ${v.tgid})`}`);
  console.log(`pidns#${ns.id} level ${ns.level}: sees ${seen.join(', ')}`);
}

// Container 1's init exits: the kernel kills everything in it (zap_pid_ns_processes).
show('exit web', k.exit(web, 0));
show('wait runtime (reaps web)', k.wait(runtime));
show('nspid worker (gone)', k.nspid(worker));
