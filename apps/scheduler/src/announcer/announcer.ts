import type * as grpc from '@grpc/grpc-js';
import type { Logger } from '@d7y/logger';
import { fromServiceError, type manager } from '@d7y/rpc';

export interface AnnouncerConfig {
  /** This scheduler as the manager should list it. */
  hostname: string;
  ip: string;
  port: number;
  idc?: string;
  location?: string;
  schedulerClusterId: number;
  /** Ms between KeepAlive messages (upstream manager.keepAlive.interval 5 s). */
  keepAliveIntervalMs: number;
  /** Ms before an unanswered UpdateScheduler is retried. */
  requestTimeoutMs: number;
  /** Scheduler config reported to the manager (JSON in UpdateSchedulerRequest.config). */
  reportedConfig: Record<string, unknown>;
}

export interface AnnouncerDeps {
  client: manager.ManagerClient;
  config: AnnouncerConfig;
  logger: Logger;
}

/** Longest wait between reconnection attempts, ms. */
const MAX_BACKOFF_MS = 30_000;

/**
 * Registers this scheduler with the manager (UpdateScheduler) and keeps it marked active with a
 * KeepAlive stream, one message per interval. Both are retried with backoff while the manager is
 * away; the scheduler keeps scheduling meanwhile.
 */
export class Announcer {
  private readonly client: manager.ManagerClient;
  private readonly config: AnnouncerConfig;
  private readonly log: Logger;
  private stopped = false;
  private registered = false;
  private keepAlive: grpc.ClientWritableStream<manager.KeepAliveRequest> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private backoffMs = 500;

  constructor(deps: AnnouncerDeps) {
    this.client = deps.client;
    this.config = deps.config;
    this.log = deps.logger.child({ component: 'announcer' });
  }

  get isRegistered(): boolean {
    return this.registered;
  }

  /** Tries to register once and then keeps at it in the background; never throws. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.register();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.keepAlive?.end();
    this.keepAlive = undefined;
    this.client.close();
  }

  private updateRequest(): manager.UpdateSchedulerRequest {
    const c = this.config;
    return {
      source_type: 'SCHEDULER_SOURCE',
      hostname: c.hostname,
      scheduler_cluster_id: c.schedulerClusterId,
      ...(c.idc ? { idc: c.idc } : {}),
      ...(c.location ? { location: c.location } : {}),
      ip: c.ip,
      port: c.port,
      features: ['schedule'],
      config: Buffer.from(JSON.stringify({ ...c.reportedConfig, manager_keep_alive_interval: c.keepAliveIntervalMs * 1e6 })),
    };
  }

  private register(): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) {
        resolve();
        return;
      }
      this.client.UpdateScheduler(this.updateRequest(), { deadline: Date.now() + this.config.requestTimeoutMs }, (err, res) => {
        if (err || this.stopped) {
          if (err) this.log.warn({ err: fromServiceError(err).message }, 'UpdateScheduler failed; retrying');
          this.retry(() => void this.register());
          resolve();
          return;
        }
        this.registered = true;
        this.backoffMs = 500;
        this.log.info({ schedulerId: res?.id, clusterId: this.config.schedulerClusterId }, 'registered with the manager');
        this.openKeepAlive();
        resolve();
      });
    });
  }

  private openKeepAlive(): void {
    if (this.stopped) return;
    const c = this.config;
    const message: manager.KeepAliveRequest = { source_type: 'SCHEDULER_SOURCE', hostname: c.hostname, cluster_id: c.schedulerClusterId, ip: c.ip };
    const stream = this.client.KeepAlive((err) => {
      if (this.keepAlive === stream) this.keepAlive = undefined;
      if (this.stopped) return;
      this.log.warn({ err: err ? fromServiceError(err).message : 'closed by the manager' }, 'KeepAlive stream ended; re-registering');
      this.registered = false;
      this.retry(() => void this.register());
    });
    this.keepAlive = stream;
    const send = (): void => {
      if (this.stopped || this.keepAlive !== stream) return;
      stream.write(message);
      this.timer = setTimeout(send, c.keepAliveIntervalMs);
      this.timer.unref();
    };
    send();
  }

  private retry(run: () => void): void {
    if (this.stopped) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
    this.timer = setTimeout(run, delay);
    this.timer.unref();
  }
}
