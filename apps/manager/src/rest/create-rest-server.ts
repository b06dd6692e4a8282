import fastifyJwt from '@fastify/jwt';
import type { Logger } from '@d7y/logger';
import { RequestRateLimiter } from '@d7y/rpc';
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyError, FastifyInstance } from 'fastify';
import type { JwtCodec } from '../auth/token-service.js';
import { ManagerError, isManagerError, tooManyRequests } from '../errors.js';
import { installCorsPolicy } from './cors-policy.js';
import { recordOf } from './openapi-document.js';
import type { RouteRecord } from './openapi-document.js';

export interface RestServerOptions {
  /** JWT realm, sent in WWW-Authenticate on 401. */
  realm: string;
  /** HMAC-SHA256 secret (already checked for length and known defaults). */
  jwtKey: string;
  /** PEM; both set → HTTPS. */
  tls?: { cert: string | Buffer; key: string | Buffer } | undefined;
  bodyLimitBytes: number;
  allowedOrigins: readonly string[];
  /** Requests per second for all clients together, and per client IP. */
  requestRateLimit: { global: number; perClient: number };
  requestTimeoutMs?: number;
}

export interface RestServer {
  app: FastifyInstance;
  /** Every route as registered (filled as routes are added), for the OpenAPI document and tests. */
  routes: RouteRecord[];
  jwt: JwtCodec;
}

/**
 * The fastify instance with everything but the routes: HTTPS, limits, JWT primitives pinned to
 * HS256, error translation, CORS, request rate limit, security headers.
 */
export async function createRestServer(deps: { logger: Logger; options: RestServerOptions }): Promise<RestServer> {
  const { options } = deps;
  const routes: RouteRecord[] = [];
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'rest' }) as FastifyBaseLogger,
    ...(options.tls === undefined ? {} : { https: { cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' as const } }),
    bodyLimit: options.bodyLimitBytes,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    // Ajv: never strip unknown properties (additionalProperties: false must reject, not hide), fill defaults.
    ajv: { customOptions: { removeAdditional: false, useDefaults: true, coerceTypes: 'array', allErrors: false } },
    return503OnClosing: true,
    // One line per request from the onResponse hook below, without headers or query strings.
    disableRequestLogging: true,
  }) as unknown as FastifyInstance;

  app.addHook('onRoute', (route) => {
    routes.push(...recordOf(route));
  });

  await app.register(fastifyJwt, {
    secret: options.jwtKey,
    sign: { algorithm: 'HS256' },
    verify: { algorithms: ['HS256'] },
  });

  const limiter = new RequestRateLimiter({
    global: { rps: options.requestRateLimit.global, burst: options.requestRateLimit.global },
    perClient: { rps: options.requestRateLimit.perClient, burst: options.requestRateLimit.perClient },
  });
  app.addHook('onRequest', async (request) => {
    if (!limiter.tryAcquire(request.ip)) throw tooManyRequests('request rate limit exceeded', 1);
  });

  installCorsPolicy(app, { allowedOrigins: options.allowedOrigins });

  app.addHook('onSend', async (_request, reply) => {
    void reply.header('x-content-type-options', 'nosniff').header('x-frame-options', 'DENY').header('cache-control', 'no-store');
    if (options.tls !== undefined) void reply.header('strict-transport-security', 'max-age=31536000');
  });

  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, path: request.url.split('?')[0], statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime), userId: request.principal?.user.id },
      'request',
    );
  });

  app.setErrorHandler((err: FastifyError | ManagerError, request, reply) => {
    if (isManagerError(err)) {
      if (err.statusCode === 401) void reply.header('www-authenticate', `Bearer realm="${options.realm}"`);
      if (err.retryAfterSeconds !== undefined) void reply.header('retry-after', String(err.retryAfterSeconds));
      if (err.statusCode >= 500) request.log.warn({ err }, 'request failed');
      return reply.code(err.statusCode).send({ code: err.code, message: err.message });
    }
    if (err.validation !== undefined) {
      return reply.code(400).send({ code: 'DF_ERR_MANAGER_VALIDATION', message: validationMessage(err) });
    }
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status === 413) return reply.code(413).send({ code: 'DF_ERR_MANAGER_PAYLOAD_TOO_LARGE', message: `request body is larger than ${options.bodyLimitBytes} bytes` });
    if (status >= 400 && status < 500) return reply.code(status).send({ code: 'DF_ERR_MANAGER_VALIDATION', message: err.message });
    request.log.error({ err }, 'unexpected error');
    return reply.code(500).send({ code: 'DF_ERR_MANAGER_INTERNAL', message: 'internal error' });
  });

  app.setNotFoundHandler((request, reply) => reply.code(404).send({ code: 'DF_ERR_MANAGER_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}` }));

  const jwt: JwtCodec = {
    sign: (payload, opts) => app.jwt.sign(payload, opts ?? {}),
    verify: <T>(token: string, opts?: { ignoreExpiration?: boolean; clockTimestamp?: number }) => app.jwt.verify<T & object>(token, opts ?? {}) as T,
  };
  return { app, routes, jwt };
}

/** "body.priority: unknown property \"admin\"" rather than ajv's "must NOT have additional properties". */
function validationMessage(err: FastifyError): string {
  const first = err.validation?.[0];
  if (first === undefined) return err.message;
  const where = `${err.validationContext ?? 'request'}${first.instancePath.replaceAll('/', '.')}`;
  const params = first.params as { additionalProperty?: unknown };
  if (first.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return `${where}: unknown property ${JSON.stringify(params.additionalProperty)}`;
  }
  return `${where} ${first.message ?? 'is invalid'}`;
}
