/**
 * View 3: nsproxy per task. Each thread points to its active pid namespace
 * (task_active_pid_ns: fixed for life) and, through its nsproxy, to
 * pid_ns_for_children (where its next children go) and its other
 * namespaces. Drawn as arrows (SVG; a chooser picks pid or one of the other
 * nsproxy types: mnt, uts, ipc, net, cgroup) and as a table for screen readers.
 * A thread whose two pid arrows differ cannot make threads: copy_process
 * refuses CLONE_THREAD (why.ts CLONE_THREAD_PIDNS).
 */
import type { ExplorerView } from '../view.js';
import { h, s } from './dom.js';

const ROW = 30;

/** The namespace types drawn: pid (the two pid arrows) or one of the others of the nsproxy. */
export const NS_TYPES = ['pid', 'mnt', 'uts', 'ipc', 'net', 'cgroup'] as const;
export type NsType = (typeof NS_TYPES)[number];

/**
 * Which namespace type the arrows show: radio buttons (one tab stop, arrow
 * keys move between them, each announced with its meaning).
 */
export function nsTypeChooser(type: NsType, onChange: (t: NsType) => void): HTMLElement {
  const help: Record<NsType, string> = {
    pid: 'active pid namespace and pid_ns_for_children',
    mnt: 'mount namespace (nsproxy->mnt_ns)', uts: 'UTS namespace (nsproxy->uts_ns)', ipc: 'IPC namespace (nsproxy->ipc_ns)',
    net: 'network namespace (nsproxy->net_ns)', cgroup: 'cgroup namespace (nsproxy->cgroup_ns)',
  };
  return h('fieldset', { id: 'nstype-choice', class: 'nstype' },
    h('legend', {}, 'Arrows for the namespace type'),
    NS_TYPES.map((t) => h('label', { title: help[t] },
      h('input', { type: 'radio', name: 'nstype', value: t, checked: t === type,
        onchange: () => onChange(t) }), ` ${t}`)));
}

export function nsproxyArrows(view: ExplorerView, type: NsType = 'pid'): SVGElement {
  return type === 'pid' ? pidArrows(view) : otherArrows(view, type);
}

function defs(): SVGElement {
  return s('defs', {},
    s('marker', { id: 'head', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '6', markerHeight: '6', orient: 'auto-start-reverse' }, s('path', { d: 'M0 0 L10 5 L0 10 z', class: 'head' })),
    s('marker', { id: 'head-other', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '6', markerHeight: '6', orient: 'auto-start-reverse' }, s('path', { d: 'M0 0 L10 5 L0 10 z', class: 'head-other' })),
    s('marker', { id: 'head-bad', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '6', markerHeight: '6', orient: 'auto-start-reverse' }, s('path', { d: 'M0 0 L10 5 L0 10 z', class: 'head-bad' })));
}

function taskBoxes(view: ExplorerView, changed: Set<string>): SVGElement[] {
  return view.snapshot.tasks.map((t, i) => s('g', { class: `box task st-${t.state}${changed.has(t.name) ? ' changed' : ''}` },
    s('rect', { x: 2, y: 2 + i * ROW, width: 120, height: 22, rx: 4 }),
    s('text', { x: 8, y: 17 + i * ROW }, `${t.name}${t.isThread ? ' (thread)' : ''}`)));
}

/**
 * One other namespace type (mnt, uts, ipc, net, cgroup): each task's
 * nsproxy points to one namespace of that type. Only the namespaces some
 * live task's nsproxy holds are drawn (an exited task has no nsproxy).
 */
function otherArrows(view: ExplorerView, type: Exclude<NsType, 'pid'>): SVGElement {
  const { tasks } = view.snapshot;
  const changed = new Set(view.changes.nsproxy);
  const ids = [...new Set(tasks.flatMap((t) => (t.nsproxy ? [t.nsproxy[type]] : [])))].sort((a, b) => a - b);
  const rows = Math.max(tasks.length, ids.length, 1);
  const height = rows * ROW + 10;
  const gap = ids.length > 1 ? ((rows - 1) * ROW) / (ids.length - 1) : 0;
  const y0 = new Map(ids.map((id, i) => [id, 14 + i * gap]));
  const arrows: SVGElement[] = [];
  tasks.forEach((t, i) => {
    const y = 14 + i * ROW;
    const to = t.nsproxy ? y0.get(t.nsproxy[type]) : undefined;
    if (to === undefined || !t.nsproxy) return;
    arrows.push(s('path', {
      d: `M124 ${y} C 190 ${y}, 190 ${to}, 254 ${to}`, class: `arrow ${type}${changed.has(t.name) ? ' changed' : ''}`,
      'marker-end': 'url(#head-other)', 'data-arrow': `${t.name} ${type} ${t.nsproxy[type]}`,
    }));
  });
  return s('svg', { id: 'nsproxy-svg', 'data-type': type, viewBox: `0 0 400 ${height}`, role: 'img',
    'aria-label': `arrows from each task to its ${type} namespace (through its nsproxy): ` +
      tasks.map((t) => `${t.name} → ${t.nsproxy ? `${type}#${t.nsproxy[type]}` : 'none (exited)'}`).join(', ') },
  defs(), taskBoxes(view, changed),
  ids.map((id) => s('g', { class: 'box ns other' },
    s('rect', { x: 256, y: (y0.get(id) ?? 0) - 12, width: 140, height: 22, rx: 4 }),
    s('text', { x: 262, y: (y0.get(id) ?? 0) + 3 }, `${type}#${id}`))),
  arrows);
}

function pidArrows(view: ExplorerView): SVGElement {
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
  return s('svg', { id: 'nsproxy-svg', 'data-type': 'pid', viewBox: `0 0 400 ${height}`, role: 'img', 'aria-label': 'arrows from each task to its active pid namespace (solid) and its pid_ns_for_children (dashed); the table below says the same' },
    defs(), taskBoxes(view, changed),
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
