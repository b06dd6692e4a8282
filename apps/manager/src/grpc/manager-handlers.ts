import { isIP } from 'node:net';
import type * as grpc from '@grpc/grpc-js';
import { assertNever } from '@d7y/core';
import type { Logger } from '@d7y/logger';
import { toServiceError } from '@d7y/rpc';
import type { manager } from '@d7y/rpc';
import { identityFromGrpcCall } from '@d7y/tls';
import type { PeerIdentity } from '@d7y/tls';
import type { ApplicationRepository } from '../applications/application-repository.js';
import { ManagerError, isManagerError, notFound, validationError } from '../errors.js';
import type { KeepAliveLease, KeepAliveTracker } from '../schedulers/keep-alive-tracker.js';
import { SCHEDULER_FEATURES } from '../schedulers/scheduler-repository.js';
import type { SchedulerFeature } from '../schedulers/scheduler-repository.js';
import type { SchedulerService } from '../schedulers/scheduler-service.js';
import { SEED_PEER_TYPES } from '../seed-peers/seed-peer-repository.js';
import type { SeedPeerType } from '../seed-peers/seed-peer-repository.js';
import type { SeedPeerService } from '../seed-peers/seed-peer-service.js';
import { authorizeCaller } from './caller-policy.js';
import type { ManagerRpc } from './caller-policy.js';
import { toProtoApplication, toProtoScheduler, toProtoSeedPeer } from './to-proto.js';

/** Largest scheduler config JSON accepted in UpdateScheduler. */
export const MAX_SCHEDULER_CONFIG_BYTES = 64 * 1024;
const KEEP_ALIVE_SOURCES = ['SCHEDULER_SOURCE', 'SEED_PEER_SOURCE', 'PEER_SOURCE'] as const;
const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

export interface ManagerHandlerDeps {
  logger: Logger;
  schedulers: SchedulerService;
  seedPeers: SeedPeerService;
  applications: ApplicationRepository;
  schedulerKeepAlive: KeepAliveTracker;
  seedPeerKeepAlive: KeepAliveTracker;
}

function checkHost(req: { hostname: string; ip: string }): void {
  if (!HOSTNAME.test(req.hostname)) throw validationError('hostname must be 1–255 letters, digits, "-", "_" or "."');
  if (isIP(req.ip) === 0) throw validationError(`ip ${JSON.stringify(req.ip)} is not an IP address`);
}

function checkPort(name: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw validationError(`${name} must be 1–65535`);
}

function checkClusterId(name: string, id: number): void {
  if (!Number.isSafeInteger(id) || id < 1) throw validationError(`${name} must be a cluster id (≥ 1)`);
}

function checkPlace(name: string, value: string | undefined): string {
  if (value !== undefined && value.length > 1024) throw validationError(`${name} is longer than 1024 characters`);
  return value ?? '';
}

function parseSchedulerConfig(bytes: Buffer): Record<string, unknown> {
  if (bytes.length === 0) return {};
  if (bytes.length > MAX_SCHEDULER_CONFIG_BYTES) throw validationError(`config is larger than ${MAX_SCHEDULER_CONFIG_BYTES} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw validationError('config is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw validationError('config must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** The manager.v2.Manager implementation: authorizes by certificate, validates, maps to domain services. */
export function managerHandlers(deps: ManagerHandlerDeps): manager.ManagerHandlers {
  const log = deps.logger.child({ component: 'manager-grpc' });

  const fail = (rpc: string, err: unknown): grpc.ServiceError => {
    if (!isManagerError(err)) log.error({ err, rpc }, 'rpc failed');
    else if (err.statusCode >= 500) log.warn({ err, rpc }, 'rpc failed');
    return toServiceError(err);
  };

  function unary<Req extends { hostname: string }, Res>(
    rpc: ManagerRpc,
    fn: (req: Req, caller: PeerIdentity) => Promise<Res>,
  ): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
      Promise.resolve()
        .then(() => fn(call.request, authorizeCaller(rpc, identityFromGrpcCall(call), call.request.hostname)))
        .then(
          (res) => callback(null, res),
          (err: unknown) => callback(fail(rpc, err)),
        );
    };
  }

  async function schedulerWithCluster(s: Parameters<typeof toProtoScheduler>[0]): Promise<manager.Scheduler> {
    const cluster = await deps.schedulers.cluster(s.scheduler_cluster_id);
    const { seedPeers } = await deps.seedPeers.forSchedulerCluster(s.scheduler_cluster_id);
    return toProtoScheduler(s, { cluster, seedPeers });
  }

  return {
    UpdateScheduler: unary('UpdateScheduler', async (req: manager.UpdateSchedulerRequest__Output) => {
      checkHost(req);
      checkPort('port', req.port);
      checkClusterId('scheduler_cluster_id', req.scheduler_cluster_id);
      const features = [...new Set(req.features)];
      const unknown = features.filter((f) => !SCHEDULER_FEATURES.includes(f as SchedulerFeature));
      if (unknown.length > 0) throw validationError(`unknown feature(s) ${unknown.join(', ')}; known: ${SCHEDULER_FEATURES.join(', ')}`);
      const scheduler = await deps.schedulers.register({
        host_name: req.hostname,
        ip: req.ip,
        port: req.port,
        idc: checkPlace('idc', req.idc),
        location: checkPlace('location', req.location),
        features: features as SchedulerFeature[],
        config: parseSchedulerConfig(req.config),
        scheduler_cluster_id: req.scheduler_cluster_id,
      });
      log.info({ schedulerId: scheduler.id, hostname: scheduler.host_name, clusterId: scheduler.scheduler_cluster_id }, 'scheduler registered');
      return schedulerWithCluster(scheduler);
    }),

    GetScheduler: unary('GetScheduler', async (req: manager.GetSchedulerRequest__Output) => {
      checkHost(req);
      checkClusterId('scheduler_cluster_id', req.scheduler_cluster_id);
      return schedulerWithCluster(await deps.schedulers.findByKey(req.hostname, req.ip, req.scheduler_cluster_id));
    }),

    ListSchedulers: unary('ListSchedulers', async (req: manager.ListSchedulersRequest__Output) => {
      checkHost(req);
      const found = await deps.schedulers.listForPeer({
        hostname: req.hostname,
        ip: req.ip,
        idc: checkPlace('idc', req.idc),
        location: checkPlace('location', req.location),
        clusterId: req.scheduler_cluster_id > 0 ? req.scheduler_cluster_id : undefined,
      });
      const seedPeersByCluster = new Map<number, Awaited<ReturnType<SeedPeerService['forSchedulerCluster']>>['seedPeers']>();
      const schedulers: manager.Scheduler[] = [];
      for (const { scheduler, cluster } of found) {
        let seedPeers = seedPeersByCluster.get(cluster.id);
        if (seedPeers === undefined) {
          seedPeers = (await deps.seedPeers.forSchedulerCluster(cluster.id)).seedPeers;
          seedPeersByCluster.set(cluster.id, seedPeers);
        }
        schedulers.push(toProtoScheduler(scheduler, { cluster, seedPeers }));
      }
      return { schedulers };
    }),

    ListApplications: unary('ListApplications', async (req: manager.ListApplicationsRequest__Output) => {
      checkHost(req);
      return { applications: (await deps.applications.listAll()).map(toProtoApplication) };
    }),

    UpdateSeedPeer: unary('UpdateSeedPeer', async (req: manager.UpdateSeedPeerRequest__Output) => {
      checkHost(req);
      checkPort('port', req.port);
      checkPort('download_port', req.download_port);
      checkClusterId('seed_peer_cluster_id', req.seed_peer_cluster_id);
      const type = req.type === '' ? 'super' : req.type;
      if (!SEED_PEER_TYPES.includes(type as SeedPeerType)) throw validationError(`type must be one of ${SEED_PEER_TYPES.join(', ')}`);
      const seedPeer = await deps.seedPeers.register({
        host_name: req.hostname,
        type: type as SeedPeerType,
        idc: checkPlace('idc', req.idc),
        location: checkPlace('location', req.location),
        ip: req.ip,
        port: req.port,
        download_port: req.download_port,
        seed_peer_cluster_id: req.seed_peer_cluster_id,
      });
      return toProtoSeedPeer(seedPeer, { cluster: await deps.seedPeers.cluster(seedPeer.seed_peer_cluster_id) });
    }),

    GetSeedPeer: unary('GetSeedPeer', async (req: manager.GetSeedPeerRequest__Output) => {
      checkHost(req);
      checkClusterId('seed_peer_cluster_id', req.seed_peer_cluster_id);
      const seedPeer = await deps.seedPeers.findByKey(req.hostname, req.ip, req.seed_peer_cluster_id);
      const cluster = await deps.seedPeers.cluster(seedPeer.seed_peer_cluster_id);
      const schedulers: manager.Scheduler[] = [];
      for (const schedulerClusterId of cluster.scheduler_cluster_ids) {
        for (const { scheduler } of await deps.schedulers.listForPeer({ hostname: req.hostname, ip: req.ip, clusterId: schedulerClusterId })) {
          schedulers.push(toProtoScheduler(scheduler));
        }
      }
      return toProtoSeedPeer(seedPeer, { cluster, schedulers });
    }),

    ListSeedPeers: unary('ListSeedPeers', async (req: manager.ListSeedPeersRequest__Output) => {
      checkHost(req);
      return { seed_peers: (await deps.seedPeers.listActive()).map((p) => toProtoSeedPeer(p)) };
    }),

    DeleteSeedPeer: unary('DeleteSeedPeer', async (req: manager.DeleteSeedPeerRequest__Output) => {
      checkHost(req);
      checkClusterId('seed_peer_cluster_id', req.seed_peer_cluster_id);
      const seedPeer = await deps.seedPeers.findByKey(req.hostname, req.ip, req.seed_peer_cluster_id);
      await deps.seedPeers.delete(seedPeer.id);
      return {};
    }),

    KeepAlive: (call, callback) => {
      const identity = identityFromGrpcCall(call);
      let lease: KeepAliveLease | undefined;
      let first: manager.KeepAliveRequest__Output | undefined;
      let done = false;
      let chain: Promise<void> = Promise.resolve();

      const finish = (err: unknown): void => {
        if (done) return;
        done = true;
        const ended = lease?.close() ?? Promise.resolve();
        ended.catch((e: unknown) => log.warn({ err: e }, 'keepalive close failed'));
        if (err === undefined) callback(null, {});
        else callback(fail('KeepAlive', err));
      };

      const onMessage = async (req: manager.KeepAliveRequest__Output): Promise<void> => {
        if (done) return;
        if (first === undefined) {
          first = req;
          authorizeCaller('KeepAlive', identity, req.hostname);
          checkHost(req);
          checkClusterId('cluster_id', req.cluster_id);
          if (!(KEEP_ALIVE_SOURCES as readonly string[]).includes(req.source_type)) throw validationError(`unknown source_type ${String(req.source_type)}`);
          switch (req.source_type) {
            case 'SCHEDULER_SOURCE': {
              if (identity?.role !== 'scheduler') throw new ManagerError('DF_ERR_MANAGER_FORBIDDEN', 'only a scheduler keeps a scheduler alive');
              const s = await deps.schedulers.findByKey(req.hostname, req.ip, req.cluster_id);
              lease = await deps.schedulerKeepAlive.start(s.id);
              break;
            }
            case 'SEED_PEER_SOURCE': {
              if (identity?.role !== 'dfdaemon') throw new ManagerError('DF_ERR_MANAGER_FORBIDDEN', 'only a dfdaemon keeps a seed peer alive');
              const p = await deps.seedPeers.findByKey(req.hostname, req.ip, req.cluster_id);
              lease = await deps.seedPeerKeepAlive.start(p.id);
              break;
            }
            case 'PEER_SOURCE':
              throw validationError('peers do not keep alive with the manager');
            default:
              assertNever(req.source_type);
          }
          if (lease === undefined) throw notFound(req.source_type === 'SCHEDULER_SOURCE' ? 'scheduler' : 'seed peer', req.hostname);
          return;
        }
        if (req.hostname !== first.hostname || req.ip !== first.ip || req.cluster_id !== first.cluster_id || req.source_type !== first.source_type) {
          throw validationError('a keepalive stream carries one host: hostname, ip, cluster_id and source_type must not change');
        }
        await lease?.beat();
      };

      call.on('data', (req: manager.KeepAliveRequest__Output) => {
        chain = chain.then(() => onMessage(req)).catch((err: unknown) => finish(err));
      });
      call.on('end', () => {
        chain = chain.then(() => finish(undefined));
      });
      // Client gone (cancelled, connection lost): no status can be sent, but the host goes inactive.
      const gone = (): void => {
        chain = chain.then(() => {
          if (done) return;
          done = true;
          lease?.close().catch((e: unknown) => log.warn({ err: e }, 'keepalive close failed'));
        });
      };
      call.on('cancelled', gone);
      call.on('error', gone);
    },
  };
}
