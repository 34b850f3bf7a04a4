/**
 * View 3: nsproxy per task. Each thread points to its active pid namespace
 * (task_active_pid_ns: fixed for life) and, through its nsproxy, to
 * pid_ns_for_children (where its next children go) and its other
 * namespaces. Drawn as arrows (SVG) and as a table for screen readers.
 * A thread whose two pid arrows differ cannot make threads: copy_process
 * refuses CLONE_THREAD (why.ts CLONE_THREAD_PIDNS).
 */
import type { ExplorerView } from '../view.js';
import { h, s } from './dom.js';

const ROW = 30;

export function nsproxyArrows(view: ExplorerView): SVGElement {
  const { tasks, namespaces } = view.snapshot;
  const changed = new Set(view.changes.nsproxy);
  // Tasks one a row on the left; namespaces spread over the same height on the right.
  const rows = Math.max(tasks.length, namespaces.length, 1);
  const height = rows * ROW + 10;
  const gap = namespaces.length > 1 ? ((rows - 1) * ROW) / (namespaces.length - 1) : 0;
  const nsY = new Map(namespaces.map((ns, i) => [ns.id, 14 + i * gap]));
  const arrows: SVGElement[] = [];
  tasks.forEach((t, i) => {
    const y = 14 + i * ROW;
    const active = nsY.get(t.pidns);
    const kids = t.nsproxy ? nsY.get(t.nsproxy.pidForChildren) : undefined;
    const cls = changed.has(t.name) ? ' changed' : '';
    if (active !== undefined) {
      arrows.push(s('path', { d: `M124 ${y - 3} C 190 ${y - 3}, 190 ${active - 3}, 254 ${active - 3}`, class: `arrow active${cls}`, 'marker-end': 'url(#head)', 'data-arrow': `${t.name} active ${t.pidns}` }));
    }
    if (kids !== undefined && t.nsproxy) {
      arrows.push(s('path', {
        d: `M124 ${y + 4} C 200 ${y + 4}, 200 ${kids + 4}, 254 ${kids + 4}`,
        class: `arrow children${t.straddles ? ' straddles' : ''}${cls}`, 'marker-end': t.straddles ? 'url(#head-bad)' : 'url(#head)',
        'data-arrow': `${t.name} children ${t.nsproxy.pidForChildren}`,
      }));
    }
  });
  return s('svg', { id: 'nsproxy-svg', viewBox: `0 0 400 ${height}`, role: 'img', 'aria-label': 'arrows from each task to its active pid namespace (solid) and its pid_ns_for_children (dashed); the table below says the same' },
    s('defs', {},
      s('marker', { id: 'head', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '6', markerHeight: '6', orient: 'auto-start-reverse' }, s('path', { d: 'M0 0 L10 5 L0 10 z', class: 'head' })),
      s('marker', { id: 'head-bad', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '6', markerHeight: '6', orient: 'auto-start-reverse' }, s('path', { d: 'M0 0 L10 5 L0 10 z', class: 'head-bad' }))),
    tasks.map((t, i) => s('g', { class: `box task st-${t.state}${changed.has(t.name) ? ' changed' : ''}` },
      s('rect', { x: 2, y: 2 + i * ROW, width: 120, height: 22, rx: 4 }),
      s('text', { x: 8, y: 17 + i * ROW }, `${t.name}${t.isThread ? ' (thread)' : ''}`))),
    namespaces.map((ns) => s('g', { class: `box ns${ns.alive ? '' : ' dead-ns'}` },
      s('rect', { x: 256, y: (nsY.get(ns.id) ?? 0) - 12, width: 140, height: 22, rx: 4 }),
      s('text', { x: 262, y: (nsY.get(ns.id) ?? 0) + 3 }, `pidns#${ns.id} · level ${ns.level}`))),
    arrows);
}

export function nsproxyTable(view: ExplorerView): HTMLElement {
  const changed = new Set(view.changes.nsproxy);
  return h('div', { class: 'scroll' },
    h('table', { id: 'nsproxy-table', class: 'grid' },
      h('caption', {}, 'nsproxy per task: the active pid namespace, where new children go (pid_ns_for_children), and the other namespace ids. A mismatch makes CLONE_THREAD fail.'),
      h('thead', {}, h('tr', {},
        ['task', 'active pid ns', 'pid_ns_for_children', 'mnt', 'uts', 'ipc', 'net', 'cgroup', 'shared by'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, view.snapshot.tasks.map((t) => {
        const p = t.nsproxy;
        return h('tr', { class: [changed.has(t.name) ? 'changed-row' : '', t.straddles ? 'straddles' : ''].filter(Boolean).join(' ') || null, 'data-task': t.name },
          h('th', { scope: 'row' }, t.name),
          h('td', { 'data-col': 'active' }, `→ pidns#${t.pidns}`),
          h('td', { 'data-col': 'children' }, p ? `→ pidns#${p.pidForChildren}` : '(exited: no nsproxy)',
            t.straddles ? h('strong', { class: 'bad' }, ' ≠ active: threads refused (EINVAL)') : null),
          p ? [p.mnt, p.uts, p.ipc, p.net, p.cgroup].map((n) => h('td', {}, `#${n}`)) : [1, 2, 3, 4, 5].map(() => h('td', {}, '')),
          h('td', {}, p ? `${p.shared} thread${p.shared === 1 ? '' : 's'}` : ''));
      }))));
}
