import { DfdaemonError } from '../errors.js';
import { SlabPool } from '../memory/slab-pool.js';
import { Connection, StaleConnectionError, type AcceptResponse, type Dial, type SlabHttpTimeouts, type SlabResponse } from './slab-connection.js';

export interface SlabHttpConnectionsDeps extends SlabHttpTimeouts {
  /** Size of the buffers the socket reads into (bytes). */
  slabBytes?: number;
  /** Frees the slabs let go after an idle spell (default: one full garbage collection soon). */
  collectGarbage?: () => void;
  /** Idle keep-alive connections kept per origin. */
  maxIdlePerOrigin?: number;
  /** Time without a download after which slabs and idle connections are let go (ms; default 2 s). */
  slabIdleMs?: number;
}

/**
 * 2 MiB: half a piece of 4 MiB per write and per hashing message. Against 1 MiB, ~0.07 s less per
 * GiB on the 2-core dev VM (fewer writes, hash jobs and promise chains; 4 MiB was no better).
 */
const DEFAULT_SLAB_BYTES = 2 * 1024 * 1024;

/** One request over a pooled keep-alive connection (see SlabHttpConnections.exchange). */
export interface Exchange {
  /** Connections are pooled per key (host:port). */
  key: string;
  dial: Dial;
  /** The request, head only. */
  text: string;
  accept: AcceptResponse;
  /** The error for a connection that fails before the body (connect, request, head). */
  unreachable: (message: string, cause: Error) => Error;
  /** The error for a body that fails midway. */
  bodyFailed: (message: string, cause: Error) => Error;
}

/**
 * Keep-alive HTTP/1.1 connections per host:port whose sockets read straight into slabs (net or
 * tls `onread`), and the pool of page-aligned shared slabs they read into. After two seconds
 * without a download reading into slabs, the free slabs and the idle connections (each holds the
 * slab its next read would land in) are let go, so a daemon does not keep its download buffers
 * while it serves.
 */
export class SlabHttpConnections {
  private readonly timeouts: SlabHttpTimeouts;
  private readonly maxIdle: number;
  private readonly idle = new Map<string, Connection[]>();
  /**
   * Page-aligned shared memory, reused: the hashing thread reads a slab in place and the storage
   * may write it with O_DIRECT. (Slabs are never freed one by one: on Node 20 the memory of
   * SharedArrayBuffers made and dropped per read stayed in the process.)
   */
  private readonly slabs: SlabPool;
  private closed = false;

  constructor(deps: SlabHttpConnectionsDeps) {
    this.timeouts = { headersTimeoutMs: deps.headersTimeoutMs, bodyTimeoutMs: deps.bodyTimeoutMs };
    this.maxIdle = deps.maxIdlePerOrigin ?? 64;
    this.slabs = new SlabPool({
      slabBytes: deps.slabBytes ?? DEFAULT_SLAB_BYTES,
      onIdle: () => this.closeIdle(),
      collect: deps.collectGarbage,
      shared: true,
      ...(deps.slabIdleMs === undefined ? {} : { idleMs: deps.slabIdleMs }),
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    this.closeIdle();
    this.slabs.close();
  }

  /**
   * Sends one request on an idle connection to `x.key` (a new one if none), retrying once on a
   * fresh connection when a kept-alive one turns out closed by the other end.
   */
  async exchange(x: Exchange, signal?: AbortSignal): Promise<SlabResponse> {
    for (let attempt = 0; ; attempt++) {
      const reused = this.takeIdle(x.key);
      const conn = reused ?? new Connection(this, x.dial, this.timeouts, x.bodyFailed);
      try {
        return await conn.request(x.text, x.accept, signal, (c) => this.putIdle(x.key, c));
      } catch (err) {
        if (reused !== undefined && attempt === 0 && err instanceof StaleConnectionError) continue;
        if (signal?.aborted === true) throw signal.reason;
        if (err instanceof DfdaemonError) throw err;
        throw x.unreachable((err as Error).message, err as Error);
      }
    }
  }

  takeSlab(): Buffer {
    return this.slabs.take();
  }

  releaseSlab(chunk: Buffer): void {
    this.slabs.give(chunk);
  }

  private closeIdle(): void {
    for (const conns of this.idle.values()) for (const c of conns.splice(0)) c.discard();
    this.idle.clear();
  }

  private takeIdle(key: string): Connection | undefined {
    const list = this.idle.get(key);
    while (list !== undefined && list.length > 0) {
      const c = list.pop() as Connection;
      c.onClose = undefined;
      if (c.reusable) return c;
    }
    return undefined;
  }

  private putIdle(key: string, c: Connection): void {
    if (this.closed) {
      c.socket.destroy();
      return;
    }
    let list = this.idle.get(key);
    if (list === undefined) {
      list = [];
      this.idle.set(key, list);
    }
    if (list.length >= this.maxIdle) {
      c.socket.destroy();
      return;
    }
    list.push(c);
    const idle = list;
    c.onClose = () => {
      const at = idle.indexOf(c);
      if (at >= 0) idle.splice(at, 1);
    };
  }
}
