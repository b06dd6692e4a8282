import { chmod, lstat, mkdir, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { hostId as makeHostId, peerId as makePeerId } from '@d7y/core';
import type { Logger } from '@d7y/logger';
import {
  addHealthService,
  createManagerClient,
  dfdaemonDownloadServiceDefinition,
  dfdaemonUploadServiceDefinition,
  requestRateLimiter,
  serverOptions,
  type HealthReporter,
} from '@d7y/rpc';
import { context, injectTraceHeaders, MetricsHttpServer, type HealthVerdict } from '@d7y/telemetry';
import { grpcChannelCredentials, grpcServerCredentials, TlsSource } from '@d7y/tls';
import type { DfdaemonConfig } from './config/dfdaemon-config.js';
import { BackToSource } from './download/back-to-source.js';
import type { PieceFetcher } from './download/piece-fetcher.js';
import { StorageProbe } from './health/storage-probe.js';
import { DfdaemonMetrics } from './metrics/dfdaemon-metrics.js';
import { ObservedPieceFetcher } from './metrics/observed-piece-fetcher.js';
import { ObservedTaskManager } from './metrics/observed-task-manager.js';
import { ProxyServer } from './proxy/proxy-server.js';
import { TaskManagerAdapter } from './proxy/task-manager-adapter.js';
import { BandwidthLimiter } from './rate-limit/bandwidth-limiter.js';
import { HostAnnouncer, type HostInfo } from './scheduler/host-announcer.js';
import { DynconfigCache } from '@d7y/config';
import { SeedPeerRegistration } from './dynconfig/seed-peer-registration.js';
import { ManagerDynconfig, parseCachedSchedulerList } from './scheduler/manager-dynconfig.js';
import { PeerToPeerDownloader } from './scheduler/p2p-downloader.js';
import { SchedulerPool } from './scheduler/scheduler-pool.js';
import { downloadServiceHandlers } from './service/download-service.js';
import { uploadServiceHandlers } from './service/upload-service.js';
import { SourceClient } from './source/source-client.js';
import { Storage } from './storage/storage.js';
import { StorageGc } from './storage/storage-gc.js';
import type { OpenFile } from './storage/task-store.js';
import { PieceServer } from './upload/piece-server.js';

export interface DfdaemonDeps {
  config: DfdaemonConfig;
  logger: Logger;
  /** Tests inject a filesystem that fails (disk full). */
  openFile?: OpenFile;
  /** How often the storage probe sets the gRPC health status (ms); default 10 s. */
  healthProbeIntervalMs?: number;
}

export interface DfdaemonAddresses {
  uploadPort: number;
  piecePort: number;
  socketPath: string;
  healthPort: number;
  proxyPort: number;
  /** 0 when metrics.enable is false. */
  metricsPort: number;
}

/** How often the storage is probed for the gRPC health status (ms); GET /healthy probes each time. */
const HEALTH_PROBE_INTERVAL_MS = 10_000;

/**
 * The dfdaemon's composition: builds every component from the config, starts them in order
 * (storage, servers, scheduler announcements, GC) and stops them in reverse.
 */
export class Dfdaemon {
  private readonly config: DfdaemonConfig;
  private readonly log: Logger;
  private readonly stack: (() => Promise<void> | void)[] = [];
  private hostInfo: HostInfo | undefined;
  private addresses: DfdaemonAddresses | undefined;
  readonly tasks: ObservedTaskManager;
  readonly storage: Storage;
  readonly metrics: DfdaemonMetrics;
  private readonly storageProbe: StorageProbe;
  private readonly deps: DfdaemonDeps;
  private readonly pieceServer: PieceServer;
  private readonly serverTls: TlsSource;
  private readonly clientTls: TlsSource;
  private readonly schedulerTls: TlsSource;
  private readonly source: SourceClient;
  private readonly fetcher: PieceFetcher;
  private readonly pool: SchedulerPool | undefined;
  private readonly announcer: HostAnnouncer | undefined;
  private readonly dynconfig: ManagerDynconfig | undefined;
  private readonly p2p: PeerToPeerDownloader | undefined;
  private readonly gc: StorageGc;
  private readonly limiters: BandwidthLimiter[];

  constructor(deps: DfdaemonDeps) {
    this.deps = deps;
    const c = deps.config;
    this.config = c;
    this.log = deps.logger.child({ component: 'dfdaemon' });
    const tlsLog = deps.logger.child({ component: 'tls' });
    const tlsFrom = new Map<string, TlsSource>();
    const tls = (dir: string): TlsSource => {
      let s = tlsFrom.get(dir);
      if (s === undefined) tlsFrom.set(dir, (s = TlsSource.fromDir(dir, { logger: tlsLog })));
      return s;
    };
    this.serverTls = tls(c.upload.server.tlsDir);
    this.clientTls = tls(c.upload.client.tlsDir);
    this.schedulerTls = tls(c.scheduler.tlsDir ?? c.upload.client.tlsDir);

    this.metrics = new DfdaemonMetrics({ diskUsage: () => this.storage.diskUsage() });
    const metrics = this.metrics;
    this.storageProbe = new StorageProbe({ dir: c.storage.dir });
    this.storage = new Storage({
      // traffic from the network is counted once, where its pieces are stored
      onTaskOpened: (store) => store.onPiece((p) => metrics.pieceStored(p.trafficType, p.length)),
      dir: c.storage.dir,
      keep: c.storage.keep,
      logger: deps.logger,
      writeBufferBytes: c.storage.writeBufferSize,
      directIO: c.storage.directIO,
      ...(deps.openFile === undefined ? {} : { openFile: deps.openFile }),
    });
    const uploadLimiter = new BandwidthLimiter({ bytesPerSecond: c.upload.bandwidthLimit });
    const downloadLimiter = new BandwidthLimiter({ bytesPerSecond: c.download.bandwidthLimit });
    const backToSourceLimiter = new BandwidthLimiter({ bytesPerSecond: c.download.backToSourceBandwidthLimit });
    this.limiters = [uploadLimiter, downloadLimiter, backToSourceLimiter];
    this.source = new SourceClient({ bodyTimeoutMs: c.download.pieceTimeout, remoteAllowList: c.download.remoteSource.allowList });
    const backToSource = new BackToSource({ source: this.source, limiters: [downloadLimiter, backToSourceLimiter], logger: deps.logger });
    this.fetcher = new ObservedPieceFetcher({
      tls: this.clientTls,
      pieceTimeoutMs: c.download.pieceTimeout,
      metrics,
      // the download's trace continues at the parent's piece server
      headersFor: (taskId) => injectTraceHeaders({}, this.tasks.traceContextOf(taskId) ?? context.active()),
    });
    this.pieceServer = new PieceServer({
      storage: this.storage,
      tls: this.serverTls,
      uploadLimiter,
      disableShared: c.upload.disableShared,
      logger: deps.logger,
      ip: c.storage.server.ip,
      port: c.storage.server.tcpPort,
      observer: {
        listening: (server) => metrics.tls.watchServer(server, 'pieces'),
        served: (result, bytes) => {
          metrics.uploadPieces.inc({ result });
          if (bytes > 0) metrics.uploadTraffic.inc(bytes);
        },
      },
    });

    const host = (): HostInfo => {
      if (this.hostInfo === undefined) throw new Error('host info is known only after the servers started');
      return this.hostInfo;
    };
    if (c.scheduler.addrs.length > 0 || c.manager.addr !== '') {
      this.pool = new SchedulerPool({ addrs: c.scheduler.addrs, credentials: grpcChannelCredentials(this.schedulerTls) });
      this.announcer = new HostAnnouncer({ pool: this.pool, host, logger: deps.logger, intervalMs: c.scheduler.announceInterval });
      this.p2p = new PeerToPeerDownloader({
        pool: this.pool,
        announcer: this.announcer,
        host,
        backToSource,
        fetcher: this.fetcher,
        peerCredentials: grpcChannelCredentials(this.clientTls),
        downloadLimiters: [downloadLimiter],
        logger: deps.logger,
        scheduleTimeoutMs: c.scheduler.scheduleTimeout,
        maxScheduleCount: c.scheduler.maxScheduleCount,
        concurrentPieceCount: c.download.concurrentPieceCount,
        collectedPieceTimeoutMs: c.download.collectedPieceTimeout,
        enableBackToSource: c.scheduler.enableBackToSource,
      });
    }
    if (c.manager.addr !== '' && this.pool !== undefined && this.announcer !== undefined) {
      const managerClient = createManagerClient(c.manager.addr, grpcChannelCredentials(tls(c.manager.tlsDir ?? c.upload.client.tlsDir)));
      this.dynconfig = new ManagerDynconfig({
        client: managerClient,
        pool: this.pool,
        announcer: this.announcer,
        host,
        logger: deps.logger,
        refreshIntervalMs: c.dynconfig.refreshInterval,
        cache: new DynconfigCache({ path: join(c.storage.dir, 'dynconfig', 'schedulers.json'), parse: parseCachedSchedulerList, logger: deps.logger }),
        ...(c.seedPeer.enable
          ? {
              seedPeer: new SeedPeerRegistration({
                client: managerClient,
                host,
                type: c.seedPeer.type,
                clusterId: c.seedPeer.clusterID,
                keepAliveIntervalMs: c.seedPeer.keepaliveInterval,
                logger: deps.logger,
              }),
            }
          : {}),
      });
    }
    const isSeed = c.seedPeer.enable;
    this.tasks = new ObservedTaskManager({
      metrics,
      storage: this.storage,
      source: this.source,
      backToSource,
      ...(this.p2p === undefined ? {} : { p2p: this.p2p }),
      logger: deps.logger,
      newPeerId: () => makePeerId(c.host.hostname, c.host.ip, isSeed),
      concurrentPieceCount: c.download.concurrentPieceCount,
      enableBackToSource: c.scheduler.enableBackToSource,
    });
    this.gc = new StorageGc({
      storage: this.storage,
      logger: deps.logger,
      intervalMs: c.gc.interval,
      taskTtlMs: c.gc.policy.taskTTL,
      diskHighThresholdPercent: c.gc.policy.diskHighThresholdPercent,
      diskLowThresholdPercent: c.gc.policy.diskLowThresholdPercent,
      ...(c.gc.policy.diskThreshold > 0 ? { diskThresholdBytes: c.gc.policy.diskThreshold } : {}),
      onEvicted: (taskId) => this.forgetTask(taskId),
    });
  }

  get ports(): DfdaemonAddresses {
    if (this.addresses === undefined) throw new Error('not started');
    return this.addresses;
  }

  get host(): HostInfo | undefined {
    return this.hostInfo;
  }

  async start(): Promise<DfdaemonAddresses> {
    const c = this.config;
    for (const s of new Set([this.serverTls, this.clientTls, this.schedulerTls])) {
      s.start();
      this.stack.push(() => s.stop());
    }
    await this.storage.start();
    this.stack.push(() => this.storage.stop());
    this.metrics.tls.trackCertificate(this.serverTls, 'upload_server');
    if (this.clientTls !== this.serverTls) this.metrics.tls.trackCertificate(this.clientTls, 'upload_client');

    await this.pieceServer.start();
    this.stack.push(() => this.pieceServer.stop());

    const hostId = makeHostId(c.host.hostname, c.host.ip, c.seedPeer.enable);
    const upload = new grpc.Server(
      serverOptions({
        interceptors: [
          this.metrics.grpc.interceptor({ server: 'upload' }),
          requestRateLimiter({
            global: { rps: c.upload.server.requestRateLimit, burst: c.upload.server.requestRateLimit },
            perClient: { rps: c.upload.server.requestRateLimitPerClient, burst: c.upload.server.requestRateLimitPerClient },
          }).interceptor,
        ],
      }),
    );
    upload.addService(
      dfdaemonUploadServiceDefinition,
      uploadServiceHandlers({
        storage: this.storage,
        tasks: this.tasks,
        logger: this.deps.logger,
        hostId,
        ip: c.host.ip,
        pieceServerPort: () => this.pieceServer.port,
        disableShared: c.upload.disableShared,
      }) as grpc.UntypedServiceImplementation,
    );
    const uploadHealth = addHealthService(upload);
    const uploadPort = await bind(upload, `${hostPort(c.upload.server.ip, c.upload.server.port)}`, grpcServerCredentials(this.serverTls));
    this.metrics.tls.watchGrpcServer(upload, 'upload');
    this.stack.push(() => shutdown(upload, uploadHealth));

    const socketPath = c.download.server.socketPath;
    await prepareSocket(socketPath);
    const local = new grpc.Server(
      serverOptions({
        interceptors: [
          this.metrics.grpc.interceptor({ server: 'download' }),
          requestRateLimiter({ global: { rps: c.download.server.requestRateLimit, burst: c.download.server.requestRateLimit } }).interceptor,
        ],
      }),
    );
    local.addService(
      dfdaemonDownloadServiceDefinition,
      downloadServiceHandlers({ storage: this.storage, tasks: this.tasks, logger: this.deps.logger, hostId }) as grpc.UntypedServiceImplementation,
    );
    const localHealth = addHealthService(local);
    await bind(local, `unix://${socketPath}`, grpc.ServerCredentials.createInsecure());
    // Local users in the daemon's group may download; nobody else (upstream: 0660).
    await chmod(socketPath, 0o660);
    this.stack.push(async () => {
      await shutdown(local, localHealth);
      await rm(socketPath, { force: true });
    });

    const proxy = new ProxyServer({
      config: c.proxy,
      logger: this.deps.logger,
      tasks: new TaskManagerAdapter({ tasks: this.tasks, storage: this.storage, logger: this.deps.logger }),
      // a generated interception CA lives with the daemon's data (key 0600, dir 0700)
      caDir: join(c.storage.dir, 'proxy-ca'),
      observer: {
        request: (req, res, handle) => this.metrics.observeProxyRequest(req, res, handle),
        connect: () => this.metrics.observeProxyConnect(),
      },
    });
    const { port: proxyPort } = await proxy.start();
    this.stack.push(() => proxy.stop());

    const health = await startHealthServer(c.health.server.ip, c.health.server.port, () => this.storageProbe.check());
    this.stack.push(() => new Promise<void>((resolve) => health.close(() => resolve())));
    // gRPC health follows the storage too: a daemon that cannot store a piece is not serving
    const probeTimer = setInterval(() => {
      void this.storageProbe.check().then((v) => {
        for (const reporter of [uploadHealth, localHealth]) reporter.setStatus('', v.healthy ? 'SERVING' : 'NOT_SERVING');
        if (!v.healthy) this.log.warn({ reason: v.reason }, 'unhealthy');
      });
    }, this.deps.healthProbeIntervalMs ?? HEALTH_PROBE_INTERVAL_MS);
    probeTimer.unref();
    this.stack.push(() => clearInterval(probeTimer));

    let metricsPort = 0;
    if (c.metrics.enable) {
      const server = new MetricsHttpServer({
        registry: this.metrics.registry,
        addr: hostPort(c.metrics.server.ip, c.metrics.server.port),
        logger: this.deps.logger,
        allowReset: true,
      });
      metricsPort = await server.start();
      this.stack.push(() => server.stop());
    }

    this.hostInfo = {
      id: hostId,
      hostname: c.host.hostname,
      ip: c.host.ip,
      port: uploadPort,
      downloadPort: this.pieceServer.port,
      isSeed: c.seedPeer.enable,
      idc: c.host.idc,
      location: c.host.location,
      schedulerClusterId: c.host.schedulerClusterID,
      disableShared: c.upload.disableShared,
      uploadBytesPerSecond: c.upload.bandwidthLimit,
    };
    // Clients close after the announcer said goodbye (DeleteHost) and GC stopped: stopped in reverse.
    this.stack.push(async () => {
      this.p2p?.close();
      this.pool?.close();
      await this.fetcher.close();
      await this.source.close();
      for (const l of this.limiters) l.close();
    });
    if (this.dynconfig !== undefined) {
      await this.dynconfig.start();
      const dynconfig = this.dynconfig;
      this.stack.push(() => dynconfig.stop());
    }
    if (this.announcer !== undefined) {
      await this.announcer.start();
      const announcer = this.announcer;
      this.stack.push(() => announcer.stop());
    }
    this.gc.start();
    this.stack.push(() => this.gc.stop());
    this.addresses = { uploadPort, piecePort: this.pieceServer.port, socketPath, healthPort: (health.address() as AddressInfo).port, proxyPort, metricsPort };
    this.log.info({ hostId, ...this.addresses, seed: c.seedPeer.enable }, 'dfdaemon ready');
    return this.addresses;
  }

  async stop(): Promise<void> {
    while (this.stack.length > 0) {
      const step = this.stack.pop() as () => Promise<void> | void;
      try {
        await step();
      } catch (err) {
        this.log.warn({ err }, 'error while stopping');
      }
    }
  }

  /** Tells the scheduler this host no longer has the task. */
  private forgetTask(taskId: string): void {
    const endpoint = this.pool?.pick(taskId);
    const host = this.hostInfo;
    if (endpoint === undefined || host === undefined) return;
    endpoint.client.DeleteTask({ host_id: host.id, task_id: taskId }, { deadline: Date.now() + 5000 }, () => undefined);
  }
}

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function bind(server: grpc.Server, address: string, creds: grpc.ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, creds, (err, port) => (err === null ? resolve(port) : reject(err)));
  });
}

async function shutdown(server: grpc.Server, health: HealthReporter): Promise<void> {
  health.shutdown();
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, 3000);
    t.unref();
    server.tryShutdown(() => {
      clearTimeout(t);
      resolve();
    });
  });
}

/** Creates the socket's directory and removes a stale socket left by a crash (never another kind of file). */
async function prepareSocket(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  const st = await lstat(path).catch(() => undefined);
  if (st === undefined) return;
  if (!st.isSocket()) throw new Error(`${path} exists and is not a socket; refusing to replace it`);
  await rm(path, { force: true });
}

/** GET /healthy: 200 OK, or 503 with the reason when the check fails (unwritable storage). */
function startHealthServer(ip: string, port: number, check: () => Promise<HealthVerdict>): Promise<HttpServer> {
  const server = createHttpServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/healthy') {
      res.writeHead(404).end();
      return;
    }
    void check().then((v) => {
      if (v.healthy) res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      else res.writeHead(503, { 'content-type': 'text/plain' }).end(`unhealthy: ${v.reason ?? 'unknown'}\n`);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, () => resolve(server));
  });
}
