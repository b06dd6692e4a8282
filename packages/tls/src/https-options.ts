import { isIP } from 'node:net';
import { checkServerIdentity, type ConnectionOptions, type Server, type TlsOptions } from 'node:tls';
import { MIN_TLS_VERSION } from './grpc-credentials.js';
import type { TlsSource } from './tls-source.js';

/** Options for https.createServer / tls.createServer: client certificate required, TLS >= 1.2. */
export function httpsServerOptions(src: TlsSource): TlsOptions {
  const material = src.current();
  return {
    ca: material.ca,
    cert: material.cert,
    key: material.key,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: MIN_TLS_VERSION,
  };
}

/** Swap the server's certificate whenever the source changes; returns the unsubscribe function. */
export function followReloads(server: Server, src: TlsSource): () => void {
  return src.onChange((material) => {
    server.setSecureContext({ ca: material.ca, cert: material.cert, key: material.key, minVersion: MIN_TLS_VERSION });
  });
}

export interface TlsClientOptions {
  /** Name the server certificate must carry; an IP is checked against IP SANs (not sent as SNI). */
  servername?: string;
}

/** Client-side options (tls.connect, https.request, an undici Agent's connect) with the current material. */
export function tlsClientOptions(src: TlsSource, opts: TlsClientOptions = {}): ConnectionOptions {
  const material = src.current();
  const options: ConnectionOptions = {
    ca: material.ca,
    cert: material.cert,
    key: material.key,
    minVersion: MIN_TLS_VERSION,
    rejectUnauthorized: true,
  };
  const name = opts.servername;
  if (name !== undefined) {
    if (typeof name !== 'string' || name === '') throw new Error('tlsClientOptions: servername must be a non-empty string');
    // RFC 6066 forbids IP addresses in SNI, so an IP is only used for the identity check
    if (isIP(name) !== 0) options.checkServerIdentity = (_host, cert) => checkServerIdentity(name, cert);
    else options.servername = name;
  }
  return options;
}
