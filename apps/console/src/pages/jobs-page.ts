import { isMissingEndpoint } from '../api-error.js';
import type { Job, SchedulerCluster } from '../api-types.js';
import { dataTable, emptyState } from '../components/data-table.js';
import { select } from '../components/form-field.js';
import { notice } from '../components/notice.js';
import { PER_PAGE, pager } from '../components/pager.js';
import { button, pageHeader, section } from '../components/page-header.js';
import { statusBadge, tag } from '../components/status-badge.js';
import { h, replace } from '../dom.js';
import { relativeTime, shortTarget, utcTime } from '../format.js';
import type { Page } from '../page-context.js';
import { href, pageNumber, withQuery } from '../router.js';
import { preheatDialog } from './preheat-dialog.js';

/** Poll period while some job is still running (ms). */
export const JOB_POLL_MS = 2_000;
const TERMINAL = new Set(['success', 'succeeded', 'failure', 'failed']);
export const isTerminal = (state: string): boolean => TERMINAL.has(state.toLowerCase());

/** The URL (or first of several) a job works on, for the listing. */
export function jobTarget(job: Job): string {
  const a = job.args ?? {};
  const more = Array.isArray(a.urls) ? a.urls.length : 0;
  if (typeof a.url === 'string' && a.url !== '') return more > 0 ? `${a.url} (+${more})` : a.url;
  if (typeof a.task_id === 'string' && a.task_id !== '') return `task ${a.task_id}`;
  return '—';
}

export const jobsPage: Page = async (ctx) => {
  const state = ctx.params[0];
  const page = pageNumber(ctx.query);
  let jobs;
  try {
    jobs = await ctx.api.list<Job>('/api/v1/jobs', { state: state?.toUpperCase(), page, per_page: PER_PAGE });
  } catch (err) {
    if (!isMissingEndpoint(err)) throw err;
    replace(ctx.main, pageHeader('Jobs'), notice('info', 'This manager does not offer the jobs API (/api/v1/jobs), so preheat jobs cannot be created or listed here.'));
    return;
  }
  const clusters = await ctx.api.list<SchedulerCluster>('/api/v1/scheduler-clusters');
  if (ctx.signal.aborted) return;
  const filter = select(
    [
      ['', 'All states'],
      ['pending', 'Pending'],
      ['running', 'Running'],
      ['success', 'Succeeded'],
      ['failure', 'Failed'],
    ],
    state ?? '',
    { 'aria-label': 'Filter by state', on: { change: (e: Event) => (location.hash = href('jobs', ...((e.target as HTMLSelectElement).value ? [(e.target as HTMLSelectElement).value] : []))) } },
  );
  const create = ctx.session.isRoot ? button('New preheat', () => preheatDialog(ctx, clusters.items), 'primary') : null;
  replace(
    ctx.main,
    pageHeader('Jobs', 'Preheat puts images and files into seed peers (or every peer) before they are needed.', filter, create),
    section(
      `${jobs.total} job${jobs.total === 1 ? '' : 's'}`,
      dataTable({
        label: 'Jobs',
        rows: jobs.items,
        rowHref: (j) => href('jobs', j.id),
        empty: emptyState(state ? `No ${state} jobs` : 'No jobs yet', ctx.session.isRoot ? 'Start one with “New preheat”.' : 'Jobs started by administrators appear here.'),
        columns: [
          { title: 'Job', cell: (j) => `#${j.id}` },
          { title: 'Type', cell: (j) => [tag(j.type), typeof j.args?.type === 'string' ? [' ', tag(j.args.type)] : null] },
          {
            title: 'Target',
            cell: (j) => {
              const url = typeof j.args?.url === 'string' ? j.args.url : undefined;
              const more = Array.isArray(j.args?.urls) ? j.args.urls.length : 0;
              return url === undefined
                ? jobTarget(j)
                : [h('span', { class: 'strong', title: url }, shortTarget(url), more > 0 ? ` +${more}` : ''), h('span', { class: 'sub mono truncate', title: url }, URL.canParse(url) ? new URL(url).host : '')];
            },
          },
          { title: 'State', cell: (j) => statusBadge(j.state) },
          { title: 'Created', cell: (j) => h('span', { title: utcTime(j.created_at) }, relativeTime(j.created_at, ctx.now())) },
          { title: 'Updated', cell: (j) => relativeTime(j.updated_at, ctx.now()) },
        ],
      }),
      pager({ total: jobs.total, page, hrefFor: (p) => withQuery(href('jobs', ...(state ? [state] : [])), { page: p }) }),
    ),
  );
  // Keep the list current while anything runs; stops when the page is left.
  if (jobs.items.some((j) => !isTerminal(j.state))) {
    const t = setTimeout(() => ctx.reload(), JOB_POLL_MS * 2);
    ctx.signal.addEventListener('abort', () => clearTimeout(t));
  }
};
