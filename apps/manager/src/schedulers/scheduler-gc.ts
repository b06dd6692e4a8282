import type { Logger } from '@d7y/logger';
import type { SchedulerRepository } from './scheduler-repository.js';

/** Upstream's scheduler default (manager.keepAlive.interval). */
export const DEFAULT_KEEP_ALIVE_INTERVAL_MS = 5_000;
/** A scheduler silent for this many keepalive intervals is inactive (upstream: 3). */
export const MISSED_KEEP_ALIVES = 3;

/**
 * Marks active schedulers inactive when their keepalives stopped without the stream ending here
 * (another manager instance held it, or this one restarted). The interval comes from the config the
 * scheduler sent (`manager_keep_alive_interval`, Go duration in nanoseconds, as upstream).
 */
export class SchedulerGc {
  private readonly schedulers: SchedulerRepository;
  private readonly log: Logger;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(deps: { schedulers: SchedulerRepository; logger: Logger; intervalMs: number; now?: () => number }) {
    this.schedulers = deps.schedulers;
    this.log = deps.logger.child({ component: 'scheduler-gc' });
    this.intervalMs = deps.intervalMs;
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.runOnce().catch((err: unknown) => this.log.warn({ err }, 'scheduler gc failed'));
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Answers how many schedulers were marked inactive. */
  async runOnce(): Promise<number> {
    let marked = 0;
    for (const s of await this.schedulers.listActive()) {
      const ns = s.config.manager_keep_alive_interval;
      const intervalMs = typeof ns === 'number' && ns > 0 ? ns / 1e6 : DEFAULT_KEEP_ALIVE_INTERVAL_MS;
      const last = s.last_keep_alive_at === null ? 0 : Date.parse(s.last_keep_alive_at);
      if (this.now() - last > MISSED_KEEP_ALIVES * intervalMs) {
        await this.schedulers.setState(s.id, 'inactive');
        this.log.info({ schedulerId: s.id, hostname: s.host_name }, 'no keepalive: inactive');
        marked++;
      }
    }
    return marked;
  }
}
