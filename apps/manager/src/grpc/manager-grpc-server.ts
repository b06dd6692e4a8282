import * as grpc from '@grpc/grpc-js';
import type { Logger } from '@d7y/logger';
import { addHealthService, managerServiceDefinition, requestRateLimiter, serverOptions } from '@d7y/rpc';
import type { HealthReporter, manager } from '@d7y/rpc';
import { grpcServerCredentials } from '@d7y/tls';
import type { TlsSource } from '@d7y/tls';

export const MANAGER_SERVICE_NAME = 'manager.v2.Manager';

export interface ManagerGrpcServerOptions {
  listenIP: string;
  /** First free port of [start, end] is used; 0 = any. */
  port: { start: number; end: number };
  /** Requests per second for all clients together, and per client IP; excess → RESOURCE_EXHAUSTED. */
  requestRateLimit: { global: number; perClient: number };
}

/** manager.v2.Manager and grpc.health.v1.Health over mutual TLS (client certificate required). */
export class ManagerGrpcServer {
  private readonly log: Logger;
  private readonly server: grpc.Server;
  private readonly tls: TlsSource;
  private readonly options: ManagerGrpcServerOptions;
  private readonly health: HealthReporter;
  private boundPort = 0;

  private readonly onBound: ((server: grpc.Server) => void) | undefined;

  /** `interceptors` run innermost first, before the rate limiter (metrics, tracing); `onBound` sees the bound server. */
  constructor(deps: {
    logger: Logger;
    tls: TlsSource;
    handlers: manager.ManagerHandlers;
    options: ManagerGrpcServerOptions;
    interceptors?: grpc.ServerInterceptor[];
    onBound?: (server: grpc.Server) => void;
  }) {
    this.log = deps.logger.child({ component: 'grpc' });
    this.tls = deps.tls;
    this.options = deps.options;
    const limiter = requestRateLimiter({
      global: { rps: deps.options.requestRateLimit.global, burst: deps.options.requestRateLimit.global },
      perClient: { rps: deps.options.requestRateLimit.perClient, burst: deps.options.requestRateLimit.perClient },
    });
    this.onBound = deps.onBound;
    this.server = new grpc.Server(serverOptions({ interceptors: [...(deps.interceptors ?? []), limiter.interceptor] }));
    this.server.addService(managerServiceDefinition, deps.handlers);
    this.health = addHealthService(this.server);
    this.health.setStatus(MANAGER_SERVICE_NAME, 'NOT_SERVING');
  }

  /** Binds the first free port of the range; answers it. */
  async start(): Promise<number> {
    const { start, end } = this.options.port;
    let lastError: unknown;
    for (let port = start; port <= Math.max(start, end); port++) {
      try {
        this.boundPort = await this.bind(port);
        this.onBound?.(this.server);
        this.health.setStatus(MANAGER_SERVICE_NAME, 'SERVING');
        this.log.info({ port: this.boundPort }, 'manager gRPC listening (mTLS)');
        return this.boundPort;
      } catch (err) {
        lastError = err;
      }
    }
    throw new Error(`cannot listen for gRPC on ${this.options.listenIP}:${start}-${end}: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
  }

  get port(): number {
    return this.boundPort;
  }

  /** What grpc.health.v1 answers for the manager service (main.ts follows the database with it). */
  setServing(serving: boolean): void {
    this.health.setStatus(MANAGER_SERVICE_NAME, serving ? 'SERVING' : 'NOT_SERVING');
    this.health.setStatus('', serving ? 'SERVING' : 'NOT_SERVING');
  }

  async stop(): Promise<void> {
    this.health.shutdown();
    await new Promise<void>((resolve) => {
      // Open KeepAlive streams would hold a graceful shutdown forever: give them a moment, then cut.
      const force = setTimeout(() => this.server.forceShutdown(), 2_000);
      force.unref();
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }

  private bind(port: number): Promise<number> {
    const host = this.options.listenIP.includes(':') ? `[${this.options.listenIP}]` : this.options.listenIP;
    return new Promise((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, grpcServerCredentials(this.tls), (err, bound) => (err ? reject(err) : resolve(bound)));
    });
  }
}
