import { Counter, FastCounter, FastHistogram, GrpcServerMetrics, Registry, TlsMetrics, type CounterSeries } from '@d7y/telemetry';
import type { scheduler } from '@d7y/rpc';

export const SCHEDULER_METRICS_PREFIX = 'dragonfly_scheduler_';

type AnnounceRequest = NonNullable<scheduler.AnnouncePeerRequest__Output['request']>;

/** AnnouncePeer request kinds counted under upstream's metric names (without the prefix). */
const ANNOUNCE_COUNTERS: Partial<Record<AnnounceRequest, string>> = {
  register_peer_request: 'register_peer_total',
  download_peer_started_request: 'download_peer_started_total',
  download_peer_back_to_source_started_request: 'download_peer_back_to_source_started_total',
  download_peer_finished_request: 'download_peer_finished_total',
  download_peer_back_to_source_finished_request: 'download_peer_back_to_source_finished_total',
  download_peer_failed_request: 'download_peer_finished_failure_total',
  download_peer_back_to_source_failed_request: 'download_peer_back_to_source_finished_failure_total',
  download_piece_failed_request: 'download_piece_finished_failure_total',
  download_piece_back_to_source_failed_request: 'download_piece_back_to_source_finished_failure_total',
  reschedule_peer_request: 'reschedule_peer_total',
};

/** Scheduling outcome label values. */
export type ScheduleOutcome = 'normal' | 'back_to_source' | 'failure';

/** Schedule durations, milliseconds: 0.1 ms … 30 s (rounds wait retryInterval between them). */
const SCHEDULE_MS_BUCKETS = [0.1, 0.5, 1, 5, 10, 50, 100, 500, 1000, 2500, 5000, 10_000, 30_000];

/**
 * The scheduler's counters and histograms (gauges of hosts/tasks/peers live in MetricsServer):
 * AnnouncePeer requests by kind as upstream names them, pieces and traffic reported by peers by
 * type, scheduling outcomes and durations, gRPC and TLS observation. One registry per scheduler.
 */
export class SchedulerMetrics {
  readonly registry = new Registry();
  readonly grpc: GrpcServerMetrics;
  readonly tls: TlsMetrics;
  /** One unlabeled series per counted request kind (counted on every message). */
  private readonly announce = new Map<AnnounceRequest, CounterSeries>();
  private readonly pieceFinished: Counter<'traffic_type'>;
  private readonly traffic: Counter<'type'>;
  readonly schedules: FastCounter<'outcome'>;
  readonly scheduleDuration: FastHistogram<'outcome'>;

  constructor() {
    const p = SCHEDULER_METRICS_PREFIX;
    const registers = [this.registry];
    this.grpc = new GrpcServerMetrics({ registry: this.registry, prefix: p });
    this.tls = new TlsMetrics({ registry: this.registry, prefix: p });
    for (const [kind, name] of Object.entries(ANNOUNCE_COUNTERS) as [AnnounceRequest, string][]) {
      this.announce.set(kind, new FastCounter({ name: `${p}${name}`, help: `AnnouncePeer ${kind} messages received.`, registers }).labels({}));
    }
    this.pieceFinished = new Counter({
      name: `${p}download_piece_finished_total`,
      help: 'Finished pieces reported by peers, by traffic type.',
      labelNames: ['traffic_type'],
      registers,
    });
    this.traffic = new Counter({
      name: `${p}traffic`,
      help: 'Bytes of finished pieces reported by peers, by type (BACK_TO_SOURCE, REMOTE_PEER, LOCAL_PEER).',
      labelNames: ['type'],
      registers,
    });
    this.schedules = new FastCounter({
      name: `${p}schedule_total`,
      help: 'Scheduling results: normal (parents sent), back_to_source, failure (no parent within the retry limit, or cancelled).',
      labelNames: ['outcome'],
      registers,
    });
    this.scheduleDuration = new FastHistogram({
      name: `${p}schedule_duration_milliseconds`,
      help: 'Time to schedule a peer (all rounds), milliseconds.',
      labelNames: ['outcome'],
      buckets: SCHEDULE_MS_BUCKETS,
      registers,
    });
  }

  /** For GrpcServerMetrics' onMessage: counts AnnouncePeer requests (as received, before validation). */
  readonly onMessage = (method: string, message: unknown): void => {
    if (method !== 'AnnouncePeer') return;
    const req = message as scheduler.AnnouncePeerRequest__Output;
    const kind = req.request;
    if (kind === undefined) return;
    this.announce.get(kind)?.inc();
    if (kind === 'download_piece_finished_request' || kind === 'download_piece_back_to_source_finished_request') {
      const piece = req[kind]?.piece;
      const type = kind === 'download_piece_back_to_source_finished_request' ? 'BACK_TO_SOURCE' : (piece?.traffic_type ?? 'REMOTE_PEER');
      this.pieceFinished.inc({ traffic_type: type });
      const length = Number(piece?.length ?? 0);
      if (Number.isFinite(length) && length > 0) this.traffic.inc({ type }, length);
    }
  };
}
