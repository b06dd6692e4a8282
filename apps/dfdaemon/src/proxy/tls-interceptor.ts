import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import type { Logger } from '@d7y/logger';
import type { LeafCertificateCache } from './leaf-certificate-cache.js';
import { replyOnSocket, type ProxyContext } from './proxy-handler.js';
import type { ConnectTarget } from './proxy-rules.js';

export interface TlsInterceptorDeps {
  certificates: LeafCertificateCache;
  /** The HTTP server (never listening) that parses the requests inside tunnels. */
  innerServer: Server;
  /** Context of each tunnel's TLS socket, read by the inner server. */
  contexts: WeakMap<Socket, ProxyContext>;
  logger: Logger;
  /** The client must finish its TLS handshake within this (ms). */
  handshakeTimeoutMs?: number;
  /** After the handshake: no bytes either way for this long closes the tunnel (ms). */
  idleTimeoutMs?: number;
}

/**
 * MITM of an allowed CONNECT: answer 200, terminate TLS with a leaf for the CONNECT host signed by
 * the proxy CA (HTTP/1.1 only), and hand the decrypted stream to the inner HTTP server. The
 * certificate is chosen by the CONNECT host, not the SNI, so SNI values cannot grow the cache.
 */
export class TlsInterceptor {
  private readonly deps: TlsInterceptorDeps;

  constructor(deps: TlsInterceptorDeps) {
    this.deps = deps;
  }

  intercept(client: Duplex, head: Buffer, target: ConnectTarget, ctx: ProxyContext): void {
    let secureContext;
    try {
      secureContext = this.deps.certificates.get(target.host);
    } catch (err) {
      this.deps.logger.debug({ err, host: target.host }, 'no interception certificate for host');
      return replyOnSocket(client, 400, 'Bad Request', 'proxy', 'cannot intercept this host name');
    }
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) client.unshift(head);
    (client as Socket).setNoDelay?.(true);
    const tlsSocket = new TLSSocket(client as Socket, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'], requestCert: false });
    const timer = setTimeout(() => tlsSocket.destroy(), this.deps.handshakeTimeoutMs ?? 10_000);
    timer.unref();
    tlsSocket.once('secure', () => {
      clearTimeout(timer);
      // the CONNECT socket had a short deadline for the handshake; an open tunnel may wait for pieces
      (client as Socket).setTimeout?.(this.deps.idleTimeoutMs ?? 120_000);
    });
    tlsSocket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      this.deps.logger.debug({ host: target.host, code: err.code }, 'intercepted TLS failed');
      tlsSocket.destroy();
      client.destroy();
    });
    tlsSocket.once('close', () => client.destroy());
    this.deps.contexts.set(tlsSocket, { clientIp: ctx.clientIp, tunnel: { host: target.host, port: target.port } });
    this.deps.innerServer.emit('connection', tlsSocket);
  }
}
