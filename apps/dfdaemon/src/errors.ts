// Status numbers without grpc-js: dfget imports this module, and its start-up is paid on every download.
import { GrpcStatus as status, type GrpcStatusCode } from '@d7y/rpc/grpc-status';

/**
 * Every error the dfdaemon raises on purpose. The code travels to callers (gRPC status message
 * prefix `DF_ERR_…:`) so that dfget can tell the user what went wrong and pick an exit code.
 */
export const ERRORS = {
  DF_ERR_INVALID_ARGUMENT: { grpc: status.INVALID_ARGUMENT, exit: 2 },
  DF_ERR_TASK_NOT_FOUND: { grpc: status.NOT_FOUND, exit: 1 },
  DF_ERR_PIECE_NOT_FOUND: { grpc: status.NOT_FOUND, exit: 1 },
  DF_ERR_PIECE_OUT_OF_RANGE: { grpc: status.OUT_OF_RANGE, exit: 1 },
  /** The origin answered with a non-2xx status; `statusCode` carries it. */
  DF_ERR_SOURCE_STATUS: { grpc: status.FAILED_PRECONDITION, exit: 4 },
  DF_ERR_SOURCE_UNREACHABLE: { grpc: status.UNAVAILABLE, exit: 4 },
  /** A download asked for over the network would reach a destination the egress policy refuses. */
  DF_ERR_SOURCE_REFUSED: { grpc: status.PERMISSION_DENIED, exit: 4 },
  DF_ERR_DIGEST_MISMATCH: { grpc: status.DATA_LOSS, exit: 5 },
  DF_ERR_PIECE_DIGEST_MISMATCH: { grpc: status.DATA_LOSS, exit: 5 },
  DF_ERR_NO_SPACE: { grpc: status.RESOURCE_EXHAUSTED, exit: 6 },
  DF_ERR_BACK_TO_SOURCE_DISABLED: { grpc: status.FAILED_PRECONDITION, exit: 7 },
  DF_ERR_SCHEDULER_UNAVAILABLE: { grpc: status.UNAVAILABLE, exit: 7 },
  DF_ERR_PARENT_FAILED: { grpc: status.UNAVAILABLE, exit: 7 },
  DF_ERR_PERMISSION_DENIED: { grpc: status.PERMISSION_DENIED, exit: 1 },
  DF_ERR_RESOURCE_EXHAUSTED: { grpc: status.RESOURCE_EXHAUSTED, exit: 1 },
  DF_ERR_TIMEOUT: { grpc: status.DEADLINE_EXCEEDED, exit: 8 },
  DF_ERR_CANCELLED: { grpc: status.CANCELLED, exit: 1 },
  DF_ERR_STORAGE: { grpc: status.INTERNAL, exit: 1 },
  DF_ERR_TASK_FAILED: { grpc: status.INTERNAL, exit: 1 },
  /** The output file exists and --overwrite was not given. */
  DF_ERR_OUTPUT_EXISTS: { grpc: status.ALREADY_EXISTS, exit: 2 },
  DF_ERR_DAEMON_UNAVAILABLE: { grpc: status.UNAVAILABLE, exit: 3 },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class DfdaemonError extends Error {
  readonly code: ErrorCode;
  readonly grpcCode: GrpcStatusCode;
  /** Origin HTTP status, for DF_ERR_SOURCE_STATUS. */
  readonly statusCode: number | undefined;

  constructor(code: ErrorCode, message: string, opts?: { cause?: unknown; statusCode?: number }) {
    super(message, opts?.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DfdaemonError';
    this.code = code;
    this.grpcCode = ERRORS[code].grpc;
    this.statusCode = opts?.statusCode;
  }

  /** Text put on the wire: the code first, so that a client can parse it back. */
  wireMessage(): string {
    return `${this.code}: ${this.message}`;
  }
}

export function isDfdaemonError(err: unknown, code?: ErrorCode): err is DfdaemonError {
  return err instanceof DfdaemonError && (code === undefined || err.code === code);
}

/** Parses `DF_ERR_X: message` (as sent by wireMessage) back into a code. */
export function errorCodeFromMessage(text: string): ErrorCode | undefined {
  const m = /(DF_ERR_[A-Z_]+):/.exec(text);
  if (m === null) return undefined;
  const code = m[1] as string;
  return code in ERRORS ? (code as ErrorCode) : undefined;
}

/** ENOSPC/EDQUOT from the filesystem become DF_ERR_NO_SPACE, other fs errors DF_ERR_STORAGE. */
export function storageError(err: unknown, what: string): DfdaemonError {
  if (err instanceof DfdaemonError) return err;
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  if (errno === 'ENOSPC' || errno === 'EDQUOT') {
    return new DfdaemonError('DF_ERR_NO_SPACE', `no space left on the storage disk while ${what}`, { cause: err });
  }
  return new DfdaemonError('DF_ERR_STORAGE', `storage failure while ${what}: ${(err as Error).message}`, { cause: err });
}
