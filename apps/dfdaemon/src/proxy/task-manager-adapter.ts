import type { Logger } from '@d7y/logger';
import type { DownloadRequest } from '../download/download-request.js';
import { streamTaskContent } from '../download/task-content-stream.js';
import type { DownloadStarted, TaskManager } from '../download/task-manager.js';
import { DfdaemonError } from '../errors.js';
import type { Storage } from '../storage/storage.js';
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
    let resolveStarted: (s: DownloadStarted) => void = () => undefined;
    const started = new Promise<DownloadStarted>((resolve) => (resolveStarted = resolve));
    const done = this.deps.tasks.download(toDownloadRequest(req), { signal, onStarted: (s) => resolveStarted(s) });
    // the download goes on after open() returns; its failure reaches the reader through the content stream
    done.catch((err: unknown) => this.log.debug({ err, url: req.url }, 'proxy download ended with an error'));
    const s = await Promise.race([started, done.then(() => started)]);
    const store = this.deps.storage.get(s.taskId);
    if (store === undefined) throw new DfdaemonError('DF_ERR_TASK_NOT_FOUND', `task ${s.taskId} vanished from storage`);
    return {
      taskId: s.taskId,
      contentLength: s.contentLength,
      responseHeader: s.responseHeader,
      // a follower of a download that is just finishing is a local hit too
      finished: s.isFinished || store.isFinished,
      content: (range) => streamTaskContent(store, range, signal),
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
    this.deps.tasks
      .download(toDownloadRequest(whole))
      .then(() => this.log.info({ taskId: id }, 'prefetch finished'))
      .catch((err: unknown) => {
        this.prefetched.delete(id);
        this.log.warn({ err, taskId: id }, 'prefetch failed');
      });
  }
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
