import type { Logger } from '@d7y/logger';
import type { Resource } from '../resource/resource.js';

export interface GcConfig {
  /** Ms between peer collections (upstream peerGCInterval 10 s). */
  peerGcIntervalMs: number;
  /** Ms without any piece after which a running download is abandoned (upstream 30 min). */
  pieceDownloadTimeoutMs: number;
  /** Ms without any update after which a peer leaves (upstream peerTTL 24 h). */
  peerTtlMs: number;
  /** Ms between task collections (upstream taskGCInterval 30 min). */
  taskGcIntervalMs: number;
  /** Ms between host collections (upstream hostGCInterval 5 min). */
  hostGcIntervalMs: number;
  /** Ms without an announcement after which a host is silent (upstream hostTTL 1 h). */
  hostTtlMs: number;
}

/** Upstream PeerCountLimitForTask: above this many peers, finished leaf peers are dropped. */
export const PEER_COUNT_LIMIT_FOR_TASK = 300;

export interface GcDeps {
  resource: Resource;
  config: GcConfig;
  logger: Logger;
  now?: () => number;
}

/** Garbage collection of idle peers, empty tasks and silent hosts, on upstream's timers. */
export class Gc {
  private readonly resource: Resource;
  private readonly config: GcConfig;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(deps: GcDeps) {
    this.resource = deps.resource;
    this.config = deps.config;
    this.log = deps.logger.child({ component: 'gc' });
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    const every = (ms: number, run: () => void): void => {
      const timer = setInterval(() => {
        try {
          run();
        } catch (err) {
          this.log.error({ err }, 'garbage collection failed');
        }
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.config.peerGcIntervalMs, () => this.collectPeers());
    every(this.config.taskGcIntervalMs, () => this.collectTasks());
    every(this.config.hostGcIntervalMs, () => this.collectHosts());
  }

  stop(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }

  /**
   * One pass over the peers, upstream's rules in order (the first that applies wins):
   * Leave → delete; host stopped sharing → Leave; Running/BackToSource with no piece for
   * pieceDownloadTimeout → Leave; idle > peerTTL → Leave; host silent > hostTTL → Leave;
   * Failed → Leave; task over 300 peers and this one Succeeded with no edges → delete.
   * Returns how many peers were deleted and how many were made to leave.
   */
  collectPeers(): { deleted: number; left: number } {
    const now = this.now();
    let deleted = 0;
    let left = 0;
    for (const peer of [...this.resource.peers.values()]) {
      const task = peer.task;
      if (peer.fsm.is('Leave')) {
        this.resource.deletePeer(peer);
        deleted += 1;
        continue;
      }
      const leave = (reason: string): void => {
        peer.fsm.fire('Leave');
        left += 1;
        this.log.info({ peerId: peer.id, taskId: task.id, hostId: peer.host.id, reason }, 'peer leaves');
      };
      if (peer.host.disableShared) {
        leave('host does not share');
        continue;
      }
      if (peer.fsm.is('Running', 'BackToSource') && now - peer.pieceUpdatedAt > this.config.pieceDownloadTimeoutMs) {
        leave('no piece within pieceDownloadTimeout');
        continue;
      }
      if (now - peer.updatedAt > this.config.peerTtlMs) {
        leave('idle longer than peerTTL');
        continue;
      }
      if (now - peer.host.updatedAt > this.config.hostTtlMs) {
        leave('host silent longer than hostTTL');
        continue;
      }
      if (peer.fsm.is('Failed')) {
        leave('failed');
        continue;
      }
      if (
        task.peerCount > PEER_COUNT_LIMIT_FOR_TASK &&
        peer.fsm.is('Succeeded') &&
        task.peerInDegree(peer.id) === 0 &&
        task.peerOutDegree(peer.id) === 0
      ) {
        this.resource.deletePeer(peer);
        deleted += 1;
      }
    }
    if (deleted + left > 0) this.log.info({ deleted, left }, 'peers collected');
    return { deleted, left };
  }

  /** Deletes tasks without peers. */
  collectTasks(): number {
    let deleted = 0;
    for (const task of [...this.resource.tasks.values()]) {
      if (task.peerCount > 0) continue;
      this.resource.deleteTask(task);
      deleted += 1;
    }
    if (deleted > 0) this.log.info({ deleted }, 'tasks collected');
    return deleted;
  }

  /** Deletes hosts not announced for 2 × their announce interval (hostTTL when unknown), with their peers. */
  collectHosts(): number {
    const now = this.now();
    let deleted = 0;
    for (const host of [...this.resource.hosts.values()]) {
      const ttl = host.announceIntervalMs !== undefined && host.announceIntervalMs > 0 ? 2 * host.announceIntervalMs : this.config.hostTtlMs;
      if (now - host.updatedAt <= ttl) continue;
      this.resource.deleteHost(host);
      deleted += 1;
    }
    if (deleted > 0) this.log.info({ deleted }, 'silent hosts collected');
    return deleted;
  }
}
