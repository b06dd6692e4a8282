import type { Logger } from '@d7y/logger';
import type { JobRepository, JobResult, JobState, PeerProgress } from './job-repository.js';
import type { JobPeer } from './job-target-repository.js';

/**
 * A running job's result document: executors mutate it as peers report, and it is written to the
 * job row at most every `flushIntervalMs` (and at every state change), so an operator following the
 * job through the API sees per-peer progress without a write per piece.
 */
export class JobProgress {
  readonly result: JobResult;
  private readonly jobId: number;
  private readonly jobs: JobRepository;
  private readonly log: Logger;
  private readonly flushIntervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(deps: { jobId: number; jobs: JobRepository; logger: Logger; result: JobResult; flushIntervalMs?: number }) {
    this.jobId = deps.jobId;
    this.jobs = deps.jobs;
    this.log = deps.logger;
    this.result = deps.result;
    this.flushIntervalMs = deps.flushIntervalMs ?? 500;
  }

  addPeer(peer: JobPeer, totalTasks: number): PeerProgress {
    const p: PeerProgress = {
      hostname: peer.hostname,
      ip: peer.ip,
      port: peer.port,
      scheduler_cluster_id: peer.scheduler_cluster_id,
      state: 'PENDING',
      total_tasks: totalTasks,
      finished_tasks: 0,
      failed_tasks: 0,
      downloaded_bytes: 0,
    };
    this.result.peers.push(p);
    this.changed();
    return p;
  }

  warn(message: string): void {
    (this.result.warnings ??= []).push(message);
    this.changed();
  }

  /** Schedules a write of the result if none is pending. */
  changed(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write(undefined);
    }, this.flushIntervalMs);
    this.timer.unref();
  }

  /** Writes now (with a new state if given); writes never overlap and keep their order. */
  async flush(state?: JobState): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.write(state);
  }

  private write(state: JobState | undefined): Promise<void> {
    const snapshot = structuredClone(this.result);
    this.writing = this.writing.then(() =>
      this.jobs.update(this.jobId, { result: snapshot, ...(state === undefined ? {} : { state }) }).catch((err: unknown) => {
        this.log.warn({ err, jobId: this.jobId }, 'could not save job progress');
      }),
    );
    return this.writing;
  }
}
