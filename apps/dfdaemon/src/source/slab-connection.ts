import type { Socket } from 'node:net';
import { DIRECT_IO_ALIGN } from '../memory/slab-pool.js';

export interface SlabHttpTimeouts {
  /** Time to wait for response headers (ms). */
  headersTimeoutMs: number;
  /** Idle time allowed between two body reads while the body is being consumed (ms). */
  bodyTimeoutMs: number;
}

/** An accepted answer: the body's chunks are slabs handed back with `release`. */
export interface SlabBody {
  statusCode: number;
  header: Record<string, string>;
  body: AsyncIterable<Buffer>;
  /** Stops reading; the connection is reused only when the body was read to its end. */
  destroy(): void;
  /** Gives a chunk's memory back for reuse once nothing reads it anymore. */
  release(chunk: Buffer): void;
}

/** An answer `accept` declined: its status and headers only (the connection was dropped). */
export interface DeclinedResponse {
  statusCode: number;
  header: Record<string, string>;
  body: undefined;
}

export type SlabResponse = SlabBody | DeclinedResponse;

/** A slab with less room than this is handed over and the socket reads into a fresh one. */
const MIN_READ_BYTES = 64 * 1024;
/** Filled slabs queued for the consumer before the socket is paused. */
const MAX_QUEUED_SLABS = 2;
/** Response headers longer than this are refused. */
const MAX_HEADER_BYTES = 32 * 1024;

const HEADER_END = Buffer.from('\r\n\r\n');
/** What a closed connection holds instead of a slab. */
const NO_SLAB = Buffer.alloc(0);

/**
 * The head of `GET target` with `headers` (CRLF-terminated), or undefined when a header name or
 * value holds CR or LF: written verbatim, it could split the request; such a request is left to
 * a general HTTP client, which refuses or encodes it.
 */
export function getRequestHead(target: string, host: string, headers: Record<string, string>): string | undefined {
  const lines = [`GET ${target} HTTP/1.1`, `host: ${host}`];
  for (const [k, v] of Object.entries(headers)) {
    if (/[\r\n]/.test(k) || /[\r\n]/.test(v)) return undefined;
    lines.push(`${k}: ${v}`);
  }
  lines.push('', '');
  return lines.join('\r\n');
}

/*
 * HTTP/1.1 over a socket that reads straight into slabs (`onread`): used by HttpRangeClient
 * (origins, plain TCP) and the piece client (parents, mutual TLS). The body of an accepted answer
 * goes to the consumer as page-aligned chunks of the slabs, which come back with `release`.
 */

/** A kept-alive connection that failed before any byte of the answer: worth one retry. */
export class StaleConnectionError extends Error {}

type Phase = 'idle' | 'head' | 'body';

/** Where a connection takes the slabs it reads into, and gives them back. */
interface ConnectionOwner {
  takeSlab(): Buffer;
  releaseSlab(chunk: Buffer): void;
}

/**
 * Body length to read for a response with this status and these headers, or undefined when the
 * answer is not a plain one this client reads (the connection is then dropped).
 */
export type AcceptResponse = (status: number, header: Record<string, string>) => number | undefined;

/** Dials a socket that reads into the buffers `onread` gives (net or tls `connect`). */
export type Dial = (onread: { buffer: () => Buffer; callback: (n: number) => boolean }) => Socket;

/** One keep-alive socket; one request at a time. */
export class Connection {
  readonly socket: Socket;
  private readonly client: ConnectionOwner;
  private readonly deps: SlabHttpTimeouts;
  private readonly bodyError: (message: string, cause: Error) => Error;
  private phase: Phase = 'idle';
  private slab: Buffer;
  private used = 0;
  /** Where the current response's body starts in `slab` (after the headers, in the first slab). */
  private bodyStart = 0;
  private headStart = 0;
  private left = 0;
  private received = 0;
  private queue: Buffer[] = [];
  private paused = false;
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private onHead: ((err: Error | undefined, status?: number, header?: Record<string, string>, keepAlive?: boolean) => void) | undefined;
  private keepAlive = true;
  private dead = false;
  private discarded = false;
  /** Set while the connection waits in the idle list. */
  onClose: (() => void) | undefined;

  constructor(client: ConnectionOwner, dial: Dial, deps: SlabHttpTimeouts, bodyError: (message: string, cause: Error) => Error) {
    this.client = client;
    this.deps = deps;
    this.bodyError = bodyError;
    this.slab = client.takeSlab();
    this.socket = dial({ buffer: () => this.readBuffer(), callback: (n: number) => this.onRead(n) });
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('close', () => {
      this.dead = true;
      this.onClose?.();
      this.fail(this.phase === 'idle' ? undefined : new Error('connection closed by the server'));
      // The slab the next read would have landed in (filled ones were handed over): back to the
      // pool, or a busy daemon would strand one slab per closed connection. Not when the pool let
      // its slabs go (`discard`): it would hold the block again.
      if (!this.discarded) this.client.releaseSlab(this.slab);
      this.slab = NO_SLAB;
      this.used = 0;
    });
    this.socket.on('end', () => this.socket.destroy());
    this.socket.on('timeout', () => this.socket.destroy(new Error(this.phase === 'head' ? 'no response headers in time' : 'body stalled')));
  }

  /** Closes an idle connection whose slab the pool no longer wants back (an idle trim). */
  discard(): void {
    this.discarded = true;
    this.socket.destroy();
  }

  get reusable(): boolean {
    return !this.dead && !this.socket.destroyed && this.phase === 'idle' && this.keepAlive;
  }

  /**
   * Sends `text` and reads the answer's head; resolves with the body when `accept` takes it, else
   * with the status and headers alone (the connection is dropped).
   */
  request(text: string, accept: AcceptResponse, signal: AbortSignal | undefined, done: (c: Connection) => void): Promise<SlabResponse> {
    this.phase = 'head';
    this.headStart = this.used;
    this.received = 0;
    this.queue = [];
    this.ended = false;
    this.failure = undefined;
    this.socket.setTimeout(this.deps.headersTimeoutMs);
    const onAbort = (): void => {
      this.socket.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    if (signal?.aborted === true) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = (): void => signal?.removeEventListener('abort', onAbort);
    return new Promise<SlabResponse>((resolve, reject) => {
      this.onHead = (err, status, header, keepAlive) => {
        this.onHead = undefined;
        if (err !== undefined) {
          cleanup();
          reject(this.received === 0 ? new StaleConnectionError(err.message) : err);
          return;
        }
        const h = header as Record<string, string>;
        const length = accept(status as number, h);
        if (length === undefined) {
          // Not ours to read: the caller decides (another client, or an error with the status).
          cleanup();
          this.socket.destroy();
          resolve({ statusCode: status as number, header: h, body: undefined });
          return;
        }
        this.keepAlive = keepAlive === true;
        this.left = length;
        this.phase = 'body';
        this.socket.setTimeout(this.deps.bodyTimeoutMs);
        // The part of the body that came with the headers.
        this.account(this.used - this.bodyStart);
        let finished = false;
        const finish = (): void => {
          if (finished) return;
          finished = true;
          cleanup();
          if (this.reusable || (this.phase === 'idle' && !this.dead && !this.socket.destroyed && this.keepAlive)) done(this);
          else this.socket.destroy();
        };
        if (length === 0) {
          this.phase = 'idle';
          this.ended = true;
          this.socket.setTimeout(0);
        }
        resolve({
          statusCode: status as number,
          header: h,
          body: this.bodyIterable(finish),
          destroy: () => {
            if (finished) return;
            if (this.phase !== 'idle') this.socket.destroy();
            finish();
          },
          release: (chunk) => this.client.releaseSlab(chunk),
        });
      };
      this.socket.write(text, (err) => {
        if (err !== undefined && err !== null) this.fail(err);
      });
    });
  }

  private async *bodyIterable(finish: () => void): AsyncIterable<Buffer> {
    try {
      for (;;) {
        const next = this.queue.shift();
        if (next !== undefined) {
          if (this.paused && this.queue.length < MAX_QUEUED_SLABS) {
            this.paused = false;
            this.socket.setTimeout(this.deps.bodyTimeoutMs);
            this.socket.resume();
          }
          yield next;
          continue;
        }
        if (this.failure !== undefined) throw this.bodyError(this.failure.message, this.failure);
        if (this.ended) return;
        await new Promise<void>((r) => (this.wake = r));
      }
    } finally {
      finish();
    }
  }

  /** Where the next socket read lands: the free end of the current slab (a fresh slab when nearly full). */
  private readBuffer(): Buffer {
    if (this.slab.length - this.used < MIN_READ_BYTES) {
      if (this.phase === 'body') this.seal(true);
      else if (this.phase === 'head') {
        // Headers straddling slabs: carry the partial header over.
        const partial = this.slab.subarray(this.headStart, this.used);
        const next = this.client.takeSlab();
        partial.copy(next, 0);
        this.client.releaseSlab(this.slab);
        this.slab = next;
        this.used = partial.length;
        this.headStart = 0;
      } else {
        this.client.releaseSlab(this.slab);
        this.slab = this.client.takeSlab();
        this.used = 0;
      }
    }
    return this.slab.subarray(this.used);
  }

  private onRead(n: number): boolean {
    const at = this.used;
    this.used += n;
    this.received += n;
    if (this.phase === 'idle') {
      // Bytes nobody asked for: the connection is out of step.
      this.socket.destroy(new Error('unexpected bytes from the origin'));
      return false;
    }
    if (this.phase === 'head') {
      const from = Math.max(this.headStart, at - 3);
      const end = this.slab.subarray(0, this.used).indexOf(HEADER_END, from);
      if (end < 0) {
        if (this.used - this.headStart > MAX_HEADER_BYTES) this.socket.destroy(new Error('response headers too long'));
        return true;
      }
      this.bodyStart = end + 4;
      const parsed = parseHead(this.slab.toString('latin1', this.headStart, end));
      if (parsed === undefined) {
        this.socket.destroy(new Error('malformed response headers'));
        return false;
      }
      // The body starts at the slab's start, which is page-aligned (see `seal`).
      this.slab.copyWithin(0, this.bodyStart, this.used);
      this.used -= this.bodyStart;
      this.bodyStart = 0;
      this.headStart = 0;
      this.onHead?.(undefined, parsed.status, parsed.header, parsed.keepAlive);
      return !this.paused;
    }
    this.account(n);
    return !this.paused;
  }

  /** `n` more body bytes arrived in the slab. */
  private account(n: number): void {
    if (this.phase !== 'body' || n <= 0) return;
    this.left -= n;
    if (this.left < 0) {
      this.socket.destroy(new Error('origin sent more bytes than the range'));
      return;
    }
    if (this.left === 0) {
      this.seal(false);
      this.phase = 'idle';
      this.ended = true;
      this.socket.setTimeout(0);
      this.notify();
      return;
    }
    if (this.queue.length >= MAX_QUEUED_SLABS && !this.paused) {
      this.paused = true;
      // A paused socket is idle by our choice, not the origin's: no body timeout meanwhile.
      this.socket.setTimeout(0);
      this.socket.pause();
    }
  }

  /**
   * Hands the body bytes of the current slab to the consumer and starts a fresh slab. With
   * `aligned`, mid-body, the chunk ends at a multiple of DIRECT_IO_ALIGN and the few bytes past it
   * move to the fresh slab: every chunk of a body but its last starts and ends page-aligned, so a
   * piece at an aligned offset can be written with O_DIRECT.
   */
  private seal(aligned: boolean): void {
    let carry = 0;
    if (this.used > this.bodyStart) {
      const end = aligned ? this.bodyStart + Math.floor((this.used - this.bodyStart) / DIRECT_IO_ALIGN) * DIRECT_IO_ALIGN : this.used;
      if (end === this.bodyStart) return;
      const prev = this.slab;
      this.queue.push(prev.subarray(this.bodyStart, end));
      this.slab = this.client.takeSlab();
      carry = prev.copy(this.slab, 0, end, this.used);
    }
    this.used = carry;
    this.bodyStart = 0;
    this.headStart = 0;
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private fail(err: Error | undefined): void {
    this.dead = true;
    if (err === undefined) return;
    if (this.onHead !== undefined) {
      this.onHead(err);
      return;
    }
    if (this.phase === 'body') {
      this.failure = err;
      this.notify();
    }
  }
}

function parseHead(text: string): { status: number; header: Record<string, string>; keepAlive: boolean } | undefined {
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? '');
  if (m === null) return undefined;
  const header: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) return undefined;
    const k = line.slice(0, i).trim().toLowerCase();
    const v = line.slice(i + 1).trim();
    header[k] = header[k] === undefined ? v : `${header[k]}, ${v}`;
  }
  const connection = (header.connection ?? '').toLowerCase();
  const keepAlive = m[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
  return { status: Number(m[2]), header, keepAlive };
}
