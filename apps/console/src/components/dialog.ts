import type { Child } from '../dom.js';
import { h } from '../dom.js';

/** A modal <dialog>; `close()` removes it. The body is any content, usually a form. */
export function openDialog(opts: { title: string; body: Child; wide?: boolean; onClose?: () => void }): { el: HTMLDialogElement; close: () => void } {
  const el = h(
    'dialog',
    { class: opts.wide ? 'dialog dialog-wide' : 'dialog', 'aria-label': opts.title },
    h('div', { class: 'dialog-head' }, h('h2', null, opts.title), h('button', { type: 'button', class: 'btn-icon', 'aria-label': 'Close', on: { click: () => close() } }, '×')),
    h('div', { class: 'dialog-body' }, opts.body),
  );
  const close = (): void => {
    if (el.open) el.close();
    el.remove();
    opts.onClose?.();
  };
  el.addEventListener('cancel', (e) => {
    e.preventDefault();
    close();
  });
  document.body.appendChild(el);
  el.showModal();
  return { el, close };
}

/** Asks before a destructive action; resolves true when confirmed. */
export function confirmDialog(opts: { title: string; message: Child; confirm: string }): Promise<boolean> {
  return new Promise((resolve) => {
    let answered = false;
    const d = openDialog({
      title: opts.title,
      body: [
        h('p', { class: 'dialog-text' }, opts.message),
        h(
          'div',
          { class: 'form-actions' },
          h('button', { type: 'button', class: 'btn', on: { click: () => d.close() } }, 'Cancel'),
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn-danger',
              on: {
                click: () => {
                  answered = true;
                  d.close();
                  resolve(true);
                },
              },
            },
            opts.confirm,
          ),
        ),
      ],
      onClose: () => {
        if (!answered) resolve(false);
      },
    });
  });
}
