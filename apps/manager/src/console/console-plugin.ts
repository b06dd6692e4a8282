import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import type { IssuedToken } from '../auth/token-service.js';
import { forbidden, isManagerError, unauthorized } from '../errors.js';
import { bearerToken } from '../users/user-routes.js';
import { assertConsoleCsrf, assertSameOrigin, clearedSessionCookies, consoleCookieToken, sessionCookies } from './console-session-cookie.js';

/** Routes of the console answered without a session (the route-table test checks the list). */
export const CONSOLE_PUBLIC_ROUTES: readonly string[] = [
  // The page and its static modules/stylesheet: nothing secret.
  'GET /',
  'GET /assets/*',
  // Sign-in, refresh and sign-out check credentials themselves (password, or cookie + CSRF token).
  'POST /console/session',
  'POST /console/session/refresh',
  'DELETE /console/session',
];

/** apps/console/dist, found from this file in src/ (tests) and in dist/ (built). */
export const DEFAULT_CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist/', import.meta.url));

// Scripts and styles only from files of this origin: no inline script, no eval, no inline style.
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

interface StaticFile {
  body: Buffer;
  type: string;
}

export interface ConsoleDeps {
  tokens: {
    authenticate(token: string): Promise<Principal>;
    refresh(token: string): Promise<IssuedToken>;
    revoke(principal: Principal): Promise<void>;
  };
  users: { signIn(name: string, password: string, ip: string): Promise<IssuedToken> };
  /** auth.jwt.realm, shown on the sign-in page. */
  realm: string;
  /** auth.jwt.maxRefresh (ms): the session cookie lives as long as the session can be refreshed. */
  maxRefreshMs: number;
  /** The built console (index.html + assets/); default apps/console/dist. */
  distDir?: string;
  logger?: { warn(obj: object, msg: string): void };
  now?: () => number;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loadStatic(distDir: string, realm: string): { index: Buffer | undefined; assets: Map<string, StaticFile> } {
  const assets = new Map<string, StaticFile>();
  const indexPath = join(distDir, 'index.html');
  if (!existsSync(indexPath)) return { index: undefined, assets };
  const index = Buffer.from(
    readFileSync(indexPath, 'utf8').replace(/<meta name="d7y-realm" content="[^"]*">/, `<meta name="d7y-realm" content="${escapeHtml(realm)}">`),
  );
  const assetsDir = join(distDir, 'assets');
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const type = CONTENT_TYPES[extname(name)];
        // Only known types are served: no source maps, declarations or stray files.
        if (type !== undefined) assets.set(`/assets/${relative(assetsDir, path).split(sep).join('/')}`, { body: readFileSync(path), type });
      }
    }
  };
  if (existsSync(assetsDir)) walk(assetsDir);
  return { index, assets };
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Console not built</title></head><body>
<h1>The Dragonfly console is not built</h1>
<p>The manager serves the console from <code>apps/console/dist</code>. Build it with <code>pnpm --filter @d7y/console build</code>
(or <code>pnpm build</code>) and restart the manager. The REST API under <code>/api/v1</code> works without it.</p></body></html>`;

/** Decodes the exp claim (seconds) of a token the caller has already verified. */
function expiryOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
  return typeof payload.exp === 'number' ? new Date(payload.exp * 1000).toISOString() : new Date(0).toISOString();
}

const LOOPBACK_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/;

const sessionResponse = {
  type: 'object',
  properties: {
    user: {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        name: { type: 'string' },
        email: { type: 'string' },
        state: { type: 'string' },
        must_change_password: { type: 'boolean' },
        roles: { type: 'array', items: { type: 'string' } },
      },
    },
    expire: { type: 'string' },
    refresh_until: { type: 'string' },
  },
} as const;
const errorBody = { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } as const;
const withErrors = <T extends Record<number, unknown>>(ok: T) => ({ ...ok, 400: errorBody, 401: errorBody, 403: errorBody, 429: errorBody, 503: errorBody });
const tags = ['console'];
const signInSchema = {
  tags,
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'password'],
    properties: { name: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 128 } },
  },
  response: withErrors({ 200: sessionResponse }),
} as const;
const sessionSchema = { tags, response: withErrors({ 200: sessionResponse }) } as const;
const signOutSchema = { tags, response: withErrors({ 204: { type: 'null' } }) } as const;

/**
 * Serves the console at / with strict security headers, and its cookie session:
 * POST /console/session (sign in), GET (who am I), POST /console/session/refresh, DELETE (sign out).
 * The REST authentication hook accepts the cookie too (consoleCookieToken + assertConsoleCsrf).
 */
export function registerConsole(app: FastifyInstance, deps: ConsoleDeps): void {
  const now = deps.now ?? Date.now;
  const distDir = deps.distDir ?? DEFAULT_CONSOLE_DIST;
  const { index, assets } = loadStatic(distDir, deps.realm);
  if (index === undefined) deps.logger?.warn({ distDir }, 'console not built: / explains how to build it');

  const info = (principal: Principal, token: string) => ({
    user: principal.user,
    expire: expiryOf(token),
    refresh_until: new Date((principal.via === 'jwt' ? principal.origIat * 1000 : now()) + deps.maxRefreshMs).toISOString(),
  });
  const startCookies = (reply: FastifyReply, principal: Principal, token: string): void => {
    const origIatMs = principal.via === 'jwt' ? principal.origIat * 1000 : now();
    void reply.header('set-cookie', sessionCookies(token, (origIatMs + deps.maxRefreshMs - now()) / 1000));
  };
  const cookieOrFail = (request: FastifyRequest): string => {
    const token = consoleCookieToken(request);
    if (token === undefined) throw unauthorized('no console session');
    return token;
  };

  app.register(async (scope) => {
    scope.addHook('onSend', async (request, reply) => {
      void reply
        .header('content-security-policy', CONSOLE_CSP)
        .header('referrer-policy', 'no-referrer')
        .header('cross-origin-opener-policy', 'same-origin')
        .header('cross-origin-resource-policy', 'same-origin')
        .header('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()')
        .header('x-content-type-options', 'nosniff')
        .header('x-frame-options', 'DENY');
      if (request.protocol === 'https') void reply.header('strict-transport-security', 'max-age=31536000');
    });

    scope.get('/', { config: { access: 'public' } }, async (_request, reply) => {
      if (index === undefined) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(index);
    });

    scope.get('/assets/*', { config: { access: 'public' } }, async (request, reply) => {
      const file = assets.get(request.url.split('?')[0] ?? '');
      if (file === undefined) return reply.code(404).send({ code: 'DF_ERR_MANAGER_NOT_FOUND', message: 'no such console file' });
      // Files change only with a new build, and the page is re-fetched each visit: revalidate.
      return reply.type(file.type).header('cache-control', 'no-cache').send(file.body);
    });

    scope.post<{ Body: { name: string; password: string } }>(
      '/console/session',
      {
        config: { access: 'public' },
        schema: signInSchema,
      },
      async (request, reply) => {
        assertSameOrigin(request);
        // Secure cookies are dropped by browsers on plain http (except loopback): say why instead.
        if (request.protocol !== 'https' && !LOOPBACK_HOST.test(request.headers.host ?? '')) {
          throw forbidden('the console signs in over HTTPS only: configure server.rest.tls');
        }
        const issued = await deps.users.signIn(request.body.name, request.body.password, request.ip);
        const principal = await deps.tokens.authenticate(issued.token);
        startCookies(reply, principal, issued.token);
        return info(principal, issued.token);
      },
    );

    // Authenticated by the REST hook (cookie or bearer); allowed while a password change is due.
    scope.get('/console/session', { config: { access: 'password-change' }, schema: sessionSchema }, async (request) => {
      if (request.principal === undefined) throw unauthorized();
      return info(request.principal, consoleCookieToken(request) ?? bearerToken(request));
    });

    scope.post('/console/session/refresh', { config: { access: 'public' }, schema: sessionSchema }, async (request, reply) => {
      const token = cookieOrFail(request);
      assertConsoleCsrf(request, token);
      const issued = await deps.tokens.refresh(token);
      const principal = await deps.tokens.authenticate(issued.token);
      startCookies(reply, principal, issued.token);
      return info(principal, issued.token);
    });

    scope.delete('/console/session', { config: { access: 'public' }, schema: signOutSchema }, async (request, reply) => {
      const token = consoleCookieToken(request);
      if (token !== undefined) {
        assertConsoleCsrf(request, token);
        try {
          await deps.tokens.revoke(await deps.tokens.authenticate(token));
        } catch (err) {
          if (!isManagerError(err) || err.statusCode !== 401) throw err;
          // Expired but still refreshable: revoking the refreshed token ends the same session.
          try {
            await deps.tokens.revoke(await deps.tokens.authenticate((await deps.tokens.refresh(token)).token));
          } catch (err2) {
            if (!isManagerError(err2) || err2.statusCode !== 401) throw err2;
          }
        }
      }
      return reply.code(204).header('set-cookie', clearedSessionCookies()).send();
    });
  });
}
