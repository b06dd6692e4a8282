import { assertTaskId, taskId } from '@d7y/core';
import type { Job } from './job-repository.js';
import { filteredParamsOf } from './job-args.js';
import type { TaskArgs } from './job-args.js';
import type { JobContext, JobExecutor } from './job-runner.js';
import type { PeerDirectory } from './peer-directory.js';
import { forEachLimited } from './peer-directory.js';
import type { PeerRpc } from './peer-rpc.js';

/** The task ID a get_task / delete_task job is about (validated by the service before the job exists). */
export function taskIdOf(args: TaskArgs): string {
  if (args.task_id !== undefined) {
    assertTaskId(args.task_id);
    return args.task_id;
  }
  if (args.content_for_calculating_task_id !== undefined) return taskId({ url: '', contentForCalculatingTaskId: args.content_for_calculating_task_id });
  if (args.url === undefined) throw new Error('args need task_id, url or content_for_calculating_task_id');
  return taskId({
    url: args.url,
    tag: args.tag,
    application: args.application,
    pieceLength: args.piece_length,
    filteredQueryParams: filteredParamsOf(args.filtered_query_params),
  });
}

/**
 * get_task: which peers of the clusters hold a task (DfdaemonUpload.StatTask on each);
 * delete_task: evict it from every peer that holds it (DeleteTask). Peers that answer NOT_FOUND do
 * not hold it; peers that cannot be reached are listed as failed, and fail the job.
 */
export class TaskExecutor implements JobExecutor {
  private readonly mode: 'get' | 'delete';
  private readonly directory: PeerDirectory;
  private readonly rpc: PeerRpc;
  private readonly maxPeers: number;
  private readonly defaultTimeoutMs: number;

  constructor(deps: { mode: 'get' | 'delete'; directory: PeerDirectory; rpc: PeerRpc; maxPeers: number; timeoutMs: number }) {
    this.mode = deps.mode;
    this.directory = deps.directory;
    this.rpc = deps.rpc;
    this.maxPeers = deps.maxPeers;
    this.defaultTimeoutMs = deps.timeoutMs;
  }

  timeoutMs(job: Job): number {
    const args = job.args as unknown as TaskArgs;
    return typeof args.timeout === 'number' ? args.timeout * 1000 : this.defaultTimeoutMs;
  }

  async execute(ctx: JobContext): Promise<void> {
    const { job, progress, signal, logger } = ctx;
    const args = job.args as unknown as TaskArgs;
    const id = taskIdOf(args);
    progress.result.task_id = id;
    const peers = await this.directory.allPeers(job.scheduler_cluster_ids, logger);
    if (peers.length > this.maxPeers) throw new Error(`the clusters have ${peers.length} peers, more than job.maxPeers (${this.maxPeers})`);
    const callTimeoutMs = Math.min(this.timeoutMs(job), 30_000);
    const entries = peers.map((peer) => ({ peer, p: progress.addPeer(peer, 1) }));
    await forEachLimited(entries, args.concurrent_peer_count ?? 50, async ({ peer, p }) => {
      if (signal.aborted) return;
      p.state = 'RUNNING';
      try {
        const task = await this.rpc.statTask(peer, id, callTimeoutMs);
        if (task !== undefined) {
          if (this.mode === 'delete') await this.rpc.deleteTask(peer, id, callTimeoutMs);
          p.tasks = [{ task_id: task.task_id, url: task.url, state: task.state, content_length: task.content_length, piece_count: task.piece_count }];
        } else p.tasks = [];
        p.finished_tasks = 1;
        p.state = 'SUCCESS';
      } catch (err) {
        p.failed_tasks = 1;
        p.state = 'FAILURE';
        p.error = err instanceof Error ? err.message : String(err);
      }
      progress.changed();
    });
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('the job was cancelled');
    const failed = entries.filter((e) => e.p.state === 'FAILURE');
    if (failed.length > 0) throw new Error(`${failed.length} of ${entries.length} peer(s) could not be asked: ${failed.slice(0, 3).map((e) => `${e.peer.hostname}: ${e.p.error ?? ''}`).join('; ')}`);
  }
}
