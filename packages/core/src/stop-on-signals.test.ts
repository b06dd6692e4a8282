import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { stopOnSignals } from './stop-on-signals.js';

function harness(stop: () => Promise<void>) {
  const signals = new EventEmitter();
  const logged: string[] = [];
  const exits: number[] = [];
  let settle: () => void = () => undefined;
  const exited = new Promise<void>((resolve) => (settle = resolve));
  stopOnSignals(stop, {
    signals,
    log: { info: (o, m) => logged.push(`${m} ${JSON.stringify(o)}`), error: (_o, m) => logged.push(m) },
    exit: (code) => {
      exits.push(code);
      settle();
    },
  });
  return { signals, logged, exits, exited };
}

describe('stopOnSignals', () => {
  it('stops once on the first signal and exits 0; later signals are ignored', async () => {
    let stops = 0;
    const h = harness(async () => {
      stops += 1;
    });
    h.signals.emit('SIGTERM');
    h.signals.emit('SIGINT');
    h.signals.emit('SIGTERM');
    await h.exited;
    expect(stops).toBe(1);
    expect(h.exits).toEqual([0]);
    expect(h.logged).toEqual(['stopping {"signal":"SIGTERM"}']);
  });

  it('exits 1 and logs when stopping fails', async () => {
    const h = harness(() => Promise.reject(new Error('disk gone')));
    h.signals.emit('SIGINT');
    await h.exited;
    expect(h.exits).toEqual([1]);
    expect(h.logged).toEqual(['stopping {"signal":"SIGINT"}', 'stop failed']);
  });
});
