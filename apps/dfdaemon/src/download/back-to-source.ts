import type { Logger } from '@d7y/logger';
import { DfdaemonError, isDfdaemonError } from '../errors.js';
import { throttle, type BandwidthLimiter } from '../rate-limit/bandwidth-limiter.js';
import type { SourceClient, SourceRequest } from '../source/source-client.js';
import type { PieceRecord, TaskStore } from '../storage/task-store.js';
import { ByteSplitter } from './byte-splitter.js';

export interface BackToSourceDeps {
  source: SourceClient;
  /** Charged for every source byte: [download, backToSource]. */
  limiters: readonly BandwidthLimiter[];
  logger: Logger;
  /** backend.maxRetries: extra attempts per piece after a network failure. */
  maxRetries?: number;
}

export interface BackToSourceOptions {
  concurrency: number;
  signal?: AbortSignal;
  onPiece?: (piece: PieceRecord) => void;
  onPieceFailed?: (number: number, err: DfdaemonError) => void;
}

/** Downloads pieces from the origin with ranged GETs, `concurrency` at a time. */
export class BackToSource {
  private readonly source: SourceClient;
  private readonly limiters: readonly BandwidthLimiter[];
  private readonly log: Logger;
  private readonly maxRetries: number;

  constructor(deps: BackToSourceDeps) {
    this.source = deps.source;
    this.limiters = deps.limiters;
    this.log = deps.logger.child({ component: 'back-to-source' });
    this.maxRetries = deps.maxRetries ?? 1;
  }

  /**
   * Fetches `numbers` (pieces not yet stored). The first error that is not worth retrying
   * (origin status, disk full) stops the others and is thrown.
   */
  async downloadPieces(task: TaskStore, req: SourceRequest, numbers: readonly number[], o: BackToSourceOptions): Promise<void> {
    const queue = numbers.filter((n) => !task.hasPiece(n));
    const ctrl = new AbortController();
    const onAbort = (): void => ctrl.abort(o.signal?.reason);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    let failure: unknown;
    const fail = (n: number, err: unknown): void => {
      if (failure === undefined) failure = err;
      if (isDfdaemonError(err)) o.onPieceFailed?.(n, err);
      ctrl.abort(err);
    };
    // A piece counts once written and verified; the storage makes it durable in the background.
    const worker = async (): Promise<void> => {
      while (failure === undefined && !ctrl.signal.aborted) {
        const n = queue.shift();
        if (n === undefined) return;
        try {
          // Not `o.onPiece?.(await …)`: without a listener that would skip the download itself.
          const piece = await this.downloadPiece(task, req, n, ctrl.signal);
          o.onPiece?.(piece);
        } catch (err) {
          fail(n, err);
        }
      }
    };
    try {
      const workers = Array.from({ length: Math.max(1, Math.min(o.concurrency, queue.length)) }, () => worker());
      await Promise.all(workers);
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
    }
    if (failure !== undefined) throw failure;
    if (o.signal?.aborted === true) throw o.signal.reason;
  }

  /** Fetches, writes and verifies one piece; resolves once it is available (see TaskStore.writePiece). */
  async downloadPiece(task: TaskStore, req: SourceRequest, number: number, signal?: AbortSignal): Promise<PieceRecord> {
    const { offset, length } = task.pieceBounds(number);
    if (length === undefined) throw new DfdaemonError('DF_ERR_STORAGE', 'piece bounds unknown: content length not set');
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.source.get(req, { start: offset, length }, signal);
        try {
          return await task.writePiece({
            number,
            offset,
            length,
            chunks: throttle(res.body, this.limiters, signal),
            trafficType: 'back-to-source',
            ...(signal === undefined ? {} : { signal }),
            ...(res.release === undefined ? {} : { release: res.release }),
          });
        } finally {
          res.destroy();
        }
      } catch (err) {
        if (signal?.aborted === true || !retryable(err) || attempt >= this.maxRetries) throw err;
        this.log.warn({ taskId: task.id, piece: number, err }, 'piece from source failed, retrying');
      }
    }
  }

  /**
   * Streams the whole source in one GET (no content length, or no range support) and stores it
   * piece by piece as bytes arrive; sets the content length at the end.
   */
  async streamAll(task: TaskStore, req: SourceRequest, o: BackToSourceOptions): Promise<void> {
    const res = await this.source.get(req, undefined, o.signal);
    const splitter = new ByteSplitter(throttle(res.body, this.limiters, o.signal));
    try {
      let number = 0;
      let total = 0;
      const expected = task.contentLength;
      while (!(await splitter.done())) {
        const offset = number * task.pieceLength;
        if (task.hasPiece(number)) {
          // Already stored (resumed task): skip its bytes.
          for await (const _ of splitter.take(task.pieceLength)) void _;
          total += (task.getPiece(number) as PieceRecord).length;
        } else {
          const piece = await task.writePiece({
            number,
            offset,
            ...(expected === null ? {} : { length: Math.min(task.pieceLength, expected - offset) }),
            chunks: splitter.take(task.pieceLength),
            trafficType: 'back-to-source',
            ...(o.signal === undefined ? {} : { signal: o.signal }),
          });
          total += piece.length;
          o.onPiece?.(piece);
        }
        number += 1;
      }
      if (expected === null) await task.setContentLength(total);
      else if (total !== expected) {
        throw new DfdaemonError('DF_ERR_SOURCE_UNREACHABLE', `source ended after ${total} of ${expected} bytes`);
      }
    } finally {
      res.destroy();
      await splitter.close().catch(() => undefined);
    }
  }
}

function retryable(err: unknown): boolean {
  if (!isDfdaemonError(err)) return true;
  return err.code === 'DF_ERR_SOURCE_UNREACHABLE' || err.code === 'DF_ERR_PARENT_FAILED';
}
