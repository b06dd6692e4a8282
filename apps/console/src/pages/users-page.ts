import { messageOf } from '../api-error.js';
import type { Role, User } from '../api-types.js';
import { dataTable, emptyState } from '../components/data-table.js';
import { confirmDialog, openDialog } from '../components/dialog.js';
import { field, input, select } from '../components/form-field.js';
import { noticeSlot } from '../components/notice.js';
import { button, pageHeader, section } from '../components/page-header.js';
import { PER_PAGE, pager } from '../components/pager.js';
import { statusBadge, tag } from '../components/status-badge.js';
import { h, replace } from '../dom.js';
import { relativeTime } from '../format.js';
import type { Page, PageContext } from '../page-context.js';
import { href, pageNumber, withQuery } from '../router.js';

function createUserDialog(ctx: PageContext): void {
  const name = input({ required: true, minlength: 3, maxlength: 64, autocomplete: 'off' });
  const email = input({ type: 'email', maxlength: 255, autocomplete: 'off' });
  const password = input({ type: 'password', required: true, minlength: 8, maxlength: 128, autocomplete: 'new-password' });
  const role = select([
    ['guest', 'guest — reads everything, writes nothing'],
    ['root', 'root — administrator'],
  ]);
  const slot = noticeSlot();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create user');
  const d = openDialog({
    title: 'New user',
    body: h(
      'form',
      {
        on: {
          submit: (e) => {
            e.preventDefault();
            if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{2,63}$/.test(name.value.trim())) return slot.show('error', 'User name: 3–64 letters, digits, "_", "." or "-".');
            if (password.value.length < 8) return slot.show('error', 'The password needs at least 8 characters.');
            submit.disabled = true;
            const body = { name: name.value.trim(), password: password.value, roles: [role.value], ...(email.value.trim() === '' ? {} : { email: email.value.trim() }) };
            ctx.api.post<User>('/api/v1/users', body).then(
              (u) => {
                d.close();
                ctx.toast('success', `User ${u.name} created.`);
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
      field('User name', name),
      field('Email', email, 'Optional.'),
      field('Password', password, 'At least 8 characters.'),
      field('Role', role),
      slot.el,
      h('div', { class: 'form-actions' }, button('Cancel', () => d.close()), submit),
    ),
  });
}

function resetPasswordDialog(ctx: PageContext, user: User): void {
  const password = input({ type: 'password', required: true, minlength: 8, maxlength: 128, autocomplete: 'new-password' });
  const slot = noticeSlot();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Set password');
  const d = openDialog({
    title: `Reset the password of ${user.name}`,
    body: h(
      'form',
      {
        on: {
          submit: (e) => {
            e.preventDefault();
            if (password.value.length < 8) return slot.show('error', 'The password needs at least 8 characters.');
            submit.disabled = true;
            ctx.api.post(`/api/v1/users/${user.id}/reset_password`, { new_password: password.value }).then(
              () => {
                d.close();
                ctx.toast('success', `Password of ${user.name} reset; their sessions ended.`);
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
      h('p', { class: 'dialog-text' }, 'Their open sessions end, and they must choose a new password at next sign-in.'),
      field('Temporary password', password),
      slot.el,
      h('div', { class: 'form-actions' }, button('Cancel', () => d.close()), submit),
    ),
  });
}

export const usersPage: Page = async (ctx) => {
  if (!ctx.session.isRoot) {
    replace(ctx.main, pageHeader('Users and roles'), emptyState('Only root can manage users', 'Your role can read clusters, schedulers, seed peers and jobs.'));
    return;
  }
  const page = pageNumber(ctx.query);
  const [users, roles] = await Promise.all([ctx.api.list<User>('/api/v1/users', { page, per_page: PER_PAGE }), ctx.api.get<Role[]>('/api/v1/roles')]);
  if (ctx.signal.aborted) return;
  const self = ctx.session.user?.id;
  const act = (label: string, run: () => Promise<unknown>, done: string) => async () => {
    try {
      await run();
      ctx.toast('success', done);
      ctx.reload();
    } catch (err) {
      ctx.toast('error', `${label}: ${messageOf(err)}`);
    }
  };
  const actions = (u: User): HTMLElement[] => {
    const isRoot = u.roles.includes('root');
    const out = [
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-small',
          on: {
            click: isRoot
              ? act('Make guest', async () => {
                  await ctx.api.put(`/api/v1/users/${u.id}/roles/guest`);
                  await ctx.api.delete(`/api/v1/users/${u.id}/roles/root`);
                }, `${u.name} is now a guest.`)
              : act('Make root', () => ctx.api.put(`/api/v1/users/${u.id}/roles/root`), `${u.name} is now root.`),
          },
          disabled: u.id === self,
        },
        isRoot ? 'Make guest' : 'Make root',
      ),
      h('button', { type: 'button', class: 'btn btn-small', on: { click: () => resetPasswordDialog(ctx, u) } }, 'Reset password'),
    ];
    if (u.id !== self) {
      out.push(
        u.state === 'enable'
          ? h(
              'button',
              {
                type: 'button',
                class: 'btn btn-small btn-ghost-danger',
                on: {
                  click: () =>
                    void confirmDialog({ title: 'Disable user', message: `Disable ${u.name}? They cannot sign in until enabled again.`, confirm: 'Disable' }).then(
                      (yes) => {
                        if (yes) void act('Disable', () => ctx.api.patch(`/api/v1/users/${u.id}`, { state: 'disable' }), `${u.name} disabled.`)();
                      },
                    ),
                },
              },
              'Disable',
            )
          : h('button', { type: 'button', class: 'btn btn-small', on: { click: act('Enable', () => ctx.api.patch(`/api/v1/users/${u.id}`, { state: 'enable' }), `${u.name} enabled.`) } }, 'Enable'),
      );
    }
    return out;
  };
  replace(
    ctx.main,
    pageHeader('Users and roles', 'Root administers; guests read. Sign-in is throttled and passwords are hashed with scrypt.', button('New user', () => createUserDialog(ctx), 'primary')),
    section(
      `${users.total} user${users.total === 1 ? '' : 's'}`,
      dataTable({
        label: 'Users',
        rows: users.items,
        empty: emptyState('No users'),
        columns: [
          { title: 'Name', cell: (u) => [h('span', { class: 'strong' }, u.name), u.id === self ? [' ', tag('you')] : null, u.email ? h('span', { class: 'sub' }, u.email) : null] },
          { title: 'Roles', cell: (u) => u.roles.map((r) => h('span', { class: r === 'root' ? 'tag tag-accent' : 'tag' }, r)) },
          { title: 'State', cell: (u) => [statusBadge(u.state === 'enable' ? 'enabled' : u.state === 'disable' ? 'disabled' : u.state, u.state === 'enable' ? 'ok' : 'muted'), u.must_change_password ? [' ', tag('password change due')] : null] },
          { title: 'Created', cell: (u) => relativeTime(u.created_at, ctx.now()) },
          { title: '', kind: 'actions', cell: actions },
        ],
      }),
      pager({ total: users.total, page, hrefFor: (p) => withQuery(href('users'), { page: p }) }),
    ),
    section(
      'Roles',
      dataTable({
        label: 'Roles',
        rows: roles,
        empty: emptyState('No roles'),
        columns: [
          { title: 'Role', cell: (r) => h('span', { class: r.name === 'root' ? 'tag tag-accent' : 'tag' }, r.name) },
          { title: 'Description', kind: 'wrap', cell: (r) => r.description },
          { title: 'Permissions', cell: (r) => r.permissions.map((p) => tag(p)) },
        ],
      }),
    ),
  );
};
