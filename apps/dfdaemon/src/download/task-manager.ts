import { MIN_PIECE_LENGTH, assertPieceLength, pieceLength as defaultPieceLength, taskId as computeTaskId } from '@d7y/core';
import type { Logger } from '@d7y/logger';
import { DfdaemonError, isDfdaemonError } from '../errors.js';
import type { SourceClient, SourceRequest, SourceStat } from '../source/source-client.js';
import type { Storage } from '../storage/storage.js';
import type { PieceRecord, TaskStore } from '../storage/task-store.js';
import type { BackToSource } from './back-to-source.js';
import type { DownloadRequest } from './download-request.js';
import { interestedPieces } from './task-content-stream.js';
import { expectedTaskDigests, verifyContentDigests } from './task-digest.js';

export interface DownloadStarted {
  taskId: string;
  peerId: string;
  contentLength: number | null;
  pieceLength: number;
  responseHeader: Record<string, string>;
  /** Interested pieces already in local storage. */
  pieces: PieceRecord[];
  isFinished: boolean;
}

export interface DownloadHooks {
  signal?: AbortSignal;
  onStarted?: (s: DownloadStarted) => void;
  /** Every interested piece, local ones first (traffic type local-peer), then as they land. */
  onPiece?: (p: PieceRecord) => void;
}

export interface PeerToPeerContext {
  task: TaskStore;
  request: DownloadRequest;
  peerId: string;
  /** Interested pieces still missing. */
  numbers: number[];
  /** Interested pieces already stored: reported to the scheduler so it knows what this peer has. */
  local: PieceRecord[];
  source: SourceRequest;
  signal: AbortSignal;
}

/** The scheduler-driven download (AnnouncePeer). Resolves when the flow ends; pieces may remain. */
export interface PeerToPeer {
  download(ctx: PeerToPeerContext): Promise<void>;
}

export interface TaskManagerDeps {
  storage: Storage;
  source: SourceClient;
  backToSource: BackToSource;
  /** Absent: no scheduler configured, every download goes to the source. */
  p2p?: PeerToPeer;
  logger: Logger;
  /** Makes a new peer ID per download. */
  newPeerId: () => string;
  /** download.concurrentPieceCount. */
  concurrentPieceCount: number;
  /** Content at most this long (bytes) skips the scheduler. Default: upstream's TINY size scope. */
  smallTaskBytes?: number;
  /**
   * scheduler.enableBackToSource: when false, a failed P2P download is not retried at the source
   * on this daemon's own initiative (the scheduler may still send it there).
   */
  enableBackToSource?: boolean;
}

interface Running {
  /** Resolves with the store once the task is known locally (undefined if it failed before). */
  store: Promise<TaskStore | undefined>;
  done: Promise<TaskStore>;
  wholeTask: boolean;
}

/**
 * Runs downloads: local pieces first, tiny tasks straight from the source, otherwise the
 * scheduler's P2P flow, then the source for whatever is still missing (unless disabled). A
 * second request for a task in flight follows the first one instead of fetching twice.
 */
/**
 * Upstream's TINY size scope (internals §1.7): only content this small skips the scheduler. Anything
 * larger, even one piece, goes through P2P, so an image's config blob is served by the seed peer
 * after a preheat instead of the registry.
 */
const TINY_TASK_BYTES = 128;

export class TaskManager {
  private readonly deps: TaskManagerDeps;
  private readonly log: Logger;
  private readonly running = new Map<string, Running>();
  private readonly smallTaskBytes: number;

  constructor(deps: TaskManagerDeps) {
    this.deps = deps;
    this.log = deps.logger.child({ component: 'download' });
    this.smallTaskBytes = deps.smallTaskBytes ?? TINY_TASK_BYTES;
  }

  taskIdOf(req: DownloadRequest): string {
    if (req.pieceLength !== undefined) {
      try {
        assertPieceLength(req.pieceLength);
      } catch (err) {
        throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', (err as Error).message);
      }
    }
    try {
      return computeTaskId({
        url: req.url,
        tag: req.tag,
        application: req.application,
        pieceLength: req.pieceLength,
        filteredQueryParams: req.filteredQueryParams,
        contentForCalculatingTaskId: req.contentForCalculatingTaskId,
      });
    } catch (err) {
      throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', `cannot compute a task ID: ${(err as Error).message}`);
    }
  }

  /** Downloads (or finds locally) the task; resolves with its store once the interested pieces are stored. */
  async download(req: DownloadRequest, hooks: DownloadHooks = {}): Promise<TaskStore> {
    validateRequest(req);
    const id = this.taskIdOf(req);
    const signals = [hooks.signal, req.timeoutMs === undefined ? undefined : AbortSignal.timeout(req.timeoutMs)].filter(
      (s): s is AbortSignal => s !== undefined,
    );
    const signal = signals.length === 0 ? new AbortController().signal : AbortSignal.any(signals);
    try {
      for (;;) {
        const other = this.running.get(id);
        if (other === undefined) break;
        const followed = await this.follow(other, req, hooks, signal);
        if (followed !== undefined) return followed;
      }
      const peerId = this.deps.newPeerId();
      let resolveStore: (s: TaskStore | undefined) => void = () => undefined;
      const storeReady = new Promise<TaskStore | undefined>((r) => (resolveStore = r));
      const done = this.run(id, peerId, req, hooks, signal, resolveStore);
      const entry: Running = { store: storeReady, done, wholeTask: req.range === undefined };
      this.running.set(id, entry);
      try {
        return await done;
      } finally {
        resolveStore(undefined);
        if (this.running.get(id) === entry) this.running.delete(id);
      }
    } catch (err) {
      if (signal.aborted && !isDfdaemonError(err)) {
        const reason: unknown = signal.reason;
        if (reason instanceof DOMException && reason.name === 'TimeoutError') {
          throw new DfdaemonError('DF_ERR_TIMEOUT', `download did not finish within ${req.timeoutMs} ms`);
        }
        throw new DfdaemonError('DF_ERR_CANCELLED', 'download cancelled');
      }
      throw err;
    }
  }

  /** Reports another request's progress; returns the store if that covered this request. */
  private async follow(other: Running, req: DownloadRequest, hooks: DownloadHooks, signal: AbortSignal): Promise<TaskStore | undefined> {
    const store = await other.store;
    if (store === undefined || !(other.wholeTask || req.range === undefined)) {
      await other.done.catch(() => undefined);
      return undefined;
    }
    const wanted = new Set(store.contentLength === null ? [] : interestedPieces(req.range, store.pieceLength, store.contentLength));
    const sent = new Set<number>();
    const report = (p: PieceRecord): void => {
      if (sent.has(p.number) || (store.contentLength !== null && !wanted.has(p.number))) return;
      sent.add(p.number);
      hooks.onPiece?.(p);
    };
    const off = store.onPiece(report);
    try {
      hooks.onStarted?.(started(store, 'follower', req, false));
      for (const p of store.pieces()) report({ ...p, trafficType: 'local-peer' });
      const onAbort = new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
      onAbort.catch(() => undefined);
      await Promise.race([other.done, onAbort]);
      return store;
    } catch (err) {
      if (signal.aborted) throw err;
      return undefined; // the other download failed: try ourselves
    } finally {
      off();
    }
  }

  private async run(
    id: string,
    peerId: string,
    req: DownloadRequest,
    hooks: DownloadHooks,
    signal: AbortSignal,
    storeReady: (s: TaskStore | undefined) => void,
  ): Promise<TaskStore> {
    const { storage } = this.deps;
    const log = this.log.child({ taskId: id, peerId });
    const source: SourceRequest = {
      url: req.url,
      header: req.requestHeader,
      ...(req.remote === true ? { trigger: 'remote' as const } : {}),
      ...(req.certificateChain !== undefined && req.certificateChain.length > 0 ? { certificateChain: req.certificateChain } : {}),
    };
    let store = storage.get(id);
    const expected = expectedTaskDigests(req.url, req.digest);

    if (store !== undefined && store.isFinished && store.hasAllPieces()) {
      store.touch();
      storeReady(store);
      this.reportLocal(store, req, peerId, hooks, true);
      if (req.needBackToSource && this.deps.p2p !== undefined) {
        // A scheduler triggered us (seed) for a task we already have: register anyway so that it
        // learns we hold it, with the digests of the pieces we once fetched from the source.
        const release = store.pin();
        try {
          await this.deps.p2p.download({ task: store, request: req, peerId, numbers: [], local: store.pieces(), source, signal });
        } catch (err) {
          log.warn({ err }, 'could not announce a local task to the scheduler');
        } finally {
          release();
        }
      }
      return store;
    }

    let stat: SourceStat | undefined;
    if (store === undefined || store.contentLength === null || store.isFailed) {
      stat = await this.deps.source.stat(source, signal);
      const pieceLength = req.pieceLength ?? (stat.contentLength === null ? MIN_PIECE_LENGTH : defaultPieceLength(stat.contentLength));
      store = await storage.getOrCreate({
        id,
        url: req.url,
        pieceLength,
        contentLength: stat.contentLength,
        responseHeader: stat.responseHeader,
      });
    }
    store.resetFailure();
    store.touch();
    const release = store.pin();
    storeReady(store);
    const totalNow = store.contentLength;
    const wanted = totalNow === null ? undefined : new Set(interestedPieces(req.range, store.pieceLength, totalNow));
    const offPiece = store.onPiece((p) => {
      if (wanted === undefined || wanted.has(p.number)) hooks.onPiece?.(p);
    });
    try {
      const local = this.reportLocal(store, req, peerId, hooks, false);
      const total = store.contentLength;
      const streamOnly = total === null || (stat !== undefined && !stat.supportsRange);
      if (streamOnly) {
        if (req.disableBackToSource) {
          throw new DfdaemonError('DF_ERR_BACK_TO_SOURCE_DISABLED', 'the source has no content length or ranges, and back-to-source is disabled');
        }
        log.info('streaming from the source (no length or no range support)');
        await this.deps.backToSource.streamAll(store, source, { concurrency: 1, signal });
      } else {
        const missing = interestedPieces(req.range, store.pieceLength, total).filter((n) => !local.has(n) && !(store as TaskStore).hasPiece(n));
        const requestedBytes = req.range?.length ?? total;
        const small = requestedBytes <= this.smallTaskBytes && !req.disableBackToSource;
        if (missing.length > 0 && !small && this.deps.p2p !== undefined) {
          try {
            const local = store.pieces().filter((p) => !missing.includes(p.number) && (wanted?.has(p.number) ?? true));
            await this.deps.p2p.download({ task: store, request: req, peerId, numbers: missing, local, source, signal });
          } catch (err) {
            if (signal.aborted || isDfdaemonError(err, 'DF_ERR_NO_SPACE') || isDfdaemonError(err, 'DF_ERR_SOURCE_STATUS')) throw err;
            log.warn({ err }, 'P2P download failed; falling back to the source');
          }
        }
        const left = missing.filter((n) => !(store as TaskStore).hasPiece(n));
        if (left.length > 0) {
          const selfFallback = this.deps.enableBackToSource !== false || this.deps.p2p === undefined || small;
          if (req.disableBackToSource || !selfFallback) {
            throw new DfdaemonError('DF_ERR_BACK_TO_SOURCE_DISABLED', `${left.length} pieces are not available from peers and back-to-source is disabled`);
          }
          await this.deps.backToSource.downloadPieces(store, source, left, {
            concurrency: req.concurrentPieceCount ?? this.deps.concurrentPieceCount,
            signal,
          });
        }
      }
      if (store.hasAllPieces() && !store.isFinished) {
        try {
          await verifyContentDigests(store.contentPath, expected);
        } catch (err) {
          if (isDfdaemonError(err, 'DF_ERR_DIGEST_MISMATCH')) {
            log.warn({ err }, 'content digest mismatch; removing the task');
            await storage.delete(id);
          }
          throw err;
        }
        await store.markFinished(expected[0] === undefined ? undefined : `${expected[0].algorithm}:${expected[0].encoded}`);
        log.info({ contentLength: store.contentLength }, 'task finished');
      } else if (store.isFinished && expected.length > 0 && store.meta.digest === undefined) {
        await verifyContentDigests(store.contentPath, expected);
      }
      return store;
    } catch (err) {
      if (!store.isDeleted) await store.markFailed(err as Error);
      throw err;
    } finally {
      offPiece();
      release();
    }
  }

  /** Sends "started" and the interested pieces already stored; returns their numbers. */
  private reportLocal(store: TaskStore, req: DownloadRequest, peerId: string, hooks: DownloadHooks, finished: boolean): Set<number> {
    const s = started(store, peerId, req, finished);
    hooks.onStarted?.(s);
    for (const p of s.pieces) hooks.onPiece?.({ ...p, trafficType: 'local-peer' });
    return new Set(s.pieces.map((p) => p.number));
  }
}

function started(store: TaskStore, peerId: string, req: DownloadRequest, isFinished: boolean): DownloadStarted {
  const total = store.contentLength;
  const wanted = total === null ? undefined : new Set(interestedPieces(req.range, store.pieceLength, total));
  return {
    taskId: store.id,
    peerId,
    contentLength: total,
    pieceLength: store.pieceLength,
    responseHeader: store.meta.responseHeader,
    pieces: store.pieces().filter((p) => wanted === undefined || wanted.has(p.number)),
    isFinished,
  };
}

function validateRequest(req: DownloadRequest): void {
  if (typeof req.url !== 'string' || req.url.length === 0) throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', 'url is required');
  if (req.range !== undefined) {
    const { start, length } = req.range;
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(length) || start < 0 || length <= 0) {
      throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', `invalid range start=${start} length=${length}`);
    }
  }
  if (req.timeoutMs !== undefined && (!Number.isFinite(req.timeoutMs) || req.timeoutMs <= 0)) {
    throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', 'timeout must be positive');
  }
}
