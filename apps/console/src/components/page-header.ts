import type { Child } from '../dom.js';
import { h } from '../dom.js';

export function pageHeader(title: string, subtitle?: Child, ...actions: (HTMLElement | null)[]): HTMLElement {
  return h(
    'header',
    { class: 'page-head' },
    h('div', null, h('h1', null, title), subtitle ? h('p', { class: 'page-sub' }, subtitle) : null),
    h('div', { class: 'page-actions' }, actions),
  );
}

export function section(title: string, ...content: Child[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', { class: 'card-title' }, title), content);
}

export function loading(): HTMLElement {
  return h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Loading…');
}

export function button(label: string, onClick: () => void, kind: 'primary' | 'danger' | 'default' | 'ghost' = 'default', attrs: Record<string, unknown> = {}): HTMLButtonElement {
  return h('button', { type: 'button', class: kind === 'default' ? 'btn' : `btn btn-${kind}`, ...attrs, on: { click: () => onClick() } }, label);
}

/** Key/value grid for details. */
export function details(rows: readonly (readonly [string, Child])[]): HTMLElement {
  return h('dl', { class: 'details' }, rows.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}
