import type { FileHandle } from 'node:fs/promises';
import { storageError } from '../errors.js';
import type { OpenFile, PieceRecord } from './task-store.js';

/**
 * Longest a finished piece waits for companions before its group commit (ms). The actual wait is
 * the duration of the previous content fdatasync, capped here: on a disk whose flush costs F ms,
 * waiting F ms lets one flush cover the pieces finishing meanwhile; where a flush costs nothing
 * (tmpfs, write-back cache) nothing is waited for, so a piece reaches the children (SyncPieces)
 * at once — a fixed window added its full length to every hop of the P2P tree.
 */
const COMMIT_WINDOW_MS = 200;
/** A group commit starts at once when this many bytes wait for it. */
const COMMIT_WINDOW_BYTES = 64 * 1024 * 1024;

interface PendingCommit {
  record: PieceRecord;
  resolve: () => void;
  reject: (err: Error) => void;
}

export interface PieceJournalDeps {
  taskId: string;
  journalPath: string;
  /** Byte size of the journal's valid prefix (appends go after it). */
  journalBytes: number;
  openFile: OpenFile;
  /** fdatasync of the content file (throws if the task is gone). */
  syncContent: () => Promise<void>;
  /** Whether piece bytes are still arriving: the commit window waits for them. */
  writersBusy: () => boolean;
  /** A group commit failed: its pieces are not durable and must not stay available. */
  onFailed: (records: readonly PieceRecord[], err: Error) => void;
}

/**
 * `<id>.pieces`, the append-only journal of a task's finished pieces, written by group commit:
 * one fdatasync of the content file covers every piece written so far, then one append records
 * them all. Order matters: data first, record second, so a line that survives a crash is true.
 */
export class PieceJournal {
  private readonly deps: PieceJournalDeps;
  private pending: PendingCommit[] = [];
  private committing = false;
  /** How long the last content fdatasync took (ms): the next group commit waits at most this long. */
  private lastSyncMs = 0;
  private wakeWindow: (() => void) | undefined;
  private readonly settledWaiters: (() => void)[] = [];
  private handle: Promise<FileHandle> | undefined;
  private bytes: number;
  /** The last group commit that failed: its pieces were taken back. */
  private failed: Error | undefined;

  constructor(deps: PieceJournalDeps) {
    this.deps = deps;
    this.bytes = deps.journalBytes;
  }

  get failure(): Error | undefined {
    return this.failed;
  }

  /** Resolves once `record` is journaled after an fdatasync that covers its bytes. */
  commit(record: PieceRecord): Promise<void> {
    const p = new Promise<void>((resolve, reject) => {
      this.pending.push({ record, resolve, reject });
      if (!this.committing) void this.flush();
    });
    p.catch(() => undefined);
    return p;
  }

  /** A writer finished: a waiting commit window need not wait for it. */
  wake(): void {
    const w = this.wakeWindow;
    this.wakeWindow = undefined;
    w?.();
  }

  /** Resolves when no group commit is pending or running. */
  settled(): Promise<void> {
    if (!this.committing && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /** fdatasync of the journal itself (before metadata may say "finished"). */
  async sync(): Promise<void> {
    await (await this.open()).datasync();
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    if (handle !== undefined) await (await handle.catch(() => undefined))?.close().catch(() => undefined);
  }

  private open(): Promise<FileHandle> {
    this.handle ??= this.deps.openFile(this.deps.journalPath, 'a', 0o600).catch((err: unknown) => {
      this.handle = undefined;
      throw storageError(err, `opening the journal of task ${this.deps.taskId}`);
    });
    return this.handle;
  }

  /**
   * Group-commit window: while other pieces of this task are still being written, wait (up to as
   * long as the last content fdatasync took, at most COMMIT_WINDOW_MS, or until COMMIT_WINDOW_BYTES
   * are pending) so that one fdatasync covers many pieces — each fdatasync is a disk cache flush,
   * the expensive part on real disks.
   */
  private async window(): Promise<void> {
    const start = Date.now();
    const windowMs = Math.min(COMMIT_WINDOW_MS, this.lastSyncMs);
    for (;;) {
      const pendingBytes = this.pending.reduce((n, c) => n + c.record.length, 0);
      const waited = Date.now() - start;
      if (!this.deps.writersBusy() || pendingBytes >= COMMIT_WINDOW_BYTES || waited >= windowMs) return;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, windowMs - waited);
        t.unref();
        this.wakeWindow = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  private async flush(): Promise<void> {
    this.committing = true;
    while (this.pending.length > 0) {
      await this.window();
      const batch = this.pending;
      this.pending = [];
      try {
        const syncStart = Date.now();
        await this.deps.syncContent();
        this.lastSyncMs = Date.now() - syncStart;
        const journal = await this.open();
        const bytes = Buffer.from(batch.map((b) => `${JSON.stringify(b.record)}\n`).join(''));
        try {
          // No fdatasync of the journal here: its lines are written only after the bytes they
          // describe are durable, so any line that survives a crash is true; a line lost in a
          // crash only means that piece is fetched again. The journal is synced at finish.
          await writeFully(journal, bytes, null);
        } catch (err) {
          // A torn append must not glue onto the next record: cut back to the last good line.
          await journal.truncate(this.bytes).catch(() => undefined);
          throw err;
        }
        this.bytes += bytes.length;
        this.failed = undefined;
        for (const b of batch) b.resolve();
      } catch (err) {
        const e = storageError(err, `recording pieces of task ${this.deps.taskId}`);
        // Not durable, so not kept: these pieces are fetched again by the next download.
        this.failed = e;
        this.deps.onFailed(
          batch.map((b) => b.record),
          e,
        );
        for (const b of batch) b.reject(e);
      }
    }
    this.committing = false;
    for (const w of this.settledWaiters.splice(0)) w();
  }
}

export async function writeFully(fh: FileHandle, buf: Buffer, position: number | null): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off, position === null ? null : position + off);
    if (bytesWritten <= 0) throw Object.assign(new Error('short write'), { code: 'EIO' });
    off += bytesWritten;
  }
}
