import type { Logger } from '@d7y/logger';
import { isDfdaemonError, type DfdaemonError } from '../errors.js';
import { throttle, type BandwidthLimiter } from '../rate-limit/bandwidth-limiter.js';
import type { PieceRecord, TaskStore } from '../storage/task-store.js';
import type { PieceFetcher } from './piece-fetcher.js';

/** A candidate parent as the scheduler described it. */
export interface Parent {
  /** Peer ID. */
  id: string;
  hostId: string;
  ip: string;
  /** DfdaemonUpload gRPC port (SyncPieces). */
  port: number;
  /** Piece server port. */
  downloadPort: number;
}

export interface ParentRoundDeps {
  task: TaskStore;
  parents: readonly Parent[];
  /** Pieces wanted in this round. */
  numbers: readonly number[];
  /** Streams the piece numbers a parent has (now and as they land). */
  syncPieces: (parent: Parent, numbers: readonly number[], signal: AbortSignal) => AsyncIterable<number>;
  fetcher: PieceFetcher;
  /** The digest to check a parent's piece against — never one that parent supplied. */
  trustedDigest: (number: number) => Promise<string | undefined>;
  limiters: readonly BandwidthLimiter[];
  concurrency: number;
  /** Give up on the round after this long without any progress (ms). */
  idleTimeoutMs: number;
  /** Wait before asking again for a digest the scheduler does not have yet (ms). */
  digestRetryMs?: number;
  /** Attempts per piece to get a trusted digest before leaving the piece to the source. */
  digestAttempts?: number;
  onPiece: (piece: PieceRecord) => void;
  onPieceFailed: (number: number, parentId: string, err: DfdaemonError) => void;
  logger: Logger;
  signal: AbortSignal;
}

export interface ParentRoundResult {
  /** Parents that failed or served bad bytes: the scheduler should not offer them again. */
  blocked: Set<string>;
  /** Pieces that could not be verified (no trusted digest). */
  untrusted: Set<number>;
}

/**
 * One scheduling round against a set of parents: learn who has what (SyncPieces), fetch up to
 * `concurrency` pieces at once from the least busy parent that has each, verify each piece
 * against the trusted digest while writing it, and block parents that fail or lie. A piece
 * failing on one parent is retried on the others.
 */
export class ParentRound {
  private readonly d: ParentRoundDeps;
  private readonly log: Logger;
  private readonly remaining: Set<number>;
  private readonly available = new Map<number, Set<string>>();
  private readonly tried = new Map<number, Set<string>>();
  private readonly digestTries = new Map<number, number>();
  private readonly queue: number[] = [];
  private readonly queued = new Set<number>();
  private readonly inFlight = new Set<number>();
  private readonly load = new Map<string, number>();
  private readonly blocked = new Set<string>();
  private readonly untrusted = new Set<number>();
  private readonly parents: Map<string, Parent>;
  private readonly syncCtrls = new Map<string, AbortController>();
  private openSyncs = 0;
  private pendingRetries = 0;
  private wake: () => void = () => undefined;
  private fatal: unknown;
  private lastProgress = Date.now();

  constructor(deps: ParentRoundDeps) {
    this.d = deps;
    this.log = deps.logger.child({ component: 'parent-round', taskId: deps.task.id });
    this.remaining = new Set(deps.numbers.filter((n) => !deps.task.hasPiece(n)));
    this.parents = new Map(deps.parents.map((p) => [p.id, p]));
  }

  async run(): Promise<ParentRoundResult> {
    if (this.remaining.size > 0 && this.parents.size > 0) {
      for (const p of this.parents.values()) this.startSync(p);
      const workers = Array.from({ length: Math.max(1, this.d.concurrency) }, () => this.worker());
      await Promise.all(workers);
    }
    for (const c of this.syncCtrls.values()) c.abort();
    if (this.fatal !== undefined) throw this.fatal;
    return { blocked: this.blocked, untrusted: this.untrusted };
  }

  private startSync(parent: Parent): void {
    const ctrl = new AbortController();
    const onAbort = (): void => ctrl.abort();
    this.d.signal.addEventListener('abort', onAbort, { once: true });
    this.syncCtrls.set(parent.id, ctrl);
    this.openSyncs += 1;
    void (async () => {
      try {
        for await (const n of this.d.syncPieces(parent, [...this.remaining], ctrl.signal)) {
          let set = this.available.get(n);
          if (set === undefined) this.available.set(n, (set = new Set()));
          set.add(parent.id);
          this.enqueue(n);
        }
      } catch (err) {
        if (!ctrl.signal.aborted) {
          this.log.warn({ parentId: parent.id, err: (err as Error).message }, 'SyncPieces with parent failed');
          this.block(parent.id);
        }
      } finally {
        this.d.signal.removeEventListener('abort', onAbort);
        this.openSyncs -= 1;
        this.notify();
      }
    })();
  }

  private enqueue(n: number): void {
    if (!this.remaining.has(n) || this.queued.has(n) || this.inFlight.has(n)) return;
    this.queued.add(n);
    this.queue.push(n);
    this.lastProgress = Date.now();
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = () => undefined;
    w();
  }

  private block(parentId: string): void {
    if (this.blocked.has(parentId)) return;
    this.blocked.add(parentId);
    this.syncCtrls.get(parentId)?.abort();
    this.notify();
  }

  private finished(): boolean {
    if (this.fatal !== undefined || this.d.signal.aborted) return true;
    if (this.remaining.size === 0) return true;
    const nothingCanArrive = this.openSyncs === 0 && this.pendingRetries === 0;
    return this.queue.length === 0 && this.inFlight.size === 0 && nothingCanArrive;
  }

  private async worker(): Promise<void> {
    for (;;) {
      if (this.finished()) {
        this.notify();
        return;
      }
      const n = this.queue.shift();
      if (n === undefined) {
        const idleFor = Date.now() - this.lastProgress;
        if (idleFor >= this.d.idleTimeoutMs) {
          this.log.warn({ idleMs: idleFor }, 'no progress from parents; ending round');
          for (const c of this.syncCtrls.values()) c.abort();
          this.pendingRetries = 0;
          this.queue.length = 0;
          this.notify();
          return;
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.d.idleTimeoutMs - idleFor);
          t.unref();
          const prev = this.wake;
          this.wake = () => {
            clearTimeout(t);
            prev();
            resolve();
          };
        });
        continue;
      }
      this.queued.delete(n);
      if (!this.remaining.has(n)) continue;
      await this.fetchPiece(n);
    }
  }

  private pickParent(n: number): Parent | undefined {
    const have = this.available.get(n);
    if (have === undefined) return undefined;
    const tried = this.tried.get(n);
    let best: Parent | undefined;
    let bestLoad = Infinity;
    for (const id of have) {
      if (this.blocked.has(id) || tried?.has(id) === true) continue;
      const p = this.parents.get(id);
      if (p === undefined) continue;
      // Least busy first; ties broken at random so children spread over equal parents.
      const l = (this.load.get(id) ?? 0) + Math.random() * 0.5;
      if (l < bestLoad) {
        best = p;
        bestLoad = l;
      }
    }
    return best;
  }

  private async fetchPiece(n: number): Promise<void> {
    const parent = this.pickParent(n);
    if (parent === undefined) return; // re-queued when another parent reports it
    this.inFlight.add(n);
    try {
      const digest = await this.d.trustedDigest(n);
      if (digest === undefined) {
        const tries = (this.digestTries.get(n) ?? 0) + 1;
        this.digestTries.set(n, tries);
        if (tries >= (this.d.digestAttempts ?? 25)) {
          this.log.warn({ piece: n }, 'no trusted digest for piece; leaving it to the source');
          this.untrusted.add(n);
          this.remaining.delete(n);
          return;
        }
        this.retryLater(n);
        return;
      }
      this.load.set(parent.id, (this.load.get(parent.id) ?? 0) + 1);
      try {
        const res = await this.d.fetcher.fetch({ ip: parent.ip, port: parent.downloadPort }, this.d.task.id, n, this.d.signal);
        try {
          const { offset, length } = this.d.task.pieceBounds(n);
          // The piece counts (and is reported) once written and verified; the storage makes it
          // durable in the background, so a slow disk flush does not idle the worker.
          const piece = await this.d.task.writePiece({
            number: n,
            offset,
            ...(length === undefined ? {} : { length }),
            chunks: throttle(res.body, this.d.limiters, this.d.signal),
            expectedDigest: digest,
            parentId: parent.id,
            trafficType: 'remote-peer',
            signal: this.d.signal,
            ...(res.release === undefined ? {} : { release: (chunk: Buffer) => res.release?.(chunk) }),
          });
          this.remaining.delete(n);
          this.lastProgress = Date.now();
          this.d.onPiece(piece);
        } finally {
          res.destroy();
        }
      } finally {
        this.load.set(parent.id, (this.load.get(parent.id) ?? 1) - 1);
      }
    } catch (err) {
      if (this.d.signal.aborted) return;
      if (!isDfdaemonError(err) || (err.code !== 'DF_ERR_PARENT_FAILED' && err.code !== 'DF_ERR_PIECE_DIGEST_MISMATCH')) {
        // Disk full, storage failure: no parent can help.
        this.fatal ??= err;
        this.notify();
        return;
      }
      this.log.warn({ piece: n, parentId: parent.id, err: err.message }, 'piece from parent failed; blocking parent');
      let tried = this.tried.get(n);
      if (tried === undefined) this.tried.set(n, (tried = new Set()));
      tried.add(parent.id);
      this.block(parent.id);
      this.d.onPieceFailed(n, parent.id, err);
      this.enqueue(n);
    } finally {
      this.inFlight.delete(n);
      this.notify();
    }
  }

  private retryLater(n: number): void {
    this.pendingRetries += 1;
    const t = setTimeout(() => {
      this.pendingRetries -= 1;
      this.enqueue(n);
      this.notify();
    }, this.d.digestRetryMs ?? 200);
    t.unref();
  }
}

