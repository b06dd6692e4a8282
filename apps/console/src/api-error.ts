// What the console says when a call fails: the manager's own message when it sent one (it is
// written for people), otherwise a sentence per status. Pure, tested in api-error.test.ts.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** Builds the error for a failed response; `body` is the parsed JSON body when there was one. */
export function apiErrorOf(status: number, body: unknown, retryAfter: string | null): ApiError {
  const b = typeof body === 'object' && body !== null ? (body as { code?: unknown; message?: unknown }) : {};
  const code = typeof b.code === 'string' ? b.code : `HTTP_${status}`;
  const serverMessage = typeof b.message === 'string' && b.message.trim() !== '' ? b.message.trim() : undefined;
  let message: string;
  if (status === 429) {
    const s = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
    message = `Too many requests${s === undefined ? '' : `: try again in ${s} s`}.`;
  } else if (status === 503) {
    message = serverMessage === undefined ? 'The manager is unavailable, try again shortly.' : `The manager is unavailable: ${serverMessage}.`;
  } else if (serverMessage !== undefined) {
    message = serverMessage.charAt(0).toUpperCase() + serverMessage.slice(1);
  } else if (status === 401) {
    message = 'Your session has ended, sign in again.';
  } else if (status === 403) {
    message = 'You are not allowed to do this.';
  } else if (status === 404) {
    message = 'Not found: it may have been deleted.';
  } else if (status >= 500) {
    message = `The manager failed (HTTP ${status}); see its log.`;
  } else {
    message = `The request failed (HTTP ${status}).`;
  }
  return new ApiError(status, code, message);
}

/** For fetch() rejections: the network, TLS or the manager process is down. */
export function networkError(err: unknown): ApiError {
  const detail = err instanceof Error && err.message !== '' ? ` (${err.message})` : '';
  return new ApiError(0, 'NETWORK', `Cannot reach the manager${detail}.`);
}

/** The sentence to show for any failure. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** True when the endpoint does not exist on this manager (an older or partial API). */
export function isMissingEndpoint(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404 && err.code === 'DF_ERR_MANAGER_NOT_FOUND' && err.message.startsWith('No route');
}
