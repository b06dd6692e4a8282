import { status } from '@grpc/grpc-js';

/**
 * Every error the scheduler answers with, and the gRPC status it maps to. Domain code throws
 * `SchedulerError`; only the gRPC layer (grpc/) turns it into a status.
 */
export const SCHEDULER_ERRORS = {
  DF_ERR_SCHEDULER_INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  DF_ERR_SCHEDULER_UNAUTHENTICATED: status.UNAUTHENTICATED,
  DF_ERR_SCHEDULER_PERMISSION_DENIED: status.PERMISSION_DENIED,
  DF_ERR_SCHEDULER_HOST_NOT_FOUND: status.NOT_FOUND,
  DF_ERR_SCHEDULER_TASK_NOT_FOUND: status.NOT_FOUND,
  DF_ERR_SCHEDULER_PEER_NOT_FOUND: status.NOT_FOUND,
  DF_ERR_SCHEDULER_PEER_ALREADY_EXISTS: status.ALREADY_EXISTS,
  /** A message that the protocol does not allow at this point (e.g. a piece report before RegisterPeer). */
  DF_ERR_SCHEDULER_OUT_OF_ORDER: status.FAILED_PRECONDITION,
  DF_ERR_SCHEDULER_INVALID_TRANSITION: status.FAILED_PRECONDITION,
  /** Upstream: "scheduling exceeded RetryLimit"; the peer falls back to the source by itself. */
  DF_ERR_SCHEDULER_RETRY_LIMIT_EXCEEDED: status.FAILED_PRECONDITION,
  /** Priority LEVEL2: P2P only, and no peer has the task yet. */
  DF_ERR_SCHEDULER_NO_CANDIDATE_PEERS: status.NOT_FOUND,
  /** Priority LEVEL1: downloads of this task are forbidden. */
  DF_ERR_SCHEDULER_DOWNLOAD_FORBIDDEN: status.FAILED_PRECONDITION,
  DF_ERR_SCHEDULER_PIECE_FAILED: status.FAILED_PRECONDITION,
  DF_ERR_SCHEDULER_QUOTA_EXCEEDED: status.RESOURCE_EXHAUSTED,
  DF_ERR_SCHEDULER_RATE_LIMITED: status.RESOURCE_EXHAUSTED,
  DF_ERR_SCHEDULER_CANCELLED: status.CANCELLED,
  DF_ERR_SCHEDULER_UNAVAILABLE: status.UNAVAILABLE,
  DF_ERR_SCHEDULER_UNIMPLEMENTED: status.UNIMPLEMENTED,
  DF_ERR_SCHEDULER_INTERNAL: status.INTERNAL,
} as const satisfies Record<string, status>;

export type SchedulerErrorCode = keyof typeof SCHEDULER_ERRORS;

export class SchedulerError extends Error {
  readonly code: SchedulerErrorCode;
  /** gRPC status code for this error (the rpc package's `toServiceError` reads it). */
  readonly grpcCode: status;

  constructor(code: SchedulerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SchedulerError';
    this.code = code;
    this.grpcCode = SCHEDULER_ERRORS[code];
  }
}

export function isSchedulerError(err: unknown, code?: SchedulerErrorCode): err is SchedulerError {
  return err instanceof SchedulerError && (code === undefined || err.code === code);
}

export function invalidArgument(message: string): SchedulerError {
  return new SchedulerError('DF_ERR_SCHEDULER_INVALID_ARGUMENT', message);
}

export function outOfOrder(message: string): SchedulerError {
  return new SchedulerError('DF_ERR_SCHEDULER_OUT_OF_ORDER', message);
}
