import type { ListResult } from '../api-client.js';
import { isMissingEndpoint } from '../api-error.js';
import type { Job, Peer, Scheduler, SchedulerCluster, SeedPeer } from '../api-types.js';
import { dataTable, emptyState } from '../components/data-table.js';
import { notice } from '../components/notice.js';
import { pageHeader, section } from '../components/page-header.js';
import { statusBadge, tag } from '../components/status-badge.js';
import { h, replace } from '../dom.js';
import { relativeTime } from '../format.js';
import type { Page } from '../page-context.js';
import { href } from '../router.js';

/** A listing that may not exist on this manager: undefined then. */
async function optional<T>(p: Promise<ListResult<T>>): Promise<ListResult<T> | undefined> {
  try {
    return await p;
  } catch (err) {
    if (isMissingEndpoint(err)) return undefined;
    throw err;
  }
}

function statCard(label: string, value: string, detail: string, link?: string): HTMLElement {
  const body = [h('p', { class: 'stat-label' }, label), h('p', { class: 'stat-value' }, value), h('p', { class: 'stat-detail' }, detail)];
  return link === undefined ? h('div', { class: 'stat' }, body) : h('a', { class: 'stat stat-link', href: link }, body);
}

export const overviewPage: Page = async (ctx) => {
  const { api } = ctx;
  const [clusters, schedulers, activeSchedulers, seedPeers, activeSeedPeers, peers, jobs] = await Promise.all([
    api.list<SchedulerCluster>('/api/v1/scheduler-clusters'),
    api.list<Scheduler>('/api/v1/schedulers'),
    api.list<Scheduler>('/api/v1/schedulers', { state: 'active', per_page: 1 }),
    api.list<SeedPeer>('/api/v1/seed-peers'),
    api.list<SeedPeer>('/api/v1/seed-peers', { state: 'active', per_page: 1 }),
    optional(api.list<Peer>('/api/v1/peers', { per_page: 1 })),
    optional(api.list<Job>('/api/v1/jobs', { per_page: 5 })),
  ]);
  if (ctx.signal.aborted) return;

  const cards = h(
    'div',
    { class: 'stats' },
    statCard('Scheduler clusters', String(clusters.total), `${clusters.items.filter((c) => c.is_default).length} default`, href('clusters')),
    statCard('Schedulers', `${activeSchedulers.total} / ${schedulers.total}`, 'active / registered', href('schedulers')),
    statCard('Seed peers', `${activeSeedPeers.total} / ${seedPeers.total}`, 'active / registered', href('seed-peers')),
    statCard('Peers', peers === undefined ? '—' : String(peers.total), peers === undefined ? 'not reported by this manager' : 'known to the schedulers'),
    statCard('Jobs', jobs === undefined ? '—' : String(jobs.total), jobs === undefined ? 'jobs API not available' : 'preheat and other jobs', jobs === undefined ? undefined : href('jobs')),
  );

  const perCluster = (id: number) => schedulers.items.filter((s) => s.scheduler_cluster_id === id);
  const clusterTable = dataTable({
    label: 'Scheduler clusters',
    rows: clusters.items,
    rowHref: (c) => href('clusters', c.id),
    empty: emptyState('No scheduler clusters yet', 'Create one on the Clusters page.'),
    columns: [
      { title: 'Cluster', cell: (c) => [c.name, c.is_default ? [' ', tag('default')] : null] },
      { title: 'Schedulers', kind: 'num', cell: (c) => `${perCluster(c.id).filter((s) => s.state === 'active').length} / ${perCluster(c.id).length}` },
      { title: 'Parents', kind: 'num', cell: (c) => c.config.candidate_parent_limit },
      { title: 'Load limit', kind: 'num', cell: (c) => c.client_config.load_limit },
    ],
  });

  const recentJobs =
    jobs === undefined
      ? notice('info', 'This manager does not offer the jobs API yet, so preheat jobs cannot be listed.')
      : dataTable({
          label: 'Recent jobs',
          rows: jobs.items,
          rowHref: (j) => href('jobs', j.id),
          empty: emptyState('No jobs yet', 'Preheat an image or a file on the Jobs page.'),
          columns: [
            { title: 'Job', cell: (j) => `#${j.id}` },
            { title: 'Type', cell: (j) => j.type },
            { title: 'State', cell: (j) => statusBadge(j.state) },
            { title: 'Created', cell: (j) => relativeTime(j.created_at, ctx.now()) },
          ],
        });

  replace(
    ctx.main,
    pageHeader('Overview', `Signed in as ${ctx.session.user?.name ?? ''}`),
    cards,
    h('div', { class: 'grid-2' }, section('Scheduler clusters', clusterTable), section('Recent jobs', recentJobs)),
  );
};

