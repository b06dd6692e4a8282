import { join } from 'node:path';
import { createManagerClient } from '@d7y/rpc';
import type { Logger } from '@d7y/logger';
import { TlsSource, grpcChannelCredentials } from '@d7y/tls';
import { Announcer } from './announcer/announcer.js';
import { schedulerHostname, type SchedulerConfig } from './config/config.js';
import { ApplicationPriorities } from './dynconfig/application-priorities.js';
import { applyDynconfig } from './dynconfig/apply-dynconfig.js';
import { DynconfigCache } from '@d7y/config';
import { parseDynconfigData } from './dynconfig/dynconfig-data.js';
import { SchedulerDynconfig } from './dynconfig/scheduler-dynconfig.js';
import { Gc } from './gc/gc.js';
import { GrpcSeedPeerClient } from './grpc/seed-peer-client.js';
import { ANNOUNCE_PEER_PATH, SchedulerServer } from './grpc/scheduler-server.js';
import { MeteredScheduling } from './metrics/metered-scheduling.js';
import { MetricsServer } from './metrics/metrics-server.js';
import { SchedulerMetrics } from './metrics/scheduler-metrics.js';
import { IdentityQuota } from './quota/identity-quota.js';
import { Resource } from './resource/resource.js';
import { SeedPeer } from './resource/seed-peer.js';
import { DefaultEvaluator } from './scheduling/evaluator/default-evaluator.js';
import type { SchedulingConfig } from './scheduling/scheduling.js';
import { PeerAnnouncer } from './service/peer-announcer.js';
import { SchedulerService, type SchedulerServiceConfig } from './service/scheduler-service.js';

export interface SchedulerAppDeps {
  logger: Logger;
  /** Certificates; main.ts reads them from security.tlsDir, tests mint them in memory. */
  tls: TlsSource;
  now?: () => number;
}

export interface SchedulerApp {
  resource: Resource;
  seedPeer: SeedPeer;
  gc: Gc;
  announcer: Announcer | undefined;
  /** The manager's dynconfig; undefined without manager.addr or before start. */
  dynconfig: SchedulerDynconfig | undefined;
  /** Live limits (scheduler.yaml values, overridden by the manager's dynconfig). */
  schedulingConfig: Readonly<SchedulingConfig>;
  serviceConfig: Readonly<SchedulerServiceConfig>;
  /** Starts everything in order; resolves with the bound gRPC port. */
  start(): Promise<number>;
  /** Stops everything in reverse order. */
  stop(): Promise<void>;
}

/**
 * Builds the scheduler from its configuration, top to bottom: quota → resource → evaluator →
 * scheduling → seed peers → peer announcer / service → gRPC server → GC → manager link → metrics.
 * main.ts owns the process (arguments, config file, signals) and calls this.
 */
export function createSchedulerApp(config: SchedulerConfig, deps: SchedulerAppDeps): SchedulerApp {
  const { logger, tls } = deps;
  const now = deps.now ?? Date.now;
  const quota = new IdentityQuota({
    limits: { hostsPerIdentity: config.limits.hostsPerIdentity, peersPerIdentity: config.limits.peersPerIdentity },
  });
  const resource = new Resource({ quota, logger, maxTasks: config.limits.maxTasks, now });
  // counted always (cheap); served on metrics.addr only when metrics.enable
  const schedulerMetrics = new SchedulerMetrics();
  // live objects: the manager's dynconfig rewrites their limits (see applyDynconfig)
  const schedulingConfig: SchedulingConfig = {
    retryLimit: config.scheduler.retryLimit,
    retryBackToSourceLimit: config.scheduler.retryBackToSourceLimit,
    retryIntervalMs: config.scheduler.retryInterval,
    seedPeerWaitMs: config.scheduler.seedPeerWait,
    candidateParentLimit: config.scheduler.candidateParentLimit,
    filterParentLimit: config.scheduler.filterParentLimit,
  };
  const serviceConfig: SchedulerServiceConfig = { peerLoadLimit: config.scheduler.peerLoadLimit, seedPeerLoadLimit: config.seedPeer.loadLimit };
  const scheduling = new MeteredScheduling({
    metrics: schedulerMetrics,
    config: schedulingConfig,
    evaluator: new DefaultEvaluator(),
    logger,
  });
  const seedClient = new GrpcSeedPeerClient({ tls, logger });
  const seedPeer = new SeedPeer({
    resource,
    client: seedClient,
    config: {
      enable: config.seedPeer.enable,
      healthCheckIntervalMs: config.seedPeer.healthCheckInterval,
      failedTimeoutMs: config.seedPeer.failedTimeout,
      taskDownloadTimeoutMs: config.seedPeer.taskDownloadTimeout,
    },
    logger,
    now,
  });
  const applications = new ApplicationPriorities({ logger });
  const announcer = new PeerAnnouncer({
    resource,
    scheduling,
    seedPeer,
    priorityOf: (download) => applications.priorityOf(download),
    config: {
      backToSourceCount: config.scheduler.backToSourceCount,
      defaultConcurrentPieceCount: 8,
      registerDelayBaseMs: 30,
      registerDelayMaxMs: 1000,
    },
    logger,
  });
  const service = new SchedulerService({
    resource,
    config: serviceConfig,
    logger,
  });
  const server = new SchedulerServer({
    service,
    announcer,
    resource,
    tls,
    config: {
      listenIp: config.server.listenIP,
      port: config.server.port,
      requestRateLimit: config.server.requestRateLimit,
      identityRateLimit: config.limits.requestRateLimitPerIdentity,
      identityBurst: config.limits.requestBurstPerIdentity,
      maxReceiveMessageBytes: config.limits.maxMessageSize,
      maxQueuedMessages: config.limits.maxQueuedMessagesPerStream,
    },
    logger,
    interceptors: [schedulerMetrics.grpc.interceptor({ server: 'scheduler', onMessage: schedulerMetrics.onMessage })],
    // With tracing on, AnnouncePeer stays on grpc-js, whose interceptor makes its server spans.
    ...(config.tracing.endpoint === ''
      ? {
          direct: {
            observer: schedulerMetrics.grpc.callObserver('scheduler', ANNOUNCE_PEER_PATH),
            onMessage: (message: unknown) => schedulerMetrics.onMessage('AnnouncePeer', message),
          },
        }
      : {}),
    onBound: (grpcServer) => schedulerMetrics.tls.watchGrpcServer(grpcServer, 'scheduler'),
  });
  const gc = new Gc({
    resource,
    config: {
      peerGcIntervalMs: config.scheduler.gc.peerGCInterval,
      pieceDownloadTimeoutMs: config.scheduler.gc.pieceDownloadTimeout,
      peerTtlMs: config.scheduler.gc.peerTTL,
      taskGcIntervalMs: config.scheduler.gc.taskGCInterval,
      hostGcIntervalMs: config.scheduler.gc.hostGCInterval,
      hostTtlMs: config.scheduler.gc.hostTTL,
    },
    logger,
    now,
  });
  const metrics = config.metrics.enable ? new MetricsServer({ resource, addr: config.metrics.addr, logger, registry: schedulerMetrics.registry }) : undefined;
  let managerLink: Announcer | undefined;
  let dynconfig: SchedulerDynconfig | undefined;

  return {
    resource,
    seedPeer,
    gc,
    get announcer() {
      return managerLink;
    },
    get dynconfig() {
      return dynconfig;
    },
    schedulingConfig,
    serviceConfig,
    async start() {
      tls.start();
      schedulerMetrics.tls.trackCertificate(tls, 'scheduler');
      seedPeer.start();
      const port = await server.start();
      gc.start();
      if (config.manager.addr !== '') {
        managerLink = new Announcer({
          client: createManagerClient(config.manager.addr, grpcChannelCredentials(tls)),
          config: {
            hostname: schedulerHostname(config),
            ip: config.server.advertiseIP,
            port: config.server.advertisePort ?? port,
            ...(config.host.idc ? { idc: config.host.idc } : {}),
            ...(config.host.location ? { location: config.host.location } : {}),
            schedulerClusterId: config.manager.schedulerClusterID,
            keepAliveIntervalMs: config.manager.keepAlive.interval,
            requestTimeoutMs: 10_000,
            reportedConfig: {
              backToSourceCount: config.scheduler.backToSourceCount,
              retryBackToSourceLimit: config.scheduler.retryBackToSourceLimit,
              retryLimit: config.scheduler.retryLimit,
              retryInterval: config.scheduler.retryInterval,
            },
          },
          logger,
        });
        await managerLink.start();
        dynconfig = new SchedulerDynconfig({
          client: createManagerClient(config.manager.addr, grpcChannelCredentials(tls)),
          hostname: schedulerHostname(config),
          ip: config.server.advertiseIP,
          schedulerClusterId: config.manager.schedulerClusterID,
          refreshIntervalMs: config.dynConfig.refreshInterval,
          cache: new DynconfigCache({ path: join(config.server.dataDir, 'dynconfig.json'), parse: parseDynconfigData, logger }),
          onChange: (data) => {
            applyDynconfig(data, { scheduling: schedulingConfig, service: serviceConfig }, {
              candidateParentLimit: config.scheduler.candidateParentLimit,
              filterParentLimit: config.scheduler.filterParentLimit,
              peerLoadLimit: config.scheduler.peerLoadLimit,
              seedPeerLoadLimit: config.seedPeer.loadLimit,
            });
            applications.set(data.applications ?? []);
          },
          logger,
        });
        await dynconfig.start();
      }
      if (metrics) await metrics.start();
      return port;
    },
    async stop() {
      if (metrics) await metrics.stop();
      dynconfig?.stop();
      managerLink?.stop();
      await server.stop();
      gc.stop();
      seedPeer.stop();
      seedClient.close();
      await tls.stop();
    },
  };
}
