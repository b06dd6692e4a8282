import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastCounter, FastHistogram } from './fast-metrics.js';

const BUCKETS = [0.001, 0.01, 0.1, 1, 10];

describe('FastCounter and FastHistogram', () => {
  it('print exactly what prom-client prints for the same counts and observations', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const help = 'Things, by kind.';
    const counter = new FastCounter({ name: 'd_things_total', help, labelNames: ['kind', 'code'], registers: [ours] });
    const reference = new Counter({ name: 'd_things_total', help, labelNames: ['kind', 'code'], registers: [theirs] });
    const plain = new FastCounter({ name: 'd_plain_total', help: 'No labels.', registers: [ours] });
    const plainReference = new Counter({ name: 'd_plain_total', help: 'No labels.', registers: [theirs] });
    const histogram = new FastHistogram({ name: 'd_seconds', help: 'Latency.', labelNames: ['kind'], buckets: BUCKETS, registers: [ours] });
    const histogramReference = new Histogram({ name: 'd_seconds', help: 'Latency.', labelNames: ['kind'], buckets: BUCKETS, registers: [theirs] });

    const a = counter.labels({ kind: 'a', code: 'OK' });
    for (let i = 0; i < 3; i++) {
      a.inc();
      reference.inc({ kind: 'a', code: 'OK' });
    }
    counter.inc({ code: 'NOT_FOUND', kind: 'b' }, 2.5);
    reference.inc({ code: 'NOT_FOUND', kind: 'b' }, 2.5);
    plain.labels({}).inc();
    plainReference.inc();
    for (const [kind, value] of [['x', 0.0005], ['x', 0.01], ['x', 0.5], ['y', 42], ['x', 10], ['y', 0.001]] as const) {
      histogram.labels({ kind }).observe(value);
      histogramReference.observe({ kind }, value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('refuses labels it was not declared with, and counts that go down', () => {
    const counter = new FastCounter({ name: 'd_x_total', help: 'x', labelNames: ['kind'] });
    expect(() => counter.labels({ kind: 'a', other: 'b' } as never)).toThrow(/no label other/);
    expect(() => counter.labels({ kind: 'a' }).inc(-1)).toThrow(/only goes up/);
  });

  it('hands out one series per label set, and starts over on reset', async () => {
    const registry = new Registry();
    const counter = new FastCounter({ name: 'd_y_total', help: 'y', labelNames: ['kind'], registers: [registry] });
    expect(counter.labels({ kind: 'a' })).toBe(counter.labels({ kind: 'a' }));
    counter.labels({ kind: 'a' }).inc();
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('d_y_total{kind="a"}');
  });
});
