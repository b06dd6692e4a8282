import type { Registry } from 'prom-client';

/**
 * Counters and histograms for hot paths. prom-client hashes the label object on every `inc` and
 * `observe` (sorting and joining label names and values) and allocates for it; on the scheduler's
 * registration path that was several microseconds per peer. Here a caller resolves a label set
 * once (`labels(...)`) and keeps the series: counting is then a number addition. They register
 * in a prom-client Registry like its own metrics and print the same exposition text.
 */

type LabelValues<L extends string> = Record<L, string | number>;

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

interface MetricSnapshot {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  values: MetricValue[];
}

export interface FastMetricOptions<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
  registers?: Registry[];
}

/** One label set of a FastCounter. */
export class CounterSeries {
  value = 0;

  constructor(readonly labels: Readonly<Record<string, string | number>>) {}

  inc(amount = 1): void {
    if (!(amount >= 0)) throw new RangeError(`a counter only goes up, got ${String(amount)}`);
    this.value += amount;
  }
}

/** One label set of a FastHistogram: counts per bucket (not cumulative), sum and count. */
export class HistogramSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string | number>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i += 1;
    if (i < bounds.length) this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count += 1;
  }
}

abstract class FastMetric<L extends string, S> {
  readonly name: string;
  readonly help: string;
  readonly aggregator = 'sum' as const;
  protected readonly labelNames: readonly L[];
  protected readonly series = new Map<string, S>();

  constructor(options: FastMetricOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames ?? [];
    for (const registry of options.registers ?? []) registry.registerMetric(this as never);
  }

  /** The series of one label set, made on first use; keep it to count without any lookup. */
  labels(values: LabelValues<L>): S {
    const key = this.labelNames.map((n) => String(values[n] ?? '')).join('\u0000');
    let series = this.series.get(key);
    if (series === undefined) {
      for (const name of Object.keys(values)) {
        if (!this.labelNames.includes(name as L)) throw new Error(`${this.name} has no label ${name}`);
      }
      // In the order given, as prom-client prints them.
      const labels: Record<string, string | number> = {};
      for (const name of Object.keys(values) as L[]) if (values[name] !== undefined) labels[name] = values[name];
      series = this.makeSeries(labels);
      this.series.set(key, series);
    }
    return series;
  }

  reset(): void {
    this.series.clear();
  }

  protected abstract makeSeries(labels: Record<string, string | number>): S;
}

export class FastCounter<L extends string = never> extends FastMetric<L, CounterSeries> {
  readonly type = 'counter' as const;

  inc(labels: LabelValues<L>, amount = 1): void {
    this.labels(labels).inc(amount);
  }

  async get(): Promise<MetricSnapshot> {
    const values = [...this.series.values()].map((s) => ({ labels: { ...s.labels }, value: s.value }));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  protected makeSeries(labels: Record<string, string | number>): CounterSeries {
    return new CounterSeries(labels);
  }
}

export class FastHistogram<L extends string = never> extends FastMetric<L, HistogramSeries> {
  readonly type = 'histogram' as const;
  private readonly bounds: readonly number[];

  constructor(options: FastMetricOptions<L> & { buckets: readonly number[] }) {
    super(options);
    const bounds = [...options.buckets].sort((a, b) => a - b);
    if (bounds.some((b, i) => !Number.isFinite(b) || (i > 0 && b === bounds[i - 1]))) {
      throw new Error(`${options.name}: buckets must be distinct finite numbers`);
    }
    this.bounds = bounds;
  }

  observe(labels: LabelValues<L>, value: number): void {
    this.labels(labels).observe(value);
  }

  /** prom-client's layout: cumulative `_bucket` series by `le` (then +Inf), `_sum`, `_count`; `le` first. */
  async get(): Promise<MetricSnapshot> {
    const values: MetricValue[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += s.counts[i] as number;
        values.push({ labels: { le, ...s.labels }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: '+Inf', ...s.labels }, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: { ...s.labels }, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...s.labels }, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  protected makeSeries(labels: Record<string, string | number>): HistogramSeries {
    return new HistogramSeries(labels, this.bounds);
  }
}
