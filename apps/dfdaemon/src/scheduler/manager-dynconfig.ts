import type { Logger } from '@d7y/logger';
import { fromServiceError, type manager } from '@d7y/rpc';
import type { DynconfigCache } from '@d7y/config';
import type { SeedPeerRegistration } from '../dynconfig/seed-peer-registration.js';
import type { HostAnnouncer, HostInfo } from './host-announcer.js';
import type { SchedulerPool } from './scheduler-pool.js';

/** What the dynconfig keeps on disk: the last scheduler list the manager gave. */
export interface CachedSchedulerList {
  addrs: string[];
  /** Epoch ms of the manager's answer. */
  savedAt: number;
}

export function parseCachedSchedulerList(value: unknown): CachedSchedulerList {
  const v = value as Partial<CachedSchedulerList> | null;
  if (v === null || typeof v !== 'object' || !Array.isArray(v.addrs) || typeof v.savedAt !== 'number') throw new Error('expected {addrs: string[], savedAt: number}');
  const addrs = v.addrs.filter((a): a is string => typeof a === 'string' && /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/.test(a));
  if (addrs.length !== v.addrs.length || addrs.length === 0) throw new Error('addrs must be a non-empty list of host:port');
  return { addrs, savedAt: v.savedAt };
}

export interface ManagerDynconfigDeps {
  client: manager.ManagerClient;
  pool: SchedulerPool;
  announcer: HostAnnouncer;
  host: () => HostInfo;
  logger: Logger;
  /** dynconfig.refreshInterval (ms). */
  refreshIntervalMs: number;
  /** Last good list on disk: used when the manager is down at start. */
  cache?: DynconfigCache<CachedSchedulerList>;
  /** Seed peers register and keep alive with the manager. */
  seedPeer?: SeedPeerRegistration;
  callTimeoutMs?: number;
  /** Deadline of each scheduler health check (ms). */
  healthTimeoutMs?: number;
  version?: string;
}

/**
 * Schedulers from the manager (upstream's dynconfig): ListSchedulers at start and every refresh
 * interval; the pool (and its consistent-hash ring) follows the answer, which is also kept on disk.
 * When the manager cannot be reached at start, the cached list is used (else the static
 * scheduler.addrs); later failures keep the list in use.
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
    await this.d.seedPeer?.start();
    try {
      await this.refresh();
    } catch (err) {
      const cached = await this.d.cache?.load();
      if (cached !== undefined) {
        this.log.warn({ err: describe(err), schedulers: cached.addrs, savedAt: new Date(cached.savedAt).toISOString() }, 'ListSchedulers failed; using the cached scheduler list');
        await this.apply(cached.addrs);
      } else {
        this.log.warn({ err: describe(err) }, 'ListSchedulers failed and nothing is cached; keeping the static scheduler list');
      }
    }
    this.timer = setInterval(() => {
      void this.refresh().catch((err: unknown) => this.log.warn({ err: describe(err) }, 'ListSchedulers failed; keeping the last list'));
    }, this.d.refreshIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.d.seedPeer?.stop();
    this.d.client.close();
  }

  /** One ListSchedulers round; returns the addresses now in use. Throws when the manager did not answer. */
  async refresh(): Promise<string[]> {
    const h = this.d.host();
    const res = await new Promise<manager.ListSchedulersResponse__Output>((resolve, reject) => {
      this.d.client.ListSchedulers(
        {
          source_type: h.isSeed ? 'SEED_PEER_SOURCE' : 'PEER_SOURCE',
          hostname: h.hostname,
          ip: h.ip,
          ...(h.idc === '' ? {} : { idc: h.idc }),
          ...(h.location === '' ? {} : { location: h.location }),
          version: this.d.version ?? '0.1.0',
          commit: '',
          scheduler_cluster_id: h.schedulerClusterId,
        },
        { deadline: Date.now() + (this.d.callTimeoutMs ?? 5000) },
        (err, value) => (err !== null || value === undefined ? reject(err ?? new Error('empty answer')) : resolve(value)),
      );
    });
    const listed = res.schedulers
      .filter((s) => s.ip !== '' && s.port > 0)
      .map((s) => (s.ip.includes(':') ? `[${s.ip}]:${s.port}` : `${s.ip}:${s.port}`))
      .sort();
    if (listed.length === 0) {
      this.log.warn('manager lists no scheduler; keeping the current list');
      return this.d.pool.addrs();
    }
    // only the schedulers that answer SERVING (upstream); if none does, all the manager listed
    // (it saw them alive moments ago) rather than a stale list
    const timeoutMs = this.d.healthTimeoutMs ?? 2000;
    const serving = await Promise.all(listed.map((a) => this.d.pool.isServing(a, timeoutMs)));
    const healthy = listed.filter((_, i) => serving[i] === true);
    if (healthy.length < listed.length) this.log.warn({ notServing: listed.filter((_, i) => serving[i] !== true) }, 'schedulers listed by the manager do not answer SERVING');
    const addrs = healthy.length > 0 ? healthy : listed;
    await this.apply(addrs);
    await this.d.cache?.save({ addrs, savedAt: Date.now() }).catch((err: unknown) => this.log.warn({ err: describe(err) }, 'cannot write the dynconfig cache'));
    return addrs;
  }

  private async apply(addrs: readonly string[]): Promise<void> {
    const sorted = [...addrs].sort();
    if (this.d.pool.addrs().sort().join(',') === sorted.join(',')) return;
    const added = this.d.pool.setAddrs(sorted);
    this.log.info({ schedulers: sorted }, 'scheduler list changed');
    await Promise.all(added.map((e) => this.d.announcer.announceTo(e).catch(() => undefined)));
  }
}

function describe(err: unknown): string {
  return fromServiceError(err).message;
}
