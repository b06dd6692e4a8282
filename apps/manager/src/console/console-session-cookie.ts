import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { forbidden } from '../errors.js';

// The console's browser session: the JWT rides in an HttpOnly cookie that script cannot read, and
// every cookie-authenticated write must echo a CSRF token (double submit). The token is derived
// from the JWT, so it changes with every refresh and a cookie set by anyone else cannot match it.
// `__Host-` names are only accepted with Secure, Path=/ and no Domain: no sibling host can plant them.

export const SESSION_COOKIE = '__Host-d7y_session';
export const CSRF_COOKIE = '__Host-d7y_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const JWT_SHAPE = /^[A-Za-z0-9_-]{1,2048}\.[A-Za-z0-9_-]{1,4096}\.[A-Za-z0-9_-]{0,1024}$/;

/** base64url(sha256(label ‖ jwt)): readable by the page, reveals nothing about the JWT. */
export function csrfTokenFor(jwt: string): string {
  return createHash('sha256').update('d7y-console-csrf\0').update(jwt).digest('base64url');
}

/** The value of one cookie of a Cookie header (first occurrence), undecoded. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined || header.length > 16_384) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The session JWT from the cookie, for requests that carry no Authorization header (an explicit
 * bearer token always wins, so API clients are unaffected by a stray cookie).
 */
export function consoleCookieToken(request: FastifyRequest): string | undefined {
  if (request.headers.authorization !== undefined) return undefined;
  const value = cookieValue(request.headers.cookie, SESSION_COOKIE);
  return value !== undefined && JWT_SHAPE.test(value) ? value : undefined;
}

/** The origin this request was addressed to, as a browser writes it in Origin. */
function ownOrigin(request: FastifyRequest): string | undefined {
  const host = request.headers.host;
  return typeof host === 'string' && host !== '' ? `${request.protocol}://${host}` : undefined;
}

/**
 * Refuses cross-site requests: Sec-Fetch-Site (when the browser sends it) must say same-origin,
 * and an Origin header must be this server's own. Applies to every cookie-authenticated request,
 * including sign-in (no login CSRF).
 */
export function assertSameOrigin(request: FastifyRequest): void {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') throw forbidden('cross-site request refused');
  const origin = request.headers.origin;
  if (typeof origin === 'string' && origin !== ownOrigin(request)) throw forbidden('cross-origin request refused');
}

/** For cookie-authenticated requests: same origin always, and writes must carry the CSRF token. */
export function assertConsoleCsrf(request: FastifyRequest, jwt: string): void {
  assertSameOrigin(request);
  if (SAFE_METHODS.has(request.method)) return;
  const sent = request.headers[CSRF_HEADER];
  const want = Buffer.from(csrfTokenFor(jwt));
  const got = typeof sent === 'string' ? Buffer.from(sent) : Buffer.alloc(0);
  if (got.length !== want.length || !timingSafeEqual(got, want)) throw forbidden(`missing or wrong CSRF token: send the ${CSRF_COOKIE} cookie value in the ${CSRF_HEADER} header`);
}

/** Set-Cookie values that start a session (or carry its refreshed token). */
export function sessionCookies(jwt: string, maxAgeSeconds: number): string[] {
  const age = Math.max(0, Math.floor(maxAgeSeconds));
  return [
    `${SESSION_COOKIE}=${jwt}; Path=/; Max-Age=${age}; HttpOnly; Secure; SameSite=Strict`,
    `${CSRF_COOKIE}=${csrfTokenFor(jwt)}; Path=/; Max-Age=${age}; Secure; SameSite=Strict`,
  ];
}

/** Set-Cookie values that end the session in the browser. */
export function clearedSessionCookies(): string[] {
  return [`${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`, `${CSRF_COOKIE}=; Path=/; Max-Age=0; Secure; SameSite=Strict`];
}
