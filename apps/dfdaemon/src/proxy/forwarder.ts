import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream';
import { createSecureContext, rootCertificates } from 'node:tls';
import { isIP } from 'node:net';
import type { Logger } from '@d7y/logger';
import { clientResponseHeaders, originRequestHeaders } from './forward-headers.js';
import { replyError } from './proxy-handler.js';

export interface ForwarderDeps {
  logger: Logger;
  /** Extra CA (PEM) trusted besides the system roots (registryMirror.cert). */
  extraCaPem?: string;
  /** Hosts whose certificate is not verified (registryMirror.insecureSkipVerify; only the mirror). */
  insecureHosts?: ReadonlySet<string>;
  /** No response headers from the origin within this → 504 (ms). */
  headersTimeoutMs?: number;
  /** No bytes either way for this long → the exchange is dropped (ms). */
  idleTimeoutMs?: number;
}

/** Sends a request on to its origin (http or https, certificates verified) and streams the answer back. */
export class Forwarder {
  private readonly deps: ForwarderDeps;
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
  private readonly httpsAgent: HttpsAgent;
  private readonly insecureAgent: HttpsAgent;

  constructor(deps: ForwarderDeps) {
    this.deps = deps;
    // A prebuilt context, not a `ca` option: the agent would fold every root certificate into its
    // pool key on each request (measured: a quarter of the proxy's CPU for small requests).
    const secureContext =
      deps.extraCaPem === undefined ? undefined : createSecureContext({ ca: [...rootCertificates, deps.extraCaPem], minVersion: 'TLSv1.2' });
    this.httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256, minVersion: 'TLSv1.2', ...(secureContext === undefined ? {} : { secureContext }) });
    this.insecureAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64, rejectUnauthorized: false });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    this.insecureAgent.destroy();
  }

  forward(req: IncomingMessage, res: ServerResponse, target: URL, extraHeaders: Record<string, string> = {}): void {
    const https = target.protocol === 'https:';
    if (!https && target.protocol !== 'http:') return replyError(res, 400, 'proxy', `unsupported scheme ${target.protocol}`);
    const insecure = https && (this.deps.insecureHosts?.has(target.hostname.toLowerCase()) ?? false);
    const headers = originRequestHeaders(req.headers);
    headers.host = target.host;
    const options = {
      method: req.method,
      hostname: bareHost(target),
      port: target.port === '' ? undefined : Number(target.port),
      path: `${target.pathname}${target.search}`,
      headers,
      ...(https
        ? { agent: insecure ? this.insecureAgent : this.httpsAgent, ...(isIP(bareHost(target)) === 0 ? { servername: target.hostname } : {}) }
        : { agent: this.httpAgent }),
    };
    const upstream = (https ? httpsRequest : httpRequest)(options, (ur) => {
      clearTimeout(headersTimer);
      res.writeHead(ur.statusCode ?? 502, { ...clientResponseHeaders(ur.headers), ...extraHeaders });
      pipeline(ur, res, (err) => {
        if (err) res.destroy();
      });
    });
    const headersTimer = setTimeout(() => {
      upstream.destroy(Object.assign(new Error('no response headers in time'), { code: 'ETIMEDOUT' }));
    }, this.deps.headersTimeoutMs ?? 30_000);
    headersTimer.unref();
    upstream.setTimeout(this.deps.idleTimeoutMs ?? 120_000, () => upstream.destroy(Object.assign(new Error('idle upstream'), { code: 'ETIMEDOUT' })));
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(headersTimer);
      if (res.headersSent) return res.destroy();
      const code = err.code ?? 'ERROR';
      this.deps.logger.warn({ host: target.host, code }, 'forwarding failed');
      const status = code === 'ETIMEDOUT' ? 504 : 502;
      replyError(res, status, 'proxy', `upstream ${target.host} failed: ${code}${TLS_CODES.has(code) ? ' (certificate not trusted)' : ''}`);
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    // not pipeline(): an upstream failure must not destroy the client socket before we answer it
    req.pipe(upstream);
  }
}

/** SNI carries names only (RFC 6066), never an IP address. */
function bareHost(target: URL): string {
  return target.hostname.replace(/^\[|\]$/g, '');
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);
