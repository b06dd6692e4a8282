import { h } from '../dom.js';

/** Rows per page on paged listings. */
export const PER_PAGE = 25;

/** "Showing 26–50 of 120" with previous/next links; nothing when everything fits on one page. */
export function pager(opts: { total: number; page: number; perPage?: number; hrefFor: (page: number) => string }): HTMLElement | null {
  const per = opts.perPage ?? PER_PAGE;
  const last = Math.max(1, Math.ceil(opts.total / per));
  if (opts.total <= per && opts.page === 1) return null;
  const from = Math.min(opts.total, (opts.page - 1) * per + 1);
  const to = Math.min(opts.total, opts.page * per);
  const link = (label: string, page: number, enabled: boolean) =>
    enabled ? h('a', { class: 'btn btn-small', href: opts.hrefFor(page), rel: label === 'Previous' ? 'prev' : 'next' }, label) : h('span', { class: 'btn btn-small', 'aria-disabled': 'true' }, label);
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    h('span', { class: 'pager-info' }, opts.total === 0 ? 'Nothing on this page' : `Showing ${from}–${to} of ${opts.total}`),
    h('span', { class: 'pager-links' }, link('Previous', opts.page - 1, opts.page > 1), link('Next', opts.page + 1, opts.page < last)),
  );
}
