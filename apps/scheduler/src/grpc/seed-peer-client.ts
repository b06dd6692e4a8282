import type { PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '@d7y/logger';
import { checkHealth, createDfdaemonUploadClient, createHealthClient, fromServiceError, type dfdaemon, type health } from '@d7y/rpc';
import { tracingClientOptions } from '@d7y/telemetry';
import { TlsSourceCertificateProvider, identityFromCertificate, type TlsSource } from '@d7y/tls';
import type { Download } from '../resource/download.js';
import type { Host } from '../resource/host.js';
import type { SeedPeerClient } from '../resource/seed-peer.js';
import { downloadToProto } from '../service/to-proto.js';

interface Connection {
  address: string;
  upload: dfdaemon.DfdaemonUploadClient;
  health: health.HealthClient;
}

export interface GrpcSeedPeerClientDeps {
  tls: TlsSource;
  logger: Logger;
}

/**
 * Reaches seed daemons over DfdaemonUpload (mTLS). The seed must present a certificate with role
 * dfdaemon and the hostname it announced, whatever address it is dialled at.
 */
export class GrpcSeedPeerClient implements SeedPeerClient {
  private readonly tls: TlsSource;
  private readonly log: Logger;
  private readonly connections = new Map<string, Connection>();

  constructor(deps: GrpcSeedPeerClientDeps) {
    this.tls = deps.tls;
    this.log = deps.logger.child({ component: 'seed-peer-client' });
  }

  downloadTask(host: Host, download: Download, signal: AbortSignal): Promise<void> {
    const { upload } = this.connection(host);
    return new Promise((resolve, reject) => {
      const call = upload.DownloadTask({ download: downloadToProto(download) });
      const onAbort = (): void => call.cancel();
      signal.addEventListener('abort', onAbort, { once: true });
      let pieces = 0;
      call.on('data', (res: dfdaemon.DownloadTaskResponse__Output) => {
        if (res.response === 'download_piece_finished_response') pieces += 1;
      });
      call.on('end', () => {
        signal.removeEventListener('abort', onAbort);
        this.log.debug({ hostId: host.id, pieces }, 'seed download stream ended');
        resolve();
      });
      call.on('error', (err: grpc.ServiceError) => {
        signal.removeEventListener('abort', onAbort);
        reject(fromServiceError(err));
      });
    });
  }

  async checkHealth(host: Host): Promise<boolean> {
    const status = await checkHealth(this.connection(host).health, '', { timeoutMs: 5_000 });
    return status === 'SERVING';
  }

  forget(hostId: string): void {
    const connection = this.connections.get(hostId);
    if (connection === undefined) return;
    connection.upload.close();
    connection.health.close();
    this.connections.delete(hostId);
  }

  close(): void {
    for (const id of [...this.connections.keys()]) this.forget(id);
  }

  private connection(host: Host): Connection {
    const ip = host.ip.includes(':') ? `[${host.ip}]` : host.ip;
    const address = `${ip}:${host.info.port}`;
    const existing = this.connections.get(host.id);
    if (existing !== undefined && existing.address === address) return existing;
    if (existing !== undefined) this.forget(host.id);
    const provider = new TlsSourceCertificateProvider(this.tls);
    const credentials = grpc.experimental.createCertificateProviderChannelCredentials(provider, provider, {
      checkServerIdentity: (_name: string, cert: PeerCertificate) => {
        const identity = Buffer.isBuffer(cert.raw) ? identityFromCertificate(cert.raw) : undefined;
        if (identity?.role === 'dfdaemon' && identity.hostname === host.hostname) return undefined;
        return new Error(`seed ${host.id} presented a certificate for ${identity ? `${identity.role}/${identity.hostname}` : 'no dragonfly identity'}`);
      },
    });
    const connection = {
      address,
      upload: createDfdaemonUploadClient(address, credentials, tracingClientOptions()),
      health: createHealthClient(address, credentials),
    };
    this.connections.set(host.id, connection);
    return connection;
  }
}
