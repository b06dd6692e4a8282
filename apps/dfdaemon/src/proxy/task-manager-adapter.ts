import { piecesForRange } from '@d7y/core';
import type { Logger } from '@d7y/logger';
import type { DownloadRequest } from '../download/download-request.js';
import { streamTaskContent } from '../download/task-content-stream.js';
import type { DownloadStarted, TaskManager } from '../download/task-manager.js';
import { DfdaemonError } from '../errors.js';
import type { Storage } from '../storage/storage.js';
import type { TaskStore } from '../storage/task-store.js';
import type { ProxyTask, ProxyTaskRequest, ProxyTaskSource } from './proxy-tasks.js';

export interface TaskManagerAdapterDeps {
  tasks: TaskManager;
  storage: Storage;
  logger: Logger;
  /** Task IDs remembered as prefetched (oldest forgotten first). */
  maxPrefetched?: number;
}

/** The proxy's view of the download engine: TaskManager.download() + streamTaskContent(). */
export class TaskManagerAdapter implements ProxyTaskSource {
  private readonly deps: TaskManagerAdapterDeps;
  private readonly log: Logger;
  private readonly prefetched = new Set<string>();

  constructor(deps: TaskManagerAdapterDeps) {
    this.deps = deps;
    this.log = deps.logger.child({ component: 'proxy' });
  }

  async open(req: ProxyTaskRequest, signal: AbortSignal): Promise<ProxyTask> {
    const tasks = this.deps.tasks;
    const download = toDownloadRequest(req);
    let resolveStarted: (s: DownloadStarted) => void = () => undefined;
    const started = new Promise<DownloadStarted>((resolve) => (resolveStarted = resolve));
    // The download is not tied to this client: others may be following it, and the finished task
    // serves the next request. Only this client's reader stops when it goes away.
    const done = tasks.download(download, { onStarted: (s) => resolveStarted(s) });
    done.catch(() => undefined); // observed below
    const s = await Promise.race([started, done.then(() => started), aborted(signal)]);
    const store = this.deps.storage.get(s.taskId);
    if (store === undefined) throw new DfdaemonError('DF_ERR_TASK_NOT_FOUND', `task ${s.taskId} vanished from storage`);
    // The reader stops when the client goes away or when the download ends without its bytes.
    const reader = new AbortController();
    const onClientAbort = (): void => reader.abort(signal.reason);
    if (signal.aborted) onClientAbort();
    signal.addEventListener('abort', onClientAbort, { once: true });
    const complete = async (): Promise<void> => {
      let current = await done;
      // A request that joined another one (e.g. a whole-blob GET behind a ranged GET) can end with
      // pieces it needs still missing: ask again, which downloads the rest.
      for (let attempt = 0; !covers(current, req.range) && attempt < 3 && !signal.aborted; attempt++) current = await tasks.download(download);
      if (!covers(current, req.range)) throw new DfdaemonError('DF_ERR_TASK_FAILED', 'the download ended without the requested bytes');
    };
    complete()
      .catch((err: unknown) => {
        this.log.debug({ err, taskId: s.taskId }, 'proxy download ended with an error');
        reader.abort(err);
      })
      .finally(() => signal.removeEventListener('abort', onClientAbort));
    return {
      taskId: s.taskId,
      contentLength: s.contentLength,
      responseHeader: s.responseHeader,
      // a follower of a download that is just finishing is a local hit too
      finished: s.isFinished || store.isFinished,
      content: (range) => streamTaskContent(store, range, reader.signal),
    };
  }

  prefetch(req: ProxyTaskRequest): void {
    const whole: ProxyTaskRequest = { ...req };
    delete whole.range;
    let id: string;
    try {
      id = this.deps.tasks.taskIdOf(toDownloadRequest(whole));
    } catch {
      return;
    }
    if (this.prefetched.has(id)) return;
    if (this.prefetched.size >= (this.deps.maxPrefetched ?? 10_000)) this.prefetched.delete(this.prefetched.values().next().value as string);
    this.prefetched.add(id);
    const tasks = this.deps.tasks;
    const wholeTask = async (): Promise<void> => {
      // A whole-task request that arrives while the ranged one runs follows it and can end with
      // pieces still missing; asking again then downloads the rest.
      for (let attempt = 0; attempt < 3; attempt++) {
        const store = await tasks.download(toDownloadRequest(whole));
        if (store.isFinished) return;
      }
      throw new DfdaemonError('DF_ERR_TASK_FAILED', 'prefetch did not complete the task');
    };
    wholeTask()
      .then(() => this.log.info({ taskId: id }, 'prefetch finished'))
      .catch((err: unknown) => {
        this.prefetched.delete(id);
        this.log.warn({ err, taskId: id }, 'prefetch failed');
      });
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** The store holds every byte of `range` (of the whole task without one). */
function covers(store: TaskStore, range: ProxyTaskRequest['range']): boolean {
  if (store.isFinished) return true;
  const total = store.contentLength;
  if (total === null) return false;
  const numbers = range === undefined ? piecesForRange({ start: 0, length: total }, store.pieceLength, total) : piecesForRange(range, store.pieceLength, total);
  return numbers.every((n) => store.hasPiece(n));
}

function toDownloadRequest(req: ProxyTaskRequest): DownloadRequest {
  return {
    url: req.url,
    ...(req.tag === undefined ? {} : { tag: req.tag }),
    ...(req.application === undefined ? {} : { application: req.application }),
    ...(req.filteredQueryParams === undefined ? {} : { filteredQueryParams: req.filteredQueryParams }),
    ...(req.pieceLength === undefined ? {} : { pieceLength: req.pieceLength }),
    ...(req.range === undefined ? {} : { range: req.range }),
    requestHeader: req.requestHeader,
    priority: req.priority,
    disableBackToSource: req.disableBackToSource,
    needBackToSource: false,
  };
}
