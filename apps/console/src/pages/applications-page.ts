import { messageOf } from '../api-error.js';
import type { Application } from '../api-types.js';
import { dataTable, emptyState } from '../components/data-table.js';
import { confirmDialog, openDialog } from '../components/dialog.js';
import { field, input, select } from '../components/form-field.js';
import { noticeSlot } from '../components/notice.js';
import { button, pageHeader, section } from '../components/page-header.js';
import { PER_PAGE, pager } from '../components/pager.js';
import { tag } from '../components/status-badge.js';
import { h, replace } from '../dom.js';
import { relativeTime } from '../format.js';
import type { Page, PageContext } from '../page-context.js';
import { href, pageNumber, withQuery } from '../router.js';

// common.v2.Priority LEVEL0 … LEVEL6 (upstream meanings).
const PRIORITIES: readonly (readonly [string, string])[] = [
  ['0', 'Level 0 — default'],
  ['1', 'Level 1 — forbidden to download'],
  ['2', 'Level 2 — back-to-source only'],
  ['3', 'Level 3 — highest P2P priority'],
  ['4', 'Level 4'],
  ['5', 'Level 5'],
  ['6', 'Level 6 — lowest'],
];

function applicationDialog(ctx: PageContext, app?: Application): void {
  const name = input({ required: true, maxlength: 255, props: { value: app?.name ?? '' } });
  const url = input({ type: 'url', maxlength: 1024, placeholder: 'https://…', props: { value: app?.url ?? '' } });
  const bio = input({ maxlength: 4096, props: { value: app?.bio ?? '' } });
  const priority = select(PRIORITIES, String(app?.priority.value ?? 0));
  const slot = noticeSlot();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, app ? 'Save' : 'Create application');
  const d = openDialog({
    title: app ? `Edit ${app.name}` : 'New application',
    body: h(
      'form',
      {
        on: {
          submit: (e) => {
            e.preventDefault();
            if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name.value.trim())) return slot.show('error', 'Name: letters, digits, "_", "." and "-".');
            const body = { name: name.value.trim(), url: url.value.trim(), bio: bio.value.trim(), priority: { value: Number(priority.value), urls: app?.priority.urls ?? [] } };
            submit.disabled = true;
            (app ? ctx.api.patch(`/api/v1/applications/${app.id}`, body) : ctx.api.post('/api/v1/applications', body)).then(
              () => {
                d.close();
                ctx.toast('success', app ? `Application ${body.name} saved.` : `Application ${body.name} created.`);
                ctx.reload();
              },
              (err: unknown) => {
                submit.disabled = false;
                slot.show('error', messageOf(err));
              },
            );
          },
        },
      },
      field('Name', name, 'Matches the application field dfget and the proxy send.'),
      field('URL', url),
      field('Description', bio),
      field('Priority', priority),
      slot.el,
      h('div', { class: 'form-actions' }, button('Cancel', () => d.close()), submit),
    ),
  });
}

export const applicationsPage: Page = async (ctx) => {
  const page = pageNumber(ctx.query);
  const apps = await ctx.api.list<Application>('/api/v1/applications', { page, per_page: PER_PAGE });
  if (ctx.signal.aborted) return;
  const root = ctx.session.isRoot;
  const remove = (a: Application) =>
    void confirmDialog({ title: 'Delete application', message: `Delete application ${a.name}?`, confirm: 'Delete' }).then(async (yes) => {
      if (!yes) return;
      try {
        await ctx.api.delete(`/api/v1/applications/${a.id}`);
        ctx.toast('success', `Application ${a.name} deleted.`);
        ctx.reload();
      } catch (err) {
        ctx.toast('error', messageOf(err));
      }
    });
  replace(
    ctx.main,
    pageHeader('Applications', 'Applications give downloads a priority by name or URL pattern.', root ? button('New application', () => applicationDialog(ctx), 'primary') : null),
    section(
      `${apps.total} application${apps.total === 1 ? '' : 's'}`,
      dataTable({
        label: 'Applications',
        rows: apps.items,
        empty: emptyState('No applications', root ? 'Create one to give its downloads a priority.' : 'None have been defined.'),
        columns: [
          { title: 'Name', cell: (a) => a.name },
          { title: 'URL', cell: (a) => (a.url ? h('span', { class: 'mono' }, a.url) : '—') },
          { title: 'Priority', cell: (a) => tag(`level ${a.priority.value}`) },
          { title: 'URL rules', kind: 'num', cell: (a) => (a.priority.urls ?? []).length },
          { title: 'Description', kind: 'wrap', cell: (a) => a.bio || '—' },
          { title: 'Created', cell: (a) => relativeTime(a.created_at, ctx.now()) },
          ...(root
            ? [
                {
                  title: '',
                  kind: 'actions' as const,
                  cell: (a: Application) => [
                    h('button', { type: 'button', class: 'btn btn-small', on: { click: () => applicationDialog(ctx, a) } }, 'Edit'),
                    h('button', { type: 'button', class: 'btn btn-small btn-ghost-danger', on: { click: () => remove(a) } }, 'Delete'),
                  ],
                },
              ]
            : []),
        ],
      }),
      pager({ total: apps.total, page, hrefFor: (p) => withQuery(href('applications'), { page: p }) }),
    ),
  );
};
