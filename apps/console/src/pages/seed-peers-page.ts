import { messageOf } from '../api-error.js';
import type { SeedPeer, SeedPeerCluster } from '../api-types.js';
import { dataTable, emptyState } from '../components/data-table.js';
import { confirmDialog } from '../components/dialog.js';
import { pageHeader, section } from '../components/page-header.js';
import { PER_PAGE, pager } from '../components/pager.js';
import { statusBadge, tag } from '../components/status-badge.js';
import { h, replace } from '../dom.js';
import { relativeTime, utcTime } from '../format.js';
import type { Page } from '../page-context.js';
import { href, pageNumber, withQuery } from '../router.js';

export const seedPeersPage: Page = async (ctx) => {
  const page = pageNumber(ctx.query);
  const [seedPeers, clusters] = await Promise.all([ctx.api.list<SeedPeer>('/api/v1/seed-peers', { page, per_page: PER_PAGE }), ctx.api.list<SeedPeerCluster>('/api/v1/seed-peer-clusters')]);
  if (ctx.signal.aborted) return;
  const clusterName = (id: number) => clusters.items.find((c) => c.id === id)?.name ?? `#${id}`;
  const remove = (s: SeedPeer) =>
    void confirmDialog({ title: 'Remove seed peer', message: `Remove ${s.host_name} (${s.ip}) from the manager?`, confirm: 'Remove' }).then(async (yes) => {
      if (!yes) return;
      try {
        await ctx.api.delete(`/api/v1/seed-peers/${s.id}`);
        ctx.toast('success', `Seed peer ${s.host_name} removed.`);
        ctx.reload();
      } catch (err) {
        ctx.toast('error', messageOf(err));
      }
    });
  replace(
    ctx.main,
    pageHeader('Seed peers', 'Seed peers download from the source first so that other peers find a parent.'),
    section(
      `${seedPeers.total} seed peer${seedPeers.total === 1 ? '' : 's'}`,
      dataTable({
        label: 'Seed peers',
        rows: seedPeers.items,
        empty: emptyState('No seed peers registered', 'Start a dfdaemon with seedPeer.enable and manager.addr; it registers itself.'),
        columns: [
          { title: 'Host', cell: (s) => s.host_name },
          { title: 'Address', kind: 'mono', cell: (s) => `${s.ip}:${s.port}` },
          { title: 'Download port', kind: 'num', cell: (s) => s.download_port },
          { title: 'Type', cell: (s) => tag(s.type) },
          { title: 'Cluster', cell: (s) => clusterName(s.seed_peer_cluster_id) },
          { title: 'State', cell: (s) => statusBadge(s.state) },
          { title: 'Last keepalive', cell: (s) => h('span', { title: utcTime(s.last_keep_alive_at) }, relativeTime(s.last_keep_alive_at, ctx.now())) },
          ...(ctx.session.isRoot
            ? [{ title: '', kind: 'actions' as const, cell: (s: SeedPeer) => (s.state === 'active' ? null : h('button', { type: 'button', class: 'btn btn-small btn-ghost-danger', on: { click: () => remove(s) } }, 'Remove')) }]
            : []),
        ],
      }),
      pager({ total: seedPeers.total, page, hrefFor: (p) => withQuery(href('seed-peers'), { page: p }) }),
    ),
    section(
      'Seed peer clusters',
      dataTable({
        label: 'Seed peer clusters',
        rows: clusters.items,
        empty: emptyState('No seed peer clusters'),
        columns: [
          { title: 'Name', cell: (c) => c.name },
          { title: 'Description', kind: 'wrap', cell: (c) => c.bio || '—' },
          { title: 'Load limit', kind: 'num', cell: (c) => c.config.load_limit },
                    { title: 'Created', cell: (c) => relativeTime(c.created_at, ctx.now()) },
        ],
      }),
    ),
  );
};
