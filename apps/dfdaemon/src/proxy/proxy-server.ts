import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '@d7y/logger';
import { basicAuth } from './basic-auth.js';
import { openBlindTunnel } from './blind-tunnel.js';
import { Forwarder } from './forwarder.js';
import { LeafCertificateCache } from './leaf-certificate-cache.js';
import { loadProxyCa } from './proxy-ca.js';
import type { ProxyConfig } from './proxy-config.js';
import { replyError, replyOnSocket, type ProxyContext, type ProxyHandler } from './proxy-handler.js';
import { rules, type RoutedHandler } from './proxy-rules.js';
import type { ProxyTaskSource } from './proxy-tasks.js';
import { rateLimit } from './rate-limit.js';
import { TaskResponder } from './task-responder.js';
import { TlsInterceptor } from './tls-interceptor.js';

/** Protection against slow and greedy clients. Times in ms, sizes in bytes. */
export interface ProxyLimits {
  /** Request line + headers (node answers 431 beyond). */
  maxHeaderBytes: number;
  /** A client must send its complete headers within this (slowloris). */
  headersTimeoutMs: number;
  /** A client must send its complete request (headers + body) within this. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** No bytes either way on a client connection (outside tunnels) for this long closes it. */
  idleTimeoutMs: number;
  /** Same, for blind tunnels. */
  tunnelIdleTimeoutMs: number;
  /** TLS handshake deadline inside an intercepted CONNECT. */
  handshakeTimeoutMs: number;
  /** Origin response headers deadline when forwarding. */
  upstreamHeadersTimeoutMs: number;
  /** Interception certificates kept (LRU). */
  certificateCacheSize: number;
  /** Per-client rate-limit buckets kept (LRU). */
  rateLimitClients: number;
}

export const DEFAULT_PROXY_LIMITS: ProxyLimits = {
  maxHeaderBytes: 16 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 300_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 120_000,
  tunnelIdleTimeoutMs: 300_000,
  handshakeTimeoutMs: 10_000,
  upstreamHeadersTimeoutMs: 30_000,
  certificateCacheSize: 1000,
  rateLimitClients: 10_000,
};

export interface ProxyServerDeps {
  config: ProxyConfig;
  logger: Logger;
  tasks: ProxyTaskSource;
  /** Where a generated interception CA is kept (under the daemon's work dir). */
  caDir: string;
  limits?: Partial<ProxyLimits>;
  /** Observation hooks (metrics): every request (also inside intercepted tunnels) and CONNECT. */
  observer?: ProxyObserver;
}

export interface ProxyObserver {
  /** Sees one request and runs its handling (e.g. in a trace span continuing the client's traceparent). */
  request<T>(req: IncomingMessage, res: ServerResponse, handle: () => T): T;
  connect(req: IncomingMessage): void;
}

/**
 * The dfdaemon's HTTP(S) proxy and registry mirror (:4001):
 * `basicAuth(rateLimit(rules(handler)))` for plain requests and CONNECT; requests inside an
 * intercepted tunnel pass `rateLimit(rules(handler))` (the CONNECT was authenticated).
 */
export class ProxyServer {
  private readonly deps: ProxyServerDeps;
  private readonly log: Logger;
  private readonly limits: ProxyLimits;
  private server: Server | undefined;
  private innerServer: Server | undefined;
  private forwarder: Forwarder | undefined;
  private certificates: LeafCertificateCache | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(deps: ProxyServerDeps) {
    this.deps = deps;
    this.log = deps.logger.child({ component: 'proxy' });
    this.limits = { ...DEFAULT_PROXY_LIMITS, ...deps.limits };
  }

  get port(): number {
    const addr = this.server?.address() as AddressInfo | null | undefined;
    if (!addr) throw new Error('proxy not started');
    return addr.port;
  }

  /** Interception certificates currently cached. */
  get cachedCertificates(): number {
    return this.certificates?.size ?? 0;
  }

  /** Interception certificates issued since start (cache misses). */
  get issuedCertificates(): number {
    return this.certificates?.issued ?? 0;
  }

  async start(): Promise<{ port: number }> {
    if (this.server !== undefined) throw new Error('proxy already started');
    const c = this.deps.config;
    const limits = this.limits;
    const ca = loadProxyCa({ ...pick(c.server), dir: this.deps.caDir, logger: this.deps.logger });
    this.certificates = new LeafCertificateCache({ ca, maxEntries: limits.certificateCacheSize });
    const mirror = new URL(c.registryMirror.addr);
    if (c.registryMirror.insecureSkipVerify) {
      this.log.warn({ registry: mirror.host }, 'registryMirror.insecureSkipVerify: the registry certificate is NOT verified');
    }
    const forwarder = new Forwarder({
      logger: this.deps.logger,
      ...(c.registryMirror.cert === undefined ? {} : { extraCaPem: readFileSync(c.registryMirror.cert, 'utf8') }),
      insecureHosts: new Set(c.registryMirror.insecureSkipVerify ? [mirror.hostname.toLowerCase()] : []),
      headersTimeoutMs: limits.upstreamHeadersTimeoutMs,
      idleTimeoutMs: limits.idleTimeoutMs,
    });
    this.forwarder = forwarder;
    const responder = new TaskResponder({
      tasks: this.deps.tasks,
      logger: this.deps.logger,
      disableBackToSource: c.disableBackToSource,
      prefetch: c.prefetch,
      forward: (req, res, target, extra) => forwarder.forward(req, res, target, extra),
    });

    const contexts = new WeakMap<Socket, ProxyContext>();
    const httpOptions = {
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    };
    const inner = createServer(httpOptions);
    this.innerServer = inner;
    const interceptor = new TlsInterceptor({
      certificates: this.certificates,
      innerServer: inner,
      contexts,
      logger: this.deps.logger,
      handshakeTimeoutMs: limits.handshakeTimeoutMs,
      idleTimeoutMs: limits.idleTimeoutMs,
    });
    const routed: RoutedHandler = {
      p2p: (req, res, _ctx, route) => responder.respond(req, res, route),
      forward: (req, res, _ctx, target) => forwarder.forward(req, res, target),
      intercept: (_req, socket, head, ctx, target) => interceptor.intercept(socket, head, target, ctx),
      tunnel: (_req, socket, head, _ctx, target) =>
        openBlindTunnel(socket, head, target, {
          logger: this.deps.logger,
          idleTimeoutMs: limits.tunnelIdleTimeoutMs,
          track: (s) => this.track(s),
        }),
    };
    const limited = rateLimit(
      {
        global: { rps: c.server.requestRateLimit, burst: c.server.requestRateLimit },
        perClient: { rps: c.server.requestRateLimitPerClient, burst: c.server.requestRateLimitPerClient },
        maxClients: limits.rateLimitClients,
      },
      rules({ rules: c.rules, registryMirror: c.registryMirror.addr }, routed),
    );
    const outer: ProxyHandler = c.server.basicAuth === undefined ? limited : basicAuth(c.server.basicAuth, limited);

    inner.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const ctx = contexts.get(req.socket);
      if (ctx === undefined) return replyError(res, 500, 'proxy', 'lost tunnel context');
      this.run(() => this.observe(req, res, () => limited.request(req, res, ctx)), res);
    });
    inner.on('connect', (_req: IncomingMessage, socket: Duplex) => replyOnSocket(socket, 405, 'Method Not Allowed', 'proxy', 'CONNECT inside a tunnel'));
    inner.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket));

    const server = createServer(httpOptions);
    this.server = server;
    server.on('connection', (socket: Socket) => {
      this.track(socket);
      socket.setTimeout(limits.idleTimeoutMs, () => socket.destroy());
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.run(() => this.observe(req, res, () => outer.request(req, res, { clientIp: clientIp(req.socket) })), res);
    });
    server.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const s = socket as Socket;
      this.deps.observer?.connect(req);
      s.setTimeout(limits.handshakeTimeoutMs, () => s.destroy()); // the tunnel sets its own once open
      Promise.resolve()
        .then(() => outer.connect(req, socket, head, { clientIp: clientIp(s) }))
        .catch((err: unknown) => {
          this.log.error({ err }, 'CONNECT handler failed');
          socket.destroy();
        });
    });
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket));

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: c.server.ip, port: c.server.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.log.info({ ip: c.server.ip, port: this.port, basicAuth: c.server.basicAuth !== undefined }, 'proxy listening');
    return { port: this.port };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.innerServer?.close();
    this.forwarder?.close();
    await closed;
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private observe<T>(req: IncomingMessage, res: ServerResponse, handle: () => T): T {
    return this.deps.observer === undefined ? handle() : this.deps.observer.request(req, res, handle);
  }

  private run(handle: () => void | Promise<void>, res: ServerResponse): void {
    Promise.resolve()
      .then(handle)
      .catch((err: unknown) => {
        this.log.error({ err }, 'proxy handler failed');
        replyError(res, 500, 'dfdaemon', 'internal error');
      });
  }
}

function pick(server: ProxyConfig['server']): { caCert?: string; caKey?: string } {
  return {
    ...(server.caCert === undefined ? {} : { caCert: server.caCert }),
    ...(server.caKey === undefined ? {} : { caKey: server.caKey }),
  };
}

function clientIp(socket: Socket): string {
  return (socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
}

/** Parser errors: oversized headers → 431, slow headers → 408, anything malformed → 400. */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || (socket as Socket).bytesWritten > 0) return void socket.destroy();
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return replyOnSocket(socket, 431, 'Request Header Fields Too Large', 'proxy', 'request headers too large');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return replyOnSocket(socket, 408, 'Request Timeout', 'proxy', 'request not received in time');
    default:
      return replyOnSocket(socket, 400, 'Bad Request', 'proxy', 'malformed request');
  }
}
