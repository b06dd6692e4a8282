import type { Logger } from '@d7y/logger';
import { fromServiceError, type manager } from '@d7y/rpc';
import type { DynconfigCache } from '@d7y/config';
import { applicationsFromManager, dynconfigFromScheduler, type DynconfigData } from './dynconfig-data.js';

export interface SchedulerDynconfigDeps {
  client: manager.ManagerClient;
  /** This scheduler as registered with the manager. */
  hostname: string;
  ip: string;
  schedulerClusterId: number;
  /** dynConfig.refreshInterval (ms). GetScheduler and ListApplications are asked together. */
  refreshIntervalMs: number;
  cache: DynconfigCache<DynconfigData>;
  /** Called with every answer that differs from the one in use (and with the cached one at start). */
  onChange: (data: DynconfigData) => void;
  logger: Logger;
  callTimeoutMs?: number;
}

/**
 * Upstream's scheduler dynconfig: GetScheduler at start and every refresh interval; the answer
 * (cluster limits, client load limits, seed peers) is applied through onChange and kept on disk.
 * When the manager is down at start the cached answer is applied; later failures keep what is in
 * use, and the next good answer is picked up.
 */
export class SchedulerDynconfig {
  private readonly d: SchedulerDynconfigDeps;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private data: DynconfigData | undefined;
  private inUseKey = '';

  constructor(deps: SchedulerDynconfigDeps) {
    this.d = deps;
    this.log = deps.logger.child({ component: 'dynconfig' });
  }

  /** The answer in use; undefined until the manager or the cache gave one. */
  current(): DynconfigData | undefined {
    return this.data;
  }

  /** Never throws: without manager and cache the local config stays in force. */
  async start(): Promise<void> {
    try {
      await this.refresh();
    } catch (err) {
      const cached = await this.d.cache.load();
      if (cached !== undefined && cached.schedulerClusterId === this.d.schedulerClusterId) {
        this.log.warn({ err: fromServiceError(err).message }, 'GetScheduler failed; using the cached answer of the manager');
        this.use(cached);
      } else {
        this.log.warn({ err: fromServiceError(err).message }, 'GetScheduler failed and nothing is cached; the local config applies');
      }
    }
    this.timer = setInterval(() => {
      void this.refresh().catch((err: unknown) => this.log.warn({ err: fromServiceError(err).message }, 'GetScheduler failed; keeping the answer in use'));
    }, this.d.refreshIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.d.client.close();
  }

  /** One GetScheduler round; throws when the manager did not answer. */
  async refresh(): Promise<DynconfigData> {
    const deadline = Date.now() + (this.d.callTimeoutMs ?? 5000);
    const [res, apps] = await Promise.all([
      new Promise<manager.Scheduler__Output>((resolve, reject) => {
        this.d.client.GetScheduler(
          { source_type: 'SCHEDULER_SOURCE', hostname: this.d.hostname, ip: this.d.ip, scheduler_cluster_id: this.d.schedulerClusterId },
          { deadline },
          (err, value) => (err !== null || value === undefined ? reject(err ?? new Error('empty answer')) : resolve(value)),
        );
      }),
      new Promise<manager.ListApplicationsResponse__Output>((resolve, reject) => {
        this.d.client.ListApplications({ source_type: 'SCHEDULER_SOURCE', hostname: this.d.hostname, ip: this.d.ip }, { deadline }, (err, value) =>
          err !== null || value === undefined ? reject(err ?? new Error('empty answer')) : resolve(value),
        );
      }),
    ]);
    const data: DynconfigData = { ...dynconfigFromScheduler(res), applications: applicationsFromManager(apps.applications) };
    if (this.use(data)) {
      await this.d.cache.save(data).catch((err: unknown) => this.log.warn({ path: this.d.cache.path, err: (err as Error).message }, 'cannot write the dynconfig cache'));
    }
    return data;
  }

  /** Applies `data` when it differs from what is in use; true when it did. */
  private use(data: DynconfigData): boolean {
    const key = JSON.stringify(data);
    if (key === this.inUseKey) return false;
    this.inUseKey = key;
    this.data = data;
    const { seedPeers, applications, ...limits } = data;
    this.log.info({ ...limits, seedPeers: seedPeers.map((p) => `${p.hostname}/${p.ip}:${p.port}`), applications: applications?.map((a) => a.name) }, 'dynconfig from the manager');
    this.d.onChange(data);
    return true;
  }
}
