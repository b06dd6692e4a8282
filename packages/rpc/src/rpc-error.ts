import * as grpc from '@grpc/grpc-js';
import { STATUS_DETAILS_TRAILER, StatusDetailsCodec, type RpcErrorDetails } from './status-details-codec.js';

/** Message sent for any error that is not a known gRPC/domain error: never its text or stack. */
export const INTERNAL_ERROR_MESSAGE = 'internal error';

// Immutable codec (compiled message types), built once when the module loads.
const codec = new StatusDetailsCodec();

/** An error with a gRPC status; what handlers throw and what clients get back. */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  readonly code: grpc.status;
  readonly details: RpcErrorDetails | undefined;

  constructor(code: grpc.status, message: string, details?: RpcErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    // OK is not an error: sent as a status it would turn the failure into a success.
    if (!isStatusCode(code) || code === grpc.status.OK) throw new TypeError(`not a gRPC error status code: ${String(code)}`);
    this.code = code;
    this.details = details;
  }
}

/** `NOT_FOUND` for 5, and so on; `CODE_<n>` for numbers outside the table. */
export function statusName(code: number): string {
  const name = (grpc.status as unknown as Record<number, string | undefined>)[code];
  return typeof name === 'string' ? name : `CODE_${code}`;
}

function isStatusCode(code: unknown): code is grpc.status {
  return typeof code === 'number' && Number.isInteger(code) && code >= 0 && code <= 16;
}

function statusFromName(name: unknown): grpc.status | undefined {
  if (typeof name !== 'string') return undefined;
  const code = (grpc.status as unknown as Record<string, number | undefined>)[name];
  return isStatusCode(code) ? code : undefined;
}

/** The status an error maps to, or undefined when it is not a known gRPC or domain error. */
function knownStatus(err: unknown): { code: grpc.status; message: string; details?: RpcErrorDetails } | undefined {
  if (err instanceof RpcError) return { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { grpcCode?: unknown; code?: unknown; message?: unknown; details?: unknown; metadata?: unknown };
  const message = typeof e.message === 'string' ? e.message : '';
  // Domain errors (errors.ts catalogues) name their status: grpcCode = 5 or 'NOT_FOUND'.
  const domain = isStatusCode(e.grpcCode) ? e.grpcCode : statusFromName(e.grpcCode);
  if (domain !== undefined && domain !== grpc.status.OK) return { code: domain, message };
  // A numeric code is a gRPC status (a failed downstream call, or a domain error that uses .code);
  // string codes (ENOENT, ERR_…) are Node's and say nothing a client may see.
  if (isStatusCode(e.code) && e.code !== grpc.status.OK) {
    const details = e.metadata instanceof grpc.Metadata ? decodeDetails(e.metadata) : undefined;
    const text = typeof e.details === 'string' && e.details !== '' ? e.details : message;
    return { code: e.code, message: text, ...(details ? { details } : {}) };
  }
  return undefined;
}

/**
 * Converts anything thrown in a handler into the status to send: `callback(toServiceError(err))`
 * for unary calls, `endCallWithError(call, err)` for streams. Unknown errors become INTERNAL
 * with a generic message, so no internal text or stack trace reaches the client; log them first.
 */
export function toServiceError(err: unknown): grpc.ServiceError {
  const known = knownStatus(err);
  const code = known?.code ?? grpc.status.INTERNAL;
  const message = known?.message ?? INTERNAL_ERROR_MESSAGE;
  const metadata = new grpc.Metadata();
  if (known?.details) metadata.set(STATUS_DETAILS_TRAILER, codec.encode(code, message, known.details));
  return Object.assign(new Error(`${statusName(code)}: ${message}`), { code, details: message, metadata });
}

/**
 * Ends a server stream (server-streaming or bidi) with the status for err. grpc-js sends the
 * status when the stream emits 'error'; `call.destroy(err)` would drop it and leave the client
 * waiting.
 */
export function endCallWithError(call: { emit(event: 'error', err: grpc.ServiceError): boolean }, err: unknown): void {
  call.emit('error', toServiceError(err));
}

/** Converts what a client call failed with into an RpcError (code, message, typed details). */
export function fromServiceError(err: unknown): RpcError {
  if (err instanceof RpcError) return err;
  const known = knownStatus(err);
  if (known) return new RpcError(known.code, known.message, known.details, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new RpcError(grpc.status.UNKNOWN, message, undefined, { cause: err });
}

function decodeDetails(metadata: grpc.Metadata): RpcErrorDetails | undefined {
  const [value] = metadata.get(STATUS_DETAILS_TRAILER);
  return Buffer.isBuffer(value) ? codec.decode(value) : undefined;
}

export type { RpcErrorDetails };
