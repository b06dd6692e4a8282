import { context, SpanKind, SpanStatusCode, trace, tracer, type Context } from '@d7y/telemetry';
import { isDfdaemonError } from '../errors.js';
import type { DownloadRequest } from '../download/download-request.js';
import { TaskManager, type DownloadHooks, type TaskManagerDeps } from '../download/task-manager.js';
import type { TaskStore } from '../storage/task-store.js';
import type { DfdaemonMetrics } from './dfdaemon-metrics.js';

export interface ObservedTaskManagerDeps extends TaskManagerDeps {
  metrics: DfdaemonMetrics;
}

/**
 * The TaskManager with its downloads observed: one span per download request (child of the
 * caller's context, e.g. dfget's DownloadTask call), task counts and durations by result, and
 * the local_peer traffic (pieces a request got from this daemon's storage; traffic from the
 * network is counted where pieces are stored). The span's context is kept per task while the
 * download runs so that piece fetches, which start from scheduler stream events (outside any
 * request's async context), join the same trace.
 */
export class ObservedTaskManager extends TaskManager {
  private readonly metrics: DfdaemonMetrics;
  private readonly contexts = new Map<string, Context[]>();

  constructor(deps: ObservedTaskManagerDeps) {
    super(deps);
    this.metrics = deps.metrics;
  }

  /** Trace context of a running download of `taskId` (the first one still running). */
  traceContextOf(taskId: string): Context | undefined {
    return this.contexts.get(taskId)?.[0];
  }

  override async download(req: DownloadRequest, hooks: DownloadHooks = {}): Promise<TaskStore> {
    const m = this.metrics;
    const startedAt = performance.now();
    let taskId: string | undefined;
    try {
      taskId = this.taskIdOf(req);
    } catch {
      // the download below refuses the request with the same error
    }
    const span = tracer().startSpan('dfdaemon.download_task', {
      kind: SpanKind.INTERNAL,
      attributes: { 'dragonfly.task_id': taskId ?? '', 'url.full': redactUrl(req.url) },
    });
    const ctx = trace.setSpan(context.active(), span);
    if (taskId !== undefined) this.contexts.set(taskId, [...(this.contexts.get(taskId) ?? []), ctx]);
    const onPiece = hooks.onPiece;
    const observed: DownloadHooks = {
      ...hooks,
      onPiece: (p) => {
        if (p.trafficType === 'local-peer') m.downloadTraffic.inc({ type: 'local_peer' }, p.length);
        onPiece?.(p);
      },
    };
    m.concurrentDownloadTasks.inc();
    try {
      const store = await context.with(ctx, () => super.download(req, observed));
      m.downloadTasks.inc({ result: 'success' });
      m.downloadTaskDuration.observe({ result: 'success' }, performance.now() - startedAt);
      return store;
    } catch (err) {
      const code = isDfdaemonError(err) ? err.code : 'UNKNOWN';
      m.downloadTasks.inc({ result: 'failure' });
      m.downloadTaskFailures.inc({ code });
      m.downloadTaskDuration.observe({ result: 'failure' }, performance.now() - startedAt);
      span.setStatus({ code: SpanStatusCode.ERROR, message: code });
      throw err;
    } finally {
      m.concurrentDownloadTasks.dec();
      span.end();
      if (taskId !== undefined) {
        const left = (this.contexts.get(taskId) ?? []).filter((c) => c !== ctx);
        if (left.length === 0) this.contexts.delete(taskId);
        else this.contexts.set(taskId, left);
      }
    }
  }
}

/** The URL without its query (signed URLs carry credentials there) and without user info. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '';
  }
}
