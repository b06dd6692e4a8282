import { createServer, type Server } from 'node:http';
import type { Logger } from '@d7y/logger';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Resource } from '../resource/resource.js';

export interface MetricsServerDeps {
  resource: Resource;
  /** host:port to listen on (plain HTTP, GET /metrics only). */
  addr: string;
  logger: Logger;
  /** Registry shared with the other scheduler metrics (SchedulerMetrics); a new one by default. */
  registry?: Registry;
}

/**
 * Prometheus metrics (namespace dragonfly_scheduler_): hosts, tasks and peers by state, computed
 * at scrape time from the resource, plus the process metrics of prom-client.
 */
export class MetricsServer {
  private readonly registry: Registry;
  private readonly deps: MetricsServerDeps;
  private server: Server | undefined;

  constructor(deps: MetricsServerDeps) {
    this.deps = deps;
    this.registry = deps.registry ?? new Registry();
    const { resource } = deps;
    collectDefaultMetrics({ register: this.registry, prefix: 'dragonfly_scheduler_' });
    new Gauge({
      name: 'dragonfly_scheduler_hosts',
      help: 'Announced hosts by type.',
      labelNames: ['type'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const host of resource.hosts.values()) this.inc({ type: host.type });
      },
    });
    new Gauge({
      name: 'dragonfly_scheduler_tasks',
      help: 'Tasks by state.',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const task of resource.tasks.values()) this.inc({ state: task.state });
      },
    });
    new Gauge({
      name: 'dragonfly_scheduler_peers',
      help: 'Peers by state.',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const peer of resource.peers.values()) this.inc({ state: peer.state });
      },
    });
  }

  async start(): Promise<number> {
    const colon = this.deps.addr.lastIndexOf(':');
    const host = this.deps.addr.slice(0, colon).replace(/^\[|\]$/g, '') || '0.0.0.0';
    const port = Number(this.deps.addr.slice(colon + 1));
    this.server = createServer((req, res) => {
      if (req.method !== 'GET' || req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      this.registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(body),
        () => res.writeHead(500).end(),
      );
    });
    this.server.requestTimeout = 10_000;
    this.server.headersTimeout = 5_000;
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address();
    const bound = typeof address === 'object' && address !== null ? address.port : port;
    this.deps.logger.info({ component: 'metrics', address: `${host}:${bound}` }, 'metrics listening');
    return bound;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
