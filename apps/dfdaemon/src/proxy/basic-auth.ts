import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { replyError, replyOnSocket, type ProxyHandler } from './proxy-handler.js';

export interface BasicAuthOptions {
  username: string;
  password: string;
  realm?: string;
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
  const check = (req: IncomingMessage): boolean => {
    const ok = credentialsMatch(req.headers[PROXY_AUTHORIZATION], expected);
    delete req.headers[PROXY_AUTHORIZATION];
    return ok;
  };
  return {
    request(req, res, ctx) {
      if (!check(req)) return replyError(res, 407, 'proxy', 'proxy authentication required', challenge);
      return next.request(req, res, ctx);
    },
    connect(req, socket, head, ctx) {
      if (!check(req)) return replyOnSocket(socket, 407, 'Proxy Authentication Required', 'proxy', 'proxy authentication required', challenge);
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
