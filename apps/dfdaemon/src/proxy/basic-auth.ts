import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TokenBucket } from '@d7y/core';
import { replyError, replyOnSocket, type ProxyContext, type ProxyHandler } from './proxy-handler.js';

export interface BasicAuthOptions {
  username: string;
  password: string;
  realm?: string;
  /**
   * Failed attempts allowed per client IP (a token bucket: `burst` at once, then `perSecond`).
   * Beyond it the client gets 429 and its credentials are not even checked (password guessing).
   */
  failures?: { perSecond: number; burst: number };
  /** Client failure buckets kept (least recently used evicted first). */
  maxClients?: number;
  /** Monotonic clock (ms). */
  now?: () => number;
}

const PROXY_AUTHORIZATION = 'proxy-authorization';

/**
 * Basic Auth on `Proxy-Authorization` (never `Authorization`: that one belongs to the origin).
 * Missing, malformed or wrong → 407 with a `Proxy-Authenticate` challenge, on plain requests and
 * on CONNECT before any TLS. The header is removed before the request goes further.
 */
export function basicAuth(opts: BasicAuthOptions, next: ProxyHandler): ProxyHandler {
  // Both sides hashed to 32 bytes, so timingSafeEqual compares equal lengths and leaks nothing about the length.
  const expected = digest(`${opts.username}:${opts.password}`);
  const challenge = { 'proxy-authenticate': `Basic realm="${opts.realm ?? 'dragonfly'}", charset="UTF-8"` };
  const failures = opts.failures ?? { perSecond: 1, burst: 20 };
  const maxClients = opts.maxClients ?? 10_000;
  const now = opts.now ?? (() => performance.now());
  const buckets = new Map<string, TokenBucket>();
  const bucketOf = (ip: string): TokenBucket => {
    let b = buckets.get(ip);
    if (b === undefined) {
      b = new TokenBucket({ ratePerSecond: failures.perSecond, burst: failures.burst, now });
      if (buckets.size >= maxClients) buckets.delete(buckets.keys().next().value as string);
    } else {
      buckets.delete(ip);
    }
    buckets.set(ip, b);
    return b;
  };
  type Verdict = 'ok' | 'denied' | 'locked';
  const check = (req: IncomingMessage, ctx: ProxyContext): Verdict => {
    const header = req.headers[PROXY_AUTHORIZATION];
    delete req.headers[PROXY_AUTHORIZATION];
    const bucket = buckets.get(ctx.clientIp);
    if (bucket !== undefined && bucket.available() < 1) return 'locked';
    if (credentialsMatch(header, expected)) return 'ok';
    // a missing header is how every client starts (it waits for the challenge): only wrong ones count
    if (header !== undefined) bucketOf(ctx.clientIp).tryTake(1);
    return 'denied';
  };
  const locked = { 'retry-after': String(Math.max(1, Math.ceil(1 / failures.perSecond))) };
  return {
    request(req, res, ctx) {
      const verdict = check(req, ctx);
      if (verdict === 'locked') return replyError(res, 429, 'proxy', 'too many failed proxy authentications', locked);
      if (verdict === 'denied') return replyError(res, 407, 'proxy', 'proxy authentication required', challenge);
      return next.request(req, res, ctx);
    },
    connect(req, socket, head, ctx) {
      const verdict = check(req, ctx);
      if (verdict === 'locked') return replyOnSocket(socket, 429, 'Too Many Requests', 'proxy', 'too many failed proxy authentications', locked);
      if (verdict === 'denied') return replyOnSocket(socket, 407, 'Proxy Authentication Required', 'proxy', 'proxy authentication required', challenge);
      return next.connect(req, socket, head, ctx);
    },
  };
}

/** True only for `Basic <base64 of user:pass>` equal to the expected credentials. */
export function credentialsMatch(header: string | string[] | undefined, expected: Buffer): boolean {
  if (typeof header !== 'string') return false; // absent, or sent twice
  const m = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header);
  if (m === null) return false;
  const encoded = m[1] as string;
  if (encoded.length % 4 !== 0) return false;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  if (!decoded.includes(':')) return false;
  return timingSafeEqual(digest(decoded), expected);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
