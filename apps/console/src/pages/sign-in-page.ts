import { messageOf } from '../api-error.js';
import { field, input } from '../components/form-field.js';
import { noticeSlot } from '../components/notice.js';
import { h } from '../dom.js';
import type { Session } from '../session.js';

/** The full-screen sign-in form; `message` explains why it is shown (signed out, expired …). */
export function signInPage(deps: { realm: string; session: Session; message?: string; onSignedIn: () => void }): HTMLElement {
  const name = input({ name: 'username', autocomplete: 'username', required: true, maxlength: 64, autofocus: true });
  const password = input({ type: 'password', name: 'password', autocomplete: 'current-password', required: true, maxlength: 128 });
  const slot = noticeSlot();
  if (deps.message) slot.show('info', deps.message);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Sign in');
  const form = h(
    'form',
    {
      class: 'auth-form',
      'aria-label': 'Sign in',
      on: {
        submit: (e) => {
          e.preventDefault();
          slot.clear();
          submit.disabled = true;
          submit.textContent = 'Signing in…';
          deps.session.signIn(name.value.trim(), password.value).then(
            () => deps.onSignedIn(),
            (err: unknown) => {
              submit.disabled = false;
              submit.textContent = 'Sign in';
              password.value = '';
              slot.show('error', messageOf(err));
              password.focus();
            },
          );
        },
      },
    },
    field('User name', name),
    field('Password', password),
    slot.el,
    submit,
  );
  return h(
    'main',
    { class: 'auth-screen' },
    h(
      'div',
      { class: 'auth-card' },
      h('div', { class: 'auth-brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), h('span', null, 'Dragonfly')),
      h('h1', null, 'Sign in'),
      h('p', { class: 'auth-realm' }, deps.realm),
      form,
    ),
    h('p', { class: 'auth-foot' }, 'Sign in with your manager account. The session is kept in a secure, HTTP-only cookie.'),
  );
}
