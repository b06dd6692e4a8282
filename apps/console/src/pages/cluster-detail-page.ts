import { messageOf } from '../api-error.js';
import type { Scheduler, SchedulerCluster, SeedPeer, SeedPeerCluster } from '../api-types.js';
import { dataTable, emptyState } from '../components/data-table.js';
import { confirmDialog } from '../components/dialog.js';
import { noticeSlot } from '../components/notice.js';
import { button, pageHeader, section } from '../components/page-header.js';
import { statusBadge, tag } from '../components/status-badge.js';
import { h, replace } from '../dom.js';
import { relativeTime } from '../format.js';
import type { Page } from '../page-context.js';
import { href } from '../router.js';
import { clusterForm } from './cluster-form.js';

export const clusterDetailPage: Page = async (ctx) => {
  const id = Number(ctx.params[0]);
  if (!Number.isInteger(id) || id < 1) {
    location.hash = href('clusters');
    return;
  }
  const [cluster, seedPeerClusters, schedulers] = await Promise.all([
    ctx.api.get<SchedulerCluster>(`/api/v1/scheduler-clusters/${id}`),
    ctx.api.list<SeedPeerCluster>('/api/v1/seed-peer-clusters'),
    ctx.api.list<Scheduler>('/api/v1/schedulers', { scheduler_cluster_id: id }),
  ]);
  const linked = cluster.seed_peer_cluster_ids ?? [];
  const seedPeers = (await Promise.all(linked.map((spc) => ctx.api.list<SeedPeer>('/api/v1/seed-peers', { seed_peer_cluster_id: spc })))).flatMap((l) => l.items);
  if (ctx.signal.aborted) return;

  const root = ctx.session.isRoot;
  const form = clusterForm({ cluster, seedPeerClusters: seedPeerClusters.items, readOnly: !root });
  const slot = noticeSlot();
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save changes');
  const remove = root
    ? button(
        'Delete cluster',
        () =>
          void confirmDialog({ title: 'Delete cluster', message: `Delete scheduler cluster ${cluster.name}? Its schedulers must be removed first.`, confirm: 'Delete' }).then(async (yes) => {
            if (!yes) return;
            try {
              await ctx.api.delete(`/api/v1/scheduler-clusters/${id}`);
              ctx.toast('success', `Cluster ${cluster.name} deleted.`);
              location.hash = href('clusters');
            } catch (err) {
              slot.show('error', messageOf(err));
            }
          }),
        'danger',
      )
    : null;

  const configCard = section(
    'Configuration',
    h(
      'form',
      {
        'aria-label': 'Cluster configuration',
        on: {
          submit: (e) => {
            e.preventDefault();
            const v = form.value();
            if (!v.ok) return slot.show('error', v.error);
            save.disabled = true;
            ctx.api.patch<SchedulerCluster>(`/api/v1/scheduler-clusters/${id}`, v.body).then(
              () => {
                save.disabled = false;
                slot.show('success', 'Saved. Schedulers pick the new configuration up on their next refresh.');
              },
              (err: unknown) => {
                save.disabled = false;
                slot.show('error', messageOf(err));
              },
            );
          },
        },
      },
      form.el,
      slot.el,
      root ? h('div', { class: 'form-actions' }, save) : h('p', { class: 'hint' }, 'Read only: your role cannot change clusters.'),
    ),
  );

  replace(
    ctx.main,
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: href('clusters') }, 'Scheduler clusters'), ' / ', cluster.name),
    pageHeader(cluster.name, [cluster.bio || 'No description', cluster.is_default ? [' ', tag('default')] : null], remove),
    h(
      'div',
      { class: 'grid-2' },
      section(
        'Schedulers',
        dataTable({
          label: 'Schedulers of the cluster',
          rows: schedulers.items,
          empty: emptyState('No schedulers in this cluster', 'Schedulers register themselves when they start with this cluster ID.'),
          columns: [
            { title: 'Host', cell: (s) => s.host_name },
            { title: 'Address', kind: 'mono', cell: (s) => `${s.ip}:${s.port}` },
            { title: 'State', cell: (s) => statusBadge(s.state) },
            { title: 'Last keepalive', cell: (s) => relativeTime(s.last_keep_alive_at, ctx.now()) },
          ],
        }),
      ),
      section(
        'Seed peers',
        dataTable({
          label: 'Seed peers of the cluster',
          rows: seedPeers,
          empty: emptyState('No seed peers', linked.length === 0 ? 'Link a seed peer cluster below.' : 'Seed peers register themselves when they start.'),
          columns: [
            { title: 'Host', cell: (s) => s.host_name },
            { title: 'Address', kind: 'mono', cell: (s) => `${s.ip}:${s.port}` },
            { title: 'Type', cell: (s) => s.type },
            { title: 'State', cell: (s) => statusBadge(s.state) },
          ],
        }),
      ),
    ),
    configCard,
  );
};
