import { messageOf } from '../api-error.js';
import type { Scheduler, SchedulerCluster } from '../api-types.js';
import { dataTable, emptyState } from '../components/data-table.js';
import { confirmDialog } from '../components/dialog.js';
import { select } from '../components/form-field.js';
import { PER_PAGE, pager } from '../components/pager.js';
import { pageHeader, section } from '../components/page-header.js';
import { statusBadge, tag } from '../components/status-badge.js';
import { h, replace } from '../dom.js';
import { relativeTime, utcTime } from '../format.js';
import type { Page } from '../page-context.js';
import { href, pageNumber, withQuery } from '../router.js';

export const schedulersPage: Page = async (ctx) => {
  const state = ctx.params[0] === 'active' || ctx.params[0] === 'inactive' ? ctx.params[0] : undefined;
  const page = pageNumber(ctx.query);
  const [schedulers, clusters] = await Promise.all([
    ctx.api.list<Scheduler>('/api/v1/schedulers', { state, page, per_page: PER_PAGE }),
    ctx.api.list<SchedulerCluster>('/api/v1/scheduler-clusters'),
  ]);
  if (ctx.signal.aborted) return;
  const clusterName = (id: number) => clusters.items.find((c) => c.id === id)?.name ?? `#${id}`;
  const filter = select(
    [
      ['', 'All states'],
      ['active', 'Active'],
      ['inactive', 'Inactive'],
    ],
    state ?? '',
    { 'aria-label': 'Filter by state', on: { change: (e: Event) => (location.hash = href('schedulers', ...((e.target as HTMLSelectElement).value ? [(e.target as HTMLSelectElement).value] : []))) } },
  );
  const remove = (s: Scheduler) =>
    void confirmDialog({ title: 'Remove scheduler', message: `Remove ${s.host_name} (${s.ip}) from the manager? It registers again if it is still running.`, confirm: 'Remove' }).then(async (yes) => {
      if (!yes) return;
      try {
        await ctx.api.delete(`/api/v1/schedulers/${s.id}`);
        ctx.toast('success', `Scheduler ${s.host_name} removed.`);
        ctx.reload();
      } catch (err) {
        ctx.toast('error', messageOf(err));
      }
    });
  replace(
    ctx.main,
    pageHeader('Schedulers', 'Schedulers keep a stream open to the manager; one that stops sending keepalives turns inactive.', filter),
    section(
      `${schedulers.total} scheduler${schedulers.total === 1 ? '' : 's'}`,
      dataTable({
        label: 'Schedulers',
        rows: schedulers.items,
        empty: emptyState(state ? `No ${state} schedulers` : 'No schedulers registered', 'Start a scheduler with manager.addr pointing here; it registers itself.'),
        columns: [
          { title: 'Host', cell: (s) => s.host_name },
          { title: 'Address', kind: 'mono', cell: (s) => `${s.ip}:${s.port}` },
          { title: 'Cluster', cell: (s) => h('a', { href: href('clusters', s.scheduler_cluster_id) }, clusterName(s.scheduler_cluster_id)) },
          { title: 'IDC / location', cell: (s) => [s.idc || '—', ' / ', s.location || '—'] },
          { title: 'Features', cell: (s) => s.features.map((f) => tag(f)) },
          { title: 'State', cell: (s) => statusBadge(s.state) },
          { title: 'Last keepalive', cell: (s) => h('span', { title: utcTime(s.last_keep_alive_at) }, relativeTime(s.last_keep_alive_at, ctx.now())) },
          ...(ctx.session.isRoot
            ? [{ title: '', kind: 'actions' as const, cell: (s: Scheduler) => (s.state === 'active' ? null : h('button', { type: 'button', class: 'btn btn-small btn-ghost-danger', on: { click: () => remove(s) } }, 'Remove')) }]
            : []),
        ],
      }),
      pager({ total: schedulers.total, page, hrefFor: (p) => withQuery(href('schedulers', ...(state ? [state] : [])), { page: p }) }),
    ),
  );
};
