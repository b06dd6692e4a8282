import type { Logger } from '@d7y/logger';
import { SchedulerError } from '../errors.js';
import type { IdentityQuota } from '../quota/identity-quota.js';
import type { Host } from './host.js';
import type { Peer } from './peer.js';
import { Task, type TaskDeps } from './task.js';

export interface ResourceDeps {
  quota: IdentityQuota;
  logger: Logger;
  /** Most tasks held at once, across all identities. */
  maxTasks: number;
  now?: () => number;
}

/**
 * The scheduler's in-memory world: hosts, tasks and peers, and the cascades between them
 * (deleting a host deletes its peers; deleting a peer releases its quota and its parents' load).
 */
export class Resource {
  readonly hosts = new Map<string, Host>();
  readonly tasks = new Map<string, Task>();
  readonly peers = new Map<string, Peer>();
  readonly now: () => number;
  private readonly quota: IdentityQuota;
  private readonly log: Logger;
  private readonly maxTasks: number;
  /** Bumped whenever a seed host comes or goes, so seed-peer selection can cache its ring. */
  seedHostsVersion = 0;

  constructor(deps: ResourceDeps) {
    this.quota = deps.quota;
    this.log = deps.logger.child({ component: 'resource' });
    this.maxTasks = deps.maxTasks;
    this.now = deps.now ?? Date.now;
  }

  /** Adds a new host, charging its owner's quota. */
  addHost(host: Host): void {
    if (this.hosts.has(host.id)) throw new Error(`host ${host.id} already exists`);
    this.quota.reserveHost(host.owner);
    this.hosts.set(host.id, host);
    if (host.isSeed) this.seedHostsVersion += 1;
  }

  /** Removes a host and all its peers. */
  deleteHost(host: Host): void {
    if (this.hosts.get(host.id) !== host) return;
    for (const peer of [...host.peers.values()]) this.deletePeer(peer);
    this.hosts.delete(host.id);
    this.quota.releaseHost(host.owner);
    if (host.isSeed) this.seedHostsVersion += 1;
    this.log.info({ hostId: host.id }, 'host deleted');
  }

  seedHosts(): Host[] {
    const seeds: Host[] = [];
    for (const host of this.hosts.values()) if (host.isSeed) seeds.push(host);
    return seeds;
  }

  getOrAddTask(deps: Omit<TaskDeps, 'now'>): Task {
    const existing = this.tasks.get(deps.id);
    if (existing !== undefined) return existing;
    if (this.tasks.size >= this.maxTasks) {
      throw new SchedulerError('DF_ERR_SCHEDULER_QUOTA_EXCEEDED', `the scheduler holds its maximum of ${this.maxTasks} tasks`);
    }
    const task = new Task({ ...deps, now: this.now });
    this.tasks.set(task.id, task);
    return task;
  }

  deleteTask(task: Task): void {
    for (const peer of [...task.peers()]) this.deletePeer(peer);
    task.fsm.fireIfCan('Leave');
    if (this.tasks.get(task.id) === task) this.tasks.delete(task.id);
  }

  /** Adds a registered peer to its task, host and the index, charging its owner's quota. */
  addPeer(peer: Peer): void {
    if (this.peers.has(peer.id)) {
      throw new SchedulerError('DF_ERR_SCHEDULER_PEER_ALREADY_EXISTS', `peer ${peer.id} is already registered`);
    }
    this.quota.reservePeer(peer.owner);
    this.peers.set(peer.id, peer);
    peer.task.addPeer(peer);
    peer.host.peers.set(peer.id, peer);
  }

  deletePeer(peer: Peer): void {
    if (this.peers.get(peer.id) !== peer) return;
    peer.fsm.fireIfCan('Leave');
    peer.task.deletePeer(peer.id);
    peer.host.peers.delete(peer.id);
    this.peers.delete(peer.id);
    this.quota.releasePeer(peer.owner);
  }
}
