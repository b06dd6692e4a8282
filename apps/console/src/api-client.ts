import { ApiError, apiErrorOf, networkError } from './api-error.js';
import { readCookie } from './format.js';

// Names agreed with the manager's console plugin (apps/manager/src/console); the browser test
// proves they match.
export const CSRF_COOKIE = '__Host-d7y_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export interface ListResult<T> {
  items: T[];
  total: number;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface ApiClientDeps {
  /** Called once on a 401; answers true when the session was refreshed and the call may be retried. */
  onUnauthorized: () => Promise<boolean>;
  /** Called on a 403 telling that the password must be changed first. */
  onPasswordChangeRequired: () => void;
}

/**
 * JSON over fetch to the manager's REST API. The session rides in an HttpOnly cookie the script
 * cannot read (credentials: 'same-origin'); writes carry the CSRF token from the readable cookie.
 */
export class ApiClient {
  private readonly deps: ApiClientDeps;

  constructor(deps: ApiClientDeps) {
    this.deps = deps;
  }

  async get<T>(path: string, query?: Query): Promise<T> {
    return (await this.request<T>('GET', withQuery(path, query))).body;
  }

  /** A page of a listing, with the total from X-Total-Count. */
  async list<T>(path: string, query?: Query): Promise<ListResult<T>> {
    const res = await this.request<T[]>('GET', withQuery(path, { per_page: 100, ...query }));
    const total = Number(res.headers.get('x-total-count') ?? res.body.length);
    return { items: res.body, total: Number.isFinite(total) ? total : res.body.length };
  }

  async post<T>(path: string, body?: unknown): Promise<T> {
    return (await this.request<T>('POST', path, body)).body;
  }

  async patch<T>(path: string, body: unknown): Promise<T> {
    return (await this.request<T>('PATCH', path, body)).body;
  }

  async put<T>(path: string, body?: unknown): Promise<T> {
    return (await this.request<T>('PUT', path, body)).body;
  }

  async delete(path: string): Promise<void> {
    await this.request<unknown>('DELETE', path);
  }

  private async request<T>(method: string, path: string, body?: unknown, retried = false): Promise<{ body: T; headers: Headers }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') {
      const csrf = readCookie(document.cookie, CSRF_COOKIE);
      if (csrf !== undefined) headers[CSRF_HEADER] = csrf;
    }
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        cache: 'no-store',
        redirect: 'error',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw networkError(err);
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (res.ok) return { body: parsed as T, headers: res.headers };
    const error = apiErrorOf(res.status, parsed, res.headers.get('retry-after'));
    if (res.status === 401 && !retried && !path.startsWith('/console/session') && (await this.deps.onUnauthorized())) {
      return this.request<T>(method, path, body, true);
    }
    if (error.code === 'DF_ERR_MANAGER_PASSWORD_CHANGE_REQUIRED') this.deps.onPasswordChangeRequired();
    throw error;
  }
}

function withQuery(path: string, query?: Query): string {
  if (query === undefined) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s === '' ? path : `${path}?${s}`;
}

export { ApiError };
