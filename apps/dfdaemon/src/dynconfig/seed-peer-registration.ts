import type * as grpc from '@grpc/grpc-js';
import type { Logger } from '@d7y/logger';
import { fromServiceError, type manager } from '@d7y/rpc';
import type { HostInfo } from '../scheduler/host-announcer.js';

export interface SeedPeerRegistrationDeps {
  client: manager.ManagerClient;
  host: () => HostInfo;
  /** seedPeer.type as the manager records it. */
  type: 'super' | 'strong' | 'weak';
  /** seedPeer.clusterID: the manager's seed peer cluster. */
  clusterId: number;
  /** Ms between KeepAlive messages (seedPeer.keepaliveInterval). */
  keepAliveIntervalMs: number;
  logger: Logger;
  callTimeoutMs?: number;
}

/** Longest wait between two registration attempts (ms). */
const MAX_BACKOFF_MS = 30_000;
const FIRST_BACKOFF_MS = 500;

/**
 * A seed peer as the manager sees it: UpdateSeedPeer, then a KeepAlive stream (SEED_PEER_SOURCE)
 * with one message per interval, so the manager lists it active while it lives. Retried with
 * backoff while the manager is away. stop() ends the stream and deletes the row (DeleteSeedPeer):
 * a stopped seed is not offered to anyone.
 */
export class SeedPeerRegistration {
  private readonly d: SeedPeerRegistrationDeps;
  private readonly log: Logger;
  private stopped = false;
  private registered = false;
  private stream: grpc.ClientWritableStream<manager.KeepAliveRequest> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private backoffMs = FIRST_BACKOFF_MS;

  constructor(deps: SeedPeerRegistrationDeps) {
    this.d = deps;
    this.log = deps.logger.child({ component: 'seed-peer-registration' });
  }

  get isRegistered(): boolean {
    return this.registered;
  }

  /** Registers once (never throws) and keeps trying in the background when that failed. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.register();
  }

  /** Ends the keepalive and deletes this seed peer at the manager (best effort, bounded). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const stream = this.stream;
    this.stream = undefined;
    stream?.end();
    if (!this.registered) return;
    this.registered = false;
    const h = this.d.host();
    await new Promise<void>((resolve) => {
      this.d.client.DeleteSeedPeer(
        { source_type: 'SEED_PEER_SOURCE', hostname: h.hostname, ip: h.ip, seed_peer_cluster_id: this.d.clusterId },
        { deadline: Date.now() + (this.d.callTimeoutMs ?? 3000) },
        (err) => {
          if (err !== null) this.log.warn({ err: fromServiceError(err).message }, 'DeleteSeedPeer failed');
          else this.log.info('deleted this seed peer at the manager');
          resolve();
        },
      );
    });
  }

  private register(): Promise<void> {
    const h = this.d.host();
    return new Promise((resolve) => {
      if (this.stopped) {
        resolve();
        return;
      }
      this.d.client.UpdateSeedPeer(
        {
          source_type: 'SEED_PEER_SOURCE',
          hostname: h.hostname,
          type: this.d.type,
          ...(h.idc === '' ? {} : { idc: h.idc }),
          ...(h.location === '' ? {} : { location: h.location }),
          ip: h.ip,
          port: h.port,
          download_port: h.downloadPort,
          seed_peer_cluster_id: this.d.clusterId,
        },
        { deadline: Date.now() + (this.d.callTimeoutMs ?? 5000) },
        (err, res) => {
          if (err !== null || this.stopped) {
            if (err !== null) this.log.warn({ err: fromServiceError(err).message }, 'UpdateSeedPeer failed; retrying');
            this.retry();
            resolve();
            return;
          }
          this.registered = true;
          this.backoffMs = FIRST_BACKOFF_MS;
          this.log.info({ seedPeerId: res?.id, clusterId: this.d.clusterId }, 'registered with the manager as a seed peer');
          this.openKeepAlive();
          resolve();
        },
      );
    });
  }

  private openKeepAlive(): void {
    if (this.stopped) return;
    const h = this.d.host();
    const message: manager.KeepAliveRequest = { source_type: 'SEED_PEER_SOURCE', hostname: h.hostname, cluster_id: this.d.clusterId, ip: h.ip };
    const stream = this.d.client.KeepAlive((err) => {
      if (this.stream === stream) this.stream = undefined;
      if (this.stopped) return;
      this.log.warn({ err: err ? fromServiceError(err).message : 'closed by the manager' }, 'KeepAlive stream ended; registering again');
      this.registered = false;
      this.retry();
    });
    this.stream = stream;
    const send = (): void => {
      if (this.stopped || this.stream !== stream) return;
      stream.write(message);
      this.timer = setTimeout(send, this.d.keepAliveIntervalMs);
      this.timer.unref();
    };
    send();
  }

  private retry(): void {
    if (this.stopped) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
    this.timer = setTimeout(() => void this.register(), delay);
    this.timer.unref();
  }
}
