import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, GrpcServerMetrics, Histogram, Registry, TlsMetrics } from '@d7y/telemetry';

export const MANAGER_METRICS_PREFIX = 'dragonfly_manager_';

/** REST latency buckets, seconds. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The manager's metrics in one registry: REST requests by route pattern, method and status
 * (upstream's gin metrics), gRPC server metrics, TLS handshake failures, certificate expiry.
 */
export class ManagerMetrics {
  readonly registry = new Registry();
  readonly grpc: GrpcServerMetrics;
  readonly tls: TlsMetrics;
  private readonly httpRequests: Counter<'method' | 'route' | 'code'>;
  private readonly httpSeconds: Histogram<'method' | 'route'>;

  constructor() {
    const p = MANAGER_METRICS_PREFIX;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: p });
    this.grpc = new GrpcServerMetrics({ registry: this.registry, prefix: p });
    this.tls = new TlsMetrics({ registry: this.registry, prefix: p });
    this.httpRequests = new Counter({
      name: `${p}http_requests_total`,
      help: 'REST requests by method, route pattern and status code (429 = rate limited).',
      labelNames: ['method', 'route', 'code'],
      registers,
    });
    this.httpSeconds = new Histogram({
      name: `${p}http_request_duration_seconds`,
      help: 'REST request duration by method and route pattern, seconds.',
      labelNames: ['method', 'route'],
      buckets: HTTP_BUCKETS,
      registers,
    });
  }

  /**
   * Counts every REST answer. The route label is the registered pattern (`/api/v1/jobs/:id`),
   * never the raw URL, so its values stay bounded; unknown paths count as `unmatched`.
   */
  instrument(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      this.httpRequests.inc({ method: request.method, route, code: String(reply.statusCode) });
      this.httpSeconds.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    });
  }
}
