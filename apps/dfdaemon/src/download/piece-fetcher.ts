import { Agent, buildConnector, type Dispatcher } from 'undici';
import { tlsClientOptions, type TlsSource } from '@d7y/tls';
import { DfdaemonError } from '../errors.js';

export interface PieceFetcherDeps {
  /** Our dfdaemon identity, presented to parents' piece servers. */
  tls: TlsSource;
  /** download.pieceTimeout (ms): whole-piece deadline. */
  pieceTimeoutMs: number;
  /** TCP + TLS handshake deadline (ms); default CONNECT_TIMEOUT_MS, never above pieceTimeoutMs. */
  connectTimeoutMs?: number;
  dispatcher?: Dispatcher;
  /** Extra request headers per task (trace context of the download the piece belongs to). */
  headersFor?: (taskId: string) => Record<string, string>;
}

export interface ParentAddress {
  ip: string;
  /** Piece server port (Host.download_port). */
  port: number;
}

export interface PieceBody {
  body: AsyncIterable<Buffer>;
  destroy(): void;
}

/**
 * Default handshake deadline (ms). A parent serving many children on a busy host can take seconds
 * to answer a TLS handshake; a failed piece blocks that parent for the child (and, through
 * ReschedulePeer, at the scheduler), so a tight deadline turned a busy seed into a "failed" one
 * and sent its children to the source (bench/swarm, N = 16: 2 s deadlines, origin÷size 1.78).
 */
export const CONNECT_TIMEOUT_MS = 10_000;

/** Fetches piece bytes from a parent's piece server over mutual TLS (HTTP/1.1 keep-alive). */
export class PieceFetcher {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly pieceTimeoutMs: number;
  private readonly headersFor: ((taskId: string) => Record<string, string>) | undefined;

  constructor(deps: PieceFetcherDeps) {
    this.pieceTimeoutMs = deps.pieceTimeoutMs;
    this.headersFor = deps.headersFor;
    this.ownsDispatcher = deps.dispatcher === undefined;
    const connectTimeoutMs = Math.min(deps.connectTimeoutMs ?? CONNECT_TIMEOUT_MS, deps.pieceTimeoutMs);
    this.dispatcher =
      deps.dispatcher ??
      new Agent({
        connections: 32,
        headersTimeout: deps.pieceTimeoutMs,
        bodyTimeout: deps.pieceTimeoutMs,
        // A new connector per connection: rotated certificates apply to the next connection.
        connect: (opts, callback) => buildConnector({ ...tlsClientOptions(deps.tls), timeout: connectTimeoutMs })(opts, callback),
      });
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  async fetch(parent: ParentAddress, taskId: string, number: number, signal?: AbortSignal): Promise<PieceBody> {
    const timeout = AbortSignal.timeout(this.pieceTimeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    const host = parent.ip.includes(':') ? `[${parent.ip}]` : parent.ip;
    let res: Dispatcher.ResponseData;
    try {
      res = await this.dispatcher.request({
        origin: `https://${host}:${parent.port}`,
        path: `/pieces/${taskId}/${number}`,
        method: 'GET',
        signal: combined,
        ...(this.headersFor === undefined ? {} : { headers: this.headersFor(taskId) }),
      });
    } catch (err) {
      if (signal?.aborted === true) throw err;
      throw new DfdaemonError('DF_ERR_PARENT_FAILED', `parent ${host}:${parent.port} unreachable: ${(err as Error).message}`, { cause: err });
    }
    const body = res.body;
    body.on('error', () => undefined);
    if (res.statusCode !== 200) {
      body.destroy();
      throw new DfdaemonError('DF_ERR_PARENT_FAILED', `parent ${host}:${parent.port} answered ${res.statusCode} for piece ${number}`);
    }
    return {
      body: wrapErrors(body as AsyncIterable<Buffer>, `${host}:${parent.port}`),
      destroy: () => body.destroy(),
    };
  }
}

/** A parent that dies mid-piece shows up as a body error: name it as a parent failure. */
async function* wrapErrors(body: AsyncIterable<Buffer>, who: string): AsyncIterable<Buffer> {
  try {
    yield* body;
  } catch (err) {
    if (err instanceof DfdaemonError) throw err;
    throw new DfdaemonError('DF_ERR_PARENT_FAILED', `parent ${who} failed mid-piece: ${(err as Error).message}`, { cause: err });
  }
}
