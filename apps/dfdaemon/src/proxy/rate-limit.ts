import { TokenBucket } from '@d7y/core';
import { replyError, replyOnSocket, type ProxyContext, type ProxyHandler } from './proxy-handler.js';

export interface RequestRate {
  /** Requests per second. */
  rps: number;
  burst: number;
}

export interface RateLimitOptions {
  global: RequestRate;
  perClient: RequestRate;
  /** Client buckets kept (least recently used evicted first; a returning client gets a full bucket). */
  maxClients?: number;
  /** Monotonic clock (ms). */
  now?: () => number;
}

/**
 * Request rate limit, whole proxy and per client IP: one token per request (every request inside
 * an intercepted tunnel counts too). Out of tokens → 429 with `Retry-After` (seconds until the
 * limiting bucket has a token again).
 */
export function rateLimit(opts: RateLimitOptions, next: ProxyHandler): ProxyHandler {
  const now = opts.now ?? (() => performance.now());
  const maxClients = opts.maxClients ?? 10_000;
  const global = new TokenBucket({ ratePerSecond: opts.global.rps, burst: opts.global.burst, now });
  const clients = new Map<string, TokenBucket>();

  const clientBucket = (ip: string): TokenBucket => {
    let b = clients.get(ip);
    if (b === undefined) {
      b = new TokenBucket({ ratePerSecond: opts.perClient.rps, burst: opts.perClient.burst, now });
      if (clients.size >= maxClients) clients.delete(clients.keys().next().value as string);
    } else {
      clients.delete(ip); // re-insert: Map order is recency
    }
    clients.set(ip, b);
    return b;
  };

  /** Seconds to wait, or 0 when the request may go on. */
  const admit = (ctx: ProxyContext): number => {
    const mine = clientBucket(ctx.clientIp);
    if (!mine.tryTake(1)) return retryAfterSeconds(mine);
    if (!global.tryTake(1)) return retryAfterSeconds(global);
    return 0;
  };

  return {
    request(req, res, ctx) {
      const wait = admit(ctx);
      if (wait > 0) return replyError(res, 429, 'proxy', 'too many requests', { 'retry-after': String(wait) });
      return next.request(req, res, ctx);
    },
    connect(req, socket, head, ctx) {
      const wait = admit(ctx);
      if (wait > 0) return replyOnSocket(socket, 429, 'Too Many Requests', 'proxy', 'too many requests', { 'Retry-After': String(wait) });
      return next.connect(req, socket, head, ctx);
    },
  };
}

// seconds = ceil((1 - tokens) / rate), at least 1 (Retry-After has whole seconds)
function retryAfterSeconds(bucket: TokenBucket): number {
  return Math.max(1, Math.ceil((1 - bucket.available()) / bucket.rate));
}
