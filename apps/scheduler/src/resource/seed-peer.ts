import { ConsistentHash } from '@d7y/core';
import type { Logger } from '@d7y/logger';
import type { Download } from './download.js';
import type { Host } from './host.js';
import type { Resource } from './resource.js';
import type { Task } from './task.js';

/** How the scheduler reaches a seed daemon (implemented over DfdaemonUpload gRPC in grpc/). */
export interface SeedPeerClient {
  /** Asks the seed to download the task; resolves when its download stream ends. */
  downloadTask(host: Host, download: Download, signal: AbortSignal): Promise<void>;
  /** grpc.health.v1 check of the seed's upload server. */
  checkHealth(host: Host, signal: AbortSignal): Promise<boolean>;
  /** Drops any connection kept for the host. */
  forget(hostId: string): void;
}

export interface SeedPeerConfig {
  /** false: no seed is ever triggered; first downloads go to the source. */
  enable?: boolean;
  /** Milliseconds between health checks of seed hosts (upstream 30 s). */
  healthCheckIntervalMs: number;
  /** After a seed failed a task, ms during which peers go to the source instead (upstream 30 min). */
  failedTimeoutMs: number;
  /** Ms a triggered seed download may take (upstream seedPeer.taskDownloadTimeout 10 h). */
  taskDownloadTimeoutMs: number;
}

export interface SeedPeerDeps {
  resource: Resource;
  client: SeedPeerClient;
  config: SeedPeerConfig;
  logger: Logger;
  now?: () => number;
}

/**
 * Seed peers: hosts that announced type super. Picks one per task by consistent hashing of the task
 * ID over the healthy seeds and triggers its back-to-source download.
 */
export class SeedPeer {
  private readonly resource: Resource;
  private readonly client: SeedPeerClient;
  private readonly config: SeedPeerConfig;
  private readonly log: Logger;
  private readonly now: () => number;
  /** Seed host IDs whose last health check failed. New seeds count as healthy until checked. */
  private readonly unhealthy = new Set<string>();
  /** Seed host IDs health-checked so far (their connections are dropped when they go). */
  private readonly checked = new Set<string>();
  private ring: ConsistentHash<Host> | undefined;
  private ringKey = '';
  private timer: NodeJS.Timeout | undefined;
  private readonly inflight = new Set<AbortController>();

  constructor(deps: SeedPeerDeps) {
    this.resource = deps.resource;
    this.client = deps.client;
    this.config = deps.config;
    this.log = deps.logger.child({ component: 'seed-peer' });
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    this.timer = setInterval(() => void this.checkHealth(), this.config.healthCheckIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    for (const controller of this.inflight) controller.abort();
    this.inflight.clear();
  }

  /** Healthy seed hosts. */
  healthyHosts(): Host[] {
    return this.resource.seedHosts().filter((host) => !this.unhealthy.has(host.id));
  }

  /** The seed host for a task: consistent hash of the task ID over the healthy seeds. */
  pick(taskId: string): Host | undefined {
    if (this.config.enable === false) return undefined;
    const hosts = this.healthyHosts();
    const key = `${this.resource.seedHostsVersion}/${hosts.map((h) => h.id).join(',')}`;
    if (this.ring === undefined || key !== this.ringKey) {
      this.ring = new ConsistentHash(hosts, (host) => host.id);
      this.ringKey = key;
    }
    return this.ring.pick(taskId);
  }

  /** Whether the task's seed failed recently (peers then go to the source themselves). */
  failedRecently(task: Task): boolean {
    return task.seedPeerFailedAt !== undefined && this.now() - task.seedPeerFailedAt < this.config.failedTimeoutMs;
  }

  /**
   * Triggers the task's seed peer with `download` turned into a back-to-source download without an
   * output path. Returns the chosen host, or undefined when no seed is available. One trigger per
   * task at a time; a failed trigger marks the task's seed as failed.
   */
  trigger(task: Task, download: Download): Host | undefined {
    const host = this.pick(task.id);
    if (host === undefined) return undefined;
    if (task.seedPeerTriggered) return host;
    task.seedPeerTriggered = true;
    const seedDownload: Download = { ...download, needBackToSource: true, metadataOnly: false };
    delete seedDownload.outputPath;
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), this.config.taskDownloadTimeoutMs);
    timeout.unref();
    this.inflight.add(controller);
    const log = this.log.child({ taskId: task.id, hostId: host.id });
    log.info('triggering seed peer');
    this.client
      .downloadTask(host, seedDownload, controller.signal)
      .then(() => log.info('seed peer download finished'))
      .catch((err: unknown) => {
        task.seedPeerFailedAt = this.now();
        log.warn({ err }, 'seed peer download failed');
      })
      .finally(() => {
        clearTimeout(timeout);
        this.inflight.delete(controller);
        task.seedPeerTriggered = false;
      });
    return host;
  }

  /** Health-checks every seed host once; unreachable ones leave the ring until they recover. */
  async checkHealth(): Promise<void> {
    const seeds = this.resource.seedHosts();
    await Promise.all(
      seeds.map(async (host) => {
        const controller = new AbortController();
        const timeout = setTimeout(() => controller.abort(), Math.min(5_000, this.config.healthCheckIntervalMs));
        timeout.unref();
        let healthy = false;
        try {
          healthy = await this.client.checkHealth(host, controller.signal);
        } catch {
          healthy = false;
        } finally {
          clearTimeout(timeout);
        }
        if (healthy) {
          if (this.unhealthy.delete(host.id)) this.log.info({ hostId: host.id }, 'seed peer healthy again');
        } else if (!this.unhealthy.has(host.id)) {
          this.unhealthy.add(host.id);
          this.log.warn({ hostId: host.id }, 'seed peer failed its health check');
        }
      }),
    );
    // Forget hosts that are gone, and their connections.
    const present = new Set(seeds.map((h) => h.id));
    for (const id of this.unhealthy) if (!present.has(id)) this.unhealthy.delete(id);
    for (const id of this.checked) {
      if (!present.has(id)) {
        this.client.forget(id);
        this.checked.delete(id);
      }
    }
    for (const id of present) this.checked.add(id);
  }
}
