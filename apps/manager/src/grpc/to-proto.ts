import type { common, manager } from '@d7y/rpc';
import type { Application } from '../applications/application-repository.js';
import type { SchedulerCluster } from '../scheduler-clusters/scheduler-cluster-repository.js';
import type { Scheduler } from '../schedulers/scheduler-repository.js';
import type { SeedPeerCluster } from '../seed-peer-clusters/seed-peer-cluster-repository.js';
import type { SeedPeer } from '../seed-peers/seed-peer-repository.js';

// Domain → manager.v2 messages. Cluster documents travel as JSON bytes, as upstream.

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const optional = (value: string): string | undefined => (value === '' ? undefined : value);

export function toProtoSchedulerCluster(c: SchedulerCluster): manager.SchedulerCluster {
  return {
    id: c.id,
    name: c.name,
    bio: c.bio,
    config: json(c.config),
    client_config: json(c.client_config),
    scopes: json(c.scopes),
    seed_client_config: json(c.seed_client_config),
  };
}

export function toProtoSeedPeerCluster(c: SeedPeerCluster): manager.SeedPeerCluster {
  return { id: c.id, name: c.name, bio: c.bio, config: json(c.config) };
}

export function toProtoSeedPeer(p: SeedPeer, extra: { cluster?: SeedPeerCluster; schedulers?: manager.Scheduler[] } = {}): manager.SeedPeer {
  const idc = optional(p.idc);
  const location = optional(p.location);
  return {
    id: p.id,
    hostname: p.host_name,
    type: p.type,
    ...(idc === undefined ? {} : { idc }),
    ...(location === undefined ? {} : { location }),
    ip: p.ip,
    port: p.port,
    download_port: p.download_port,
    state: p.state,
    seed_peer_cluster_id: p.seed_peer_cluster_id,
    seed_peer_cluster: extra.cluster === undefined ? null : toProtoSeedPeerCluster(extra.cluster),
    schedulers: extra.schedulers ?? [],
  };
}

export function toProtoScheduler(s: Scheduler, extra: { cluster?: SchedulerCluster; seedPeers?: SeedPeer[] } = {}): manager.Scheduler {
  const idc = optional(s.idc);
  const location = optional(s.location);
  return {
    id: s.id,
    hostname: s.host_name,
    ...(idc === undefined ? {} : { idc }),
    ...(location === undefined ? {} : { location }),
    ip: s.ip,
    port: s.port,
    state: s.state,
    scheduler_cluster_id: s.scheduler_cluster_id,
    scheduler_cluster: extra.cluster === undefined ? null : toProtoSchedulerCluster(extra.cluster),
    seed_peers: (extra.seedPeers ?? []).map((p) => toProtoSeedPeer(p)),
    features: json(s.features),
  };
}

const level = (n: number): common.Priority => `LEVEL${Math.max(0, Math.min(6, Math.trunc(n)))}` as common.Priority;

export function toProtoApplication(a: Application): manager.Application {
  return {
    id: a.id,
    name: a.name,
    url: a.url,
    bio: a.bio,
    priority: { value: level(a.priority.value), urls: (a.priority.urls ?? []).map((u) => ({ regex: u.regex, value: level(u.value) })) },
  };
}
