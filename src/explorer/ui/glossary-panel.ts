/** The glossary and the list of kernel checks a failed call links to. */
import { CHECKS, GLOSSARY } from '../glossary.js';
import { h } from './dom.js';

export function glossaryPanel(activeCheck: string | null): HTMLElement {
  return h('div', {},
    h('dl', { class: 'glossary' }, GLOSSARY.flatMap((g) => [h('dt', {}, g.term), h('dd', {}, g.text)])),
    h('h3', {}, 'The kernel checks a call can fail'),
    h('ul', { class: 'checks' }, CHECKS.map((c) => h('li', { id: `check-${c.key}`, class: c.key === activeCheck ? 'fired' : null }, h('code', {}, c.key), ' ', c.text))));
}
