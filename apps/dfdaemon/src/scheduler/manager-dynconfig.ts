import type { Logger } from '@d7y/logger';
import type { manager } from '@d7y/rpc';
import type { HostAnnouncer, HostInfo } from './host-announcer.js';
import type { SchedulerPool } from './scheduler-pool.js';

export interface ManagerDynconfigDeps {
  client: manager.ManagerClient;
  pool: SchedulerPool;
  announcer: HostAnnouncer;
  host: () => HostInfo;
  logger: Logger;
  /** dynconfig.refreshInterval (ms). */
  refreshIntervalMs: number;
  callTimeoutMs?: number;
  version?: string;
}

/**
 * Schedulers from the manager (upstream's dynconfig): ListSchedulers at start and every refresh
 * interval; the pool (and its consistent-hash ring) follows the answer. A seed peer also
 * registers itself (UpdateSeedPeer). When the manager cannot be reached, the last good list
 * (or the static scheduler.addrs) stays in use.
 */
export class ManagerDynconfig {
  private readonly d: ManagerDynconfigDeps;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;

  constructor(deps: ManagerDynconfigDeps) {
    this.d = deps;
    this.log = deps.logger.child({ component: 'dynconfig' });
  }

  async start(): Promise<void> {
    if (this.d.host().isSeed) await this.registerSeedPeer().catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'UpdateSeedPeer failed'));
    await this.refresh().catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'ListSchedulers failed; keeping the static scheduler list'));
    this.timer = setInterval(() => {
      void this.refresh().catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'ListSchedulers failed; keeping the last list'));
    }, this.d.refreshIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.d.client.close();
  }

  /** One ListSchedulers round; returns the addresses now in use. */
  async refresh(): Promise<string[]> {
    const h = this.d.host();
    const res = await new Promise<manager.ListSchedulersResponse__Output>((resolve, reject) => {
      this.d.client.ListSchedulers(
        {
          source_type: h.isSeed ? 'SEED_PEER_SOURCE' : 'PEER_SOURCE',
          hostname: h.hostname,
          ip: h.ip,
          idc: h.idc,
          location: h.location,
          version: this.d.version ?? '0.1.0',
          commit: '',
          scheduler_cluster_id: h.schedulerClusterId,
        },
        { deadline: Date.now() + (this.d.callTimeoutMs ?? 5000) },
        (err, value) => (err !== null || value === undefined ? reject(err ?? new Error('empty answer')) : resolve(value)),
      );
    });
    const addrs = res.schedulers
      .filter((s) => s.ip !== '' && s.port > 0)
      .map((s) => (s.ip.includes(':') ? `[${s.ip}]:${s.port}` : `${s.ip}:${s.port}`))
      .sort();
    if (addrs.length === 0) {
      this.log.warn('manager lists no scheduler; keeping the current list');
      return this.d.pool.addrs();
    }
    const before = this.d.pool.addrs().sort().join(',');
    if (before !== addrs.join(',')) {
      const added = this.d.pool.setAddrs(addrs);
      this.log.info({ schedulers: addrs }, 'scheduler list from the manager');
      await Promise.all(added.map((e) => this.d.announcer.announceTo(e).catch(() => undefined)));
    }
    return addrs;
  }

  private registerSeedPeer(): Promise<void> {
    const h = this.d.host();
    return new Promise((resolve, reject) => {
      this.d.client.UpdateSeedPeer(
        {
          source_type: 'SEED_PEER_SOURCE',
          hostname: h.hostname,
          type: 'super',
          idc: h.idc,
          location: h.location,
          ip: h.ip,
          port: h.port,
          download_port: h.downloadPort,
          seed_peer_cluster_id: h.schedulerClusterId,
        },
        { deadline: Date.now() + (this.d.callTimeoutMs ?? 5000) },
        (err) => (err !== null ? reject(err) : resolve()),
      );
    });
  }
}
