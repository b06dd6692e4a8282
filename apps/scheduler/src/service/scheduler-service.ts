import { InvalidIdError, assertHostId, assertPeerId, assertTaskId, hostId as computeHostId } from '@d7y/core';
import type { Logger } from '@d7y/logger';
import type { common, protobuf, scheduler } from '@d7y/rpc';
import { SchedulerError, invalidArgument } from '../errors.js';
import { Host } from '../resource/host.js';
import type { Resource } from '../resource/resource.js';
import type { Caller } from './caller.js';
import { durationMs, hostFromProto, hostToProto, peerToProto, taskToProto } from './to-proto.js';

export interface SchedulerServiceConfig {
  /** Concurrent children a normal host serves (upstream load_limit 200). */
  peerLoadLimit: number;
  /** Concurrent children a seed host serves (upstream 2000). */
  seedPeerLoadLimit: number;
}

/** Announce intervals accepted from daemons, ms: 1 s … 24 h. */
const MIN_ANNOUNCE_INTERVAL_MS = 1_000;
const MAX_ANNOUNCE_INTERVAL_MS = 24 * 3_600_000;

export interface SchedulerServiceDeps {
  resource: Resource;
  config: SchedulerServiceConfig;
  logger: Logger;
}

/** The unary RPCs of scheduler.v2.Scheduler, on decoded messages and a verified caller. */
export class SchedulerService {
  private readonly resource: Resource;
  private readonly config: SchedulerServiceConfig;
  private readonly log: Logger;

  constructor(deps: SchedulerServiceDeps) {
    this.resource = deps.resource;
    this.config = deps.config;
    this.log = deps.logger.child({ component: 'scheduler-service' });
  }

  /**
   * AnnounceHost: creates or refreshes the caller's host. The host ID must follow upstream's rule
   * (`<ip>-<hostname>`, `-seed` for seed hosts) and the hostname must be the caller's certificate's.
   */
  announceHost(req: scheduler.AnnounceHostRequest__Output, caller: Caller): protobuf.Empty {
    const info = hostFromProto(req.host);
    let expectedId: string;
    try {
      expectedId = computeHostId(info.hostname, info.ip, info.type !== 'normal');
    } catch (err) {
      if (err instanceof InvalidIdError) throw invalidArgument(err.message);
      throw err;
    }
    if (info.id !== expectedId) throw invalidArgument(`host.id ${JSON.stringify(info.id.slice(0, 300))} must be ${JSON.stringify(expectedId)} (<ip>-<hostname>[-seed])`);
    if (info.hostname !== caller.hostname) {
      throw new SchedulerError(
        'DF_ERR_SCHEDULER_PERMISSION_DENIED',
        `host.hostname ${JSON.stringify(info.hostname)} does not match the caller's certificate (${caller.hostname})`,
      );
    }
    const intervalMs = durationMs(req.interval);
    if (intervalMs !== undefined && (intervalMs < MIN_ANNOUNCE_INTERVAL_MS || intervalMs > MAX_ANNOUNCE_INTERVAL_MS)) {
      throw invalidArgument(`interval must be from 1s to 24h, got ${intervalMs} ms`);
    }
    const now = this.resource.now();
    const existing = this.resource.hosts.get(info.id);
    if (existing !== undefined) {
      if (existing.owner !== caller.identity) {
        throw new SchedulerError('DF_ERR_SCHEDULER_PERMISSION_DENIED', `host ${info.id} was announced by another identity`);
      }
      existing.update(info, intervalMs, now);
      return {};
    }
    const host = new Host({
      info,
      owner: caller.identity,
      concurrentUploadLimit: info.type === 'normal' ? this.config.peerLoadLimit : this.config.seedPeerLoadLimit,
      ...(intervalMs !== undefined ? { announceIntervalMs: intervalMs } : {}),
      now: this.resource.now,
    });
    this.resource.addHost(host);
    this.log.info({ hostId: host.id, type: info.type, ip: info.ip, port: info.port }, 'host announced');
    return {};
  }

  /** ListHosts: every host, or those of the given type (0 normal, 1 super). */
  listHosts(req: scheduler.ListHostsRequest__Output): scheduler.ListHostsResponse {
    const type = req.type === undefined ? undefined : req.type === 0 ? 'normal' : req.type === 1 ? 'super' : 'other';
    const hosts: common.Host[] = [];
    for (const host of this.resource.hosts.values()) if (type === undefined || host.type === type) hosts.push(hostToProto(host));
    return { hosts };
  }

  /** DeleteHost: the caller's own host leaves with all its peers. */
  deleteHost(req: scheduler.DeleteHostRequest__Output, caller: Caller): protobuf.Empty {
    const host = this.ownHost(req.host_id, caller);
    this.resource.deleteHost(host);
    return {};
  }

  statPeer(req: scheduler.StatPeerRequest__Output): common.Peer {
    validate(() => {
      assertHostId(req.host_id);
      assertTaskId(req.task_id);
      assertPeerId(req.peer_id);
    });
    const peer = this.resource.peers.get(req.peer_id);
    if (peer === undefined || peer.task.id !== req.task_id) {
      throw new SchedulerError('DF_ERR_SCHEDULER_PEER_NOT_FOUND', `peer ${req.peer_id} of task ${req.task_id} not found`);
    }
    return peerToProto(peer);
  }

  /** StatTask: the task with its trusted piece digests. */
  statTask(req: scheduler.StatTaskRequest__Output): common.Task {
    validate(() => assertTaskId(req.task_id));
    const task = this.resource.tasks.get(req.task_id);
    if (task === undefined) throw new SchedulerError('DF_ERR_SCHEDULER_TASK_NOT_FOUND', `task ${req.task_id} not found`);
    return taskToProto(task);
  }

  /** DeletePeer: one of the caller's peers leaves now. */
  deletePeer(req: scheduler.DeletePeerRequest__Output, caller: Caller): protobuf.Empty {
    validate(() => {
      assertTaskId(req.task_id);
      assertPeerId(req.peer_id);
    });
    const host = this.ownHost(req.host_id, caller);
    const peer = host.peers.get(req.peer_id);
    if (peer === undefined || peer.task.id !== req.task_id) {
      throw new SchedulerError('DF_ERR_SCHEDULER_PEER_NOT_FOUND', `peer ${req.peer_id} of task ${req.task_id} not found on host ${host.id}`);
    }
    this.resource.deletePeer(peer);
    return {};
  }

  /** DeleteTask: the caller's host drops its peers of the task (after a local delete or GC). */
  deleteTask(req: scheduler.DeleteTaskRequest__Output, caller: Caller): protobuf.Empty {
    validate(() => assertTaskId(req.task_id));
    const host = this.ownHost(req.host_id, caller);
    for (const peer of [...host.peers.values()]) if (peer.task.id === req.task_id) this.resource.deletePeer(peer);
    return {};
  }

  private ownHost(id: string, caller: Caller): Host {
    validate(() => assertHostId(id));
    const host = this.resource.hosts.get(id);
    if (host === undefined) throw new SchedulerError('DF_ERR_SCHEDULER_HOST_NOT_FOUND', `host ${id} not found`);
    if (host.hostname !== caller.hostname) {
      throw new SchedulerError('DF_ERR_SCHEDULER_PERMISSION_DENIED', `host ${id} does not belong to the caller's certificate (${caller.hostname})`);
    }
    return host;
  }
}

function validate(check: () => void): void {
  try {
    check();
  } catch (err) {
    if (err instanceof InvalidIdError) throw invalidArgument(err.message);
    throw err;
  }
}
