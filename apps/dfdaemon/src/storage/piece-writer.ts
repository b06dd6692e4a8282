import type { Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { DfdaemonError, storageError } from '../errors.js';
import { DIRECT_IO_ALIGN, isAlignedSlab, type SlabPool } from '../memory/slab-pool.js';
import type { PieceHashJob } from './piece-hasher.js';

/** A chunk at least this long is written without waiting for more (bytes). */
const LARGE_CHUNK_BYTES = 512 * 1024;

export interface PieceChunksOptions {
  number: number;
  /** Where the piece starts in the content file. */
  offset: number;
  /** More bytes than this fail the piece (DF_ERR_PARENT_FAILED). */
  maxLength: number;
  fh: FileHandle;
  /** Writes a page-aligned slab with O_DIRECT; undefined when direct I/O is off. */
  writeDirect: ((slab: Buffer, position: number) => Promise<void>) | undefined;
  /** The piece's hash in the hashing thread, fed in file order; or `hash`, fed here. */
  job: PieceHashJob | undefined;
  hash: Hash | undefined;
  /** Page-aligned slabs that other chunks are copied into on their way to `writeDirect`. */
  staging: SlabPool | undefined;
  /** Buffered writes gather chunks up to this many bytes. */
  writeBufferBytes: number;
  /** Called with each chunk once nothing reads it anymore (written and hashed, or copied). */
  release?: (chunk: Buffer) => void;
  signal?: AbortSignal;
}

/**
 * Writes one piece's chunks at its place in the content file and feeds its hash; resolves with
 * the number of bytes received once every write has finished. One write is in flight while the
 * next chunk arrives. A page-aligned slab (an origin's or a parent's bytes read straight into
 * one) is written on its own with O_DIRECT while the hashing thread reads it in place; with
 * `staging`, other chunks are first copied into such slabs; anything else is gathered into
 * buffered writes, which the hashing thread re-reads from the page cache.
 */
export async function writePieceChunks(chunks: AsyncIterable<Buffer>, o: PieceChunksOptions): Promise<number> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let flushed = 0;
  let received = 0;
  let inflight: Promise<void> = Promise.resolve();
  let writeErr: unknown;
  const { fh, job, hash, maxLength } = o;
  const release = (b: Buffer): void => o.release?.(b);
  // A staging slab being filled (see TaskStoreDeps.staging).
  const staging = o.writeDirect !== undefined && o.offset % DIRECT_IO_ALIGN === 0 ? o.staging : undefined;
  let stage: Buffer | undefined;
  let staged = 0;
  const giveStage = (b: Buffer): void => staging?.give(b);
  const flush = async (done: (b: Buffer) => void = release): Promise<void> => {
    // writev: the received chunks go to disk as they are, no 4 MiB copy per flush.
    const bufs = pending;
    const position = o.offset + flushed;
    const length = pendingBytes;
    flushed += pendingBytes;
    pending = [];
    pendingBytes = 0;
    // One write in flight while the next buffer fills: network and disk overlap.
    await inflight;
    if (writeErr !== undefined) throw storageError(writeErr, `writing piece ${o.number}`);
    const slab = bufs.length === 1 && position % DIRECT_IO_ALIGN === 0 ? (bufs[0] as Buffer) : undefined;
    if (o.writeDirect !== undefined && slab !== undefined && isAlignedSlab(slab)) {
      // Written from the slab by the kernel and hashed from it by the worker, both at once.
      inflight = Promise.all([o.writeDirect(slab, position), job?.updateShared(slab)]).then(
        () => done(slab),
        (err: unknown) => {
          writeErr = err;
        },
      );
      return;
    }
    inflight = writevFully(fh, bufs, position).then(
      () => {
        job?.update(position, length);
        for (const b of bufs) done(b);
      },
      (err: unknown) => {
        writeErr = err;
      },
    );
  };
  /** Hands the staging slab (what it holds) to `flush`; it goes back to the pool once written. */
  const flushStage = async (): Promise<void> => {
    if (stage === undefined) return;
    if (pendingBytes > 0) await flush();
    pending.push(stage.subarray(0, staged));
    pendingBytes += staged;
    stage = undefined;
    staged = 0;
    await flush(giveStage);
  };
  try {
    for await (const chunk of chunks) {
      if (o.signal?.aborted === true) throw abortError(o.signal);
      received += chunk.length;
      if (received > maxLength) {
        throw new DfdaemonError('DF_ERR_PARENT_FAILED', `piece ${o.number} is longer than ${maxLength} bytes`);
      }
      hash?.update(chunk);
      const alone = o.writeDirect !== undefined && isAlignedSlab(chunk);
      if (staging !== undefined && !alone) {
        for (let from = 0; from < chunk.length; ) {
          stage ??= staging.take();
          const n = chunk.copy(stage, staged, from);
          staged += n;
          from += n;
          if (staged === stage.length) await flushStage();
        }
        release(chunk); // copied: its memory is free again
        continue;
      }
      await flushStage();
      // An aligned slab is written on its own (O_DIRECT): what was gathered before it goes first.
      if (alone && pendingBytes > 0) await flush();
      pending.push(chunk);
      pendingBytes += chunk.length;
      // Small chunks (TLS records) are gathered; a large one (a back-to-source slab) goes at once,
      // so its memory is back for reuse sooner.
      if (alone || pendingBytes >= o.writeBufferBytes || chunk.length >= LARGE_CHUNK_BYTES) await flush();
    }
    await flushStage();
  } finally {
    // Not handed to a write (the piece failed while it filled): back to the pool now.
    if (stage !== undefined) giveStage(stage);
    stage = undefined;
  }
  if (pendingBytes > 0) await flush();
  await inflight;
  if (writeErr !== undefined) throw storageError(writeErr, `writing piece ${o.number}`);
  return received;
}

/** Writes all of `bufs` at `position`, however many calls it takes. */
export async function writevFully(fh: FileHandle, bufs: Buffer[], position: number): Promise<void> {
  let rest = bufs;
  let pos = position;
  while (rest.length > 0) {
    const { bytesWritten } = await fh.writev(rest, pos);
    if (bytesWritten <= 0) throw Object.assign(new Error('short write'), { code: 'EIO' });
    pos += bytesWritten;
    // Drop what was written; cut the first partly written buffer.
    let skip = bytesWritten;
    let i = 0;
    while (i < rest.length && skip >= (rest[i] as Buffer).length) {
      skip -= (rest[i] as Buffer).length;
      i += 1;
    }
    rest = rest.slice(i);
    if (skip > 0 && rest.length > 0) rest = [(rest[0] as Buffer).subarray(skip), ...rest.slice(1)];
  }
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new DfdaemonError('DF_ERR_CANCELLED', 'download cancelled');
}
