import { Agent, interceptors, type Dispatcher } from 'undici';
import { DfdaemonError } from '../errors.js';

export interface SourceRequest {
  url: string;
  /** Request headers sent to the origin (dfget -H, proxy request headers). */
  header: Record<string, string>;
}

export interface SourceStat {
  /** null when the origin does not tell (chunked, no Content-Range total). */
  contentLength: number | null;
  /** True when the origin answered the probe with 206: pieces can be fetched by range. */
  supportsRange: boolean;
  /** The origin's headers, rewritten to look like a full 200 response. */
  responseHeader: Record<string, string>;
}

export interface SourceResponse {
  statusCode: number;
  header: Record<string, string>;
  body: AsyncIterable<Buffer>;
  /** Stops reading and releases the connection. */
  destroy(): void;
}

export interface SourceClientDeps {
  dispatcher?: Dispatcher;
  /** Time to wait for response headers (ms). */
  headersTimeoutMs?: number;
  /** Idle time allowed between two body chunks (ms). */
  bodyTimeoutMs?: number;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-range',
]);

/** HTTP(S) origin access: a `Range: bytes=0-0` GET to stat (works with method-bound pre-signed URLs), ranged GETs per piece. */
export class SourceClient {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;

  constructor(deps: SourceClientDeps = {}) {
    const headersTimeout = deps.headersTimeoutMs ?? 30_000;
    const bodyTimeout = deps.bodyTimeoutMs ?? 60_000;
    this.ownsDispatcher = deps.dispatcher === undefined;
    this.dispatcher =
      deps.dispatcher ??
      new Agent({ headersTimeout, bodyTimeout, connections: 64 }).compose(interceptors.redirect({ maxRedirections: 5 }));
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  async stat(req: SourceRequest, signal?: AbortSignal): Promise<SourceStat> {
    const res = await this.request(req, { range: 'bytes=0-0', signal });
    res.destroy();
    const header = res.header;
    if (res.statusCode === 206) {
      const total = parseContentRangeTotal(header['content-range']);
      return { contentLength: total, supportsRange: total !== null, responseHeader: fullResponseHeader(header, total) };
    }
    if (res.statusCode === 416) {
      // nginx answers an empty file's bytes=0-0 with 416 and `Content-Range: bytes */0`.
      const total = parseContentRangeTotal(header['content-range']);
      if (total === 0) return { contentLength: 0, supportsRange: true, responseHeader: fullResponseHeader(header, 0) };
      throw backendError(req.url, 416);
    }
    if (res.statusCode >= 200 && res.statusCode < 300) {
      const cl = header['content-length'];
      const len = cl !== undefined && /^\d+$/.test(cl) ? Number(cl) : null;
      return { contentLength: len, supportsRange: false, responseHeader: fullResponseHeader(header, len) };
    }
    throw backendError(req.url, res.statusCode);
  }

  /** GET (a byte range of) the source; non-2xx is a DF_ERR_SOURCE_STATUS error. */
  async get(
    req: SourceRequest,
    range: { start: number; length: number } | undefined,
    signal?: AbortSignal,
  ): Promise<SourceResponse> {
    const rangeHeader = range === undefined ? undefined : `bytes=${range.start}-${range.start + range.length - 1}`;
    const res = await this.request(req, { range: rangeHeader, signal });
    if (res.statusCode < 200 || res.statusCode >= 300) {
      res.destroy();
      throw backendError(req.url, res.statusCode);
    }
    if (range !== undefined && res.statusCode !== 206) {
      res.destroy();
      throw new DfdaemonError('DF_ERR_SOURCE_STATUS', `${req.url} ignored the Range header (status ${res.statusCode})`, {
        statusCode: res.statusCode,
      });
    }
    return res;
  }

  private async request(
    req: SourceRequest,
    o: { range: string | undefined; signal: AbortSignal | undefined },
  ): Promise<SourceResponse> {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.header)) {
      const key = k.toLowerCase();
      if (key === 'host' || key === 'range' || HOP_BY_HOP.has(key)) continue;
      headers[key] = v;
    }
    if (o.range !== undefined) headers.range = o.range;
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', `invalid source URL ${JSON.stringify(req.url)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', `unsupported URL scheme ${url.protocol} (http and https are)`);
    }
    try {
      const res = await this.dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers,
        ...(o.signal === undefined ? {} : { signal: o.signal }),
      });
      const header: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        if (v === undefined) continue;
        header[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      }
      const body = res.body;
      return {
        statusCode: res.statusCode,
        header,
        body: body as AsyncIterable<Buffer>,
        destroy: () => {
          // Destroying an unread undici body emits an AbortError: expected here, not a failure.
          body.on('error', () => undefined);
          body.destroy();
        },
      };
    } catch (err) {
      if (o.signal?.aborted === true) throw err;
      throw new DfdaemonError('DF_ERR_SOURCE_UNREACHABLE', `cannot reach ${url.origin}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
}

function backendError(url: string, statusCode: number): DfdaemonError {
  return new DfdaemonError('DF_ERR_SOURCE_STATUS', `source answered ${statusCode} for ${url}`, { statusCode });
}

// "bytes 0-0/1234" -> 1234; "bytes *\/1234" (416 form) -> 1234; unknown total "*" or garbage -> null.
export function parseContentRangeTotal(value: string | undefined): number | null {
  if (value === undefined) return null;
  const m = /^bytes\s+(?:\d+-\d+|\*)\/(\d+)$/i.exec(value.trim());
  return m === null ? null : Number(m[1]);
}

function fullResponseHeader(header: Record<string, string>, contentLength: number | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(header)) {
    if (HOP_BY_HOP.has(k) || k === 'content-length') continue;
    out[k] = v;
  }
  if (contentLength !== null) out['content-length'] = String(contentLength);
  return out;
}
