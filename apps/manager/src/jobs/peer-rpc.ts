import type { PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { createDfdaemonUploadClient, createSchedulerClient } from '@d7y/rpc';
import type { common, dfdaemon } from '@d7y/rpc';
import { TlsSourceCertificateProvider, identityFromCertificate } from '@d7y/tls';
import type { ServiceRole, TlsSource } from '@d7y/tls';

// The only file of jobs/ that speaks protobuf: the manager (certificate role `manager`) calls
// DfdaemonUpload.DownloadTask/StatTask/DeleteTask on peers and Scheduler.ListHosts on schedulers,
// all over mutual TLS. The other side is accepted by its certificate's identity (role and hostname
// as registered), not by an IP address in its certificate, as the scheduler accepts seed peers.

export interface Endpoint {
  hostname: string;
  ip: string;
  port: number;
}

/** One download a peer is asked to do (mapped to common.v2.Download). */
export interface PeerDownload {
  url: string;
  /** "sha256:<hex>" when the URL names its content (image blobs): the peer verifies it whole. */
  digest?: string;
  tag?: string;
  application?: string;
  filteredQueryParams: readonly string[];
  requestHeader: Record<string, string>;
  pieceLength?: number;
  /** DER certificates the peer should trust for the URL's server (job.preheat.tls.caCert). */
  certificateChain: readonly Buffer[];
  timeoutMs: number;
}

export interface DownloadEvents {
  onStarted(info: { taskId: string; contentLength: number; isFinished: boolean; finishedBytes: number }): void;
  onPiece(bytes: number): void;
}

export interface PeerTask {
  task_id: string;
  url: string;
  state: string;
  content_length: number;
  piece_count: number;
}

export interface PeerHost {
  hostname: string;
  ip: string;
  port: number;
  type: number;
}

const target = (e: Endpoint): string => (e.ip.includes(':') ? `ipv6:[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`);

/**
 * SNI carries the registered hostname rather than the dialled IP (an IP is not a valid SNI name);
 * acceptance is decided by the identity check above, not by this name.
 */
const sniFor = (hostname: string): grpc.ChannelOptions => (/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(hostname) ? { 'grpc.ssl_target_name_override': hostname } : {});

/** Error text of a failed call: status name and message, never metadata. */
export function describeRpcError(err: unknown): string {
  const e = err as Partial<grpc.ServiceError>;
  if (typeof e.code === 'number') return `${grpc.status[e.code] ?? e.code}: ${e.details ?? e.message ?? ''}`.trim();
  return err instanceof Error ? err.message : String(err);
}

export class PeerRpc {
  private readonly provider: TlsSourceCertificateProvider;
  /** Credentials per expected identity ("role/hostname"): the check is bound into them. */
  private readonly credentials = new Map<string, grpc.ChannelCredentials>();

  constructor(deps: { tls: TlsSource }) {
    this.provider = new TlsSourceCertificateProvider(deps.tls);
  }

  /** mTLS credentials that accept only a certificate of `role` for `hostname`. */
  private credentialsFor(role: ServiceRole, hostname: string): grpc.ChannelCredentials {
    const key = `${role}/${hostname}`;
    let creds = this.credentials.get(key);
    if (creds === undefined) {
      creds = grpc.experimental.createCertificateProviderChannelCredentials(this.provider, this.provider, {
        checkServerIdentity: (_name: string, cert: PeerCertificate) => {
          const identity = Buffer.isBuffer(cert.raw) ? identityFromCertificate(cert.raw) : undefined;
          if (identity?.role === role && identity.hostname === hostname) return undefined;
          return new Error(`expected a ${role} certificate for ${hostname}, got ${identity === undefined ? 'no dragonfly identity' : `${identity.role}/${identity.hostname}`}`);
        },
      });
      // Hosts come and go: start over rather than grow without bound (entries are cheap to remake).
      if (this.credentials.size >= 10_000) this.credentials.clear();
      this.credentials.set(key, creds);
    }
    return creds;
  }

  /** Runs DownloadTask on a peer to the end of its stream; rejects on a failed stream or `signal`. */
  downloadTask(peer: Endpoint, download: PeerDownload, events: DownloadEvents, signal: AbortSignal): Promise<void> {
    const client = createDfdaemonUploadClient(target(peer), this.credentialsFor('dfdaemon', peer.hostname), sniFor(peer.hostname));
    const request: common.Download = {
      url: download.url,
      type: 'STANDARD',
      priority: 'LEVEL6',
      filtered_query_params: [...download.filteredQueryParams],
      request_header: download.requestHeader,
      certificate_chain: [...download.certificateChain],
      timeout: { seconds: Math.ceil(download.timeoutMs / 1000), nanos: 0 },
      ...(download.digest === undefined ? {} : { digest: download.digest }),
      ...(download.tag === undefined || download.tag === '' ? {} : { tag: download.tag }),
      ...(download.application === undefined || download.application === '' ? {} : { application: download.application }),
      ...(download.pieceLength === undefined ? {} : { piece_length: download.pieceLength }),
    };
    if (signal.aborted) {
      client.close();
      return Promise.reject(new Error('job timed out or was cancelled'));
    }
    return new Promise<void>((resolve, reject) => {
      const call = client.downloadTask({ download: request }, { deadline: Date.now() + download.timeoutMs });
      const onAbort = (): void => call.cancel();
      signal.addEventListener('abort', onAbort, { once: true });
      const done = (err?: unknown): void => {
        signal.removeEventListener('abort', onAbort);
        client.close();
        if (err === undefined) resolve();
        else reject(signal.aborted ? new Error('job timed out or was cancelled') : new Error(describeRpcError(err)));
      };
      call.on('data', (res: dfdaemon.DownloadTaskResponse__Output) => {
        // A response kind this manager does not know (a newer peer) is skipped: progress is best effort.
        if (res.response === 'download_task_started_response') {
          const st = res.download_task_started_response;
          if (st === null || st === undefined) return;
          events.onStarted({ taskId: res.task_id, contentLength: Number(st.content_length), isFinished: st.is_finished, finishedBytes: st.pieces.reduce((n, p) => n + Number(p.length), 0) });
        } else if (res.response === 'download_piece_finished_response') {
          events.onPiece(Number(res.download_piece_finished_response?.piece?.length ?? 0));
        }
      });
      call.on('error', (err) => done(err));
      call.on('end', () => done());
    });
  }

  /** The task as the peer holds it, or undefined when it has none (NOT_FOUND). */
  statTask(peer: Endpoint, taskId: string, timeoutMs: number): Promise<PeerTask | undefined> {
    const client = createDfdaemonUploadClient(target(peer), this.credentialsFor('dfdaemon', peer.hostname), sniFor(peer.hostname));
    return new Promise((resolve, reject) => {
      client.statTask({ task_id: taskId }, { deadline: Date.now() + timeoutMs }, (err, task) => {
        client.close();
        if (err?.code === grpc.status.NOT_FOUND) resolve(undefined);
        else if (err !== null || task === undefined) reject(new Error(describeRpcError(err)));
        else resolve({ task_id: task.id, url: task.url, state: task.state, content_length: Number(task.content_length), piece_count: task.piece_count });
      });
    });
  }

  /** Deletes the task on the peer; false when it had none. */
  deleteTask(peer: Endpoint, taskId: string, timeoutMs: number): Promise<boolean> {
    const client = createDfdaemonUploadClient(target(peer), this.credentialsFor('dfdaemon', peer.hostname), sniFor(peer.hostname));
    return new Promise((resolve, reject) => {
      client.deleteTask({ task_id: taskId }, { deadline: Date.now() + timeoutMs }, (err) => {
        client.close();
        if (err?.code === grpc.status.NOT_FOUND) resolve(false);
        else if (err !== null) reject(new Error(describeRpcError(err)));
        else resolve(true);
      });
    });
  }

  /** Every host the scheduler knows (all_peers scope, get_task, delete_task). */
  listHosts(scheduler: Endpoint, timeoutMs: number): Promise<PeerHost[]> {
    const client = createSchedulerClient(target(scheduler), this.credentialsFor('scheduler', scheduler.hostname), sniFor(scheduler.hostname));
    return new Promise((resolve, reject) => {
      client.listHosts({}, { deadline: Date.now() + timeoutMs }, (err, res) => {
        client.close();
        if (err !== null || res === undefined) reject(new Error(describeRpcError(err)));
        else resolve(res.hosts.map((h) => ({ hostname: h.hostname, ip: h.ip, port: h.port, type: h.type })));
      });
    });
  }
}
