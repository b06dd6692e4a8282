import type { Logger } from '@d7y/logger';
import { SchedulerError } from '../errors.js';
import type { Peer } from '../resource/peer.js';
import type { CancelToken } from './cancel-token.js';
import type { Evaluator } from './evaluator/evaluator.js';

export interface SchedulingConfig {
  /** Rounds without a parent before giving up with FailedPrecondition (upstream 5). */
  retryLimit: number;
  /** Rounds without a parent before sending the peer to the source (upstream 4). */
  retryBackToSourceLimit: number;
  /** Milliseconds between rounds, ±25 % jitter (upstream 500 ms). */
  retryIntervalMs: number;
  /** Parents handed out per response (upstream 3). */
  candidateParentLimit: number;
  /** Peers of the task sampled per round (upstream 15). */
  filterParentLimit: number;
  /**
   * Milliseconds a peer may wait for the task's triggered seed peer before rounds count against
   * retryBackToSourceLimit and retryLimit (default 5000). A seed is a parent as soon as it goes
   * to the source, before it has any piece; without this a seed slower to register than
   * retryBackToSourceLimit rounds sends every early peer to the source as well.
   */
  seedPeerWaitMs?: number;
}

export type ScheduleResult =
  | { kind: 'normal'; parents: Peer[] }
  | { kind: 'needBackToSource'; description: string };

export interface SchedulingDeps {
  config: SchedulingConfig;
  evaluator: Evaluator;
  logger: Logger;
  /** Waits `ms`, rejecting when `cancel` fires. Injected so tests need no real time. */
  sleep?: (ms: number, cancel?: CancelToken) => Promise<void>;
  /** Uniform in [0, 1): jitter and parent sampling. */
  random?: () => number;
}

/** Default of SchedulingConfig.seedPeerWaitMs. */
export const DEFAULT_SEED_PEER_WAIT_MS = 5000;

/** Upstream's ScheduleCandidateParents loop and candidate filter. */
export class Scheduling {
  private readonly config: SchedulingConfig;
  private readonly evaluator: Evaluator;
  private readonly log: Logger;
  private readonly sleep: (ms: number, cancel?: CancelToken) => Promise<void>;
  private readonly random: () => number;

  constructor(deps: SchedulingDeps) {
    this.config = deps.config;
    this.evaluator = deps.evaluator;
    this.log = deps.logger.child({ component: 'scheduling' });
    this.sleep = deps.sleep ?? cancellableSleep;
    this.random = deps.random ?? Math.random;
  }

  /**
   * Round n = 0, 1, …:
   *   if the task may go to the source: peer.needBackToSource → NeedBackToSource;
   *                                     n ≥ retryBackToSourceLimit → NeedBackToSource;
   *   n ≥ retryLimit → FailedPrecondition "scheduling exceeded RetryLimit";
   *   drop the peer's current parents, find candidates, add edges; any added → NormalTask;
   *   else wait retryInterval·(0.75 + 0.5·random) and try again.
   * Rounds spent while the task's seed peer is triggered but not yet a parent do not count (n stays),
   * for at most seedPeerWaitMs in total.
   */
  async scheduleCandidateParents(peer: Peer, cancel?: CancelToken): Promise<ScheduleResult> {
    const task = peer.task;
    // Bindings per call, not a child logger: this runs for every registration.
    const ids = { hostId: peer.host.id, taskId: task.id, peerId: peer.id };
    const log = this.log;
    const seedWaitMs = this.config.seedPeerWaitMs ?? DEFAULT_SEED_PEER_WAIT_MS;
    let seedWaitedMs = 0;
    for (let n = 0; ; n++) {
      if (cancel?.aborted) throw new SchedulerError('DF_ERR_SCHEDULER_CANCELLED', 'the peer stream ended while scheduling');
      if (peer.state === 'Leave' || peer.state === 'Failed') {
        throw new SchedulerError('DF_ERR_SCHEDULER_OUT_OF_ORDER', `peer ${peer.id} is ${peer.state}, nothing to schedule`);
      }
      if (task.canBackToSource() && !peer.disableBackToSource) {
        if (peer.needBackToSource) {
          log.info(ids, 'peer needs back-to-source');
          return { kind: 'needBackToSource', description: 'peer needs back-to-source' };
        }
        if (n >= this.config.retryBackToSourceLimit) {
          log.info({ ...ids, rounds: n }, 'scheduling exceeded RetryBackToSourceLimit');
          return { kind: 'needBackToSource', description: 'scheduling exceeded RetryBackToSourceLimit' };
        }
      }
      if (n >= this.config.retryLimit) {
        log.warn({ ...ids, rounds: n }, 'scheduling exceeded RetryLimit');
        throw new SchedulerError('DF_ERR_SCHEDULER_RETRY_LIMIT_EXCEEDED', 'scheduling exceeded RetryLimit');
      }

      task.deletePeerInEdges(peer.id);
      const parents: Peer[] = [];
      // Candidates were checked against cycles with the graph as it is now, and adding an edge into
      // this peer cannot create a path between two other candidates: every edge goes in as checked.
      for (const candidate of this.findCandidateParents(peer)) {
        task.addPeerEdge(candidate, peer);
        parents.push(candidate);
      }
      if (parents.length > 0) {
        if (log.isLevelEnabled('debug')) log.debug({ ...ids, parentIds: parents.map((p) => p.id), rounds: n }, 'selected candidate parents');
        return { kind: 'normal', parents };
      }
      const delay = this.retryDelayMs();
      if (task.seedPeerTriggered && !peer.host.isSeed && seedWaitedMs < seedWaitMs) {
        if (seedWaitedMs === 0) log.info(ids, 'waiting for the triggered seed peer');
        seedWaitedMs += delay;
        n -= 1; // this round does not count
      }
      await this.sleep(delay, cancel);
    }
  }

  /** retryInterval·(0.75 + 0.5·random): ±25 % jitter so that retrying peers do not move in lockstep. */
  retryDelayMs(): number {
    return this.config.retryIntervalMs * (0.75 + 0.5 * this.random());
  }

  /**
   * Samples filterParentLimit of the task's peers that are in a serving state (Running,
   * BackToSource, Succeeded), keeps those that can serve this child, ranks them with the evaluator
   * and returns the best candidateParentLimit. Empty unless the child is ReceivedNormal or Running.
   * Upstream samples among all of the task's peers and then drops those not serving: in a flash
   * crowd most peers have just registered, a sample can then hold no parent at all, and the child
   * waits a retry interval (500 ms) although parents exist. Sampling among serving peers only
   * finds one whenever any exists.
   */
  findCandidateParents(peer: Peer): Peer[] {
    if (peer.state !== 'ReceivedNormal' && peer.state !== 'Running') return [];
    const task = peer.task;
    const candidates: Peer[] = [];
    // A child without any edge (the usual case: it has just registered, or its in-edges were dropped
    // for this round and it serves nobody yet) cannot close a cycle, and no candidate already has an
    // edge to it: every candidate sampled from the task's graph passes canAddPeerEdge.
    const isolated = peer.parentCount === 0 && task.peerOutDegree(peer.id) === 0 && task.hasPeer(peer.id);
    for (const candidate of task.randomServingPeers(this.config.filterParentLimit, this.random)) {
      if (candidate === peer || (peer.blockParents.size > 0 && peer.blockParents.has(candidate.id))) continue;
      const host = candidate.host;
      if (host === peer.host || host.id === peer.host.id) continue;
      if (host.disableShared || host.uploadsFailing || host.freeUploadCount <= 0) continue;
      // A normal peer is a parent only once it is itself fed: by a parent, by the source, or finished.
      const state = candidate.state;
      if (!host.isSeed && state !== 'BackToSource' && state !== 'Succeeded' && candidate.parentCount === 0) continue;
      if (this.evaluator.isBadParent(candidate)) continue;
      if (!isolated && !task.canAddPeerEdge(candidate.id, peer.id)) continue;
      candidates.push(candidate);
    }
    const ranked = this.evaluator.evaluateParents(candidates, peer);
    if (ranked.length > this.config.candidateParentLimit) ranked.length = this.config.candidateParentLimit;
    return ranked;
  }
}

function cancellableSleep(ms: number, cancel?: CancelToken): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancelled = (): SchedulerError => new SchedulerError('DF_ERR_SCHEDULER_CANCELLED', 'the peer stream ended while scheduling');
    if (cancel?.aborted) {
      reject(cancelled());
      return;
    }
    const stop = cancel?.onCancel(() => {
      clearTimeout(timer);
      reject(cancelled());
    });
    const timer = setTimeout(() => {
      stop?.();
      resolve();
    }, ms);
    timer.unref();
  });
}
