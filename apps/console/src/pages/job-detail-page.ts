import { messageOf } from '../api-error.js';
import type { Job, SchedulerCluster } from '../api-types.js';
import { dataTable, emptyState } from '../components/data-table.js';
import { notice } from '../components/notice.js';
import { details, pageHeader, section } from '../components/page-header.js';
import { statusBadge, tag } from '../components/status-badge.js';
import { h, replace } from '../dom.js';
import { bytes, relativeTime, utcTime } from '../format.js';
import type { PeerProgress } from '../job-result.js';
import { failureReason, progressOf, resultOf } from '../job-result.js';
import type { Page } from '../page-context.js';
import { redactArgs } from '../preheat-args.js';
import { href } from '../router.js';
import { JOB_POLL_MS, isTerminal, jobTarget } from './jobs-page.js';

const STEPS = ['Queued', 'Running', 'Done'] as const;

/** Where the job stands: queued → running → done (succeeded or failed). */
function stepper(state: string): HTMLElement {
  const s = state.toLowerCase();
  const at = isTerminal(s) ? 2 : s === 'pending' ? 0 : 1;
  const failed = s === 'failure' || s === 'failed';
  return h(
    'ol',
    { class: 'stepper', 'aria-label': 'Progress' },
    STEPS.map((label, i) => {
      const cls = i < at ? 'step step-done' : i === at ? (failed ? 'step step-failed' : isTerminal(s) ? 'step step-done' : 'step step-current') : 'step';
      return h('li', { class: cls }, h('span', { class: 'step-mark', 'aria-hidden': 'true' }), i === 2 && isTerminal(s) ? (failed ? 'Failed' : 'Succeeded') : label);
    }),
  );
}

function progressBar(percent: number | undefined, failed: boolean): HTMLElement {
  const bar = h('div', { class: failed ? 'bar-fill bar-failed' : 'bar-fill' });
  // Width through the CSSOM (allowed under the CSP; a style attribute would not be).
  bar.style.width = `${percent ?? 0}%`;
  return h('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(percent ?? 0) }, bar);
}

export const jobDetailPage: Page = async (ctx) => {
  const id = Number(ctx.params[0]);
  if (!Number.isInteger(id) || id < 1) {
    location.hash = href('jobs');
    return;
  }
  const clusters = await ctx.api.list<SchedulerCluster>('/api/v1/scheduler-clusters');
  const clusterName = (cid: number) => clusters.items.find((c) => c.id === cid)?.name ?? `#${cid}`;
  const render = (job: Job, pollError?: string): void => {
    const result = resultOf(job.result);
    const failed = ['failure', 'failed'].includes(job.state.toLowerCase());
    const reason = failed ? (failureReason(result) ?? 'The job failed without a reason; see the manager log.') : undefined;
    const p = progressOf(result);
    replace(
      ctx.main,
      h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: href('jobs') }, 'Jobs'), ' / ', `#${job.id}`),
      pageHeader(`Job #${job.id}`, [tag(job.type), typeof job.args?.type === 'string' ? [' ', tag(job.args.type)] : null, ' ', statusBadge(job.state)]),
      pollError ? notice('error', `Could not refresh: ${pollError}`) : null,
      reason ? h('div', { class: 'notice notice-error', role: 'alert' }, h('strong', null, 'Why it failed: '), reason) : null,
      (result.warnings ?? []).map((w) => notice('info', w)),
      section(
        'Progress',
        stepper(job.state),
        h(
          'div',
          { class: 'progress-row' },
          progressBar(p.percent, failed),
          h('span', { class: 'progress-text' }, p.total === 0 ? (isTerminal(job.state) ? 'No tasks' : 'Waiting for targets…') : `${p.finished} of ${p.total} tasks done${p.failed > 0 ? `, ${p.failed} failed` : ''} · ${bytes(p.bytes)}`),
        ),
        isTerminal(job.state) ? null : h('p', { class: 'hint' }, `Refreshing every ${JOB_POLL_MS / 1000} s…`),
        details([
          ['Target', h('span', { class: 'mono' }, jobTarget(job))],
          ['Created', `${utcTime(job.created_at)} (${relativeTime(job.created_at, ctx.now())})`],
          ['Started', utcTime(result.started_at)],
          ['Finished', utcTime(result.finished_at)],
          ['Scheduler clusters', (job.scheduler_cluster_ids ?? []).length === 0 ? 'all' : (job.scheduler_cluster_ids ?? []).map((c) => tag(clusterName(c)))],
          ['Description', job.bio || '—'],
        ]),
      ),
      section(
        'Peers',
        dataTable<PeerProgress>({
          label: 'Peers of the job',
          rows: result.peers ?? [],
          empty: emptyState(isTerminal(job.state) ? 'No peers took part' : 'No peers yet', 'Peers appear once the manager has chosen the targets.'),
          columns: [
            { title: 'Peer', cell: (r) => r.hostname ?? '—' },
            { title: 'Address', kind: 'mono', cell: (r) => (r.ip === undefined ? '—' : `${r.ip}${r.port === undefined ? '' : `:${r.port}`}`) },
            { title: 'State', cell: (r) => (r.state ? statusBadge(r.state) : '—') },
            { title: 'Tasks', kind: 'num', cell: (r) => `${r.finished_tasks ?? 0} / ${r.total_tasks ?? 0}` },
            { title: 'Downloaded', kind: 'num', cell: (r) => bytes(r.downloaded_bytes ?? 0) },
            { title: 'Error', cell: (r) => (r.error ? h('span', { class: 'error-text' }, r.error) : '—') },
          ],
        }),
      ),
      h(
        'div',
        { class: 'grid-2' },
        section('Arguments', h('pre', { class: 'code' }, JSON.stringify(redactArgs(job.args), null, 2))),
        section('Result', job.result === undefined || job.result === null ? h('p', { class: 'hint' }, 'No result yet.') : h('pre', { class: 'code' }, JSON.stringify(job.result, null, 2))),
      ),
    );
  };

  let job = await ctx.api.get<Job>(`/api/v1/jobs/${id}`);
  if (ctx.signal.aborted) return;
  render(job);
  // Follow the job until it ends or the page is left.
  while (!isTerminal(job.state) && !ctx.signal.aborted) {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, JOB_POLL_MS);
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    });
    if (ctx.signal.aborted) return;
    try {
      job = await ctx.api.get<Job>(`/api/v1/jobs/${id}`);
      if (!ctx.signal.aborted) render(job);
    } catch (err) {
      if (!ctx.signal.aborted) render(job, messageOf(err));
    }
  }
};
