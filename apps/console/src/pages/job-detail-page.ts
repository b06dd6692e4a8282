import { messageOf } from '../api-error.js';
import type { Job } from '../api-types.js';
import { dataTable, emptyState } from '../components/data-table.js';
import { notice } from '../components/notice.js';
import { details, pageHeader, section } from '../components/page-header.js';
import { statusBadge, tag } from '../components/status-badge.js';
import type { Child } from '../dom.js';
import { h, replace } from '../dom.js';
import { relativeTime, utcTime } from '../format.js';
import type { Page } from '../page-context.js';
import { redactArgs } from '../preheat-args.js';
import { href } from '../router.js';
import { JOB_POLL_MS, isTerminal, jobTarget } from './jobs-page.js';

const STEPS = ['pending', 'running', 'done'] as const;

/** Where the job stands: pending → running → done (success or failure). */
function stepper(state: string): HTMLElement {
  const s = state.toLowerCase();
  const at = isTerminal(s) ? 2 : s === 'pending' || s === 'received' ? 0 : 1;
  const failed = s === 'failure' || s === 'failed';
  return h(
    'ol',
    { class: 'stepper', 'aria-label': 'Progress' },
    STEPS.map((step, i) =>
      h(
        'li',
        { class: i < at ? 'step step-done' : i === at ? (failed ? 'step step-failed' : isTerminal(s) ? 'step step-done' : 'step step-current') : 'step' },
        h('span', { class: 'step-mark', 'aria-hidden': 'true' }),
        i === 2 ? (isTerminal(s) ? (failed ? 'Failed' : 'Succeeded') : 'Done') : step === 'pending' ? 'Queued' : 'Running',
      ),
    ),
  );
}

interface TaskResult {
  url?: string;
  task_id?: string;
  hostname?: string;
  host_name?: string;
  ip?: string;
  description?: string;
  error?: string;
  state?: string;
}

/** Reads the per-host outcome lists whatever the exact result shape (upstream: success_tasks / failure_tasks). */
function resultTables(result: unknown, now: number): Child[] {
  if (typeof result !== 'object' || result === null) return [];
  const r = result as Record<string, unknown>;
  const out: Child[] = [];
  const table = (title: string, rows: TaskResult[], failed: boolean) =>
    section(
      `${title} (${rows.length})`,
      dataTable({
        label: title,
        rows,
        empty: emptyState('None'),
        columns: [
          { title: 'Host', cell: (t) => t.hostname ?? t.host_name ?? '—' },
          { title: 'IP', kind: 'mono', cell: (t) => t.ip ?? '—' },
          { title: 'URL', cell: (t) => h('span', { class: 'mono truncate', title: t.url ?? '' }, t.url ?? '—') },
          ...(failed ? [{ title: 'Why', cell: (t: TaskResult) => h('span', { class: 'error-text' }, t.description ?? t.error ?? '—') }] : []),
        ],
      }),
    );
  void now;
  for (const [key, title, failed] of [
    ['success_tasks', 'Succeeded', false],
    ['failure_tasks', 'Failed', true],
  ] as const) {
    const rows = r[key];
    if (Array.isArray(rows)) out.push(table(title, rows as TaskResult[], failed));
  }
  return out;
}

/** The most specific failure reason the job carries. */
export function failureReason(job: Job): string | undefined {
  const r = (typeof job.result === 'object' && job.result !== null ? job.result : {}) as Record<string, unknown>;
  for (const v of [job.error, job.message, r.error, r.message, r.reason]) if (typeof v === 'string' && v.trim() !== '') return v.trim();
  const failures = r.failure_tasks;
  if (Array.isArray(failures) && failures.length > 0) {
    const first = failures[0] as TaskResult;
    return `${failures.length} task${failures.length === 1 ? '' : 's'} failed; first: ${first.description ?? first.error ?? 'no reason given'}`;
  }
  return undefined;
}

export const jobDetailPage: Page = async (ctx) => {
  const id = Number(ctx.params[0]);
  if (!Number.isInteger(id) || id < 1) {
    location.hash = href('jobs');
    return;
  }
  const render = (job: Job, pollError?: string): void => {
    const failed = ['failure', 'failed'].includes(job.state.toLowerCase());
    const reason = failed ? (failureReason(job) ?? 'The job failed without a reason; see the manager and scheduler logs.') : undefined;
    replace(
      ctx.main,
      h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: href('jobs') }, 'Jobs'), ' / ', `#${job.id}`),
      pageHeader(`Job #${job.id}`, [tag(job.type), ' ', statusBadge(job.state)]),
      pollError ? notice('error', `Could not refresh: ${pollError}`) : null,
      reason ? h('div', { class: 'notice notice-error', role: 'alert' }, h('strong', null, 'Why it failed: '), reason) : null,
      section(
        'Progress',
        stepper(job.state),
        isTerminal(job.state) ? null : h('p', { class: 'hint' }, `Refreshing every ${JOB_POLL_MS / 1000} s…`),
        details([
          ['Target', h('span', { class: 'mono' }, jobTarget(job))],
          ['Created', `${utcTime(job.created_at)} (${relativeTime(job.created_at, ctx.now())})`],
          ['Updated', `${utcTime(job.updated_at)} (${relativeTime(job.updated_at, ctx.now())})`],
          ['Scheduler clusters', (job.scheduler_cluster_ids ?? []).length === 0 ? 'all' : (job.scheduler_cluster_ids ?? []).map((c) => tag(`#${c}`))],
          ['Description', job.bio || '—'],
        ]),
      ),
      resultTables(job.result, ctx.now()),
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
