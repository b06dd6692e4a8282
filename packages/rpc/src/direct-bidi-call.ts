import { EventEmitter } from 'node:events';
import { constants, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { toServiceError } from './rpc-error.js';

/** gRPC message prefix: 1 byte compressed flag, 4 bytes big-endian length. */
const PREFIX_BYTES = 5;

const RESPONSE_HEADERS = {
  [constants.HTTP2_HEADER_STATUS]: constants.HTTP_STATUS_OK,
  [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc+proto',
  'grpc-accept-encoding': 'identity',
};

export interface DirectBidiCallOptions<Req, Res> {
  deserialize: (bytes: Buffer) => Req;
  serialize: (value: Res) => Buffer;
  /** Largest request message accepted; a larger one ends the call with RESOURCE_EXHAUSTED. */
  maxReceiveMessageBytes: number;
}

/**
 * The last buffer allocMessage made: the 5 bytes before it are its own to frame into. A message is
 * written right after it is encoded; one written later (or any other buffer) is copied into a
 * frame instead, which is always correct. A WeakSet of them cost more than the copy it saves.
 */
let lastMessage: Buffer | undefined;

/**
 * An uninitialised buffer for one encoded message of `length` bytes, with room for the gRPC
 * message prefix just before it, so that DirectBidiCall sends it without copying it into a frame.
 * Anything else (grpc-js) sees an ordinary Buffer.
 */
export function allocMessage(length: number): Buffer {
  const total = PREFIX_BYTES + length;
  let message: Buffer;
  if (total > MAX_SLAB_MESSAGE_BYTES) {
    message = Buffer.allocUnsafe(total).subarray(PREFIX_BYTES);
  } else {
    // Carved from a shared slab, like Node's own buffer pool (which only takes up to 4 KiB): one
    // ArrayBuffer per ~40 answers of a few KiB instead of one each.
    if (slab === undefined || slabUsed + total > SLAB_BYTES) {
      slab = new ArrayBuffer(SLAB_BYTES);
      slabUsed = 0;
    }
    message = Buffer.from(slab, slabUsed + PREFIX_BYTES, length);
    slabUsed += (total + 7) & ~7;
  }
  lastMessage = message;
  return message;
}

const SLAB_BYTES = 256 * 1024;
const MAX_SLAB_MESSAGE_BYTES = SLAB_BYTES / 8;
let slab: ArrayBuffer | undefined;
let slabUsed = 0;

/** The frame around a message from allocMessage (its prefix written in place), else undefined. */
function framedInPlace(message: Buffer): Buffer | undefined {
  if (message !== lastMessage) return undefined;
  lastMessage = undefined;
  const frame = Buffer.from(message.buffer, message.byteOffset - PREFIX_BYTES, PREFIX_BYTES + message.length);
  frame[0] = 0;
  frame.writeUInt32BE(message.length, 1);
  return frame;
}

/**
 * Whether grpc-js would serve this request the way DirectBidiCall does: a gRPC POST with neither
 * compression nor a deadline. Other requests are left to grpc-js, which implements those.
 */
export function servableDirectly(headers: IncomingHttpHeaders): boolean {
  const contentType = headers[constants.HTTP2_HEADER_CONTENT_TYPE];
  const encoding = headers['grpc-encoding'];
  return (
    headers[constants.HTTP2_HEADER_METHOD] === 'POST' &&
    typeof contentType === 'string' &&
    contentType.startsWith('application/grpc') &&
    headers['grpc-timeout'] === undefined &&
    (encoding === undefined || encoding === 'identity')
  );
}

/** What a DirectBidiCall reports to whoever serves it. Methods, not closures: one object serves a call. */
export interface DirectBidiHandler<Req> {
  /** A decoded request message. */
  onMessage(message: Req): void;
  /** The client half-closed its side. */
  onHalfClose(): void;
  /** The stream is gone: after the status, or cancelled by the client. */
  onClose(): void;
  /** Once per call, with the status sent, or CANCELLED when the stream went first. */
  onStatus?(code: grpc.status): void;
}

/** The call a stream belongs to, so that one set of listener functions serves every stream. */
const CALL = Symbol('DirectBidiCall');
type CallStream = ServerHttp2Stream & { [CALL]?: DirectBidiCall<unknown, unknown> };

/**
 * A bidirectional-streaming gRPC call served straight on its HTTP/2 stream. grpc-js builds a chain
 * of call objects, Node streams, metadata and listeners for every call; on a stream-per-peer
 * protocol that is most of a registration's cost. This does only what the wire requires:
 * length-prefixed messages in and out, the response headers, and the status in trailers (or
 * trailers-only when nothing was sent), with the same codes and texts as grpc-js for size limits,
 * and status details in the same trailer as `toServiceError`.
 *
 * It reports to `handler`, set right after construction (messages cannot arrive before the current
 * tick ends). No closure is made per call: the stream's listeners are shared functions that find
 * the call on the stream, which matters with one open stream per downloading peer.
 */
export class DirectBidiCall<Req, Res> {
  handler: DirectBidiHandler<Req> | undefined;
  private readonly stream: CallStream;
  private readonly options: DirectBidiCallOptions<Req, Res>;
  private pending: Buffer | undefined;
  private headersSent = false;
  private finished = false;
  private trailers: Record<string, string | string[] | number> | undefined;

  constructor(stream: ServerHttp2Stream, options: DirectBidiCallOptions<Req, Res>) {
    this.stream = stream as CallStream;
    this.options = options;
    this.stream[CALL] = this as DirectBidiCall<unknown, unknown>;
    stream.on('error', ignoreStreamError);
    stream.on('data', DirectBidiCall.onStreamData);
    stream.on('end', DirectBidiCall.onStreamEnd);
    stream.on('wantTrailers', DirectBidiCall.onStreamWantTrailers);
    stream.on('close', DirectBidiCall.onStreamClose);
  }

  private static onStreamData(this: CallStream, chunk: Buffer): void {
    this[CALL]?.receive(chunk);
  }

  private static onStreamEnd(this: CallStream): void {
    const call = this[CALL];
    if (call !== undefined && !call.finished) call.handler?.onHalfClose();
  }

  private static onStreamWantTrailers(this: CallStream): void {
    const trailers = this[CALL]?.trailers;
    if (trailers !== undefined) this.sendTrailers(trailers);
  }

  private static onStreamClose(this: CallStream): void {
    const call = this[CALL];
    if (call === undefined) return;
    call.markFinished(grpc.status.CANCELLED);
    call.handler?.onClose();
  }

  /** The connection's TLS socket (undefined on plaintext connections). */
  get socket(): TLSSocket | undefined {
    const socket = this.stream.session?.socket as TLSSocket | undefined;
    return socket !== undefined && typeof socket.getPeerCertificate === 'function' ? socket : undefined;
  }

  /** Sends one response message: an object, or its protobuf bytes. */
  write(value: Res | Buffer): boolean {
    if (this.finished || this.stream.destroyed) return false;
    const bytes = Buffer.isBuffer(value) ? value : this.options.serialize(value as Res);
    let frame = framedInPlace(bytes);
    if (frame === undefined) {
      frame = Buffer.allocUnsafe(PREFIX_BYTES + bytes.length);
      frame[0] = 0;
      frame.writeUInt32BE(bytes.length, 1);
      bytes.copy(frame, PREFIX_BYTES);
    }
    this.sendHeaders();
    return this.stream.write(frame);
  }

  /** Ends the call with OK. */
  end(): void {
    this.sendStatus(grpc.status.OK, 'OK');
  }

  /** Ends the call with the status for err (see toServiceError: unknown errors become INTERNAL). */
  fail(err: unknown): void {
    const status = toServiceError(err);
    this.sendStatus(status.code, status.details, status.metadata);
  }

  pause(): this {
    this.stream.pause();
    return this;
  }

  resume(): this {
    this.stream.resume();
    return this;
  }

  private sendHeaders(): void {
    if (this.headersSent) return;
    this.headersSent = true;
    this.stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
  }

  private sendStatus(code: grpc.status, details: string, metadata?: grpc.Metadata): void {
    if (this.finished) return;
    this.markFinished(code);
    if (this.stream.destroyed || this.stream.closed) return;
    const status = { 'grpc-status': String(code), 'grpc-message': encodeURI(details), ...metadata?.toHttp2Headers() };
    if (this.headersSent) {
      this.trailers = status;
      this.stream.end();
    } else {
      // Trailers-only: the status travels in the only HEADERS frame.
      this.headersSent = true;
      this.stream.respond({ ...RESPONSE_HEADERS, ...status }, { endStream: true });
    }
  }

  private markFinished(code: grpc.status): void {
    if (this.finished) return;
    this.finished = true;
    this.pending = undefined;
    this.handler?.onStatus?.(code);
  }

  /** Splits the request body into messages; a chunk may hold several, or part of one. */
  private receive(chunk: Buffer): void {
    let buffer = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = undefined;
    while (!this.finished && buffer.length >= PREFIX_BYTES) {
      const compressed = buffer[0] as number;
      const length = buffer.readUInt32BE(1);
      if (length > this.options.maxReceiveMessageBytes) {
        this.sendStatus(
          grpc.status.RESOURCE_EXHAUSTED,
          `Received message larger than max (${length} vs. ${this.options.maxReceiveMessageBytes})`,
        );
        return;
      }
      if (compressed !== 0) {
        this.sendStatus(grpc.status.INTERNAL, 'Received a compressed message, but no grpc-encoding was negotiated');
        return;
      }
      if (buffer.length < PREFIX_BYTES + length) break;
      const bytes = buffer.subarray(PREFIX_BYTES, PREFIX_BYTES + length);
      buffer = buffer.subarray(PREFIX_BYTES + length);
      let message: Req;
      try {
        message = this.options.deserialize(bytes);
      } catch (err) {
        this.sendStatus(grpc.status.INTERNAL, `Error deserializing request: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      this.handler?.onMessage(message);
    }
    if (!this.finished && buffer.length > 0) this.pending = Buffer.from(buffer);
  }
}

function ignoreStreamError(): void {
  // 'close' follows; there is nobody left to tell.
}

/**
 * Serves the bidi method at `path` with `handle` instead of grpc-js, for requests grpc-js would
 * serve the same way (servableDirectly); everything else still goes to grpc-js. Call after the
 * server is bound. Reaches into grpc-js's internals (its http2 servers and their 'stream'
 * listener); returns false and changes nothing when they are not laid out as expected.
 */
export function serveBidiDirectly(server: grpc.Server, path: string, handle: (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => void): boolean {
  const servers = (server as unknown as { http2Servers?: Map<unknown, unknown> }).http2Servers;
  if (!(servers instanceof Map) || servers.size === 0) return false;
  const targets = [...servers.keys()] as EventEmitter[];
  if (!targets.every((target) => target instanceof EventEmitter && target.listenerCount('stream') === 1)) return false;
  for (const target of targets) {
    const [grpcListener] = target.listeners('stream') as Array<(...args: unknown[]) => void>;
    target.removeAllListeners('stream');
    target.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, ...rest: unknown[]) => {
      if (headers[constants.HTTP2_HEADER_PATH] === path && servableDirectly(headers)) handle(stream, headers);
      else grpcListener?.call(target, stream, headers, ...rest);
    });
  }
  return true;
}
