import type { Child } from '../dom.js';
import { h } from '../dom.js';

export interface Column<T> {
  title: string;
  cell: (row: T) => Child;
  /** 'num' right-aligns; 'actions' keeps buttons at the end; 'wrap' lets long text (descriptions) wrap. */
  kind?: 'num' | 'actions' | 'mono' | 'wrap';
}

/** A table in a horizontally scrolling frame (narrow screens), or the empty state when no rows. */
export function dataTable<T>(opts: { columns: Column<T>[]; rows: readonly T[]; empty: HTMLElement; label: string; rowHref?: (row: T) => string }): HTMLElement {
  if (opts.rows.length === 0) return opts.empty;
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data-table', 'aria-label': opts.label },
      h('thead', null, h('tr', null, opts.columns.map((c) => h('th', { class: c.kind ?? '', scope: 'col' }, c.title)))),
      h(
        'tbody',
        null,
        opts.rows.map((row) =>
          h(
            'tr',
            opts.rowHref === undefined ? null : { class: 'row-link' },
            opts.columns.map((c, i) => {
              const content = c.cell(row);
              // The first cell links the row (a real <a>, so keyboard and middle-click work).
              return h('td', { class: c.kind ?? '' }, i === 0 && opts.rowHref !== undefined ? h('a', { href: opts.rowHref(row) }, content) : content);
            }),
          ),
        ),
      ),
    ),
  );
}

export function emptyState(title: string, hint?: Child, action?: HTMLElement): HTMLElement {
  return h('div', { class: 'empty' }, h('div', { class: 'empty-icon', 'aria-hidden': 'true' }), h('p', { class: 'empty-title' }, title), hint ? h('p', { class: 'empty-hint' }, hint) : null, action ?? null);
}
