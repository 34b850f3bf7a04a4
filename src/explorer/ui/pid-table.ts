/**
 * View 2: struct pid, level by level. One row per unreleased task, one
 * column per pid namespace (grouped by level): the task's numbers[i].nr in
 * that namespace, blank where it has none. The namespace's init (★) and
 * child reaper (⚑) are marked; zombies and exiting tasks are styled; what
 * the step changed is highlighted. A click on a task shows its struct pid
 * as the core lays it out.
 */
import type { ExplorerView } from '../view.js';
import type { StructPidView, TaskRow } from '../snapshot.js';
import { h } from './dom.js';

export function nsLabel(id: number, level: number): string {
  return `pidns#${id} (level ${level})`;
}

const STATE_TEXT: Record<TaskRow['state'], string> = {
  running: '',
  exiting: 'exiting',
  'zap-wait': 'waiting in zap_pid_ns_processes',
  zombie: 'zombie',
};

export function pidTable(view: ExplorerView, chosen: string | null, onTask: (name: string) => void): HTMLElement {
  const { namespaces, tasks } = view.snapshot;
  const ch = view.changes;
  const cells = new Set(ch.cells);
  const head = h('tr', {},
    h('th', { scope: 'col' }, 'task'),
    namespaces.map((ns) => h('th', {
      scope: 'col',
      class: [ch.newNamespaces.includes(ns.id) ? 'changed' : '', ns.alive ? '' : 'dead-ns'].join(' ').trim() || null,
      'data-ns': ns.id,
    }, `pidns#${ns.id}`, h('br'), h('small', {}, `level ${ns.level}${ns.alive ? '' : ', dead'}`))),
    h('th', { scope: 'col', title: 'process group id and session id, as the task\'s own namespace sees them (getpgid(0), getsid(0))' }, 'pgid', h('br'), h('small', {}, 'sid')),
  );
  const rows = tasks.map((t) => {
    const cls = [`st-${t.state}`, ch.newTasks.includes(t.name) || ch.stateChanged.includes(t.name) ? 'changed-row' : '', t.name === chosen ? 'chosen' : '']
      .filter(Boolean).join(' ');
    const state = STATE_TEXT[t.state];
    return h('tr', { class: cls, 'data-task': t.name },
      h('th', { scope: 'row' },
        h('button', { type: 'button', class: 'task-btn', 'aria-pressed': t.name === chosen ? 'true' : 'false', onclick: () => onTask(t.name) }, t.name),
        t.isThread ? h('small', {}, ` thread of ${t.leader}`) : null,
        state ? h('small', { class: 'state' }, ` ${state}`) : null),
      namespaces.map((ns, i) => {
        const nr = t.numbers[i];
        const init = t.initOf.includes(ns.id) && nr !== null && t.name === t.leader;
        const reaper = t.reaperOf.includes(ns.id);
        const changed = cells.has(`${t.name}:${ns.id}`);
        return h('td', { class: changed ? 'changed' : null, 'data-ns': ns.id },
          nr === null ? '' : String(nr),
          init ? h('span', { class: 'mark', title: `init of pidns#${ns.id}` }, ' ★', h('span', { class: 'sr' }, ' init')) : null,
          reaper ? h('span', { class: 'mark', title: `child reaper of pidns#${ns.id}` }, ' ⚑', h('span', { class: 'sr' }, ' child reaper')) : null);
      }),
      h('td', { class: 'pgsid', 'data-col': 'pgsid', 'data-pgid': t.pgid, 'data-sid': t.sid },
        `${t.pgid || '–'} / ${t.sid || '–'}`,
        t.sessionLeader ? h('span', { class: 'mark', title: 'session leader (setsid)' }, ' §', h('span', { class: 'sr' }, ' session leader')) : null),
    );
  });
  return h('div', {},
    h('p', { class: 'dim small' }, 'Each task\'s number (struct pid numbers[i].nr) in every namespace it is visible in; blank where it is invisible. ★ the namespace\'s init, ⚑ its child reaper; zombies in italics. The last column: process group and session id as the task\'s own namespace sees them (– where they have no number there), § a session leader. Select a task to see its struct pid.'),
    h('div', { class: 'scroll' }, h('table', { id: 'pid-table', class: 'grid' },
      h('caption', {}, 'numbers[i].nr per task and namespace'),
      h('thead', {}, head),
      h('tbody', {}, rows))));
}

export function structPidPanel(sp: StructPidView | null, chosen: string | null): HTMLElement {
  if (sp === null) {
    return h('p', { id: 'struct-pid', class: 'dim' }, chosen ? `${chosen} has been released: its struct pid went back to its cache.` : 'Select a task in the table to see its struct pid.');
  }
  return h('div', { id: 'struct-pid', class: 'scroll' },
    h('table', { class: 'grid fields' },
      h('caption', {}, `struct pid of ${sp.task}, at byte ${sp.handle} of the core's memory: ${sp.size} bytes from the "${sp.cache}" cache (one slab cache per level)`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'field'), h('th', { scope: 'col' }, 'value'), h('th', { scope: 'col' }, 'meaning'))),
      h('tbody', {},
        h('tr', {}, h('th', { scope: 'row' }, 'count'), h('td', {}, sp.count), h('td', {}, 'references (the task, and waiters)')),
        h('tr', {}, h('th', { scope: 'row' }, 'level'), h('td', {}, sp.level), h('td', {}, 'depth of the namespace it was made in: numbers[0..level]')),
        h('tr', {}, h('th', { scope: 'row' }, 'tasks'), h('td', {}, sp.taskSlot), h('td', {}, 'the task it names (the model\'s id + 1)')),
        sp.numbers.map((n) => h('tr', { 'data-level': n.level },
          h('th', { scope: 'row' }, `numbers[${n.level}]`),
          h('td', {}, `nr ${n.nr}`),
          h('td', {}, n.ns === null ? `ns @${n.nsHandle}` : `ns = pidns#${n.ns} (@${n.nsHandle})`))))));
}
