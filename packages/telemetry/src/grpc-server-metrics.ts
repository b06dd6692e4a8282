import * as grpc from '@grpc/grpc-js';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import { FastCounter, FastHistogram, type CounterSeries, type HistogramSeries } from './fast-metrics.js';
import { metadataGetter } from './grpc-metadata-carrier.js';
import { tracer } from './tracer.js';

export interface GrpcServerMetricsDeps {
  registry: Registry;
  /** Metric name prefix, e.g. `dragonfly_scheduler_`. */
  prefix: string;
}

export interface GrpcServerInterceptorOptions {
  /** Label value naming the server within the process (e.g. `upload`, `download`, `scheduler`). */
  server: string;
  /** Sees every decoded request message (e.g. to count AnnouncePeer request kinds). Must not throw. */
  onMessage?: (method: string, message: unknown) => void;
}

/** Counts the calls of one method served outside grpc-js (see GrpcServerMetrics.callObserver). */
export interface CallObserver {
  /** Counts a call as started; returns its start time for `ended`. */
  started(): number;
  /** Counts and times the end, with `code`, of a call `started` returned `startedAt` for. Once per call. */
  ended(startedAt: number, code: number): void;
}

/** Latency buckets in seconds: 1 ms … 5 min (streams such as AnnouncePeer last a whole download). */
const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * gRPC server observation as a grpc-js server interceptor: latency histogram and handled/started
 * counters by service, method and status code; RESOURCE_EXHAUSTED answers counted as rate-limit
 * rejections; and a SERVER span per call whose parent is the caller's `traceparent` metadata,
 * active while the handler runs (so calls the handler makes join the same trace).
 * Put the interceptor FIRST in `interceptors`: grpc-js makes the first one the innermost, so it
 * also sees the statuses that later interceptors (rate limiters) answer with.
 */
export class GrpcServerMetrics {
  private readonly handled: FastCounter<'server' | 'grpc_service' | 'grpc_method' | 'grpc_code'>;
  private readonly started: FastCounter<'server' | 'grpc_service' | 'grpc_method'>;
  private readonly seconds: FastHistogram<'server' | 'grpc_service' | 'grpc_method' | 'grpc_code'>;
  private readonly rateLimited: FastCounter<'server' | 'grpc_service' | 'grpc_method'>;
  /** Label sets and their series per server and method (and per status), resolved once. */
  private readonly labelCache = new Map<string, MethodLabels>();

  constructor(deps: GrpcServerMetricsDeps) {
    const { registry, prefix } = deps;
    const registers = [registry];
    this.started = new FastCounter({
      name: `${prefix}grpc_server_started_total`,
      help: 'gRPC calls started on the server.',
      labelNames: ['server', 'grpc_service', 'grpc_method'],
      registers,
    });
    this.handled = new FastCounter({
      name: `${prefix}grpc_server_handled_total`,
      help: 'gRPC calls completed on the server, by status code.',
      labelNames: ['server', 'grpc_service', 'grpc_method', 'grpc_code'],
      registers,
    });
    this.seconds = new FastHistogram({
      name: `${prefix}grpc_server_handling_seconds`,
      help: 'Time from the start of a gRPC call to its status, seconds.',
      labelNames: ['server', 'grpc_service', 'grpc_method', 'grpc_code'],
      buckets: BUCKETS,
      registers,
    });
    this.rateLimited = new FastCounter({
      name: `${prefix}grpc_rate_limited_total`,
      help: 'gRPC calls refused with RESOURCE_EXHAUSTED (request rate limits and quotas).',
      labelNames: ['server', 'grpc_service', 'grpc_method'],
      registers,
    });
  }

  private labelsOf(server: string, path: string): MethodLabels {
    const key = `${server}\u0000${path}`;
    let labels = this.labelCache.get(key);
    if (labels === undefined) {
      const { service, name } = splitPath(path);
      const call = { server, grpc_service: service, grpc_method: name };
      labels = { service, name, call, started: this.started.labels(call), byCode: new Map() };
      this.labelCache.set(key, labels);
    }
    return labels;
  }

  /** Counts and times one call's end with `code`. */
  private recordEnd(labels: MethodLabels, seconds: number, code: number): string {
    let done = labels.byCode.get(code);
    if (done === undefined) {
      const codeLabels = { ...labels.call, grpc_code: grpc.status[code] ?? String(code) };
      done = { code: codeLabels.grpc_code, handled: this.handled.labels(codeLabels), seconds: this.seconds.labels(codeLabels) };
      labels.byCode.set(code, done);
    }
    done.handled.inc();
    done.seconds.observe(seconds);
    if (code === grpc.status.RESOURCE_EXHAUSTED) this.rateLimited.labels(labels.call).inc();
    return done.code;
  }

  /**
   * For calls of one method served outside grpc-js's interceptors (DirectBidiCall): an observer
   * made once, so that a call costs no closure and no label lookup.
   */
  callObserver(server: string, path: string): CallObserver {
    const labels = this.labelsOf(server, path);
    return {
      started: () => {
        labels.started.inc();
        return performance.now();
      },
      ended: (startedAt, code) => {
        this.recordEnd(labels, (performance.now() - startedAt) / 1000, code);
      },
    };
  }

  interceptor(options: GrpcServerInterceptorOptions): grpc.ServerInterceptor {
    const { server, onMessage } = options;
    return (method, call) => {
      const startedAt = process.hrtime.bigint();
      const labels = this.labelsOf(server, method.path);
      const { service, name } = labels;
      labels.started.inc();
      let span: Span | undefined;
      // Set only when the call carries a valid span context (tracing on, or a caller's trace to
      // continue): otherwise nothing needs the handler to run inside a context.
      let ctx: Context | undefined;
      let ended = false;
      const finish = (code: number, details: string | undefined): void => {
        if (ended) return;
        ended = true;
        const done = this.recordEnd(labels, Number(process.hrtime.bigint() - startedAt) / 1e9, code);
        if (span !== undefined) {
          span.setAttribute('rpc.grpc.status_code', code);
          if (code !== grpc.status.OK) span.setStatus({ code: SpanStatusCode.ERROR, message: details ?? done });
          span.end();
        }
      };
      return new grpc.ServerInterceptingCall(call, {
        start: (next) => {
          next({
            onReceiveMetadata: (metadata, proceed) => {
              const parent = propagation.extract(context.active(), metadata, metadataGetter);
              span = tracer().startSpan(
                `${service}/${name}`,
                { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': name } },
                parent,
              );
              if (!span.isRecording() && !trace.isSpanContextValid(span.spanContext())) {
                span = undefined;
                proceed(metadata);
                return;
              }
              const active = trace.setSpan(parent, span);
              ctx = active;
              context.with(active, () => proceed(metadata));
            },
            onReceiveMessage: (message, proceed) => {
              if (onMessage !== undefined) {
                try {
                  onMessage(name, message);
                } catch {
                  // observation never breaks a call
                }
              }
              if (ctx === undefined) proceed(message);
              else context.with(ctx, () => proceed(message));
            },
            onReceiveHalfClose: (proceed) => {
              if (ctx === undefined) proceed();
              else context.with(ctx, () => proceed());
            },
            onCancel: () => finish(grpc.status.CANCELLED, 'cancelled by the client'),
          });
        },
        sendStatus: (status, next) => {
          finish(status.code, status.details);
          next(status);
        },
      });
    };
  }
}

interface MethodLabels {
  service: string;
  name: string;
  call: { server: string; grpc_service: string; grpc_method: string };
  started: CounterSeries;
  byCode: Map<number, { code: string; handled: CounterSeries; seconds: HistogramSeries }>;
}

function splitPath(path: string): { service: string; name: string } {
  const slash = path.lastIndexOf('/');
  return { service: path.slice(1, slash), name: path.slice(slash + 1) };
}
