import type { FastifyInstance } from 'fastify';

// Deny by default: only origins listed in server.rest.cors.allowedOrigins get a grant, and never
// with credentials (the API authenticates with bearer tokens, not cookies).

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const ALLOWED_HEADERS = 'Authorization, Content-Type';
const EXPOSED_HEADERS = 'Link, X-Total-Count, Retry-After';
/** Seconds a browser may cache a preflight answer. */
const PREFLIGHT_MAX_AGE_S = 600;

export function installCorsPolicy(app: FastifyInstance, opts: { allowedOrigins: readonly string[] }): void {
  const allowed = new Set(opts.allowedOrigins);
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    if (typeof origin === 'string' && allowed.has(origin)) {
      void reply.header('access-control-allow-origin', origin).header('access-control-expose-headers', EXPOSED_HEADERS);
    }
  });
  app.options('/*', { config: { access: 'public' } }, async (request, reply) => {
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || !allowed.has(origin) || request.headers['access-control-request-method'] === undefined) {
      return reply.code(403).send();
    }
    return reply
      .code(204)
      .header('access-control-allow-methods', ALLOWED_METHODS)
      .header('access-control-allow-headers', ALLOWED_HEADERS)
      .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_S))
      .send();
  });
}
