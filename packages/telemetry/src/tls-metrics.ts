import { X509Certificate } from 'node:crypto';
import type { Server as TlsServer } from 'node:tls';
import type * as grpc from '@grpc/grpc-js';
import type { TlsSource } from '@d7y/tls';
import { Counter, Gauge, type Registry } from 'prom-client';

export interface TlsMetricsDeps {
  registry: Registry;
  /** Metric name prefix, e.g. `dragonfly_dfdaemon_`. */
  prefix: string;
}

/** Bounded set of handshake failure reasons (label values). */
export type HandshakeFailureReason =
  | 'no_client_certificate'
  | 'bad_certificate'
  | 'certificate_expired'
  | 'protocol'
  | 'handshake_failure'
  | 'timeout'
  | 'connection_reset'
  | 'other';

/**
 * TLS observation: handshake failures by server and reason (node's `tlsClientError`), and the
 * expiry time of the certificates a service presents (unix seconds of notAfter, updated when the
 * TlsSource reloads rotated files).
 */
export class TlsMetrics {
  private readonly failures: Counter<'server' | 'reason'>;
  private readonly expiry: Gauge<'certificate'>;

  constructor(deps: TlsMetricsDeps) {
    this.failures = new Counter({
      name: `${deps.prefix}tls_handshake_failures_total`,
      help: 'TLS handshakes that failed on a server, by reason (e.g. a client without a certificate).',
      labelNames: ['server', 'reason'],
      registers: [deps.registry],
    });
    this.expiry = new Gauge({
      name: `${deps.prefix}certificate_expiry_timestamp_seconds`,
      help: 'notAfter of the certificate the service presents, unix seconds.',
      labelNames: ['certificate'],
      registers: [deps.registry],
    });
  }

  /** Counts `tlsClientError`s of an https/tls server. Returns the function that stops counting. */
  watchServer(server: TlsServer, name: string): () => void {
    const onError = (err: Error): void => {
      this.failures.inc({ server: name, reason: handshakeFailureReason(err) });
    };
    server.on('tlsClientError', onError);
    return () => server.off('tlsClientError', onError);
  }

  /**
   * Same for a bound grpc-js server: grpc-js keeps its http2 secure servers in a private map
   * (`http2Servers`), reached here; returns how many servers were hooked (0 if grpc-js's layout
   * changed or the server is not bound yet — then nothing is counted for it).
   */
  watchGrpcServer(server: grpc.Server, name: string): number {
    const servers = (server as unknown as { http2Servers?: Map<unknown, unknown> }).http2Servers;
    if (!(servers instanceof Map)) return 0;
    let hooked = 0;
    for (const candidate of servers.keys()) {
      const emitter = candidate as { on?: unknown; setSecureContext?: unknown };
      // only TLS servers have setSecureContext; plain (unix socket) ones never fail a handshake
      if (typeof emitter.on === 'function' && typeof emitter.setSecureContext === 'function') {
        this.watchServer(candidate as TlsServer, name);
        hooked += 1;
      }
    }
    return hooked;
  }

  /** Sets the expiry gauge from the source's current certificate, and again on every reload. */
  trackCertificate(source: TlsSource, name: string): () => void {
    const update = (certPem: Buffer | string): void => {
      try {
        const notAfter = Date.parse(new X509Certificate(certPem).validTo);
        if (Number.isFinite(notAfter)) this.expiry.set({ certificate: name }, Math.floor(notAfter / 1000));
      } catch {
        // a source never holds an unparsable certificate; nothing to show if it did
      }
    };
    update(source.current().cert);
    return source.onChange((material) => update(material.cert));
  }
}

/** Maps node/OpenSSL handshake errors to a bounded reason. */
export function handshakeFailureReason(err: Error & { code?: string }): HandshakeFailureReason {
  const text = `${err.code ?? ''} ${err.message}`.toLowerCase();
  if (text.includes('peer did not return a certificate') || text.includes('peer_did_not_return_a_certificate')) return 'no_client_certificate';
  if (text.includes('certificate expired') || text.includes('certificate_expired')) return 'certificate_expired';
  if (
    text.includes('certificate verify failed') ||
    text.includes('unknown ca') ||
    text.includes('unknown_ca') ||
    text.includes('bad certificate') ||
    text.includes('bad_certificate') ||
    text.includes('self signed') ||
    text.includes('unsupported certificate')
  ) {
    return 'bad_certificate';
  }
  if (text.includes('timeout') || text.includes('timed out')) return 'timeout';
  if (text.includes('wrong version') || text.includes('unsupported protocol') || text.includes('http request') || text.includes('version too low')) return 'protocol';
  if (text.includes('handshake failure') || text.includes('no shared cipher') || text.includes('handshake_failure')) return 'handshake_failure';
  if (text.includes('econnreset') || text.includes('socket hang up')) return 'connection_reset';
  return 'other';
}
