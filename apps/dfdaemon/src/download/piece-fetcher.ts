import type { Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { tlsClientOptions, type TlsSource } from '@d7y/tls';
import { DfdaemonError, isDfdaemonError } from '../errors.js';
import { SlabHttpConnections } from '../source/slab-http-connections.js';
import { getRequestHead, type Dial } from '../source/slab-connection.js';

export interface PieceFetcherDeps {
  /** Our dfdaemon identity, presented to parents' piece servers. */
  tls: TlsSource;
  /** download.pieceTimeout (ms): whole-piece deadline. */
  pieceTimeoutMs: number;
  /** TCP + TLS handshake deadline (ms); default CONNECT_TIMEOUT_MS, never above pieceTimeoutMs. */
  connectTimeoutMs?: number;
  /** A dispatcher of one's own (undici) instead of the slab-reading client. */
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
  /** Gives a chunk's memory back for reuse once nothing reads it anymore (slab-read bodies). */
  release?(chunk: Buffer): void;
}

/**
 * Default handshake deadline (ms). A parent serving many children on a busy host can take seconds
 * to answer a TLS handshake; a failed piece blocks that parent for the child (and, through
 * ReschedulePeer, at the scheduler), so a tight deadline turned a busy seed into a "failed" one
 * and sent its children to the source (bench/swarm, N = 16: 2 s deadlines, origin÷size 1.78).
 */
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Fetches piece bytes from a parent's piece server over mutual TLS (HTTP/1.1 keep-alive). A piece
 * is read straight from the TLS socket into page-aligned 2 MiB slabs (`onread`), which the storage
 * writes with O_DIRECT and hashes in place: no buffer per 16 KiB TLS record, no HTTP parser in
 * between. An answer that is not a plain 200 with a Content-Length, and every fetch when a
 * dispatcher is given, goes through undici.
 */
export class PieceFetcher {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly conns: SlabHttpConnections | undefined;
  private readonly tls: TlsSource;
  private readonly connectTimeoutMs: number;
  private readonly pieceTimeoutMs: number;
  private readonly headersFor: ((taskId: string) => Record<string, string>) | undefined;

  constructor(deps: PieceFetcherDeps) {
    this.pieceTimeoutMs = deps.pieceTimeoutMs;
    this.headersFor = deps.headersFor;
    this.ownsDispatcher = deps.dispatcher === undefined;
    this.tls = deps.tls;
    const connectTimeoutMs = Math.min(deps.connectTimeoutMs ?? CONNECT_TIMEOUT_MS, deps.pieceTimeoutMs);
    this.connectTimeoutMs = connectTimeoutMs;
    this.conns = deps.dispatcher === undefined ? new SlabHttpConnections({ headersTimeoutMs: deps.pieceTimeoutMs, bodyTimeoutMs: deps.pieceTimeoutMs }) : undefined;
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
    this.conns?.close();
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  async fetch(parent: ParentAddress, taskId: string, number: number, signal?: AbortSignal): Promise<PieceBody> {
    const timeout = AbortSignal.timeout(this.pieceTimeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    const host = parent.ip.includes(':') ? `[${parent.ip}]` : parent.ip;
    const headers = this.headersFor?.(taskId) ?? {};
    const text = this.conns === undefined ? undefined : getRequestHead(`/pieces/${taskId}/${number}`, `${host}:${parent.port}`, headers);
    if (this.conns !== undefined && text !== undefined) {
      const piece = await this.fetchIntoSlabs(this.conns, parent, host, number, text, combined).catch((err: unknown) => {
        if (signal?.aborted === true || isDfdaemonError(err)) throw err;
        // The piece deadline: the parent is too slow.
        throw new DfdaemonError('DF_ERR_PARENT_FAILED', `parent ${host}:${parent.port} unreachable: ${(err as Error).message}`, { cause: err });
      });
      if (piece !== undefined) return piece;
    }
    let res: Dispatcher.ResponseData;
    try {
      res = await this.dispatcher.request({
        origin: `https://${host}:${parent.port}`,
        path: `/pieces/${taskId}/${number}`,
        method: 'GET',
        signal: combined,
        headers,
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

  /** The fast path; undefined for a 200 that is not plain (no Content-Length), left to undici. */
  private async fetchIntoSlabs(
    conns: SlabHttpConnections,
    parent: ParentAddress,
    host: string,
    number: number,
    text: string,
    signal: AbortSignal,
  ): Promise<PieceBody | undefined> {
    const who = `${host}:${parent.port}`;
    const res = await conns.exchange(
      {
        key: who,
        dial: (onread) => this.dial(parent, onread),
        text,
        accept: (status, h) => {
          const length = h['content-length'];
          return status === 200 && h['transfer-encoding'] === undefined && length !== undefined && /^\d{1,15}$/.test(length) ? Number(length) : undefined;
        },
        unreachable: (message, cause) => new DfdaemonError('DF_ERR_PARENT_FAILED', `parent ${who} unreachable: ${message}`, { cause }),
        bodyFailed: (message, cause) => new DfdaemonError('DF_ERR_PARENT_FAILED', `parent ${who} failed mid-piece: ${message}`, { cause }),
      },
      signal,
    );
    if (res.body === undefined) {
      if (res.statusCode === 200) return undefined;
      throw new DfdaemonError('DF_ERR_PARENT_FAILED', `parent ${who} answered ${res.statusCode} for piece ${number}`);
    }
    return { body: res.body, destroy: () => res.destroy(), release: (chunk) => res.release(chunk) };
  }

  /** A TLS connection with the current certificates (rotation applies to the next connection). */
  private dial(parent: ParentAddress, onread: Parameters<Dial>[0]): Socket {
    // `onread` works for tls.connect as for net.connect (Node's documentation); @types/node omits it.
    const options: ConnectionOptions & { onread: Parameters<Dial>[0] } = { ...tlsClientOptions(this.tls), host: parent.ip, port: parent.port, onread };
    const socket = tlsConnect(options);
    socket.setNoDelay(true);
    // A busy parent may take seconds to answer a handshake, but not forever (see CONNECT_TIMEOUT_MS).
    const timer = setTimeout(() => socket.destroy(new Error(`no TLS handshake within ${this.connectTimeoutMs} ms`)), this.connectTimeoutMs);
    timer.unref();
    socket.once('secureConnect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
    return socket;
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
