import type { Child } from '../dom.js';
import { h } from '../dom.js';

/** Ids for label/input pairs (random, so no counter state is kept). */
const nextId = (): string => `f-${crypto.getRandomValues(new Uint32Array(2)).join('-')}`;

export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** A labelled control with an optional hint under it. */
export function field(label: string, control: Control, hint?: Child): HTMLElement {
  control.id ||= nextId();
  const hintId = hint ? `${control.id}-hint` : undefined;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hint ? h('p', { class: 'hint', id: hintId }, hint) : null);
}

export function input(attrs: Record<string, unknown> = {}): HTMLInputElement {
  return h('input', { type: 'text', ...attrs });
}

export function select(options: readonly (readonly [value: string, label: string])[], value?: string, attrs: Record<string, unknown> = {}): HTMLSelectElement {
  const el = h('select', attrs, options.map(([v, l]) => h('option', { value: v }, l)));
  if (value !== undefined) el.value = value;
  return el;
}

export function textarea(attrs: Record<string, unknown> = {}): HTMLTextAreaElement {
  return h('textarea', { rows: 3, ...attrs });
}

export function checkbox(label: string, checked: boolean, attrs: Record<string, unknown> = {}): { el: HTMLElement; input: HTMLInputElement } {
  const box = h('input', { type: 'checkbox', ...attrs, props: { checked } });
  return { el: h('label', { class: 'check' }, box, h('span', null, label)), input: box };
}

/** Runs `action` with the submit button disabled and a busy label; errors go to `onError`. */
export async function busy(button: HTMLButtonElement, busyLabel: string, action: () => Promise<void>, onError: (err: unknown) => void): Promise<void> {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = busyLabel;
  try {
    await action();
  } catch (err) {
    onError(err);
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}
