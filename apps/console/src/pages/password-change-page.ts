import { messageOf } from '../api-error.js';
import type { ApiClient } from '../api-client.js';
import { field, input } from '../components/form-field.js';
import { noticeSlot } from '../components/notice.js';
import { h } from '../dom.js';
import type { Session } from '../session.js';

const MIN_PASSWORD = 8;

/**
 * Forced password change (first start of root with a generated password, or after a reset by
 * root). Changing the password ends every session of the user, so the page signs in again with
 * the new password.
 */
export function passwordChangePage(deps: { api: ApiClient; session: Session; onDone: () => void; onSignOut: () => void }): HTMLElement {
  const user = deps.session.user;
  const current = input({ type: 'password', autocomplete: 'current-password', required: true, maxlength: 128, autofocus: true });
  const next = input({ type: 'password', autocomplete: 'new-password', required: true, minlength: MIN_PASSWORD, maxlength: 128 });
  const again = input({ type: 'password', autocomplete: 'new-password', required: true, minlength: MIN_PASSWORD, maxlength: 128 });
  const slot = noticeSlot();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Change password');
  const form = h(
    'form',
    {
      class: 'auth-form',
      'aria-label': 'Change password',
      on: {
        submit: (e) => {
          e.preventDefault();
          slot.clear();
          if (user === undefined) return deps.onSignOut();
          if (next.value.length < MIN_PASSWORD) return slot.show('error', `The new password needs at least ${MIN_PASSWORD} characters.`);
          if (next.value !== again.value) return slot.show('error', 'The two new passwords differ.');
          if (next.value === current.value) return slot.show('error', 'The new password must differ from the current one.');
          submit.disabled = true;
          void (async () => {
            try {
              await deps.api.post(`/api/v1/users/${user.id}/reset_password`, { old_password: current.value, new_password: next.value });
              await deps.session.signIn(user.name, next.value);
              deps.onDone();
            } catch (err) {
              slot.show('error', messageOf(err));
              submit.disabled = false;
            }
          })();
        },
      },
    },
    field('Current password', current),
    field('New password', next, `At least ${MIN_PASSWORD} characters.`),
    field('New password again', again),
    slot.el,
    submit,
    h('button', { type: 'button', class: 'btn btn-ghost btn-block', on: { click: () => deps.onSignOut() } }, 'Sign out'),
  );
  return h(
    'main',
    { class: 'auth-screen' },
    h(
      'div',
      { class: 'auth-card' },
      h('div', { class: 'auth-brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), h('span', null, 'Dragonfly')),
      h('h1', null, 'Choose a new password'),
      h('p', { class: 'auth-realm' }, `${user?.name ?? ''} must change the password before using the console.`),
      form,
    ),
  );
}
