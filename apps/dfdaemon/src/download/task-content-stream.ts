import { Readable } from 'node:stream';
import { piecesForRange } from '@d7y/core';
import { DfdaemonError } from '../errors.js';
import type { TaskStore } from '../storage/task-store.js';

export interface ContentRange {
  /** First byte (inclusive). */
  start: number;
  /** Number of bytes. */
  length: number;
}

/**
 * The bytes of a task, in order, as its pieces land: each piece is read from disk as soon as it
 * is recorded (so only verified, durable bytes are ever served). With `range`, only those bytes.
 * The task is pinned (safe from GC) until the stream ends or is destroyed. A task that fails
 * or is deleted mid-way destroys the stream with that error — the caller aborts its response.
 *
 * This is the API the proxy uses: start `TaskManager.download()` and pipe this to the client.
 */
export function streamTaskContent(task: TaskStore, range?: ContentRange, signal?: AbortSignal): Readable {
  const release = task.pin();
  const ctrl = new AbortController();
  const onAbort = (): void => ctrl.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  async function* bytes(): AsyncGenerator<Buffer> {
    try {
      if (range !== undefined) {
        const total = task.contentLength;
        if (total === null) throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', 'a range needs a known content length');
        if (range.start < 0 || range.length < 0 || range.start + range.length > total) {
          throw new DfdaemonError('DF_ERR_PIECE_OUT_OF_RANGE', `range ${range.start}+${range.length} is outside ${total} bytes`);
        }
      }
      const start = range?.start ?? 0;
      const end = range === undefined ? Infinity : range.start + range.length;
      const first = Math.floor(start / task.pieceLength);
      for (let n = first; ; n++) {
        const count = task.pieceCount;
        if (count !== undefined && n >= count) return;
        if (n * task.pieceLength >= end) return;
        let piece;
        try {
          piece = await task.waitForPiece(n, ctrl.signal);
        } catch (err) {
          // A streamed task learns its length only at the end: no piece n then means EOF.
          const after = task.pieceCount;
          if (task.isFinished && after !== undefined && n >= after) return;
          throw err;
        }
        const from = Math.max(start, piece.offset);
        const to = Math.min(end, piece.offset + piece.length);
        if (to <= from) continue;
        for await (const chunk of task.createReadStream(from, to - 1)) yield chunk as Buffer;
      }
    } finally {
      release();
      signal?.removeEventListener('abort', onAbort);
    }
  }
  const stream = Readable.from(bytes(), { objectMode: false, highWaterMark: 1024 * 1024 });
  stream.once('close', () => ctrl.abort(new DfdaemonError('DF_ERR_CANCELLED', 'reader closed')));
  return stream;
}

/** Piece numbers a range touches (all pieces without a range). */
export function interestedPieces(range: ContentRange | undefined, pieceLength: number, contentLength: number): number[] {
  if (range === undefined) return piecesForRange({ start: 0, length: contentLength }, pieceLength, contentLength);
  return piecesForRange(range, pieceLength, contentLength);
}
