import type { Logger } from '@d7y/logger';
import type { JobRepository } from './job-repository.js';

/**
 * Deletes ended jobs older than `ttlMs` every `intervalMs` (job.gc.ttl, job.gc.interval; upstream
 * 6 h and 3 h). Running and pending jobs are never collected.
 */
export class JobGc {
  private readonly jobs: JobRepository;
  private readonly log: Logger;
  private readonly intervalMs: number;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(deps: { jobs: JobRepository; logger: Logger; intervalMs: number; ttlMs: number; now?: () => number }) {
    this.jobs = deps.jobs;
    this.log = deps.logger.child({ component: 'job-gc' });
    this.intervalMs = deps.intervalMs;
    this.ttlMs = deps.ttlMs;
    this.now = deps.now ?? Date.now;
  }

  /** Answers how many jobs were deleted. */
  async runOnce(): Promise<number> {
    const deleted = await this.jobs.deleteOlderThan(this.now() - this.ttlMs);
    if (deleted > 0) this.log.info({ deleted }, 'deleted old jobs');
    return deleted;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.runOnce().catch((err: unknown) => this.log.warn({ err }, 'job GC failed'));
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
