import { createHash, X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { guardedAgent, isEgressError, type LookupFn } from '@d7y/egress';
import { Agent, interceptors, type Dispatcher } from 'undici';
import { DfdaemonError } from '../errors.js';
import { HttpRangeClient } from './http-range-client.js';

export interface SourceRequest {
  url: string;
  /** Request headers sent to the origin (dfget -H, proxy request headers). */
  header: Record<string, string>;
  /**
   * Who asked: 'local' (dfget, the proxy: this node's own users; unrestricted) or 'remote' (the
   * network: scheduler seed triggers, manager jobs), whose requests may reach only public
   * addresses and what download.remoteSource.allowList admits, judged on the address actually
   * connected to, at every redirect. Default 'local'.
   */
  trigger?: 'local' | 'remote';
  /** Extra trusted CA certificates (DER, from Download.certificate_chain), next to the system roots. */
  certificateChain?: readonly Buffer[];
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
  /** Hands a body chunk's memory back for reuse once it was written (optional: unreleased chunks are garbage collected). */
  release?(chunk: Buffer): void;
}

export interface SourceClientDeps {
  dispatcher?: Dispatcher;
  /** Time to wait for response headers (ms). */
  headersTimeoutMs?: number;
  /** Idle time allowed between two body chunks (ms). */
  bodyTimeoutMs?: number;
  /** download.remoteSource.allowList: non-public destinations remote-triggered downloads may reach. */
  remoteAllowList?: readonly string[];
  /** DNS for remote-triggered requests (tests). */
  lookup?: LookupFn;
  /** false: every request goes through undici (tests compare both paths). Default true. */
  rangeFastPath?: boolean;
}

/** Dispatchers kept for distinct certificate chains (a registry CA per preheat configuration). */
const MAX_EXTRA_DISPATCHERS = 16;
const MAX_REDIRECTS = 5;

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
  private readonly deps: SourceClientDeps;
  private readonly headersTimeout: number;
  private readonly bodyTimeout: number;
  /** Remote-triggered and/or extra-CA dispatchers by "trigger|chain fingerprint", oldest first. */
  private readonly extra = new Map<string, Dispatcher>();
  /** Plain-HTTP ranged GETs of local downloads (the bulk of back-to-source bytes). */
  private readonly ranges: HttpRangeClient | undefined;

  constructor(deps: SourceClientDeps = {}) {
    this.deps = deps;
    this.headersTimeout = deps.headersTimeoutMs ?? 30_000;
    this.bodyTimeout = deps.bodyTimeoutMs ?? 60_000;
    this.ownsDispatcher = deps.dispatcher === undefined;
    this.ranges =
      deps.rangeFastPath === false || deps.dispatcher !== undefined
        ? undefined
        : new HttpRangeClient({ headersTimeoutMs: this.headersTimeout, bodyTimeoutMs: this.bodyTimeout });
    this.dispatcher =
      deps.dispatcher ??
      new Agent({ headersTimeout: this.headersTimeout, bodyTimeout: this.bodyTimeout, connections: 64 }).compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTS }));
  }

  async close(): Promise<void> {
    const extra = [...this.extra.values()];
    this.extra.clear();
    this.ranges?.close();
    await Promise.all(extra.map((d) => d.close()));
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /** The dispatcher for a request: the plain one for local requests without extra CAs. */
  private dispatcherFor(req: SourceRequest): Dispatcher {
    const remote = req.trigger === 'remote';
    const pems = (req.certificateChain ?? []).map((der, i) => {
      try {
        return new X509Certificate(der).toString();
      } catch {
        throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', `certificate_chain[${i}] is not a DER-encoded X.509 certificate`);
      }
    });
    if (!remote && pems.length === 0) return this.dispatcher;
    const fingerprint = pems.length === 0 ? '' : createHash('sha256').update(pems.join('')).digest('hex');
    const key = `${remote ? 'remote' : 'local'}|${fingerprint}`;
    const have = this.extra.get(key);
    if (have !== undefined) {
      // most recently used last
      this.extra.delete(key);
      this.extra.set(key, have);
      return have;
    }
    const redirect = interceptors.redirect({ maxRedirections: MAX_REDIRECTS });
    const made = remote
      ? guardedAgent({
          allow: this.deps.remoteAllowList ?? [],
          ...(pems.length === 0 ? {} : { tls: { caCert: pems.join('\n') } }),
          headersTimeoutMs: this.headersTimeout,
          bodyTimeoutMs: this.bodyTimeout,
          ...(this.deps.lookup === undefined ? {} : { lookup: this.deps.lookup }),
        }).compose(redirect)
      : new Agent({ headersTimeout: this.headersTimeout, bodyTimeout: this.bodyTimeout, connections: 64, connect: { ca: [...rootCertificates, ...pems] } }).compose(redirect);
    this.extra.set(key, made);
    if (this.extra.size > MAX_EXTRA_DISPATCHERS) {
      const [oldestKey, oldest] = this.extra.entries().next().value as [string, Dispatcher];
      this.extra.delete(oldestKey);
      // requests under way finish first
      void oldest.close().catch(() => undefined);
    }
    return made;
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
    if (range !== undefined && this.ranges !== undefined && req.trigger !== 'remote' && (req.certificateChain ?? []).length === 0) {
      const fast = await this.ranges.get(parseSourceUrl(req.url), forwardedHeaders(req.header), range, signal);
      if (fast !== undefined) return fast;
    }
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
    const headers = forwardedHeaders(req.header);
    if (o.range !== undefined) headers.range = o.range;
    const url = parseSourceUrl(req.url);
    const dispatcher = this.dispatcherFor(req);
    try {
      const res = await dispatcher.request({
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
      const refused = egressCause(err);
      if (refused !== undefined) {
        throw new DfdaemonError('DF_ERR_SOURCE_REFUSED', `refused to fetch ${url.origin} (redirects included) for a download requested over the network: ${refused}`, { cause: err });
      }
      throw new DfdaemonError('DF_ERR_SOURCE_UNREACHABLE', `cannot reach ${url.origin}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
}

/** The request headers passed on to the origin: lower-cased, without Host, Range and hop-by-hop ones. */
function forwardedHeaders(header: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(header)) {
    const key = k.toLowerCase();
    if (key === 'host' || key === 'range' || HOP_BY_HOP.has(key)) continue;
    headers[key] = v;
  }
  return headers;
}

function parseSourceUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', `invalid source URL ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', `unsupported URL scheme ${url.protocol} (http and https are)`);
  }
  return url;
}

const REFUSALS = new Set<string>(['DF_ERR_EGRESS_ADDRESS_REFUSED', 'DF_ERR_EGRESS_SCHEME_REFUSED', 'DF_ERR_EGRESS_REDIRECT_REFUSED']);

/** The egress policy's reason when `err` (or an error it wraps) is a refusal. */
function egressCause(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (isEgressError(e) && REFUSALS.has(e.code)) return e.message.replace(/^refused:\s*/, '');
  }
  return undefined;
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
