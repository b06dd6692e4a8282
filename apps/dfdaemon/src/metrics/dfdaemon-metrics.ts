import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  Counter,
  Gauge,
  GrpcServerMetrics,
  Histogram,
  Registry,
  SpanStatusCode,
  TlsMetrics,
  collectDefaultMetrics,
  context,
  startHttpServerSpan,
} from '@d7y/telemetry';
import { assertNever } from '@d7y/core';
import type { TrafficType } from '../storage/task-store.js';

/** Metric names start with this (upstream's Rust client uses `dragonfly_client_`). */
export const DFDAEMON_METRICS_PREFIX = 'dragonfly_dfdaemon_';

/** `type` label of traffic counters, upstream's spelling. */
export type TrafficLabel = 'back_to_source' | 'remote_peer' | 'local_peer';

export function trafficLabel(t: TrafficType): TrafficLabel {
  switch (t) {
    case 'back-to-source':
      return 'back_to_source';
    case 'remote-peer':
      return 'remote_peer';
    case 'local-peer':
      return 'local_peer';
    default:
      return assertNever(t);
  }
}

/** Result of a proxied request, from its answer: a bounded label. */
export type ProxyResult = 'success' | 'failure' | 'rate_limited' | 'unauthorized' | 'tunnel';

/** Download task durations, milliseconds: 10 ms … 1 h. */
const TASK_MS_BUCKETS = [10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000, 600_000, 1_800_000, 3_600_000];

/**
 * Every Prometheus metric of one dfdaemon, in its own registry (no global registry): traffic by
 * type, tasks and pieces by result, proxy requests by result, gRPC and TLS observation.
 */
export class DfdaemonMetrics {
  readonly registry = new Registry();
  readonly grpc: GrpcServerMetrics;
  readonly tls: TlsMetrics;
  /** Bytes downloaded into this daemon's storage or handed out from it, by where they came from. */
  readonly downloadTraffic: Counter<'type'>;
  /** Bytes of pieces served to other peers by the piece server. */
  readonly uploadTraffic: Counter;
  readonly downloadTasks: Counter<'result'>;
  readonly downloadTaskFailures: Counter<'code'>;
  readonly concurrentDownloadTasks: Gauge;
  readonly downloadTaskDuration: Histogram<'result'>;
  readonly downloadPieces: Counter<'type' | 'result'>;
  readonly uploadPieces: Counter<'result'>;
  readonly concurrentUploadPieces: Gauge;
  readonly proxyRequests: Counter<'method' | 'result'>;
  readonly diskSpace: Gauge;
  readonly diskUsage: Gauge;

  constructor(deps: { diskUsage?: () => Promise<{ totalBytes: number; freeBytes: number }> } = {}) {
    const p = DFDAEMON_METRICS_PREFIX;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: p });
    this.grpc = new GrpcServerMetrics({ registry: this.registry, prefix: p });
    this.tls = new TlsMetrics({ registry: this.registry, prefix: p });
    this.downloadTraffic = new Counter({
      name: `${p}download_traffic`,
      help: 'Bytes of finished pieces by source: back_to_source (origin), remote_peer (another dfdaemon), local_peer (already stored here).',
      labelNames: ['type'],
      registers,
    });
    this.uploadTraffic = new Counter({ name: `${p}upload_traffic`, help: 'Bytes of pieces served to other peers.', registers });
    this.downloadTasks = new Counter({
      name: `${p}download_task_total`,
      help: 'Download requests (dfget, proxy, seed triggers) by result: success, failure.',
      labelNames: ['result'],
      registers,
    });
    this.downloadTaskFailures = new Counter({
      name: `${p}download_task_failure_total`,
      help: 'Failed download requests by error code.',
      labelNames: ['code'],
      registers,
    });
    this.concurrentDownloadTasks = new Gauge({ name: `${p}concurrent_download_task_total`, help: 'Download requests running now.', registers });
    this.downloadTaskDuration = new Histogram({
      name: `${p}download_task_duration_milliseconds`,
      help: 'Duration of download requests, milliseconds.',
      labelNames: ['result'],
      buckets: TASK_MS_BUCKETS,
      registers,
    });
    this.downloadPieces = new Counter({
      name: `${p}download_piece_total`,
      help: 'Pieces downloaded by source type and result (success = stored; failure = a parent fetch that failed).',
      labelNames: ['type', 'result'],
      registers,
    });
    this.uploadPieces = new Counter({
      name: `${p}upload_piece_total`,
      help: 'Piece requests served by the piece server, by result: success, failure (ended early), refused (4xx).',
      labelNames: ['result'],
      registers,
    });
    this.concurrentUploadPieces = new Gauge({ name: `${p}concurrent_upload_piece_total`, help: 'Pieces being served now.', registers });
    this.proxyRequests = new Counter({
      name: `${p}proxy_request_total`,
      help: 'Proxy requests by method and result: success, failure, rate_limited (429), unauthorized (407), tunnel (CONNECT).',
      labelNames: ['method', 'result'],
      registers,
    });
    const diskUsage = deps.diskUsage;
    this.diskSpace = new Gauge({
      name: `${p}disk_space_total`,
      help: 'Size of the storage disk, bytes.',
      registers,
      async collect() {
        if (diskUsage !== undefined) this.set((await diskUsage().catch(() => ({ totalBytes: 0 }))).totalBytes);
      },
    });
    this.diskUsage = new Gauge({
      name: `${p}disk_usage_space_total`,
      help: 'Used space of the storage disk, bytes.',
      registers,
      async collect() {
        if (diskUsage === undefined) return;
        const u = await diskUsage().catch(() => undefined);
        if (u !== undefined) this.set(u.totalBytes - u.freeBytes);
      },
    });
  }

  /** A piece stored in this daemon's storage (bytes as counted by the storage). */
  pieceStored(type: TrafficType, bytes: number): void {
    const label = trafficLabel(type);
    this.downloadTraffic.inc({ type: label }, bytes);
    this.downloadPieces.inc({ type: label, result: 'success' });
  }

  /**
   * Observes one proxy request until its answer is sent, and runs its handling in a SERVER span
   * continuing the client's traceparent (a P2P download it starts joins that trace).
   */
  observeProxyRequest<T>(req: IncomingMessage, res: ServerResponse, handle: () => T): T {
    const method = knownMethod(req.method);
    const { span, ctx } = startHttpServerSpan('dfdaemon.proxy', req.headers, { 'http.request.method': method });
    res.once('close', () => {
      const result = res.writableFinished ? proxyResult(res) : 'failure';
      this.proxyRequests.inc({ method, result });
      span.setAttribute('http.response.status_code', res.statusCode);
      if (result === 'failure') span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    return context.with(ctx, handle);
  }

  observeProxyConnect(): void {
    this.proxyRequests.inc({ method: 'CONNECT', result: 'tunnel' });
  }
}

function proxyResult(res: ServerResponse): ProxyResult {
  if (res.statusCode === 429) return 'rate_limited';
  if (res.statusCode === 407) return 'unauthorized';
  if (res.statusCode >= 500 || res.getHeader('x-dragonfly-error-type') !== undefined) return 'failure';
  return 'success';
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT']);

/** Keeps the label bounded: anything unusual is OTHER. */
function knownMethod(method: string | undefined): string {
  return method !== undefined && METHODS.has(method) ? method : 'OTHER';
}
