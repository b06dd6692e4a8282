import { h, replace } from '../dom.js';

/** An inline message box for one form or page: error, success or info. role=alert reads errors out. */
export function notice(kind: 'error' | 'success' | 'info', text: string): HTMLElement {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** A slot where a form shows its latest outcome. */
export function noticeSlot(): { el: HTMLElement; show: (kind: 'error' | 'success' | 'info', text: string) => void; clear: () => void } {
  const el = h('div', { class: 'notice-slot', 'aria-live': 'polite' });
  return { el, show: (kind, text) => replace(el, notice(kind, text)), clear: () => replace(el) };
}

/** Messages that outlive a page change (after a delete, a sign-out …), stacked at the corner. */
export function toastArea(): { el: HTMLElement; toast: (kind: 'error' | 'success' | 'info', text: string) => void } {
  const el = h('div', { class: 'toasts', 'aria-live': 'polite' });
  return {
    el,
    toast: (kind, text) => {
      const t = h('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
      el.appendChild(t);
      setTimeout(() => t.remove(), kind === 'error' ? 9_000 : 4_000);
    },
  };
}
