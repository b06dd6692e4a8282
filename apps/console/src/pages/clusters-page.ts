import { messageOf } from '../api-error.js';
import type { Scheduler, SchedulerCluster, SeedPeerCluster } from '../api-types.js';
import { dataTable, emptyState } from '../components/data-table.js';
import { openDialog } from '../components/dialog.js';
import { noticeSlot } from '../components/notice.js';
import { button, pageHeader, section } from '../components/page-header.js';
import { tag } from '../components/status-badge.js';
import { h, replace } from '../dom.js';
import { relativeTime } from '../format.js';
import type { Page, PageContext } from '../page-context.js';
import { href } from '../router.js';
import { clusterForm } from './cluster-form.js';

function createClusterDialog(ctx: PageContext, seedPeerClusters: SeedPeerCluster[]): void {
  const form = clusterForm({ seedPeerClusters, readOnly: false });
  const slot = noticeSlot();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create cluster');
  const d = openDialog({
    title: 'New scheduler cluster',
    wide: true,
    body: h(
      'form',
      {
        on: {
          submit: (e) => {
            e.preventDefault();
            const v = form.value();
            if (!v.ok) return slot.show('error', v.error);
            submit.disabled = true;
            ctx.api.post<SchedulerCluster>('/api/v1/scheduler-clusters', v.body).then(
              (c) => {
                d.close();
                ctx.toast('success', `Cluster ${c.name} created.`);
                location.hash = href('clusters', c.id);
              },
              (err: unknown) => {
                submit.disabled = false;
                slot.show('error', messageOf(err));
              },
            );
          },
        },
      },
      form.el,
      slot.el,
      h('div', { class: 'form-actions' }, button('Cancel', () => d.close()), submit),
    ),
  });
}

export const clustersPage: Page = async (ctx) => {
  const [clusters, seedPeerClusters, schedulers] = await Promise.all([
    ctx.api.list<SchedulerCluster>('/api/v1/scheduler-clusters'),
    ctx.api.list<SeedPeerCluster>('/api/v1/seed-peer-clusters'),
    ctx.api.list<Scheduler>('/api/v1/schedulers'),
  ]);
  if (ctx.signal.aborted) return;
  const create = ctx.session.isRoot ? button('New cluster', () => createClusterDialog(ctx, seedPeerClusters.items), 'primary') : null;
  const spcName = (id: number) => seedPeerClusters.items.find((s) => s.id === id)?.name ?? `#${id}`;
  replace(
    ctx.main,
    pageHeader('Scheduler clusters', 'Each cluster groups schedulers and the seed peer clusters they use, with the limits peers receive.', create),
    section(
      `${clusters.total} cluster${clusters.total === 1 ? '' : 's'}`,
      dataTable({
        label: 'Scheduler clusters',
        rows: clusters.items,
        rowHref: (c) => href('clusters', c.id),
        empty: emptyState('No scheduler clusters', ctx.session.isRoot ? 'Create the first one with “New cluster”.' : 'Ask an administrator to create one.'),
        columns: [
          { title: 'Name', cell: (c) => [c.name, c.is_default ? [' ', tag('default')] : null] },
          { title: 'Description', kind: 'wrap', cell: (c) => c.bio || '—' },
          { title: 'Schedulers', kind: 'num', cell: (c) => schedulers.items.filter((s) => s.scheduler_cluster_id === c.id).length },
          { title: 'Seed peer clusters', cell: (c) => ((c.seed_peer_cluster_ids ?? []).length === 0 ? '—' : (c.seed_peer_cluster_ids ?? []).map((id) => tag(spcName(id)))) },
          { title: 'Candidate / filter parents', kind: 'num', cell: (c) => `${c.config.candidate_parent_limit} / ${c.config.filter_parent_limit}` },
          { title: 'Load limit', kind: 'num', cell: (c) => c.client_config.load_limit },
          { title: 'Updated', cell: (c) => relativeTime(c.updated_at, ctx.now()) },
        ],
      }),
    ),
  );
};
