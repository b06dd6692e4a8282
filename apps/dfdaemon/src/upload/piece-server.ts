import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { finished } from 'node:stream/promises';
import type { TLSSocket } from 'node:tls';
import { isTaskId } from '@d7y/core';
import type { Logger } from '@d7y/logger';
import { context, SpanStatusCode, startHttpServerSpan } from '@d7y/telemetry';
import { followReloads, httpsServerOptions, identityFromSocket, type TlsSource } from '@d7y/tls';
import type { BandwidthLimiter } from '../rate-limit/bandwidth-limiter.js';
import type { Storage } from '../storage/storage.js';
import { FileRangeSender } from './file-range-sender.js';

export interface PieceServerDeps {
  storage: Storage;
  tls: TlsSource;
  /** upload.bandwidthLimit. */
  uploadLimiter: BandwidthLimiter;
  /** upload.disableShared (leech mode): serve nobody. */
  disableShared?: boolean;
  logger: Logger;
  ip: string;
  port: number;
  observer?: PieceServerObserver;
}

/** Observation hooks (metrics); the piece server works the same without them. */
export interface PieceServerObserver {
  /** The https server, once created (to count TLS handshake failures). */
  listening?(server: Server): void;
  /** One request answered: success (bytes = piece bytes sent), failure (ended early) or refused (4xx). */
  served?(result: 'success' | 'failure' | 'refused', bytes: number): void;
}

/** Header carrying the piece's sha256 (informational: downloaders verify against the scheduler's digest). */
export const PIECE_DIGEST_HEADER = 'x-dragonfly-piece-digest';

const PATH_RE = /^\/pieces\/([^/]+)\/(\d{1,10})$/;

/**
 * Piece server (storage.server.tcpPort, 4005): HTTPS with a required client certificate; only
 * dfdaemon identities may fetch. `GET /pieces/<taskId>/<number>` streams a finished piece from
 * disk (128 KiB chunks, bounded memory, upload bandwidth limit); `Range: bytes=a-b` selects bytes within the piece.
 */
export class PieceServer {
  private readonly deps: PieceServerDeps;
  private readonly log: Logger;
  private server: Server | undefined;
  private unfollow: (() => void) | undefined;
  private active = 0;
  /** Disk to socket with at most two 128 KiB chunks per response, buffers reused. */
  private readonly sender = new FileRangeSender();
  /** Piece bytes sent per answered request (for the observer). */
  private readonly sentBytes = new WeakMap<ServerResponse, number>();

  constructor(deps: PieceServerDeps) {
    this.deps = deps;
    this.log = deps.logger.child({ component: 'piece-server' });
  }

  /** Pieces being served right now. */
  get activeUploads(): number {
    return this.active;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(): Promise<void> {
    const server = createServer({ ...httpsServerOptions(this.deps.tls), highWaterMark: 1024 * 1024 } as never, (req, res) => {
      void this.handle(req, res);
    });
    server.keepAliveTimeout = 30_000;
    this.unfollow = followReloads(server, this.deps.tls);
    this.server = server;
    this.deps.observer?.listening?.(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.deps.port, this.deps.ip, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.log.info({ port: this.port }, 'piece server listening');
  }

  async stop(): Promise<void> {
    this.unfollow?.();
    const s = this.server;
    if (s === undefined) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** One request in a SERVER span continuing the downloader's trace (traceparent header). */
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { span, ctx } = startHttpServerSpan('dfdaemon.upload_piece', req.headers, { 'url.path': (req.url ?? '').slice(0, 200) });
    try {
      await context.with(ctx, () => this.serve(req, res));
    } finally {
      span.setAttribute('http.response.status_code', res.statusCode);
      const observer = this.deps.observer?.served;
      if (res.statusCode >= 400) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        observer?.('refused', 0);
      } else if (res.writableFinished) {
        observer?.('success', this.sentBytes.get(res) ?? 0);
      } else {
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'ended early' });
        observer?.('failure', 0);
      }
      span.end();
    }
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const identity = identityFromSocket(req.socket as TLSSocket);
    if (identity?.role !== 'dfdaemon') {
      reply(res, 403, 'only dfdaemon identities may fetch pieces');
      return;
    }
    if (this.deps.disableShared === true) {
      reply(res, 403, 'this peer does not share (upload.disableShared)');
      return;
    }
    if (req.method !== 'GET') {
      reply(res, 405, 'method not allowed');
      return;
    }
    const m = PATH_RE.exec(req.url ?? '');
    if (m === null || !isTaskId(m[1])) {
      reply(res, 400, 'expected GET /pieces/<task id>/<piece number>');
      return;
    }
    const taskId = m[1] as string;
    const number = Number(m[2]);
    const task = this.deps.storage.get(taskId);
    if (task === undefined) {
      reply(res, 404, `task ${taskId} is not here`);
      return;
    }
    const count = task.pieceCount;
    if (count !== undefined && number >= count) {
      reply(res, 416, `piece ${number} is out of range (${count} pieces)`);
      return;
    }
    const piece = task.getPiece(number);
    if (piece === undefined) {
      reply(res, 404, `piece ${number} is not finished here`);
      return;
    }
    let from = 0;
    let to = piece.length - 1;
    const range = req.headers.range;
    if (range !== undefined) {
      const r = /^bytes=(\d+)-(\d*)$/.exec(range);
      if (r === null || Number(r[1]) > to || (r[2] !== '' && Number(r[2]) < Number(r[1]))) {
        res.setHeader('content-range', `bytes */${piece.length}`);
        reply(res, 416, `unsatisfiable range ${range} for a ${piece.length}-byte piece`);
        return;
      }
      from = Number(r[1]);
      if (r[2] !== '') to = Math.min(to, Number(r[2]));
    }
    const release = task.pin();
    this.active += 1;
    try {
      const headers: Record<string, string> = {
        'content-type': 'application/octet-stream',
        'content-length': String(to - from + 1),
        [PIECE_DIGEST_HEADER]: piece.digest,
      };
      if (range !== undefined) headers['content-range'] = `bytes ${from}-${to}/${piece.length}`;
      res.writeHead(range === undefined ? 200 : 206, headers);
      await this.sender.send(task.contentPath, piece.offset + from, piece.offset + to, res, this.deps.uploadLimiter);
      res.end();
      await finished(res);
      this.sentBytes.set(res, to - from + 1);
    } catch (err) {
      // The downloader went away or the file vanished (deleted task): nothing to answer anymore.
      this.log.debug({ taskId, piece: number, err }, 'piece upload ended early');
      res.destroy();
    } finally {
      this.active -= 1;
      release();
    }
  }
}

function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${message}\n`);
}
