// Every error the manager can answer with, in one place. Domain code throws ManagerError; only the
// REST error handler and the gRPC wrapper translate it (status / grpc code / body).

/** gRPC status codes (numbers from grpc's status.proto) so that this file needs no grpc import. */
const GRPC = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export const ERROR_CATALOG = {
  DF_ERR_MANAGER_VALIDATION: { status: 400, grpc: GRPC.INVALID_ARGUMENT },
  DF_ERR_MANAGER_UNAUTHORIZED: { status: 401, grpc: GRPC.UNAUTHENTICATED },
  DF_ERR_MANAGER_FORBIDDEN: { status: 403, grpc: GRPC.PERMISSION_DENIED },
  DF_ERR_MANAGER_PASSWORD_CHANGE_REQUIRED: { status: 403, grpc: GRPC.PERMISSION_DENIED },
  DF_ERR_MANAGER_USER_DISABLED: { status: 403, grpc: GRPC.PERMISSION_DENIED },
  DF_ERR_MANAGER_NOT_FOUND: { status: 404, grpc: GRPC.NOT_FOUND },
  DF_ERR_MANAGER_CONFLICT: { status: 409, grpc: GRPC.ALREADY_EXISTS },
  DF_ERR_MANAGER_IN_USE: { status: 409, grpc: GRPC.FAILED_PRECONDITION },
  DF_ERR_MANAGER_PAYLOAD_TOO_LARGE: { status: 413, grpc: GRPC.RESOURCE_EXHAUSTED },
  DF_ERR_MANAGER_TOO_MANY_REQUESTS: { status: 429, grpc: GRPC.RESOURCE_EXHAUSTED },
  DF_ERR_MANAGER_INTERNAL: { status: 500, grpc: GRPC.INTERNAL },
  DF_ERR_MANAGER_DATABASE_UNAVAILABLE: { status: 503, grpc: GRPC.UNAVAILABLE },
} as const;

export type ManagerErrorCode = keyof typeof ERROR_CATALOG;

export class ManagerError extends Error {
  readonly code: ManagerErrorCode;
  readonly statusCode: number;
  readonly grpcCode: number;
  /** Seconds, for 429 answers (Retry-After). */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ManagerErrorCode, message: string, opts: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ManagerError';
    this.code = code;
    this.statusCode = ERROR_CATALOG[code].status;
    this.grpcCode = ERROR_CATALOG[code].grpc;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

export const validationError = (message: string): ManagerError => new ManagerError('DF_ERR_MANAGER_VALIDATION', message);
export const unauthorized = (message = 'Unauthorized'): ManagerError => new ManagerError('DF_ERR_MANAGER_UNAUTHORIZED', message);
export const forbidden = (message = 'Forbidden'): ManagerError => new ManagerError('DF_ERR_MANAGER_FORBIDDEN', message);
export const notFound = (what: string, id: number | string): ManagerError =>
  new ManagerError('DF_ERR_MANAGER_NOT_FOUND', `${what} ${String(id)} not found`);
export const conflict = (message: string): ManagerError => new ManagerError('DF_ERR_MANAGER_CONFLICT', message);
export const tooManyRequests = (message: string, retryAfterSeconds: number): ManagerError =>
  new ManagerError('DF_ERR_MANAGER_TOO_MANY_REQUESTS', message, { retryAfterSeconds });
export const databaseUnavailable = (cause: unknown): ManagerError =>
  new ManagerError('DF_ERR_MANAGER_DATABASE_UNAVAILABLE', 'database unavailable, try again later', { cause });

export function isManagerError(err: unknown): err is ManagerError {
  return err instanceof ManagerError;
}
