import { join } from 'node:path';
import protobuf from 'protobufjs';
import type { Backend } from './generated/errordetails/v2/Backend.js';
import type { Unknown } from './generated/errordetails/v2/Unknown.js';
import { findProtoDir } from './proto-dir.js';

/** Trailer that carries a serialized google.rpc.Status with typed details. */
export const STATUS_DETAILS_TRAILER = 'grpc-status-details-bin';

const TYPE_URL_PREFIX = 'type.googleapis.com/';
const BACKEND_TYPE = 'errordetails.v2.Backend';
const UNKNOWN_TYPE = 'errordetails.v2.Unknown';

/** Typed details of an error: what the origin answered (backend), or an unknown failure. */
export interface RpcErrorDetails {
  backend?: { message: string; header: Record<string, string>; status_code?: number };
  unknown?: { message?: string };
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true };

/** Encodes and decodes google.rpc.Status carrying errordetails.v2 messages (upstream's layout). */
export class StatusDetailsCodec {
  readonly #status: protobuf.Type;
  readonly #backend: protobuf.Type;
  readonly #unknown: protobuf.Type;

  constructor(deps: { protoDir?: string } = {}) {
    const protoDir = deps.protoDir ?? findProtoDir();
    const root = new protobuf.Root();
    root.loadSync([join(protoDir, 'errordetails.proto'), join(protoDir, 'status.proto')], { keepCase: true });
    this.#status = root.lookupType('google.rpc.Status');
    this.#backend = root.lookupType(BACKEND_TYPE);
    this.#unknown = root.lookupType(UNKNOWN_TYPE);
  }

  encode(code: number, message: string, details: RpcErrorDetails): Buffer {
    const any: { type_url: string; value: Uint8Array }[] = [];
    if (details.backend) {
      const backend: Backend = details.backend;
      any.push({ type_url: TYPE_URL_PREFIX + BACKEND_TYPE, value: this.#backend.encode(this.#backend.fromObject(backend)).finish() });
    }
    if (details.unknown) {
      const unknown: Unknown = details.unknown;
      any.push({ type_url: TYPE_URL_PREFIX + UNKNOWN_TYPE, value: this.#unknown.encode(this.#unknown.fromObject(unknown)).finish() });
    }
    const status = this.#status.fromObject({ code, message, details: any });
    return Buffer.from(this.#status.encode(status).finish());
  }

  /** Returns the details found, or undefined when the bytes are not a Status or hold none we know. */
  decode(bytes: Uint8Array): RpcErrorDetails | undefined {
    let status: { details?: { type_url?: string; value?: Uint8Array }[] };
    try {
      status = this.#status.toObject(this.#status.decode(bytes), TO_OBJECT) as typeof status;
    } catch {
      return undefined;
    }
    const details: RpcErrorDetails = {};
    for (const any of status.details ?? []) {
      if (!any.value) continue;
      try {
        if (any.type_url === TYPE_URL_PREFIX + BACKEND_TYPE) {
          const backend = this.#backend.toObject(this.#backend.decode(any.value), TO_OBJECT) as NonNullable<RpcErrorDetails['backend']>;
          details.backend = backend;
        } else if (any.type_url === TYPE_URL_PREFIX + UNKNOWN_TYPE) {
          details.unknown = this.#unknown.toObject(this.#unknown.decode(any.value), TO_OBJECT) as NonNullable<RpcErrorDetails['unknown']>;
        }
      } catch {
        // A detail we cannot decode is ignored; the status code and message still stand.
      }
    }
    return details.backend || details.unknown ? details : undefined;
  }
}
