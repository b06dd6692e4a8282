import type { CounterSeries, HistogramSeries } from '@d7y/telemetry';
import type { Peer } from '../resource/peer.js';
import type { CancelToken } from '../scheduling/cancel-token.js';
import { Scheduling, type ScheduleResult, type SchedulingDeps } from '../scheduling/scheduling.js';
import type { ScheduleOutcome, SchedulerMetrics } from './scheduler-metrics.js';

/** Scheduling with its outcomes counted and timed. */
export class MeteredScheduling extends Scheduling {
  /** Series per outcome, resolved once: this runs for every registration. */
  private readonly series: Record<ScheduleOutcome, { count: CounterSeries; duration: HistogramSeries }>;

  constructor(deps: SchedulingDeps & { metrics: SchedulerMetrics }) {
    super(deps);
    const { schedules, scheduleDuration } = deps.metrics;
    const of = (outcome: ScheduleOutcome) => ({ count: schedules.labels({ outcome }), duration: scheduleDuration.labels({ outcome }) });
    this.series = { normal: of('normal'), back_to_source: of('back_to_source'), failure: of('failure') };
  }

  override async scheduleCandidateParents(peer: Peer, cancel?: CancelToken): Promise<ScheduleResult> {
    const startedAt = performance.now();
    let outcome: ScheduleOutcome = 'failure';
    try {
      const result = await super.scheduleCandidateParents(peer, cancel);
      outcome = result.kind === 'normal' ? 'normal' : 'back_to_source';
      return result;
    } finally {
      const series = this.series[outcome];
      series.count.inc();
      series.duration.observe(performance.now() - startedAt);
    }
  }
}
