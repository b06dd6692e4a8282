import { cpus, freemem, platform, release, totalmem } from 'node:os';
import type { Logger } from '@d7y/logger';
import type { common } from '@d7y/rpc';
import type { SchedulerEndpoint, SchedulerPool } from './scheduler-pool.js';
import { durationOf } from '../service/to-proto.js';

export interface HostInfo {
  id: string;
  hostname: string;
  ip: string;
  /** DfdaemonUpload gRPC port. */
  port: number;
  /** Piece server port. */
  downloadPort: number;
  isSeed: boolean;
  idc: string;
  location: string;
  schedulerClusterId: number;
  disableShared: boolean;
  /** upload.bandwidthLimit, announced as max tx bandwidth (bytes/s → bits/s). */
  uploadBytesPerSecond: number;
}

const RETRY_START_MS = 500;

export interface HostAnnouncerDeps {
  pool: SchedulerPool;
  host: () => HostInfo;
  logger: Logger;
  /** scheduler.announceInterval (ms). */
  intervalMs: number;
  /** Per-call deadline (ms). */
  callTimeoutMs?: number;
}

/** AnnounceHost to every scheduler at start and every interval; DeleteHost on stop. */
export class HostAnnouncer {
  private readonly deps: HostAnnouncerDeps;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private readonly retries = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(deps: HostAnnouncerDeps) {
    this.deps = deps;
    this.log = deps.logger.child({ component: 'host-announcer' });
  }

  /**
   * Announces once to all. Failures are not fatal (the scheduler may start later): that
   * scheduler is retried with backoff (0.5 s, 1 s, 2 s … up to the interval) until it accepts.
   */
  async start(): Promise<void> {
    await Promise.all(this.deps.pool.all().map((e) => this.announceTo(e).catch(() => this.retry(e, RETRY_START_MS))));
    this.timer = setInterval(() => {
      for (const e of this.deps.pool.all()) void this.announceTo(e).catch(() => undefined);
    }, this.deps.intervalMs);
    this.timer.unref();
  }

  private retry(e: SchedulerEndpoint, delayMs: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.retries.delete(t);
      void this.announceTo(e).catch(() => this.retry(e, Math.min(delayMs * 2, this.deps.intervalMs)));
    }, delayMs);
    t.unref();
    this.retries.add(t);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.retries) clearTimeout(t);
    if (this.timer !== undefined) clearInterval(this.timer);
    const id = this.deps.host().id;
    await Promise.all(
      this.deps.pool.all().map(
        (e) =>
          new Promise<void>((resolve) => {
            e.client.DeleteHost({ host_id: id }, { deadline: Date.now() + 2000 }, () => resolve());
          }),
      ),
    );
  }

  announceTo(e: SchedulerEndpoint): Promise<void> {
    const h = this.deps.host();
    return new Promise((resolve, reject) => {
      e.client.AnnounceHost(
        { host: hostToProto(h), interval: durationOf(this.deps.intervalMs) },
        { deadline: Date.now() + (this.deps.callTimeoutMs ?? 5000) },
        (err) => {
          if (err) {
            this.log.warn({ scheduler: e.addr, err: err.message }, 'AnnounceHost failed');
            reject(err);
          } else resolve();
        },
      );
    });
  }
}

export function hostToProto(h: HostInfo): common.Host {
  const bits = Math.min(Number.MAX_SAFE_INTEGER, h.uploadBytesPerSecond * 8);
  return {
    id: h.id,
    type: h.isSeed ? 1 : 0,
    hostname: h.hostname,
    ip: h.ip,
    port: h.port,
    download_port: h.downloadPort,
    os: platform(),
    platform: platform(),
    kernel_version: release(),
    cpu: { logical_count: cpus().length, physical_count: cpus().length },
    memory: { total: totalmem(), free: freemem(), available: freemem() },
    network: { idc: h.idc, location: h.location, max_tx_bandwidth: bits, max_rx_bandwidth: bits },
    scheduler_cluster_id: h.schedulerClusterId,
    disable_shared: h.disableShared,
    name: h.hostname,
  };
}
