import type { Readable } from 'node:stream';
import { Agent, request as undiciRequest } from 'undici';
import { EgressError, isEgressError } from './egress-error.js';
import { EgressPolicy } from './egress-policy.js';
import { egressTlsOptions } from './egress-tls.js';
import type { EgressTlsConfig } from './egress-tls.js';
import { guardedConnector, resolveAllowed, systemLookup } from './guarded-connector.js';
import type { LookupFn } from './guarded-connector.js';
import { checkHeaders } from './header-check.js';

export interface EgressClientOptions {
  /** CIDRs and host names admitted although not public (see EgressPolicy). */
  allow?: readonly string[];
  /** Redirects followed per request; one more is an error. Default 5. */
  maxRedirects?: number;
  tls?: EgressTlsConfig;
  /** DNS + TCP + TLS handshake, per connection. Default 10 s. */
  connectTimeoutMs?: number;
  /** From request sent to response headers received. Default 30 s. */
  headersTimeoutMs?: number;
  /** Longest silence between two body chunks. Default 30 s. */
  bodyTimeoutMs?: number;
  /** Whole request including redirects and reading the body. Default 120 s. */
  totalTimeoutMs?: number;
  /** Largest body text()/json()/bytes()/chunks() accept. Default 8 MiB. */
  maxBodyBytes?: number;
}

export interface EgressWarnLogger {
  warn(obj: object, msg: string): void;
}

export interface EgressRequestOptions {
  method?: 'GET' | 'HEAD';
  headers?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  maxBodyBytes?: number;
  totalTimeoutMs?: number;
}

export interface EgressResponse {
  /** URL of the final hop. */
  url: string;
  status: number;
  /** Lower-case names; repeated headers joined with ", " (set-cookie dropped). */
  headers: Record<string, string>;
  redirects: number;
  text(): Promise<string>;
  json<T = unknown>(): Promise<T>;
  bytes(): Promise<Buffer>;
  /** The body as chunks, failing with DF_ERR_EGRESS_BODY_TOO_LARGE past the cap. */
  chunks(): AsyncIterable<Buffer>;
  /** Discards the body (frees the connection). */
  dump(): Promise<void>;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Credentials never follow a redirect to another origin. */
const ORIGIN_BOUND_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];
const MiB = 1024 * 1024;

/**
 * The one HTTP client for fetches made on a user's behalf (preheat manifests and tokens, files named
 * by jobs): http and https only, every connection's address judged by the EgressPolicy after DNS
 * (on every redirect hop), redirects bounded and never downgraded to http, headers checked for
 * injection, timeouts on every phase and a cap on every body read.
 */
export class EgressClient {
  readonly policy: EgressPolicy;
  private readonly agent: Agent;
  private readonly lookup: LookupFn;
  private readonly opts: Required<Omit<EgressClientOptions, 'allow' | 'tls'>>;

  constructor(deps: { options?: EgressClientOptions; logger?: EgressWarnLogger; lookup?: LookupFn } = {}) {
    const o = deps.options ?? {};
    this.opts = {
      maxRedirects: o.maxRedirects ?? 5,
      connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
      headersTimeoutMs: o.headersTimeoutMs ?? 30_000,
      bodyTimeoutMs: o.bodyTimeoutMs ?? 30_000,
      totalTimeoutMs: o.totalTimeoutMs ?? 120_000,
      maxBodyBytes: o.maxBodyBytes ?? 8 * MiB,
    };
    if (!Number.isInteger(this.opts.maxRedirects) || this.opts.maxRedirects < 0 || this.opts.maxRedirects > 20) {
      throw new EgressError('DF_ERR_EGRESS_CONFIG', `maxRedirects must be an integer 0–20, got ${String(o.maxRedirects)}`);
    }
    this.policy = new EgressPolicy({ allow: o.allow ?? [] });
    this.lookup = deps.lookup ?? systemLookup;
    const tls = egressTlsOptions(o.tls);
    if (!tls.rejectUnauthorized) deps.logger?.warn({ insecureSkipVerify: true }, 'TLS certificate verification is OFF for outbound requests: any server can impersonate a registry');
    this.agent = new Agent({
      connect: guardedConnector({ policy: this.policy, tls, lookup: this.lookup, connectTimeoutMs: this.opts.connectTimeoutMs }),
      headersTimeout: this.opts.headersTimeoutMs,
      bodyTimeout: this.opts.bodyTimeoutMs,
      connections: 32,
    });
  }

  /**
   * Checks a URL another component will fetch (a seed peer downloading a file): scheme, and that its
   * host resolves to an admitted address now. DNS may answer differently to that component later,
   * so this narrows, but does not close, the window a guarded fetch closes.
   */
  async checkUrl(url: string | URL): Promise<URL> {
    const u = parseHttpUrl(url);
    await resolveAllowed(u.hostname.replace(/^\[|\]$/g, ''), this.policy, this.lookup, this.opts.connectTimeoutMs);
    return u;
  }

  async request(url: string | URL, req: EgressRequestOptions = {}): Promise<EgressResponse> {
    let current = parseHttpUrl(url);
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    checkHeaders(headers);
    const maxBodyBytes = req.maxBodyBytes ?? this.opts.maxBodyBytes;
    const totalMs = req.totalTimeoutMs ?? this.opts.totalTimeoutMs;
    const deadline = AbortSignal.timeout(totalMs);
    const signal = req.signal === undefined ? deadline : AbortSignal.any([req.signal, deadline]);
    const method = req.method ?? 'GET';

    for (let hop = 0; ; hop++) {
      let res: Awaited<ReturnType<typeof undiciRequest>>;
      try {
        res = await undiciRequest(current, { dispatcher: this.agent, method, headers, signal });
      } catch (err) {
        throw translate(err, current, deadline, totalMs);
      }
      const location = headerText(res.headers.location);
      if (REDIRECT_STATUSES.has(res.statusCode) && location !== undefined) {
        await res.body.dump().catch(() => undefined);
        if (hop >= this.opts.maxRedirects) {
          throw new EgressError('DF_ERR_EGRESS_TOO_MANY_REDIRECTS', `more than ${this.opts.maxRedirects} redirects starting at ${hostOf(url)}`);
        }
        let next: URL;
        try {
          next = new URL(location, current);
        } catch {
          throw new EgressError('DF_ERR_EGRESS_REDIRECT_REFUSED', `${current.host} redirected to an invalid URL`);
        }
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
          throw new EgressError('DF_ERR_EGRESS_REDIRECT_REFUSED', `${current.host} redirected to a ${next.protocol.replace(':', '')} URL; only http and https are followed`);
        }
        if (current.protocol === 'https:' && next.protocol === 'http:') {
          throw new EgressError('DF_ERR_EGRESS_REDIRECT_REFUSED', `${current.host} redirected from https to plain http (${next.host})`);
        }
        if (next.origin !== current.origin) for (const name of Object.keys(headers)) if (ORIGIN_BOUND_HEADERS.includes(name.toLowerCase())) delete headers[name];
        current = next;
        continue;
      }
      return wrapResponse(res, current, hop, maxBodyBytes, (err) => translate(err, current, deadline, totalMs));
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function parseHttpUrl(url: string | URL): URL {
  let u: URL;
  try {
    u = typeof url === 'string' ? new URL(url) : new URL(url.href);
  } catch {
    throw new EgressError('DF_ERR_EGRESS_INVALID_URL', `not a URL: ${JSON.stringify(String(url).slice(0, 200))}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new EgressError('DF_ERR_EGRESS_SCHEME_REFUSED', `scheme ${u.protocol.replace(':', '')} refused; only http and https`);
  }
  if (u.username !== '' || u.password !== '') throw new EgressError('DF_ERR_EGRESS_INVALID_URL', 'credentials in the URL are refused; pass them as headers');
  return u;
}

const hostOf = (url: string | URL): string => {
  try {
    return new URL(String(url)).host;
  } catch {
    return '?';
  }
};

function headerText(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function translate(err: unknown, url: URL, deadline: AbortSignal, totalMs: number): EgressError {
  if (isEgressError(err)) return err;
  const code = (err as { code?: unknown }).code;
  if (deadline.aborted) return new EgressError('DF_ERR_EGRESS_TIMEOUT', `request to ${url.host} took longer than ${totalMs} ms`, { cause: err });
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return new EgressError('DF_ERR_EGRESS_TIMEOUT', `${url.host} sent no response headers in time`, { cause: err });
  if (code === 'UND_ERR_BODY_TIMEOUT') return new EgressError('DF_ERR_EGRESS_TIMEOUT', `${url.host} stopped sending the body`, { cause: err });
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new EgressError('DF_ERR_EGRESS_TIMEOUT', `connecting to ${url.host} timed out`, { cause: err });
  if ((err as Error).name === 'AbortError') return new EgressError('DF_ERR_EGRESS_TIMEOUT', `request to ${url.host} was aborted`, { cause: err });
  if (code === 'UND_ERR_INVALID_ARG') return new EgressError('DF_ERR_EGRESS_INVALID_HEADER', (err as Error).message, { cause: err });
  return new EgressError('DF_ERR_EGRESS_CONNECT', `request to ${url.host} failed: ${typeof code === 'string' ? code : (err as Error).message}`, { cause: err });
}

function wrapResponse(
  res: Awaited<ReturnType<typeof undiciRequest>>,
  url: URL,
  redirects: number,
  maxBodyBytes: number,
  translateErr: (err: unknown) => EgressError,
): EgressResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined || name === 'set-cookie') continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const body = res.body as unknown as Readable;
  const tooLarge = (): EgressError => new EgressError('DF_ERR_EGRESS_BODY_TOO_LARGE', `body from ${url.host} is larger than ${maxBodyBytes} bytes`);
  let consumed = false;
  async function* chunks(): AsyncIterable<Buffer> {
    if (consumed) throw new Error('body already read');
    consumed = true;
    const declared = Number(headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      body.destroy();
      throw tooLarge();
    }
    let total = 0;
    try {
      for await (const chunk of body) {
        const buf = chunk as Buffer;
        total += buf.length;
        if (total > maxBodyBytes) {
          body.destroy();
          throw tooLarge();
        }
        yield buf;
      }
    } catch (err) {
      throw translateErr(err);
    }
  }
  const bytes = async (): Promise<Buffer> => {
    const parts: Buffer[] = [];
    for await (const c of chunks()) parts.push(c);
    return Buffer.concat(parts);
  };
  return {
    url: url.href,
    status: res.statusCode,
    headers,
    redirects,
    chunks,
    bytes,
    text: async () => (await bytes()).toString('utf8'),
    json: async <T>() => {
      const text = (await bytes()).toString('utf8');
      try {
        return JSON.parse(text) as T;
      } catch (err) {
        throw new EgressError('DF_ERR_EGRESS_INVALID_RESPONSE', `${url.host} answered invalid JSON`, { cause: err });
      }
    },
    dump: async () => {
      consumed = true;
      await res.body.dump().catch(() => undefined);
    },
  };
}
