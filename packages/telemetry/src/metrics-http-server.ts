import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '@d7y/logger';
import type { Registry } from 'prom-client';
import { parseListenAddress } from './listen-address.js';

/** What GET /healthy asks; undefined or a reason string when unhealthy. */
export type HealthCheck = () => Promise<HealthVerdict>;

export interface HealthVerdict {
  healthy: boolean;
  /** Why it is unhealthy (shown in the 503 body; never contains secrets). */
  reason?: string;
}

export interface MetricsHttpServerDeps {
  registry: Registry;
  /** host:port (plain HTTP). Loopback by default in every service's config. */
  addr: string;
  logger: Logger;
  /** DELETE /metrics resets every metric (upstream dfdaemon does, perf tests use it). */
  allowReset?: boolean;
  /** When set, GET /healthy answers 200 "OK" or 503 with the reason. */
  health?: HealthCheck;
}

/**
 * Plain-HTTP Prometheus endpoint: `GET /metrics` (text exposition format), optionally
 * `DELETE /metrics` and `GET /healthy`. Anything else is 404. Bounded timeouts: a scrape is small.
 */
export class MetricsHttpServer {
  private readonly deps: MetricsHttpServerDeps;
  private server: Server | undefined;

  constructor(deps: MetricsHttpServerDeps) {
    this.deps = deps;
  }

  get port(): number {
    const a = this.server?.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  }

  async start(): Promise<number> {
    const { host, port } = parseListenAddress(this.deps.addr);
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    server.requestTimeout = 10_000;
    server.headersTimeout = 5_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.deps.logger.info({ component: 'metrics', address: `${host}:${this.port}` }, 'metrics listening');
    return this.port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/metrics' && req.method === 'GET') {
      const body = await this.deps.registry.metrics();
      res.writeHead(200, { 'content-type': this.deps.registry.contentType }).end(body);
      return;
    }
    if (path === '/metrics' && req.method === 'DELETE' && this.deps.allowReset === true) {
      this.deps.registry.resetMetrics();
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      return;
    }
    if (path === '/healthy' && req.method === 'GET' && this.deps.health !== undefined) {
      const verdict = await this.deps.health();
      if (verdict.healthy) res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      else res.writeHead(503, { 'content-type': 'text/plain' }).end(`unhealthy: ${verdict.reason ?? 'unknown'}\n`);
      return;
    }
    res.writeHead(404).end();
  }
}
