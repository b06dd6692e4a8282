import { messageOf } from '../api-error.js';
import type { PersonalAccessToken } from '../api-types.js';
import { dataTable, emptyState } from '../components/data-table.js';
import { confirmDialog, openDialog } from '../components/dialog.js';
import { checkbox, field, input, select } from '../components/form-field.js';
import { noticeSlot } from '../components/notice.js';
import { button, pageHeader, section } from '../components/page-header.js';
import { PER_PAGE, pager } from '../components/pager.js';
import { statusBadge, tag } from '../components/status-badge.js';
import { h, replace } from '../dom.js';
import { relativeTime, utcTime } from '../format.js';
import type { Page, PageContext } from '../page-context.js';
import { href, pageNumber, withQuery } from '../router.js';

const DAY_MS = 86_400_000;

/** Shows the new token once, with a copy button; it is never shown again. */
function showTokenOnce(ctx: PageContext, token: PersonalAccessToken): void {
  const value = h('input', { class: 'mono secret', readonly: true, 'aria-label': 'New token', props: { value: token.token ?? '' } });
  const copied = noticeSlot();
  const d = openDialog({
    title: 'Token created',
    onClose: () => ctx.reload(),
    body: [
      h('p', { class: 'dialog-text' }, `Copy the token for ${token.name} now. It is stored only as a hash and cannot be shown again.`),
      h(
        'div',
        { class: 'copy-row' },
        value,
        button('Copy', () => {
          value.select();
          navigator.clipboard.writeText(value.value).then(
            () => copied.show('success', 'Copied to the clipboard.'),
            () => copied.show('info', 'Select the token and copy it by hand.'),
          );
        }),
      ),
      copied.el,
      h('div', { class: 'form-actions' }, button('Done', () => d.close(), 'primary')),
    ],
  });
  value.select();
}

function createTokenDialog(ctx: PageContext): void {
  const name = input({ required: true, maxlength: 255, placeholder: 'ci-preheat' });
  const bio = input({ maxlength: 4096, placeholder: 'What uses it' });
  const job = checkbox('job — create and read jobs (/oapi/v1/jobs)', true);
  const cluster = checkbox('cluster — manage clusters (/oapi/v1/clusters)', false);
  const days = select(
    [
      ['7', '7 days'],
      ['30', '30 days'],
      ['90', '90 days'],
      ['365', '1 year'],
    ],
    '30',
  );
  const slot = noticeSlot();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create token');
  const d = openDialog({
    title: 'New personal access token',
    body: h(
      'form',
      {
        on: {
          submit: (e) => {
            e.preventDefault();
            const scopes = [job.input.checked ? 'job' : null, cluster.input.checked ? 'cluster' : null].filter((s): s is string => s !== null);
            if (name.value.trim() === '') return slot.show('error', 'Give the token a name.');
            if (scopes.length === 0) return slot.show('error', 'Choose at least one scope.');
            const expired_at = new Date(ctx.now() + Number(days.value) * DAY_MS).toISOString();
            submit.disabled = true;
            ctx.api.post<PersonalAccessToken>('/api/v1/personal-access-tokens', { name: name.value.trim(), bio: bio.value.trim(), scopes, expired_at }).then(
              (t) => {
                d.close();
                showTokenOnce(ctx, t);
              },
              (err: unknown) => {
                submit.disabled = false;
                slot.show('error', messageOf(err));
              },
            );
          },
        },
      },
      field('Name', name),
      field('Description', bio),
      h('fieldset', null, h('legend', null, 'Scopes'), h('div', { class: 'checks' }, job.el, cluster.el)),
      field('Expires after', days),
      slot.el,
      h('div', { class: 'form-actions' }, button('Cancel', () => d.close()), submit),
    ),
  });
}

export const tokensPage: Page = async (ctx) => {
  const page = pageNumber(ctx.query);
  const tokens = await ctx.api.list<PersonalAccessToken>('/api/v1/personal-access-tokens', { page, per_page: PER_PAGE });
  if (ctx.signal.aborted) return;
  const root = ctx.session.isRoot;
  const revoke = (t: PersonalAccessToken) =>
    void confirmDialog({ title: 'Revoke token', message: `Revoke ${t.name}? Anything using it stops working at once.`, confirm: 'Revoke' }).then(async (yes) => {
      if (!yes) return;
      try {
        await ctx.api.delete(`/api/v1/personal-access-tokens/${t.id}`);
        ctx.toast('success', `Token ${t.name} revoked.`);
        ctx.reload();
      } catch (err) {
        ctx.toast('error', messageOf(err));
      }
    });
  const expired = (t: PersonalAccessToken) => Date.parse(t.expired_at) <= ctx.now();
  replace(
    ctx.main,
    pageHeader('Personal access tokens', 'Tokens let scripts and CI call the open API (/oapi/v1) without a password.', root ? button('New token', () => createTokenDialog(ctx), 'primary') : null),
    section(
      `${tokens.total} token${tokens.total === 1 ? '' : 's'}`,
      dataTable({
        label: 'Personal access tokens',
        rows: tokens.items,
        empty: emptyState('No tokens', root ? 'Create one for a script or a CI job.' : 'Only root can create tokens.'),
        columns: [
          { title: 'Name', cell: (t) => [h('span', { class: 'strong' }, t.name), t.bio ? h('span', { class: 'sub' }, t.bio) : null] },
          { title: 'Scopes', cell: (t) => t.scopes.map((s) => tag(s)) },
          { title: 'State', cell: (t) => statusBadge(expired(t) ? 'expired' : t.state) },
          { title: 'Expires', cell: (t) => h('span', { title: utcTime(t.expired_at) }, relativeTime(t.expired_at, ctx.now())) },
          { title: 'Last used', cell: (t) => relativeTime(t.last_used_at, ctx.now()) },
          { title: 'Created', cell: (t) => relativeTime(t.created_at, ctx.now()) },
          ...(root ? [{ title: '', kind: 'actions' as const, cell: (t: PersonalAccessToken) => h('button', { type: 'button', class: 'btn btn-small btn-ghost-danger', on: { click: () => revoke(t) } }, 'Revoke') }] : []),
        ],
      }),
      pager({ total: tokens.total, page, hrefFor: (p) => withQuery(href('tokens'), { page: p }) }),
    ),
  );
};
