// Integration-test harness: an in-memory CA, the real scheduler app on a loopback port, and
// simulated daemons that speak scheduler.v2 over real mutual TLS.
import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { hostId as makeHostId, peerId as makePeerId, taskId as makeTaskId } from '@d7y/core';
import { createLogger } from '@d7y/logger';
import {
  addHealthService,
  createSchedulerClient,
  dfdaemonUploadServiceDefinition,
  serverOptions,
  type common,
  type dfdaemon,
  type scheduler,
} from '@d7y/rpc';
import { TlsSource, createCa, grpcChannelCredentials, grpcServerCredentials, identityFromGrpcCall, issueCertificate, type CertificateAuthority, type PeerIdentity, type ServiceRole } from '@d7y/tls';
import { createSchedulerApp, type SchedulerApp } from '../src/app.js';
import { schedulerConfigSchema, type SchedulerConfig } from '../src/config/config.js';

export const PIECE = 4 * 1024 * 1024;

export class Pki {
  private readonly cache = new Map<string, TlsSource>();

  /** `ca`: another service's CA when the test needs one trust domain (e.g. a real manager's). */
  constructor(readonly ca: CertificateAuthority = createCa({ commonName: 'test-ca' })) {}

  /** Material for `<role>/<hostname>`, SANs localhost and 127.0.0.1. */
  tls(role: ServiceRole, hostname: string): TlsSource {
    const key = `${role}/${hostname}`;
    let src = this.cache.get(key);
    if (src === undefined) {
      const leaf = issueCertificate(this.ca, { commonName: hostname, role, usage: 'dual', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
      src = TlsSource.fromPem({ ca: this.ca.certPem, cert: leaf.certPem, key: leaf.keyPem });
      this.cache.set(key, src);
    }
    return src;
  }
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object'
        ? merge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

export interface RunningScheduler {
  app: SchedulerApp;
  port: number;
  address: string;
  config: SchedulerConfig;
  stop(): Promise<void>;
}

/** The real scheduler (createSchedulerApp) on 127.0.0.1:0, fast retries, logs silent. */
export async function startScheduler(pki: Pki, overrides: DeepPartial<Record<string, unknown>> = {}): Promise<RunningScheduler> {
  const base = {
    server: { port: 0, listenIP: '127.0.0.1', logLevel: 'silent' },
    scheduler: { retryInterval: '20ms' },
  };
  const config = schedulerConfigSchema.parse(merge(base, overrides as Record<string, unknown>));
  const logger = createLogger({ level: process.env['SCHEDULER_TEST_LOG'] ?? 'silent' });
  const app = createSchedulerApp(config, { logger, tls: pki.tls('scheduler', 'scheduler-1') });
  const port = await app.start();
  return { app, port, address: `127.0.0.1:${port}`, config, stop: () => app.stop() };
}

export interface Status {
  code: grpc.status;
  details: string;
}

function unary<Req, Res>(fn: (req: Req, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Res) => void) => unknown, req: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    fn(req, { deadline: Date.now() + 10_000 }, (err, res) => (err ? reject(err) : resolve(res as Res)));
  });
}

/** Resolves the status a failed promise carries (rejects if it succeeded). */
export async function statusOf(promise: Promise<unknown>): Promise<Status> {
  try {
    await promise;
  } catch (err) {
    const e = err as grpc.ServiceError;
    return { code: e.code, details: e.details };
  }
  throw new Error('expected the call to fail');
}

export interface DownloadOptions {
  url?: string;
  pieces?: number;
  priority?: common.Priority;
  needBackToSource?: boolean;
  metadataOnly?: boolean;
  contentLength?: number;
}

export function download(opts: DownloadOptions = {}): common.Download {
  const pieces = opts.pieces ?? 3;
  const contentLength = opts.contentLength ?? pieces * PIECE;
  return {
    url: opts.url ?? 'https://origin.example/blobs/file.bin',
    type: 'STANDARD',
    priority: opts.priority ?? 'LEVEL0',
    filtered_query_params: [],
    request_header: { 'x-test': '1' },
    need_back_to_source: opts.needBackToSource ?? false,
    metadata_only: opts.metadataOnly ?? false,
    actual_content_length: contentLength,
    actual_piece_length: PIECE,
    actual_piece_count: Math.ceil(contentLength / PIECE),
  };
}

export function taskIdOf(d: common.Download): string {
  return makeTaskId({ url: d.url as string, filteredQueryParams: d.filtered_query_params ?? [] });
}

/** sha256 of a synthetic piece (what a source would serve), as the trusted digest format. */
export function pieceDigest(taskId: string, number: number): string {
  return `sha256:${createHash('sha256').update(`${taskId}/${number}`).digest('hex')}`;
}

export interface SimDaemonOptions {
  hostname: string;
  ip?: string;
  seed?: boolean;
  /** Certificate to present (default role dfdaemon, hostname = hostname). */
  certificate?: { role: ServiceRole; hostname: string };
  port?: number;
  downloadPort?: number;
}

/** A simulated dfdaemon: host announcement and AnnouncePeer streams, over real mTLS. */
export class SimDaemon {
  readonly hostname: string;
  readonly ip: string;
  readonly seed: boolean;
  readonly hostId: string;
  readonly client: scheduler.SchedulerClient;
  port: number;
  downloadPort: number;

  constructor(pki: Pki, schedulerAddress: string, opts: SimDaemonOptions) {
    this.hostname = opts.hostname;
    this.ip = opts.ip ?? '127.0.0.1';
    this.seed = opts.seed ?? false;
    this.hostId = makeHostId(this.hostname, this.ip, this.seed);
    this.port = opts.port ?? 4000;
    this.downloadPort = opts.downloadPort ?? 4005;
    const cert = opts.certificate ?? { role: 'dfdaemon', hostname: this.hostname };
    this.client = createSchedulerClient(schedulerAddress, grpcChannelCredentials(pki.tls(cert.role, cert.hostname)));
  }

  host(overrides: Partial<common.Host> = {}): common.Host {
    return {
      id: this.hostId,
      type: this.seed ? 1 : 0,
      hostname: this.hostname,
      ip: this.ip,
      port: this.port,
      download_port: this.downloadPort,
      os: 'linux',
      platform: 'debian',
      network: { max_tx_bandwidth: 10_000_000_000, max_rx_bandwidth: 10_000_000_000, idc: 'idc-1', location: 'eu|de|fra' },
      ...overrides,
    };
  }

  announceHost(overrides: Partial<common.Host> = {}, intervalSeconds = 60): Promise<unknown> {
    return unary(this.client.AnnounceHost.bind(this.client), { host: this.host(overrides), interval: { seconds: intervalSeconds } });
  }

  deleteHost(): Promise<unknown> {
    return unary(this.client.DeleteHost.bind(this.client), { host_id: this.hostId });
  }

  listHosts(type?: number): Promise<scheduler.ListHostsResponse__Output> {
    return unary(this.client.ListHosts.bind(this.client), type === undefined ? {} : { type });
  }

  statTask(taskId: string): Promise<common.Task__Output> {
    return unary(this.client.StatTask.bind(this.client), { host_id: this.hostId, task_id: taskId });
  }

  statPeer(taskId: string, peerId: string): Promise<common.Peer__Output> {
    return unary(this.client.StatPeer.bind(this.client), { host_id: this.hostId, task_id: taskId, peer_id: peerId });
  }

  deletePeer(taskId: string, peerId: string): Promise<unknown> {
    return unary(this.client.DeletePeer.bind(this.client), { host_id: this.hostId, task_id: taskId, peer_id: peerId });
  }

  deleteTask(taskId: string): Promise<unknown> {
    return unary(this.client.DeleteTask.bind(this.client), { host_id: this.hostId, task_id: taskId });
  }

  newPeerId(): string {
    return makePeerId(this.hostname, this.ip, this.seed);
  }

  /** Opens AnnouncePeer for a new peer of this host on the task of `d`. */
  peer(d: common.Download, ids: Partial<{ hostId: string; taskId: string; peerId: string }> = {}): PeerStream {
    return new PeerStream(this.client, {
      hostId: ids.hostId ?? this.hostId,
      taskId: ids.taskId ?? taskIdOf(d),
      peerId: ids.peerId ?? this.newPeerId(),
    }, d);
  }

  close(): void {
    this.client.close();
  }
}

type Response = scheduler.AnnouncePeerResponse__Output;

/** One AnnouncePeer stream; responses and the final status are queued for the test to await. */
export class PeerStream {
  readonly ids: { hostId: string; taskId: string; peerId: string };
  readonly download: common.Download;
  private readonly call: grpc.ClientDuplexStream<scheduler.AnnouncePeerRequest, Response>;
  private readonly responses: Response[] = [];
  private waiters: Array<() => void> = [];
  private finalStatus: Status | undefined;

  constructor(client: scheduler.SchedulerClient, ids: PeerStream['ids'], d: common.Download) {
    this.ids = ids;
    this.download = d;
    this.call = client.AnnouncePeer();
    this.call.on('data', (res: Response) => {
      this.responses.push(res);
      this.wake();
    });
    this.call.on('status', (status: grpc.StatusObject) => {
      this.finalStatus ??= { code: status.code, details: status.details };
      this.wake();
    });
    this.call.on('error', (err: grpc.ServiceError) => {
      this.finalStatus ??= { code: err.code, details: err.details };
      this.wake();
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private async until<T>(get: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = get();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  send(request: Omit<scheduler.AnnouncePeerRequest, 'host_id' | 'task_id' | 'peer_id'>, ids: Partial<PeerStream['ids']> = {}): void {
    this.call.write({ host_id: ids.hostId ?? this.ids.hostId, task_id: ids.taskId ?? this.ids.taskId, peer_id: ids.peerId ?? this.ids.peerId, ...request });
  }

  register(): void {
    this.send({ register_peer_request: { download: this.download } });
  }

  /** The next response; fails if the stream ends first. */
  next(timeoutMs?: number): Promise<Response> {
    return this.until(
      () => {
        const res = this.responses.shift();
        if (res !== undefined) return res;
        if (this.finalStatus !== undefined) throw new Error(`stream ended with ${this.finalStatus.code}: ${this.finalStatus.details}`);
        return undefined;
      },
      'a response',
      timeoutMs,
    );
  }

  /** The final status of the stream. */
  status(timeoutMs?: number): Promise<Status> {
    return this.until(() => this.finalStatus, 'the stream status', timeoutMs);
  }

  backToSource(pieceNumbers: number[], digest: (n: number) => string = (n) => pieceDigest(this.ids.taskId, n)): void {
    this.send({ download_peer_back_to_source_started_request: {} });
    for (const number of pieceNumbers) {
      this.send({
        download_piece_back_to_source_finished_request: {
          piece: { number, offset: number * PIECE, length: PIECE, digest: digest(number), traffic_type: 'BACK_TO_SOURCE', cost: { nanos: 5_000_000 } },
        },
      });
    }
  }

  end(): void {
    this.call.end();
  }

  cancel(): void {
    this.call.cancel();
  }
}

/** A simulated seed daemon: a real DfdaemonUpload server that records DownloadTask and then acts as seed. */
export class SimSeedDaemon extends SimDaemon {
  readonly downloads: Array<{ download: dfdaemon.DownloadTaskRequest__Output['download']; caller: PeerIdentity | undefined }> = [];
  readonly peers: PeerStream[] = [];
  private readonly server: grpc.Server;

  private constructor(pki: Pki, schedulerAddress: string, opts: SimDaemonOptions) {
    super(pki, schedulerAddress, { ...opts, seed: true });
    this.server = new grpc.Server(serverOptions());
    addHealthService(this.server).setStatus('', 'SERVING');
    this.server.addService(dfdaemonUploadServiceDefinition, {
      DownloadTask: (call: grpc.ServerWritableStream<dfdaemon.DownloadTaskRequest__Output, dfdaemon.DownloadTaskResponse>) => {
        this.downloads.push({ download: call.request.download, caller: identityFromGrpcCall(call) });
        void this.actAsSeed(call);
      },
    });
  }

  /** Starts the seed's upload server on a free loopback port and announces the seed host. */
  static async start(pki: Pki, schedulerAddress: string, opts: SimDaemonOptions): Promise<SimSeedDaemon> {
    const seed = new SimSeedDaemon(pki, schedulerAddress, opts);
    const certHost = opts.certificate?.hostname ?? opts.hostname;
    seed.port = await new Promise<number>((resolve, reject) =>
      seed.server.bindAsync('127.0.0.1:0', grpcServerCredentials(pki.tls('dfdaemon', certHost)), (err, port) => (err ? reject(err) : resolve(port))),
    );
    await seed.announceHost();
    return seed;
  }

  /** Registers a back-to-source peer for the triggered download and reports every piece from the source. */
  private async actAsSeed(call: grpc.ServerWritableStream<dfdaemon.DownloadTaskRequest__Output, dfdaemon.DownloadTaskResponse>): Promise<void> {
    const d = call.request.download as common.Download__Output;
    const peer = this.peer(d as unknown as common.Download);
    this.peers.push(peer);
    try {
      peer.register();
      const res = await peer.next();
      if (res.response !== 'need_back_to_source_response') throw new Error(`seed expected NeedBackToSource, got ${res.response}`);
      const count = d.actual_piece_count ?? 0;
      call.write({ host_id: this.hostId, task_id: peer.ids.taskId, peer_id: peer.ids.peerId, download_task_started_response: { content_length: d.actual_content_length ?? 0 } });
      peer.backToSource(Array.from({ length: count }, (_, i) => i));
      peer.send({ download_peer_back_to_source_finished_request: {} });
      peer.end();
      call.end();
    } catch (err) {
      call.emit('error', { code: grpc.status.INTERNAL, details: (err as Error).message });
    }
  }

  async stop(): Promise<void> {
    this.close();
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }
}

/** Polls `check` until it returns true (never sleeps a fixed time). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
