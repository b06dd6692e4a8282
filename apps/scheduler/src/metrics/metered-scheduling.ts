import type { Peer } from '../resource/peer.js';
import type { CancelToken } from '../scheduling/cancel-token.js';
import { Scheduling, type ScheduleResult, type SchedulingDeps } from '../scheduling/scheduling.js';
import type { ScheduleOutcome, SchedulerMetrics } from './scheduler-metrics.js';

/** Label objects made once: this runs for every registration. */
const OUTCOME_LABELS: Record<ScheduleOutcome, { outcome: ScheduleOutcome }> = {
  normal: { outcome: 'normal' },
  back_to_source: { outcome: 'back_to_source' },
  failure: { outcome: 'failure' },
};

/** Scheduling with its outcomes counted and timed. */
export class MeteredScheduling extends Scheduling {
  private readonly metrics: SchedulerMetrics;

  constructor(deps: SchedulingDeps & { metrics: SchedulerMetrics }) {
    super(deps);
    this.metrics = deps.metrics;
  }

  override async scheduleCandidateParents(peer: Peer, cancel?: CancelToken): Promise<ScheduleResult> {
    const startedAt = performance.now();
    let outcome: ScheduleOutcome = 'failure';
    try {
      const result = await super.scheduleCandidateParents(peer, cancel);
      outcome = result.kind === 'normal' ? 'normal' : 'back_to_source';
      return result;
    } finally {
      const labels = OUTCOME_LABELS[outcome];
      this.metrics.schedules.inc(labels);
      this.metrics.scheduleDuration.observe(labels, performance.now() - startedAt);
    }
  }
}
