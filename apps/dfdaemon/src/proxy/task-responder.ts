import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { parseByteSize } from '@d7y/config';
import type { Logger } from '@d7y/logger';
import { isDfdaemonError, type ErrorCode } from '../errors.js';
import { clientResponseHeaders, taskRequestHeaders } from './forward-headers.js';
import { contentRange, parseRangeHeader, resolveRange } from './http-range.js';
import { ERROR_TYPE_HEADER, replyError, type ProxyErrorType } from './proxy-handler.js';
import type { P2pRoute } from './proxy-rules.js';
import type { ByteRange, ProxyTaskRequest, ProxyTaskSource } from './proxy-tasks.js';

export const TASK_ID_HEADER = 'x-dragonfly-task-id';
export const DOWNLOAD_FINISHED_HEADER = 'x-dragonfly-task-download-finished';

export interface TaskResponderDeps {
  tasks: ProxyTaskSource;
  logger: Logger;
  disableBackToSource: boolean;
  prefetch: boolean;
  /** Answers with the origin's own response (used when the origin refused the P2P download). */
  forward: (req: IncomingMessage, res: ServerResponse, target: URL, extraHeaders: Record<string, string>) => void;
}

class BadHeaderError extends Error {}

/**
 * Serves a GET through P2P: 200, or 206 with `Content-Range` for a single byte range; the body
 * streams in order as pieces land. The origin's refusal (401, 404…) is passed through as the
 * origin sent it, with `X-Dragonfly-Error-Type: backend`.
 */
export class TaskResponder {
  private readonly deps: TaskResponderDeps;
  private readonly log: Logger;

  constructor(deps: TaskResponderDeps) {
    this.deps = deps;
    this.log = deps.logger.child({ component: 'proxy' });
  }

  async respond(req: IncomingMessage, res: ServerResponse, route: P2pRoute): Promise<void> {
    let request: ProxyTaskRequest;
    let wantsPrefetch: boolean;
    try {
      ({ request, wantsPrefetch } = this.taskRequest(req, route));
    } catch (err) {
      if (err instanceof BadHeaderError) return replyError(res, 400, 'proxy', err.message);
      throw err;
    }
    const spec = parseRangeHeader(single(req.headers.range));
    if (spec?.kind === 'from' && spec.end !== undefined) request.range = { start: spec.start, length: spec.end - spec.start + 1 };

    const ctl = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) ctl.abort(new Error('client went away'));
    });
    let task;
    try {
      task = await this.deps.tasks.open(request, ctl.signal);
    } catch (err) {
      return this.fail(req, res, route, err);
    }
    if (spec !== undefined && wantsPrefetch) this.deps.tasks.prefetch(request);

    const total = task.contentLength;
    const headers: OutgoingHttpHeaders = clientResponseHeaders(task.responseHeader);
    delete headers['content-length'];
    delete headers['content-range'];
    headers[TASK_ID_HEADER] = task.taskId;
    if (task.finished) headers[DOWNLOAD_FINISHED_HEADER] = 'true';
    let range: ByteRange | undefined;
    let status = 200;
    if (spec !== undefined && total !== null) {
      const r = resolveRange(spec, total);
      if (r === 'unsatisfiable') {
        ctl.abort();
        return replyError(res, 416, 'proxy', 'range not satisfiable', { 'content-range': `bytes */${total}`, [TASK_ID_HEADER]: task.taskId });
      }
      range = r;
      status = 206;
      headers['content-range'] = contentRange(r, total);
      headers['accept-ranges'] = 'bytes';
    }
    if (total !== null) headers['content-length'] = String(range?.length ?? total);
    if (res.destroyed) return;
    res.writeHead(status, headers);
    pipeline(task.content(range), res, (err) => {
      if (err && !res.destroyed) {
        // headers are gone: a truncated body must look truncated, so the connection is dropped
        this.log.warn({ err, taskId: task.taskId }, 'P2P stream failed mid-way');
        res.destroy(err);
      }
    });
  }

  private taskRequest(req: IncomingMessage, route: P2pRoute): { request: ProxyTaskRequest; wantsPrefetch: boolean } {
    const h = (name: string): string | undefined => single(req.headers[name]);
    const priorityText = h('x-dragonfly-priority');
    const priority = priorityText === undefined ? 6 : Number(priorityText);
    if (!Number.isInteger(priority) || priority < 0 || priority > 6) throw new BadHeaderError('X-Dragonfly-Priority must be an integer 0–6');
    const filtered = h('x-dragonfly-filtered-query-params');
    const pieceText = h('x-dragonfly-piece-length');
    let pieceLength: number | undefined;
    if (pieceText !== undefined) {
      try {
        pieceLength = parseByteSize(pieceText);
      } catch {
        throw new BadHeaderError('X-Dragonfly-Piece-Length must be a size such as 4MiB');
      }
    }
    const tag = h('x-dragonfly-tag');
    const application = h('x-dragonfly-application');
    const filteredQueryParams =
      filtered !== undefined ? filtered.split(',').map((s) => s.trim()).filter((s) => s !== '') : route.rule.filteredQueryParams;
    const prefetchText = h('x-dragonfly-prefetch');
    const request: ProxyTaskRequest = {
      url: route.source.href,
      priority,
      requestHeader: taskRequestHeaders(req.headers),
      disableBackToSource: this.deps.disableBackToSource,
      ...(tag === undefined ? {} : { tag }),
      ...(application === undefined ? {} : { application }),
      ...(filteredQueryParams === undefined ? {} : { filteredQueryParams }),
      ...(pieceLength === undefined ? {} : { pieceLength }),
    };
    return { request, wantsPrefetch: prefetchText === undefined ? this.deps.prefetch : prefetchText.toLowerCase() === 'true' };
  }

  private fail(req: IncomingMessage, res: ServerResponse, route: P2pRoute, err: unknown): void {
    if (res.destroyed) return;
    if (isDfdaemonError(err, 'DF_ERR_SOURCE_STATUS')) {
      // let the client see the origin's own answer (a 401 carries the WWW-Authenticate it needs)
      return this.deps.forward(req, res, route.target, { [ERROR_TYPE_HEADER]: 'backend' });
    }
    const [status, type] = isDfdaemonError(err) ? STATUS_OF[err.code] : ([500, 'dfdaemon'] as const);
    // no query in logs: pre-signed URLs carry credentials there
    if (status >= 500) this.log.warn({ err, url: `${route.source.origin}${route.source.pathname}` }, 'P2P download failed');
    replyError(res, status, type, isDfdaemonError(err) ? err.wireMessage() : 'internal error');
  }
}

const STATUS_OF: Record<ErrorCode, readonly [number, ProxyErrorType]> = {
  DF_ERR_INVALID_ARGUMENT: [400, 'proxy'],
  DF_ERR_TASK_NOT_FOUND: [500, 'dfdaemon'],
  DF_ERR_PIECE_NOT_FOUND: [500, 'dfdaemon'],
  DF_ERR_PIECE_OUT_OF_RANGE: [416, 'proxy'],
  DF_ERR_SOURCE_STATUS: [502, 'backend'],
  DF_ERR_SOURCE_UNREACHABLE: [502, 'backend'],
  // proxy requests are local, never refused by the egress policy; listed for completeness
  DF_ERR_SOURCE_REFUSED: [403, 'dfdaemon'],
  DF_ERR_DIGEST_MISMATCH: [502, 'backend'],
  DF_ERR_PIECE_DIGEST_MISMATCH: [502, 'dfdaemon'],
  DF_ERR_NO_SPACE: [507, 'dfdaemon'],
  DF_ERR_BACK_TO_SOURCE_DISABLED: [503, 'dfdaemon'],
  DF_ERR_SCHEDULER_UNAVAILABLE: [503, 'dfdaemon'],
  DF_ERR_PARENT_FAILED: [503, 'dfdaemon'],
  DF_ERR_PERMISSION_DENIED: [403, 'dfdaemon'],
  DF_ERR_RESOURCE_EXHAUSTED: [503, 'dfdaemon'],
  DF_ERR_TIMEOUT: [504, 'dfdaemon'],
  DF_ERR_CANCELLED: [500, 'dfdaemon'],
  DF_ERR_STORAGE: [500, 'dfdaemon'],
  DF_ERR_TASK_FAILED: [500, 'dfdaemon'],
  DF_ERR_OUTPUT_EXISTS: [500, 'dfdaemon'],
  DF_ERR_DAEMON_UNAVAILABLE: [503, 'dfdaemon'],
};

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
