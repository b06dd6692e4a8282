import { checkServerIdentity, type PeerCertificate, type SecureContextOptions } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import type { SecureServerOptions } from 'node:http2';
import type { TlsMaterial } from './tls-material.js';
import type { TlsSource } from './tls-source.js';

type CertificateProvider = grpc.experimental.CertificateProvider;
type CaListener = grpc.experimental.CaCertificateUpdateListener;
type IdentityListener = grpc.experimental.IdentityCertificateUpdateListener;

export const MIN_TLS_VERSION = 'TLSv1.2' as const;

function secureContextOptions(material: TlsMaterial): SecureContextOptions {
  return { ca: material.ca, cert: material.cert, key: material.key, minVersion: MIN_TLS_VERSION };
}

/**
 * grpc-js server credentials fed by a TlsSource. grpc-js's own certificate-provider server
 * credentials cannot pin the minimum TLS version, so this subclasses ServerCredentials: every
 * TlsSource change becomes a setSecureContext() on the bound http2 server (new handshakes get the
 * new certificate; open connections keep theirs).
 */
class TlsSourceServerCredentials extends grpc.ServerCredentials {
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly src: TlsSource) {
    const constructorOptions: SecureServerOptions = { requestCert: true, rejectUnauthorized: true, minVersion: MIN_TLS_VERSION };
    super(constructorOptions, secureContextOptions(src.current()));
  }

  override _getSecureContextOptions(): SecureContextOptions {
    return secureContextOptions(this.src.current());
  }

  override _addWatcher(watcher: Parameters<grpc.ServerCredentials['_addWatcher']>[0]): void {
    super._addWatcher(watcher);
    if (this.unsubscribe === undefined) {
      this.unsubscribe = this.src.onChange((material) => this.updateSecureContextOptions(secureContextOptions(material)));
    }
  }

  override _removeWatcher(watcher: Parameters<grpc.ServerCredentials['_removeWatcher']>[0]): void {
    super._removeWatcher(watcher);
    if (this.getWatcherCount() === 0 && this.unsubscribe) {
      this.unsubscribe();
      this.unsubscribe = undefined;
    }
  }

  _equals(other: grpc.ServerCredentials): boolean {
    return other === this;
  }
}

/** mTLS for a grpc-js server: client certificate REQUIRED and verified against ca.crt, TLS >= 1.2, follows reloads. */
export function grpcServerCredentials(src: TlsSource): grpc.ServerCredentials {
  return new TlsSourceServerCredentials(src);
}

/** A grpc-js certificate provider (CA and identity) that follows a TlsSource. */
export class TlsSourceCertificateProvider implements CertificateProvider {
  private readonly caListeners = new Set<CaListener>();
  private readonly identityListeners = new Set<IdentityListener>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly src: TlsSource) {}

  addCaCertificateListener(listener: CaListener): void {
    this.caListeners.add(listener);
    this.subscribe();
    listener({ caCertificate: this.src.current().ca });
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
    this.maybeUnsubscribe();
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.add(listener);
    this.subscribe();
    const material = this.src.current();
    listener({ certificate: material.cert, privateKey: material.key });
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.delete(listener);
    this.maybeUnsubscribe();
  }

  private subscribe(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.src.onChange((material) => {
      for (const listener of this.caListeners) listener({ caCertificate: material.ca });
      for (const listener of this.identityListeners) listener({ certificate: material.cert, privateKey: material.key });
    });
  }

  private maybeUnsubscribe(): void {
    if (this.caListeners.size === 0 && this.identityListeners.size === 0 && this.unsubscribe) {
      this.unsubscribe();
      this.unsubscribe = undefined;
    }
  }
}

export interface GrpcChannelCredentialsOptions {
  /** Name the server certificate must carry (DNS or IP SAN) instead of the dialled host. */
  serverName?: string;
}

/**
 * mTLS for a grpc-js client: presents our certificate, verifies the server against ca.crt and
 * its SANs (the dialled host, or opts.serverName). Each new connection uses the current material.
 */
export function grpcChannelCredentials(src: TlsSource, opts: GrpcChannelCredentialsOptions = {}): grpc.ChannelCredentials {
  const provider = new TlsSourceCertificateProvider(src);
  const serverName = opts.serverName;
  if (serverName !== undefined && (typeof serverName !== 'string' || serverName === '')) {
    throw new Error('grpcChannelCredentials: serverName must be a non-empty string');
  }
  const verifyOptions = serverName
    ? { checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(serverName, cert) }
    : {};
  return grpc.experimental.createCertificateProviderChannelCredentials(provider, provider, verifyOptions);
}
