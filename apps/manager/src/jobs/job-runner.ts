import type { Logger } from '@d7y/logger';
import { JobProgress } from './job-progress.js';
import type { Job, JobRepository } from './job-repository.js';

/** What a job needs that is never stored: registry password, header values. Lost on restart on purpose. */
export interface JobSecrets {
  password?: string | undefined;
  headers: Record<string, string>;
}

export interface JobContext {
  job: Job;
  secrets: JobSecrets;
  progress: JobProgress;
  /** Aborted when the job's timeout passes or the manager stops. */
  signal: AbortSignal;
  logger: Logger;
}

/** Runs one job type. Throwing fails the job with the error's message as its reason. */
export interface JobExecutor {
  execute(ctx: JobContext): Promise<void>;
  /** Longest the job may run, ms (from its args). */
  timeoutMs(job: Job): number;
}

interface Queued {
  job: Job;
  secrets: JobSecrets;
}

/**
 * Runs jobs inside the manager (no broker): a FIFO queue, at most `concurrency` jobs at once, each
 * PENDING → RUNNING → SUCCESS | FAILURE with a reason. Jobs that were unfinished when the manager
 * last stopped are failed at start: their secrets were never stored, so they cannot resume.
 */
export class JobRunner {
  private readonly jobs: JobRepository;
  private readonly executors: Readonly<Record<Job['type'], JobExecutor>>;
  private readonly log: Logger;
  private readonly concurrency: number;
  private readonly now: () => number;
  private readonly queue: Queued[] = [];
  private readonly running = new Map<number, { controller: AbortController; done: Promise<void> }>();
  private stopped = false;

  constructor(deps: { jobs: JobRepository; executors: Readonly<Record<Job['type'], JobExecutor>>; logger: Logger; concurrency?: number; now?: () => number }) {
    this.jobs = deps.jobs;
    this.executors = deps.executors;
    this.log = deps.logger.child({ component: 'jobs' });
    this.concurrency = deps.concurrency ?? 4;
    this.now = deps.now ?? Date.now;
  }

  async start(): Promise<void> {
    for (const id of await this.jobs.idsInStates(['PENDING', 'RUNNING'])) {
      const job = await this.jobs.get(id);
      if (job === undefined) continue;
      await this.jobs.update(id, {
        state: 'FAILURE',
        result: { ...job.result, reason: 'the manager restarted before the job finished; create the job again', finished_at: new Date(this.now()).toISOString() },
      });
    }
  }

  /** Number of jobs waiting or running (for limits and tests). */
  get load(): number {
    return this.queue.length + this.running.size;
  }

  enqueue(job: Job, secrets: JobSecrets): void {
    if (this.stopped) throw new Error('job runner is stopped');
    this.queue.push({ job, secrets });
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.concurrency) {
      const next = this.queue.shift();
      if (next === undefined) return;
      const controller = new AbortController();
      const done = this.run(next, controller).finally(() => {
        this.running.delete(next.job.id);
        this.pump();
      });
      this.running.set(next.job.id, { controller, done });
    }
  }

  private async run({ job, secrets }: Queued, controller: AbortController): Promise<void> {
    const executor = this.executors[job.type];
    const log = this.log.child({ jobId: job.id, type: job.type });
    const progress = new JobProgress({ jobId: job.id, jobs: this.jobs, logger: log, result: { ...job.result, peers: [], started_at: new Date(this.now()).toISOString() } });
    const timeoutMs = executor.timeoutMs(job);
    const timer = setTimeout(() => controller.abort(new Error(`the job did not finish within ${timeoutMs % 1000 === 0 ? `${timeoutMs / 1000} s` : `${timeoutMs} ms`}`)), timeoutMs);
    timer.unref();
    await progress.flush('RUNNING');
    log.info('job started');
    try {
      await executor.execute({ job, secrets, progress, signal: controller.signal, logger: log });
      progress.result.finished_at = new Date(this.now()).toISOString();
      await progress.flush('SUCCESS');
      log.info('job succeeded');
    } catch (err) {
      const reason = controller.signal.aborted && controller.signal.reason instanceof Error ? controller.signal.reason.message : err instanceof Error ? err.message : String(err);
      progress.result.reason = reason;
      progress.result.finished_at = new Date(this.now()).toISOString();
      await progress.flush('FAILURE');
      log.warn({ reason }, 'job failed');
    } finally {
      clearTimeout(timer);
    }
  }

  /** Cancels running jobs (they end FAILURE) and fails queued ones. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const { job } of this.queue.splice(0)) {
      await this.jobs
        .update(job.id, { state: 'FAILURE', result: { ...job.result, reason: 'the manager stopped before the job started' } })
        .catch((err: unknown) => this.log.warn({ err, jobId: job.id }, 'could not fail queued job'));
    }
    for (const r of this.running.values()) r.controller.abort(new Error('the manager stopped while the job ran'));
    await Promise.all([...this.running.values()].map((r) => r.done));
  }
}
