import { h } from '../dom.js';

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'muted';

// state → tone, for every state word the API uses (schedulers, peers, jobs, tokens, users).
const TONES: Record<string, Tone> = {
  active: 'ok',
  enable: 'ok',
  success: 'ok',
  succeeded: 'ok',
  inactive: 'muted',
  disable: 'muted',
  expired: 'muted',
  pending: 'info',
  received: 'info',
  started: 'info',
  running: 'info',
  retry: 'warn',
  failure: 'bad',
  failed: 'bad',
};

export function toneOf(state: string): Tone {
  return TONES[state.toLowerCase()] ?? 'muted';
}

export function statusBadge(state: string, tone: Tone = toneOf(state)): HTMLElement {
  return h('span', { class: `badge badge-${tone}` }, h('span', { class: 'badge-dot', 'aria-hidden': 'true' }), state.toLowerCase());
}

export function tag(text: string): HTMLElement {
  return h('span', { class: 'tag' }, text);
}
