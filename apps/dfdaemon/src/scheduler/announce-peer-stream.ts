import type * as grpc from '@grpc/grpc-js';
import type { scheduler } from '@d7y/rpc';
import { DfdaemonError } from '../errors.js';

type Request = Omit<scheduler.AnnouncePeerRequest, 'host_id' | 'task_id' | 'peer_id'>;

/**
 * The client side of Scheduler.AnnouncePeer as an awaitable conversation: `send()` requests
 * (ids filled in), `next(timeoutMs)` the next answer. A broken stream or a silent scheduler
 * becomes DF_ERR_SCHEDULER_UNAVAILABLE so the download can fall back to the source.
 */
export class AnnouncePeerStream {
  private readonly call: grpc.ClientDuplexStream<scheduler.AnnouncePeerRequest, scheduler.AnnouncePeerResponse__Output>;
  private readonly ids: { host_id: string; task_id: string; peer_id: string };
  private readonly buffered: scheduler.AnnouncePeerResponse__Output[] = [];
  private waiter: ((r: scheduler.AnnouncePeerResponse__Output | Error) => void) | undefined;
  private failure: Error | undefined;
  private ended = false;

  constructor(deps: { client: scheduler.SchedulerClient; hostId: string; taskId: string; peerId: string }) {
    this.ids = { host_id: deps.hostId, task_id: deps.taskId, peer_id: deps.peerId };
    this.call = deps.client.AnnouncePeer();
    this.call.on('data', (r: scheduler.AnnouncePeerResponse__Output) => {
      const w = this.waiter;
      this.waiter = undefined;
      if (w !== undefined) w(r);
      else this.buffered.push(r);
    });
    this.call.on('error', (err: grpc.ServiceError) => this.fail(err));
    this.call.on('end', () => this.fail(undefined));
  }

  /** The gRPC error that ended the stream, if any. */
  get error(): (Error & { code?: number }) | undefined {
    return this.failure;
  }

  get isBroken(): boolean {
    return this.ended;
  }

  send(req: Request): void {
    if (this.ended) return;
    try {
      this.call.write({ ...this.ids, ...req });
    } catch {
      // The stream broke between the check and the write; `next()` reports it.
    }
  }

  next(timeoutMs: number): Promise<scheduler.AnnouncePeerResponse__Output> {
    const have = this.buffered.shift();
    if (have !== undefined) return Promise.resolve(have);
    if (this.ended) return Promise.reject(this.unavailable());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new DfdaemonError('DF_ERR_SCHEDULER_UNAVAILABLE', `scheduler did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.waiter = (r) => {
        clearTimeout(timer);
        if (r instanceof Error) reject(r);
        else resolve(r);
      };
    });
  }

  /** Half-closes; the scheduler closes its side when it has processed everything. */
  close(): void {
    if (this.ended) return;
    try {
      this.call.end();
    } catch {
      // already closed
    }
    const t = setTimeout(() => this.call.cancel(), 5000);
    t.unref();
    this.call.once('status', () => clearTimeout(t));
  }

  cancel(): void {
    this.call.cancel();
  }

  private fail(err: Error | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = err;
    const w = this.waiter;
    this.waiter = undefined;
    w?.(this.unavailable());
  }

  private unavailable(): DfdaemonError {
    const why = this.failure?.message ?? 'stream closed by the scheduler';
    return new DfdaemonError('DF_ERR_SCHEDULER_UNAVAILABLE', `scheduler stream ended: ${why}`, { cause: this.failure });
  }
}
