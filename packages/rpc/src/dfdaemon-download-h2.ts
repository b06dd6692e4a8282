// @d7y/rpc/dfdaemon-download-h2: dfget's one call to the daemon, DfdaemonDownload/DownloadTask
// (server streaming), straight on node:http2 over the daemon's unix socket, with the messages
// encoded by hand. Loading grpc-js and protobufjs was most of dfget's start-up (~100 ms of a
// ~155 ms `dfget --version`), paid on every download; this loads neither.
import { connect as connectHttp2, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import { connect as connectUnix } from 'node:net';
import {
  decodeDownloadTaskResponse,
  encodeDownloadTaskRequest,
  ProtoDecodeError,
  type DownloadTaskRequestFields,
  type DownloadTaskResponseFields,
} from './download-task-codec.js';
import { GrpcStatus, grpcStatusName, type GrpcStatusCode } from './grpc-status.js';

export * from './download-task-codec.js';
export { GrpcStatus, grpcStatusName, type GrpcStatusCode };

const DOWNLOAD_TASK_PATH = '/dfdaemon.v2.DfdaemonDownload/DownloadTask';
/** gRPC message prefix: 1 byte compressed flag, 4 bytes big-endian length. */
const PREFIX_BYTES = 5;
/** Same limit as the grpc-js clients (grpc-options.ts), bytes. */
const DEFAULT_MAX_RECEIVE_MESSAGE_BYTES = 16 * 1024 * 1024;
/** Longest setTimeout delay, ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const RESERVED_METADATA = /^(?::|grpc-|content-type$|te$|user-agent$)/;

/** A call that ended with a status other than OK: the code and the status message (`details`), as grpc-js reports them. */
export class GrpcCallError extends Error {
  override readonly name = 'GrpcCallError';
  readonly code: GrpcStatusCode;
  readonly details: string;

  constructor(code: GrpcStatusCode, details: string) {
    super(`${code} ${grpcStatusName(code)}: ${details}`);
    this.code = code;
    this.details = details;
  }
}

export interface DownloadTaskCallOptions {
  /** Each response message, in order. */
  onResponse: (response: DownloadTaskResponseFields) => void;
  /** Unix ms. Sent as grpc-timeout (the daemon stops the call then) and enforced here too. */
  deadline?: number;
  /** Request metadata, e.g. `traceparent`: lower-case names; none of gRPC's or HTTP/2's own. */
  metadata?: Readonly<Record<string, string>>;
  /** Larger response messages end the call with RESOURCE_EXHAUSTED (bytes). */
  maxReceiveMessageBytes?: number;
}

/** A DfdaemonDownload client on the daemon's unix socket, for DownloadTask only. */
export class DfdaemonDownloadH2Client {
  private readonly socketPath: string;
  private session: ClientHttp2Session | undefined;
  private sessionError: Error | undefined;

  constructor(socketPath: string) {
    this.socketPath = socketPath;
  }

  /**
   * Resolves when the daemon ends the call with OK; rejects with a GrpcCallError otherwise (or
   * with what `onResponse` threw, after cancelling the call).
   */
  downloadTask(request: DownloadTaskRequestFields, o: DownloadTaskCallOptions): Promise<void> {
    const headers: Record<string, string> = {
      [constants.HTTP2_HEADER_METHOD]: 'POST',
      [constants.HTTP2_HEADER_PATH]: DOWNLOAD_TASK_PATH,
      [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc+proto',
      te: 'trailers',
      'grpc-accept-encoding': 'identity',
      'user-agent': 'd7y-dfdaemon-download-h2',
    };
    for (const [name, value] of Object.entries(o.metadata ?? {})) {
      if (!/^[0-9a-z_.-]+$/.test(name) || RESERVED_METADATA.test(name) || name.endsWith('-bin') || !/^[\x20-\x7e]*$/.test(value)) {
        throw new TypeError(`metadata ${JSON.stringify(name)} cannot be sent`);
      }
      headers[name] = value;
    }
    if (o.deadline !== undefined) headers['grpc-timeout'] = grpcTimeout(o.deadline - Date.now());
    const message = encodeDownloadTaskRequest(request);
    const frame = Buffer.allocUnsafe(PREFIX_BYTES + message.length);
    frame[0] = 0;
    frame.writeUInt32BE(message.length, 1);
    message.copy(frame, PREFIX_BYTES);

    return new Promise<void>((resolve, reject) => {
      const stream = this.connect().request(headers);
      const messages = new MessageReader(o.maxReceiveMessageBytes ?? DEFAULT_MAX_RECEIVE_MESSAGE_BYTES);
      let status: GrpcCallError | 'ok' | undefined;
      /** A failure seen here (deadline, bad bytes, or onResponse throwing): the call is cancelled. */
      let failure: Error | undefined;
      let timer: NodeJS.Timeout | undefined;
      const fail = (err: Error): void => {
        failure ??= err;
        if (!stream.closed) stream.close(constants.NGHTTP2_CANCEL);
      };
      const armDeadline = (deadline: number): void => {
        const left = deadline - Date.now();
        const expire = (): void => {
          if (left > MAX_TIMER_MS) armDeadline(deadline);
          else fail(new GrpcCallError(GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded'));
        };
        timer = setTimeout(expire, Math.min(Math.max(left, 0), MAX_TIMER_MS));
        timer.unref();
      };
      if (o.deadline !== undefined) armDeadline(o.deadline);

      let answered = false;
      stream.on('response', (h: IncomingHttpHeaders) => {
        answered = true;
        const http = Number(h[constants.HTTP2_HEADER_STATUS]);
        // Trailers-only: the status came with the headers (an error before any message).
        if (h['grpc-status'] !== undefined) status = statusFrom(h);
        else if (http !== 200) fail(new GrpcCallError(statusFromHttp(http), `Received HTTP status code ${http}`));
        else if (!String(h[constants.HTTP2_HEADER_CONTENT_TYPE] ?? '').startsWith('application/grpc')) {
          fail(new GrpcCallError(GrpcStatus.UNKNOWN, `unexpected content-type ${JSON.stringify(h[constants.HTTP2_HEADER_CONTENT_TYPE])}`));
        }
      });
      stream.on('data', (chunk: Buffer) => {
        if (failure !== undefined) return;
        try {
          messages.push(chunk, (bytes) => o.onResponse(decodeDownloadTaskResponse(bytes)));
        } catch (err) {
          fail(err instanceof ProtoDecodeError ? new GrpcCallError(GrpcStatus.INTERNAL, `cannot decode a DownloadTaskResponse: ${err.message}`) : (err as Error));
        }
      });
      stream.on('trailers', (h: IncomingHttpHeaders) => {
        status = statusFrom(h);
      });
      // The outcome is read at 'close'; an error (connection refused, reset) is known by then.
      let streamError: Error | undefined;
      stream.on('error', (err: NodeJS.ErrnoException) => {
        // A reset by the daemon is told by its code (rstCode, below); a stream cancelled because
        // the connection failed names that failure as its cause.
        if (err.code !== 'ERR_HTTP2_STREAM_ERROR') streamError = err.cause instanceof Error ? err.cause : err;
      });
      stream.on('close', () => {
        clearTimeout(timer);
        if (failure === undefined && status === 'ok' && messages.partial) {
          failure = new GrpcCallError(GrpcStatus.INTERNAL, 'the response ended inside a message');
        }
        const err = failure ?? (status === 'ok' ? undefined : (status ?? closedWithoutStatus(stream, streamError ?? this.sessionError, answered)));
        if (err === undefined) resolve();
        else reject(err);
      });
      stream.end(frame);
    });
  }

  close(): void {
    this.session?.close();
    this.session = undefined;
  }

  private connect(): ClientHttp2Session {
    if (this.session !== undefined && !this.session.closed && !this.session.destroyed) return this.session;
    this.sessionError = undefined;
    const session = connectHttp2('http://localhost', { createConnection: () => connectUnix(this.socketPath) });
    session.on('error', (err: Error) => {
      this.sessionError = err;
    });
    this.session = session;
    return session;
  }
}

/** Reassembles length-prefixed gRPC messages from DATA chunks. */
class MessageReader {
  private readonly maxBytes: number;
  private chunks: Buffer[] = [];
  private bytes = 0;
  /** Bytes needed before the next message can be cut: a prefix, then prefix + body. */
  private needed = PREFIX_BYTES;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /** True when bytes of an unfinished message are held. */
  get partial(): boolean {
    return this.bytes > 0;
  }

  push(chunk: Buffer, each: (message: Buffer) => void): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    if (this.bytes < this.needed) return;
    const buf = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.bytes);
    let pos = 0;
    for (;;) {
      if (buf.length - pos < PREFIX_BYTES) {
        this.needed = PREFIX_BYTES;
        break;
      }
      if (buf[pos] !== 0) throw new GrpcCallError(GrpcStatus.INTERNAL, 'received a compressed message, but no compression was negotiated');
      const length = buf.readUInt32BE(pos + 1);
      if (length > this.maxBytes) {
        throw new GrpcCallError(GrpcStatus.RESOURCE_EXHAUSTED, `Received message larger than max (${length} vs ${this.maxBytes})`);
      }
      if (buf.length - pos - PREFIX_BYTES < length) {
        this.needed = PREFIX_BYTES + length;
        break;
      }
      each(buf.subarray(pos + PREFIX_BYTES, pos + PREFIX_BYTES + length));
      pos += PREFIX_BYTES + length;
    }
    this.chunks = pos < buf.length ? [buf.subarray(pos)] : [];
    this.bytes = buf.length - pos;
  }
}

function statusFrom(h: IncomingHttpHeaders): GrpcCallError | 'ok' {
  const raw = h['grpc-status'];
  const code = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || code > 16) {
    return new GrpcCallError(GrpcStatus.UNKNOWN, `invalid grpc-status ${JSON.stringify(raw)}`);
  }
  if (code === GrpcStatus.OK) return 'ok';
  const message = h['grpc-message'];
  return new GrpcCallError(code as GrpcStatusCode, typeof message === 'string' ? percentDecode(message) : '');
}

/** grpc-message is percent-encoded UTF-8; a malformed escape stays as it is (the spec says not to fail). */
export function percentDecode(text: string): string {
  if (!text.includes('%')) return text;
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      out.push(...Buffer.from(text[i] as string, 'utf8'));
    }
  }
  return Buffer.from(out).toString('utf8');
}

/** The gRPC status for an HTTP status without grpc-status (gRPC's http-grpc-status-mapping). */
function statusFromHttp(http: number): GrpcStatusCode {
  switch (http) {
    case 400:
      return GrpcStatus.INTERNAL;
    case 401:
      return GrpcStatus.UNAUTHENTICATED;
    case 403:
      return GrpcStatus.PERMISSION_DENIED;
    case 404:
      return GrpcStatus.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return GrpcStatus.UNAVAILABLE;
    default:
      return GrpcStatus.UNKNOWN;
  }
}

/** A stream that closed with neither trailers nor a local failure: the connection, or a reset. */
function closedWithoutStatus(stream: ClientHttp2Stream, connectionError: Error | undefined, answered: boolean): GrpcCallError {
  if (connectionError !== undefined) {
    return new GrpcCallError(GrpcStatus.UNAVAILABLE, `${answered ? 'Connection dropped' : 'No connection established'}. Last error: ${connectionError.message}`);
  }
  switch (stream.rstCode) {
    case constants.NGHTTP2_REFUSED_STREAM:
      return new GrpcCallError(GrpcStatus.UNAVAILABLE, 'Stream refused by server');
    case constants.NGHTTP2_CANCEL:
      return new GrpcCallError(GrpcStatus.CANCELLED, 'Call cancelled');
    case constants.NGHTTP2_ENHANCE_YOUR_CALM:
      return new GrpcCallError(GrpcStatus.RESOURCE_EXHAUSTED, 'Bandwidth exhausted or memory limit exceeded');
    case constants.NGHTTP2_INADEQUATE_SECURITY:
      return new GrpcCallError(GrpcStatus.PERMISSION_DENIED, 'Protocol not secure enough');
    case constants.NGHTTP2_NO_ERROR:
    case undefined:
      return new GrpcCallError(GrpcStatus.UNAVAILABLE, 'the daemon closed the stream without a status');
    default:
      return new GrpcCallError(GrpcStatus.INTERNAL, `Received RST_STREAM with code ${stream.rstCode}`);
  }
}

/** grpc-timeout: at most 8 digits and a unit. */
function grpcTimeout(ms: number): string {
  const left = Math.max(0, Math.ceil(ms));
  if (left <= 99_999_999) return `${left}m`;
  const seconds = Math.ceil(left / 1000);
  if (seconds <= 99_999_999) return `${seconds}S`;
  return `${Math.min(99_999_999, Math.ceil(seconds / 3600))}H`;
}
