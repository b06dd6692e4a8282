import { createHash, type Hash } from 'node:crypto';
import { constants as fsConstants, createReadStream, type ReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { rm } from 'node:fs/promises';
import { DfdaemonError, storageError } from '../errors.js';
import { writeFileAtomic } from '@d7y/core';
import type { SlabPool } from '../memory/slab-pool.js';
import type { PieceHasher } from './piece-hasher.js';
import { PieceJournal } from './piece-journal.js';
import { writePieceChunks, writevFully } from './piece-writer.js';

export type TrafficType = 'back-to-source' | 'remote-peer' | 'local-peer';

/** One finished piece as recorded in the journal: its bytes were durable before this was written. */
export interface PieceRecord {
  number: number;
  offset: number;
  length: number;
  /** `sha256:<hex>` of the piece bytes. */
  digest: string;
  parentId?: string;
  trafficType: TrafficType;
  costMs: number;
  /** Unix milliseconds. */
  createdAt: number;
}

export interface TaskMetadata {
  id: string;
  url: string;
  pieceLength: number;
  /** null while a source without Content-Length is still streaming. */
  contentLength: number | null;
  responseHeader: Record<string, string>;
  /** Whole-task digest the content was verified against, `sha256:<hex>`. */
  digest?: string;
  /** Unix milliseconds. */
  createdAt: number;
  updatedAt: number;
  finishedAt?: number;
  failedAt?: number;
  failure?: string;
}

/** Opens a file; tests inject a fake that fails with ENOSPC to exercise the disk-full path. */
export type OpenFile = (path: string, flags: string | number, mode?: number) => Promise<FileHandle>;

export interface WritePieceOptions {
  number: number;
  offset: number;
  /** Exact expected length; undefined = whatever the stream yields (up to the piece length). */
  length?: number;
  chunks: AsyncIterable<Buffer>;
  /** When set, the piece is refused (never recorded) unless its sha256 matches. */
  expectedDigest?: string;
  parentId?: string;
  trafficType: TrafficType;
  signal?: AbortSignal;
  /**
   * Called with each chunk once nothing reads it anymore (written and hashed, or copied into a
   * staging slab): the chunk's memory may be reused.
   */
  release?: (chunk: Buffer) => void;
}

export interface TaskStoreDeps {
  meta: TaskMetadata;
  pieces?: Iterable<PieceRecord>;
  contentPath: string;
  metaPath: string;
  journalPath: string;
  /** Byte size of the journal's valid prefix (appends go after it). */
  journalBytes?: number;
  openFile: OpenFile;
  now?: () => number;
  /** Piece bytes are gathered into positional writes of this size (bytes). */
  writeBufferBytes?: number;
  /** Hashes pieces off the main thread; without it they are hashed inline as they arrive. */
  hasher?: PieceHasher;
  /**
   * Page-aligned slabs (see `isAlignedSlab`) go to the content file with O_DIRECT (default true):
   * no copy into the page cache, and the hashing thread reads them in place. Other chunks, and
   * filesystems that refuse O_DIRECT, take buffered writes.
   */
  directIO?: boolean;
  /**
   * A shared pool of page-aligned slabs: other chunks (peers' pieces come in TLS records) are
   * copied into its slabs, which then take the O_DIRECT path. Without it they are written as they are.
   */
  staging?: SlabPool;
}

type PieceListener = (piece: PieceRecord) => void;
type EndListener = (err: Error | undefined) => void;

/** 1 MiB reads: measured ~1.6x faster than the 64 KiB default on this kind of machine. */
export const READ_HIGH_WATER_MARK = 1024 * 1024;
const DEFAULT_WRITE_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * One task's content file (pieces written at their offsets) plus its durable metadata:
 * `<id>.json` (atomic rewrite) and `<id>.pieces`, an append-only journal with one JSON line per
 * finished piece. A piece line is appended only after the content file was fdatasync'ed, so a
 * crash at any moment never leaves a recorded piece whose bytes are not on disk.
 */
export class TaskStore {
  readonly id: string;
  readonly contentPath: string;
  private metaValue: TaskMetadata;
  private readonly metaPath: string;
  private readonly journalPath: string;
  private readonly openFile: OpenFile;
  private readonly now: () => number;
  private readonly writeBufferBytes: number;
  private readonly hasher: PieceHasher | undefined;
  private readonly finished = new Map<number, PieceRecord>();
  private readonly writing = new Set<number>();
  private readonly pieceListeners = new Set<PieceListener>();
  private readonly endListeners = new Set<EndListener>();
  private contentFh: Promise<FileHandle> | undefined;
  /** The content file opened with O_DIRECT; undefined until needed, null once refused. */
  private directFh: Promise<FileHandle | null> | undefined;
  private directIO: boolean;
  private readonly staging: SlabPool | undefined;
  private readonly journal: PieceJournal;
  private pins = 0;
  /** Pieces whose bytes are still arriving (the commit window waits for them). */
  private dataWriters = 0;
  private deleted = false;
  /** Persisting "finished" (after the last commit), once markFinished was called. */
  private finishing: Promise<void> | undefined;

  constructor(deps: TaskStoreDeps) {
    this.metaValue = deps.meta;
    this.id = deps.meta.id;
    this.contentPath = deps.contentPath;
    this.metaPath = deps.metaPath;
    this.journalPath = deps.journalPath;
    this.openFile = deps.openFile;
    this.now = deps.now ?? Date.now;
    this.writeBufferBytes = deps.writeBufferBytes ?? DEFAULT_WRITE_BUFFER_BYTES;
    this.hasher = deps.hasher;
    this.directIO = deps.directIO !== false;
    this.staging = deps.staging;
    this.journal = new PieceJournal({
      taskId: this.id,
      journalPath: deps.journalPath,
      journalBytes: deps.journalBytes ?? 0,
      openFile: deps.openFile,
      syncContent: async () => {
        this.assertWritable();
        await (await this.contentHandle()).datasync();
      },
      writersBusy: () => this.dataWriters > 0,
      onFailed: (records) => {
        for (const record of records) {
          if (this.finished.get(record.number) === record) this.finished.delete(record.number);
        }
        this.unfinish();
      },
    });
    for (const p of deps.pieces ?? []) this.finished.set(p.number, p);
  }

  get meta(): Readonly<TaskMetadata> {
    return this.metaValue;
  }

  get pieceLength(): number {
    return this.metaValue.pieceLength;
  }

  get contentLength(): number | null {
    return this.metaValue.contentLength;
  }

  /** Number of pieces, or undefined while the content length is unknown. */
  get pieceCount(): number | undefined {
    const len = this.metaValue.contentLength;
    return len === null ? undefined : Math.ceil(len / this.metaValue.pieceLength);
  }

  get isFinished(): boolean {
    return this.metaValue.finishedAt !== undefined;
  }

  get isFailed(): boolean {
    return this.metaValue.failedAt !== undefined && this.metaValue.finishedAt === undefined;
  }

  /** True while a reader or a download holds the task: GC never evicts it then. */
  get inUse(): boolean {
    return this.pins > 0 || this.writing.size > 0;
  }

  get isDeleted(): boolean {
    return this.deleted;
  }

  /** Bytes of finished pieces. */
  get finishedBytes(): number {
    let sum = 0;
    for (const p of this.finished.values()) sum += p.length;
    return sum;
  }

  hasPiece(number: number): boolean {
    return this.finished.has(number);
  }

  getPiece(number: number): PieceRecord | undefined {
    return this.finished.get(number);
  }

  /** Finished pieces in number order. */
  pieces(): PieceRecord[] {
    return [...this.finished.values()].sort((a, b) => a.number - b.number);
  }

  /** True when every piece of a known-length task is recorded. */
  hasAllPieces(): boolean {
    const count = this.pieceCount;
    return count !== undefined && this.finished.size === count;
  }

  /** Holds the task against GC; call the returned function when done (idempotent). */
  pin(): () => void {
    this.pins += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.pins -= 1;
    };
  }

  /** Throws DF_ERR_PIECE_OUT_OF_RANGE for a number outside the task. */
  assertPieceNumber(number: number): void {
    const count = this.pieceCount;
    if (!Number.isInteger(number) || number < 0 || (count !== undefined && number >= count)) {
      throw new DfdaemonError(
        'DF_ERR_PIECE_OUT_OF_RANGE',
        `piece ${number} is out of range for task ${this.id} (${count ?? 'unknown'} pieces)`,
      );
    }
  }

  /** Expected offset/length of piece `number` (length undefined while the content length is unknown). */
  pieceBounds(number: number): { offset: number; length: number | undefined } {
    this.assertPieceNumber(number);
    const offset = number * this.metaValue.pieceLength;
    const total = this.metaValue.contentLength;
    const length = total === null ? undefined : Math.min(this.metaValue.pieceLength, total - offset);
    return { offset, length };
  }

  /**
   * Writes and verifies a piece; resolves once its bytes are written (page cache) and it is
   * available: readable, servable and reported to piece listeners. Making it durable follows in
   * the background: a group commit fdatasyncs the content file and only then appends the piece to
   * the journal, so a crash before that loses the piece (it is fetched again) but never leaves it
   * recorded without its bytes. A failed commit takes the piece back (see `whenDurable`).
   */
  async writePiece(o: WritePieceOptions): Promise<PieceRecord> {
    this.assertWritable();
    const bounds = this.pieceBounds(o.number);
    if (o.offset !== bounds.offset) {
      throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', `piece ${o.number} must start at ${bounds.offset}, not ${o.offset}`);
    }
    const expectedLength = o.length ?? bounds.length;
    if (bounds.length !== undefined && expectedLength !== bounds.length) {
      throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', `piece ${o.number} has ${bounds.length} bytes, not ${expectedLength}`);
    }
    const existing = this.finished.get(o.number);
    if (existing !== undefined) return existing;
    if (this.writing.has(o.number)) {
      throw new DfdaemonError('DF_ERR_STORAGE', `piece ${o.number} of task ${this.id} is already being written`);
    }
    this.writing.add(o.number);
    this.dataWriters += 1;
    let dataDone = false;
    const endData = (): void => {
      if (dataDone) return;
      dataDone = true;
      this.dataWriters -= 1;
      this.journal.wake();
    };
    const startedAt = this.now();
    let handedOver = false;
    // Hashed in the worker from the written bytes, or here from the received ones.
    const job = this.hasher?.begin(this.contentPath);
    const hash = job === undefined ? createHash('sha256') : undefined;
    try {
      const fh = await this.contentHandle();
      const received = await writePieceChunks(o.chunks, {
        number: o.number,
        offset: o.offset,
        maxLength: expectedLength ?? this.metaValue.pieceLength,
        fh,
        writeDirect: this.directIO ? (slab, position) => this.writeDirect(fh, slab, position) : undefined,
        job,
        hash,
        staging: this.staging,
        writeBufferBytes: this.writeBufferBytes,
        ...(o.release === undefined ? {} : { release: o.release }),
        ...(o.signal === undefined ? {} : { signal: o.signal }),
      });
      if (expectedLength !== undefined && received !== expectedLength) {
        throw new DfdaemonError(
          'DF_ERR_PARENT_FAILED',
          `piece ${o.number} ended after ${received} of ${expectedLength} bytes`,
        );
      }
      const digest = `sha256:${job === undefined ? (hash as Hash).digest('hex') : await job.digest()}`;
      if (o.expectedDigest !== undefined && o.expectedDigest !== digest) {
        throw new DfdaemonError(
          'DF_ERR_PIECE_DIGEST_MISMATCH',
          `piece ${o.number} of task ${this.id} has digest ${digest}, expected ${o.expectedDigest}`,
        );
      }
      const record: PieceRecord = {
        number: o.number,
        offset: o.offset,
        length: received,
        digest,
        trafficType: o.trafficType,
        costMs: this.now() - startedAt,
        createdAt: this.now(),
        ...(o.parentId === undefined ? {} : { parentId: o.parentId }),
      };
      this.assertWritable();
      this.finished.set(record.number, record);
      this.metaValue = { ...this.metaValue, updatedAt: this.now() };
      // Still `writing` (GC keeps the task) until the commit settles.
      const settled = (): void => void this.writing.delete(o.number);
      void this.journal.commit(record).then(settled, settled);
      endData();
      handedOver = true;
      for (const l of [...this.pieceListeners]) l(record);
      return record;
    } finally {
      endData();
      if (!handedOver) {
        this.writing.delete(o.number);
        job?.drop();
      }
    }
  }

  /** Sets the content length of a streamed task once the source ended. */
  async setContentLength(contentLength: number): Promise<void> {
    this.metaValue = { ...this.metaValue, contentLength, updatedAt: this.now() };
    await this.saveMeta();
  }

  /**
   * Records the task as complete (`digest`: the verified whole-task digest, when known). It is
   * finished in memory at once; the metadata says so on disk only after every piece is journaled
   * and the journal synced (in the background: `whenDurable`).
   */
  markFinished(digest?: string): Promise<void> {
    if (!this.hasAllPieces()) {
      return Promise.reject(new DfdaemonError('DF_ERR_STORAGE', `task ${this.id} cannot finish: pieces are missing`));
    }
    const now = this.now();
    const { failedAt: _f, failure: _r, ...rest } = this.metaValue;
    this.metaValue = { ...rest, finishedAt: now, updatedAt: now, ...(digest === undefined ? {} : { digest }) };
    this.finishing = this.persistFinished();
    this.finishing.catch(() => undefined);
    this.emitEnd(undefined);
    return Promise.resolve();
  }

  /**
   * Resolves once every available piece is journaled (after an fdatasync that covers it) and, if
   * the task is finished, its metadata says so durably. Rejects with the storage error otherwise;
   * the pieces it concerned are no longer available then.
   */
  async whenDurable(): Promise<void> {
    await this.journal.settled();
    if (this.finishing !== undefined) await this.finishing;
    const failure = this.journal.failure;
    if (failure !== undefined) throw failure;
  }

  private async persistFinished(): Promise<void> {
    await this.journal.settled();
    const failure = this.journal.failure;
    if (failure !== undefined || !this.hasAllPieces()) {
      this.unfinish();
      throw failure ?? new DfdaemonError('DF_ERR_STORAGE', `task ${this.id} lost pieces before it was made durable`);
    }
    // The journal lines must be durable before metadata says "finished".
    try {
      await this.journal.sync();
    } catch (err) {
      this.unfinish();
      throw storageError(err, `syncing the journal of task ${this.id}`);
    }
    // Evicted or deleted meanwhile: its files are gone, and must stay gone.
    if (this.deleted) return;
    await this.saveMeta();
  }

  private unfinish(): void {
    if (this.metaValue.finishedAt === undefined) return;
    const { finishedAt: _f, ...rest } = this.metaValue;
    this.metaValue = rest;
  }

  async markFailed(err: Error): Promise<void> {
    const now = this.now();
    this.metaValue = { ...this.metaValue, failedAt: now, updatedAt: now, failure: err.message };
    await this.saveMeta().catch(() => undefined);
    this.emitEnd(err);
  }

  /** Clears a previous failure so a new download may resume the task. */
  resetFailure(): void {
    if (this.metaValue.failedAt === undefined) return;
    const { failedAt: _f, failure: _r, ...rest } = this.metaValue;
    this.metaValue = rest;
  }

  /** Bumps updatedAt (GC orders by it); persisted lazily with the next metadata write. */
  touch(): void {
    this.metaValue = { ...this.metaValue, updatedAt: this.now() };
  }

  /** Reads bytes [start, endInclusive] of the content file, `chunkBytes` (default 1 MiB) at a time. */
  createReadStream(start: number, endInclusive: number, chunkBytes = READ_HIGH_WATER_MARK): ReadStream {
    return createReadStream(this.contentPath, { start, end: endInclusive, highWaterMark: chunkBytes });
  }

  /** Calls `listener` for every piece recorded from now on. Returns the unsubscribe function. */
  onPiece(listener: PieceListener): () => void {
    this.pieceListeners.add(listener);
    return () => this.pieceListeners.delete(listener);
  }

  /** Calls `listener` once the task finished (err undefined), failed or was deleted. */
  onEnd(listener: EndListener): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  /** Resolves with the piece when it is recorded; rejects if the task fails/ends without it or on abort. */
  waitForPiece(number: number, signal?: AbortSignal): Promise<PieceRecord> {
    const have = this.finished.get(number);
    if (have !== undefined) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        offPiece();
        offEnd();
        signal?.removeEventListener('abort', onAbort);
      };
      const offPiece = this.onPiece((p) => {
        if (p.number !== number) return;
        cleanup();
        resolve(p);
      });
      const offEnd = this.onEnd((err) => {
        cleanup();
        reject(err ?? new DfdaemonError('DF_ERR_PIECE_NOT_FOUND', `task ${this.id} ended without piece ${number}`));
      });
      const onAbort = (): void => {
        cleanup();
        reject(abortError(signal as AbortSignal));
      };
      if (signal?.aborted === true) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Waits for pending commits (unless deleted), then closes open files. */
  async close(): Promise<void> {
    if (!this.deleted) await this.whenDurable().catch(() => undefined);
    const content = this.contentFh;
    this.contentFh = undefined;
    if (content !== undefined) await (await content.catch(() => undefined))?.close().catch(() => undefined);
    const direct = this.directFh;
    this.directFh = undefined;
    if (direct !== undefined) await (await direct)?.close().catch(() => undefined);
    await this.journal.close();
  }

  /** Closes and removes content and metadata. Readers that already opened the file keep reading. */
  async delete(): Promise<void> {
    this.deleted = true;
    await this.close();
    await rm(this.contentPath, { force: true });
    await rm(this.journalPath, { force: true });
    await rm(this.metaPath, { force: true });
    this.emitEnd(new DfdaemonError('DF_ERR_TASK_NOT_FOUND', `task ${this.id} was deleted`));
  }

  /** Persists the task metadata atomically. */
  async saveMeta(): Promise<void> {
    try {
      await writeFileAtomic(this.metaPath, JSON.stringify(this.metaValue));
    } catch (err) {
      throw storageError(err, `saving metadata of task ${this.id}`);
    }
  }

  private assertWritable(): void {
    if (this.deleted) throw new DfdaemonError('DF_ERR_TASK_NOT_FOUND', `task ${this.id} was deleted`);
  }

  /**
   * Writes an aligned slab with O_DIRECT; with buffered I/O through `fh` where the filesystem
   * refuses O_DIRECT (at open, or EINVAL at the first write), from then on for this task.
   */
  private async writeDirect(fh: FileHandle, slab: Buffer, position: number): Promise<void> {
    this.directFh ??= this.openFile(this.contentPath, fsConstants.O_WRONLY | fsConstants.O_DIRECT).catch(() => null);
    const direct = await this.directFh;
    // Refused at open (a filesystem without O_DIRECT): later pieces skip the staging copy too.
    if (direct === null) this.directIO = false;
    if (direct !== null && this.directIO) {
      try {
        await writevFully(direct, [slab], position);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
        this.directIO = false;
      }
    }
    await writevFully(fh, [slab], position);
  }

  private contentHandle(): Promise<FileHandle> {
    this.contentFh ??= this.openFile(this.contentPath, 'r+', 0o600).catch((err: unknown) => {
      this.contentFh = undefined;
      throw storageError(err, `opening the content of task ${this.id}`);
    });
    return this.contentFh;
  }

  private emitEnd(err: Error | undefined): void {
    for (const l of [...this.endListeners]) l(err);
  }
}



function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new DfdaemonError('DF_ERR_CANCELLED', 'download cancelled');
}
