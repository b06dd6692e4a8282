import { InvalidIdError, MAX_PIECE_LENGTH, assertHostId, assertPeerId, assertTaskId, assertNever, parseDigest } from '@d7y/core';
import type { Logger } from '@d7y/logger';
import { SchedulerError, invalidArgument, outOfOrder } from '../errors.js';
import type { Download, Priority } from '../resource/download.js';
import { Peer } from '../resource/peer.js';
import type { Resource } from '../resource/resource.js';
import type { SeedPeer } from '../resource/seed-peer.js';
import type { Task } from '../resource/task.js';
import { hasTaskIdInputs, taskIdInputs, taskIdMatches } from '../resource/task-id-check.js';
import type { CancelToken } from '../scheduling/cancel-token.js';
import type { ScheduleResult, Scheduling } from '../scheduling/scheduling.js';
import type { Caller } from './caller.js';

/** What RegisterPeer leads to. */
export type RegisterResult = { kind: 'empty' } | { kind: 'metadataOnly' } | ScheduleResult;

export type TrafficType = 'backToSource' | 'remotePeer' | 'localPeer';

/** A piece a peer reports as finished. */
export interface PieceReport {
  number: number;
  parentId?: string;
  /** Bytes. */
  offset: number;
  /** Bytes. */
  length: number;
  digest: string;
  trafficType?: TrafficType;
  costMs: number;
}

export interface PeerIds {
  hostId: string;
  taskId: string;
  peerId: string;
}

export interface PeerAnnouncerConfig {
  /** Peers of one task allowed in BackToSource at once (scheduler.backToSourceCount). */
  backToSourceCount: number;
  /** Pieces a peer downloads at once when it does not say (upstream 8). */
  defaultConcurrentPieceCount: number;
  /** Anti-herd delay for concurrent registrations on one normal host: base·2^(n−2) ms, capped. */
  registerDelayBaseMs: number;
  registerDelayMaxMs: number;
}

/** Download descriptions remembered per task as already matching its ID (bounded: they come from clients). */
const MAX_CHECKED_ID_INPUTS = 8;

/** Most pieces a task may have: 64 TiB at 64 MiB pieces. */
export const MAX_PIECE_COUNT = 1 << 20;
/** Upstream caps concurrent pieces per peer well below this. */
export const MAX_CONCURRENT_PIECE_COUNT = 1024;

export interface PeerAnnouncerDeps {
  resource: Resource;
  scheduling: Scheduling;
  seedPeer: SeedPeer;
  config: PeerAnnouncerConfig;
  logger: Logger;
  sleep?: (ms: number, cancel?: CancelToken) => Promise<void>;
  random?: () => number;
  /** The priority a download runs with (application priorities from the manager); default its own. */
  priorityOf?: (download: { priority: Priority; application?: string | undefined; url: string }) => Priority;
}

/**
 * The AnnouncePeer protocol on domain types: one method per request of the stream. The gRPC
 * session (announce-peer.ts) decodes messages, enforces their order and calls these.
 */
export class PeerAnnouncer {
  private readonly resource: Resource;
  private readonly scheduling: Scheduling;
  private readonly seedPeer: SeedPeer;
  private readonly config: PeerAnnouncerConfig;
  private readonly log: Logger;
  private readonly sleep: (ms: number, cancel?: CancelToken) => Promise<void>;
  private readonly random: () => number;
  private readonly priorityOf: (download: { priority: Priority; application?: string | undefined; url: string }) => Priority;

  constructor(deps: PeerAnnouncerDeps) {
    this.resource = deps.resource;
    this.priorityOf = deps.priorityOf ?? ((d) => d.priority);
    this.scheduling = deps.scheduling;
    this.seedPeer = deps.seedPeer;
    this.config = deps.config;
    this.log = deps.logger.child({ component: 'announce-peer' });
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()));
    this.random = deps.random ?? Math.random;
  }

  /**
   * RegisterPeerRequest: checks the IDs against the host, the caller and the download, creates the
   * task and the peer, decides seed trigger / back-to-source, and schedules.
   */
  async register(ids: PeerIds, download: Download, caller: Caller, cancel?: CancelToken): Promise<{ peer: Peer; result: RegisterResult }> {
    validateIds(ids);
    const host = this.resource.hosts.get(ids.hostId);
    if (host === undefined) {
      throw new SchedulerError('DF_ERR_SCHEDULER_HOST_NOT_FOUND', `host ${ids.hostId} is not announced; call AnnounceHost first`);
    }
    if (host.hostname !== caller.hostname) {
      throw new SchedulerError(
        'DF_ERR_SCHEDULER_PERMISSION_DENIED',
        `host ${ids.hostId} belongs to hostname ${host.hostname}, not to the caller's certificate (${caller.hostname})`,
      );
    }
    if (!ids.peerId.startsWith(`${host.ip}-${host.hostname}-`)) {
      throw invalidArgument(`peer id ${ids.peerId} does not belong to host ${host.id} (expected "${host.ip}-${host.hostname}-<uuid>")`);
    }
    if (download.type !== 'standard') throw invalidArgument(`task type ${download.type} is not supported by this scheduler`);
    const existing = this.resource.tasks.get(ids.taskId);
    let checked = false;
    for (const inputs of existing?.checkedIdInputs ?? []) checked ||= hasTaskIdInputs(download, inputs);
    if (!checked && !taskIdMatches(ids.taskId, download)) {
      throw invalidArgument(
        `task id ${ids.taskId} does not match the download (url, tag, application, piece_length, filtered_query_params)`,
      );
    }
    const layout = contentLayout(download);

    const task =
      existing ??
      this.resource.getOrAddTask({
        id: ids.taskId,
        type: download.type,
        url: download.url,
        tag: download.tag,
        application: download.application,
        digest: download.digest,
        filteredQueryParams: download.filteredQueryParams,
        requestHeader: download.requestHeader,
        backToSourceLimit: this.config.backToSourceCount,
      });
    if (!checked && task.checkedIdInputs.length < MAX_CHECKED_ID_INPUTS) task.checkedIdInputs.push(taskIdInputs(download));
    if (task.url !== download.url || (download.digest !== undefined && task.digest !== download.digest)) task.bumpVersion();
    task.url = download.url;
    task.filteredQueryParams = download.filteredQueryParams;
    task.requestHeader = download.requestHeader;
    if (download.digest !== undefined) task.digest = download.digest;
    if (layout !== undefined && task.setContentLayout(layout.contentLength, layout.pieceLength, layout.pieceCount)) {
      this.log.warn({ taskId: task.id, contentLength: layout.contentLength }, 'content layout changed; trusted piece digests dropped');
    }

    const peer = new Peer({
      id: ids.peerId,
      task,
      host,
      owner: caller.identity,
      priority: this.priorityOf(download),
      range: download.range,
      concurrentPieceCount: download.concurrentPieceCount ?? this.config.defaultConcurrentPieceCount,
      needBackToSource: download.needBackToSource,
      disableBackToSource: download.disableBackToSource,
      now: this.resource.now,
    });
    this.resource.addPeer(peer);
    host.touch(this.resource.now());
    if (this.log.isLevelEnabled('debug')) {
      this.log.debug({ hostId: host.id, taskId: task.id, peerId: peer.id, priority: peer.priority, needBackToSource: peer.needBackToSource }, 'peer registered');
    }

    host.concurrentRegistrations += 1;
    try {
      if (download.metadataOnly) {
        task.fsm.fireIfCan('Download');
        peer.fsm.fire('RegisterNormal');
        return { peer, result: { kind: 'metadataOnly' } };
      }
      if (!peer.needBackToSource && (task.fsm.is('Pending', 'Failed', 'Leave') || !task.hasAvailablePeerBesides(peer))) {
        this.firstDownload(peer, download);
      }
      task.fsm.fireIfCan('Download');
      if (task.sizeScope() === 'empty') {
        peer.fsm.fire('RegisterEmpty');
        return { peer, result: { kind: 'empty' } };
      }
      // v2 schedules tiny, small and unknown sizes like normal ones.
      peer.fsm.fire('RegisterNormal');
      const herdDelay = this.antiHerdDelay(peer, cancel);
      if (herdDelay !== undefined) await herdDelay;
      return { peer, result: await this.scheduling.scheduleCandidateParents(peer, cancel) };
    } catch (err) {
      peer.fsm.fireIfCan('DownloadFailed');
      throw err;
    } finally {
      host.concurrentRegistrations -= 1;
    }
  }

  /**
   * Nobody serves the task yet. By priority: LEVEL1 forbidden, LEVEL2 P2P only (no peer → NotFound),
   * LEVEL3 the peer goes to the source; otherwise a normal host triggers the task's seed peer,
   * unless that seed failed recently or none is available, then the peer goes to the source.
   */
  private firstDownload(peer: Peer, download: Download): void {
    const priority = peer.priority;
    switch (priority) {
      case 1:
        throw new SchedulerError('DF_ERR_SCHEDULER_DOWNLOAD_FORBIDDEN', `downloads of task ${peer.task.id} are forbidden (priority LEVEL1)`);
      case 2:
        throw new SchedulerError('DF_ERR_SCHEDULER_NO_CANDIDATE_PEERS', `no candidate peers for task ${peer.task.id} (priority LEVEL2 is P2P only)`);
      case 3:
        peer.needBackToSource = true;
        return;
      case 0:
      case 4:
      case 5:
      case 6: {
        if (!peer.host.isSeed && !this.seedPeer.failedRecently(peer.task)) {
          const seed = this.seedPeer.trigger(peer.task, download);
          if (seed !== undefined) {
            this.log.info({ hostId: peer.host.id, taskId: peer.task.id, peerId: peer.id, seedHostId: seed.id }, 'seed peer triggered');
            return;
          }
        }
        peer.needBackToSource = true;
        return;
      }
      default:
        assertNever(priority);
    }
  }

  /**
   * Concurrent registrations on one normal host wait base·2^(n−2) ms (n ≥ 2 RegisterPeer calls of
   * this host in flight, this one included),
   * capped at max, ±25 % jitter: a host starting many downloads at once does not stampede the
   * scheduler. Seed hosts never wait.
   */
  /** The wait, when there is one (undefined: go on in this tick, no promise made). */
  private antiHerdDelay(peer: Peer, cancel?: CancelToken): Promise<void> | undefined {
    const host = peer.host;
    if (host.isSeed) return undefined;
    const n = host.concurrentRegistrations;
    if (n < 2) return undefined;
    const delay = Math.min(this.config.registerDelayMaxMs, this.config.registerDelayBaseMs * 2 ** (n - 2));
    return this.sleep(delay * (0.75 + 0.5 * this.random()), cancel);
  }

  /** DownloadPeerStartedRequest: Received* → Running (again after a reschedule is fine). */
  downloadPeerStarted(peer: Peer): void {
    if (!peer.fsm.is('Running')) peer.fsm.fire('Download');
    peer.task.fsm.fireIfCan('Download');
    peer.task.touch();
  }

  /** DownloadPeerBackToSourceStartedRequest: → BackToSource (counts against backToSourceCount). */
  downloadPeerBackToSourceStarted(peer: Peer): void {
    if (!peer.fsm.is('BackToSource')) peer.fsm.fire('DownloadBackToSource');
    peer.task.fsm.fireIfCan('Download');
    peer.task.touch();
  }

  /** ReschedulePeerRequest: blocks the given parents and schedules again. */
  async reschedule(peer: Peer, candidateParentIds: readonly string[], description: string | undefined, cancel?: CancelToken): Promise<ScheduleResult> {
    if (!peer.fsm.is('ReceivedNormal', 'Running')) {
      throw outOfOrder(`peer ${peer.id} is ${peer.state}; ReschedulePeer is allowed only after NormalTaskResponse`);
    }
    for (const id of candidateParentIds) peer.blockParent(id);
    peer.touch();
    this.log.info({ peerId: peer.id, taskId: peer.task.id, blocked: candidateParentIds, description }, 'reschedule');
    try {
      return await this.scheduling.scheduleCandidateParents(peer, cancel);
    } catch (err) {
      if (err instanceof SchedulerError && err.code === 'DF_ERR_SCHEDULER_RETRY_LIMIT_EXCEEDED') peer.fsm.fireIfCan('DownloadFailed');
      throw err;
    }
  }

  /** DownloadPeerFinishedRequest: → Succeeded. */
  downloadPeerFinished(peer: Peer): void {
    peer.fsm.fire('DownloadSucceeded');
    peer.task.touch();
  }

  /** DownloadPeerBackToSourceFinishedRequest: → Succeeded; the task too when the peer fetched all of it. */
  downloadPeerBackToSourceFinished(peer: Peer): void {
    if (!peer.fsm.is('BackToSource')) {
      throw outOfOrder(`peer ${peer.id} is ${peer.state}; send DownloadPeerBackToSourceStarted first`);
    }
    peer.fsm.fire('DownloadSucceeded');
    if (peer.range === undefined) peer.task.fsm.fireIfCan('DownloadSucceeded');
    peer.task.touch();
  }

  /** DownloadPeerFailedRequest: → Failed. */
  downloadPeerFailed(peer: Peer, description: string | undefined): void {
    peer.fsm.fire('DownloadFailed');
    peer.task.touch();
    this.log.info({ peerId: peer.id, taskId: peer.task.id, description }, 'peer download failed');
  }

  /** DownloadPeerBackToSourceFailedRequest: → Failed; the task forgets its length and fails. */
  downloadPeerBackToSourceFailed(peer: Peer, description: string | undefined): void {
    peer.fsm.fire('DownloadFailed');
    const task = peer.task;
    task.resetContentLength();
    task.fsm.fireIfCan('DownloadFailed');
    if (peer.host.isSeed) task.seedPeerFailedAt = this.resource.now();
    this.log.warn({ peerId: peer.id, taskId: task.id, description }, 'peer back-to-source failed');
  }

  /** DownloadPieceFinishedRequest (from a parent or local): records the piece; its digest is NOT trusted. */
  downloadPieceFinished(peer: Peer, piece: PieceReport): void {
    requireDownloading(peer, 'DownloadPieceFinished');
    checkPieceGeometry(peer.task, piece);
    peer.finishPiece(piece.number, piece.costMs);
    peer.task.touch();
    if (piece.parentId !== undefined) {
      const parent = peer.task.getPeer(piece.parentId);
      if (parent !== undefined) {
        parent.touch();
        parent.host.touch(this.resource.now());
      }
    }
  }

  /**
   * DownloadPieceBackToSourceFinishedRequest: records the piece and, first report wins, its digest as
   * the task's trusted digest for that piece. Only a peer in BackToSource may report one; the digest
   * must be sha256.
   */
  downloadPieceBackToSourceFinished(peer: Peer, piece: PieceReport): void {
    if (!peer.fsm.is('BackToSource')) {
      throw outOfOrder(`peer ${peer.id} is ${peer.state}; send DownloadPeerBackToSourceStarted before back-to-source pieces`);
    }
    checkPieceGeometry(peer.task, piece);
    let algorithm: string;
    try {
      algorithm = parseDigest(piece.digest).algorithm;
    } catch (err) {
      throw invalidArgument(`piece ${piece.number}: ${(err as Error).message}`);
    }
    if (algorithm !== 'sha256') throw invalidArgument(`piece ${piece.number}: back-to-source piece digests must be sha256, got ${algorithm}`);
    peer.finishPiece(piece.number, piece.costMs);
    const task = peer.task;
    task.touch();
    const outcome = task.recordTrustedPiece({
      number: piece.number,
      offset: piece.offset,
      length: piece.length,
      digest: piece.digest,
      reportedBy: peer.id,
      costMs: piece.costMs,
      createdAt: this.resource.now(),
    });
    if (outcome === 'conflict') {
      const known = task.pieces.get(piece.number);
      this.log.warn(
        { taskId: task.id, peerId: peer.id, pieceNumber: piece.number, trustedFrom: known?.reportedBy },
        'back-to-source piece digest conflicts with the trusted one; ignored',
      );
    }
  }

  /** DownloadPieceFailedRequest: temporary → block that parent for this peer; permanent → error. */
  downloadPieceFailed(peer: Peer, report: { pieceNumber?: number; parentId: string; temporary: boolean }): void {
    requireDownloading(peer, 'DownloadPieceFailed');
    if (!report.temporary) {
      throw new SchedulerError('DF_ERR_SCHEDULER_PIECE_FAILED', `piece ${String(report.pieceNumber)} of peer ${peer.id} failed permanently`);
    }
    peer.touch();
    if (report.parentId !== '') {
      peer.blockParent(report.parentId);
      peer.task.getPeer(report.parentId)?.host.recordUploadFailed();
    }
    peer.task.touch();
  }

  /**
   * DownloadPieceBackToSourceFailedRequest: recorded, the stream goes on. (Upstream ends the stream
   * with Internal; the daemon then loses the channel on which it reports the trusted digests of the
   * pieces it still fetches from the source after a retry.)
   */
  downloadPieceBackToSourceFailed(peer: Peer, report: { pieceNumber?: number; description: string }): void {
    if (!peer.fsm.is('BackToSource')) {
      throw outOfOrder(`peer ${peer.id} is ${peer.state}; send DownloadPeerBackToSourceStarted before back-to-source pieces`);
    }
    peer.touch();
    peer.task.touch();
    this.log.info(
      { peerId: peer.id, taskId: peer.task.id, pieceNumber: report.pieceNumber, reason: report.description.slice(0, 200) },
      'piece failed at the source',
    );
  }
}

function validateIds(ids: PeerIds): void {
  try {
    assertHostId(ids.hostId);
    assertTaskId(ids.taskId);
    assertPeerId(ids.peerId);
  } catch (err) {
    if (err instanceof InvalidIdError) throw invalidArgument(err.message);
    throw err;
  }
}

function requireDownloading(peer: Peer, what: string): void {
  if (!peer.fsm.is('ReceivedNormal', 'Running', 'BackToSource')) {
    throw outOfOrder(`peer ${peer.id} is ${peer.state}; ${what} is not allowed now`);
  }
}

/** The content geometry in a RegisterPeer download, checked for consistency; undefined when unknown. */
function contentLayout(download: Download): { contentLength: number; pieceLength: number; pieceCount: number } | undefined {
  const contentLength = download.actualContentLength;
  if (contentLength === undefined) return undefined;
  if (contentLength === 0) return { contentLength: 0, pieceLength: download.actualPieceLength ?? 0, pieceCount: 0 };
  const pieceLength = download.actualPieceLength ?? download.pieceLength;
  if (pieceLength === undefined || pieceLength <= 0 || pieceLength > MAX_PIECE_LENGTH) {
    throw invalidArgument(`actual_piece_length must be 1..${MAX_PIECE_LENGTH} bytes when actual_content_length is set`);
  }
  const pieceCount = Math.ceil(contentLength / pieceLength);
  if (pieceCount > MAX_PIECE_COUNT) throw invalidArgument(`the task would have ${pieceCount} pieces (limit ${MAX_PIECE_COUNT})`);
  if (download.actualPieceCount !== undefined && download.actualPieceCount !== pieceCount) {
    throw invalidArgument(`actual_piece_count ${download.actualPieceCount} does not match ceil(${contentLength} / ${pieceLength}) = ${pieceCount}`);
  }
  return { contentLength, pieceLength, pieceCount };
}

/** A reported piece must be one of the task's pieces, at its offset and with its length. */
function checkPieceGeometry(task: Task, piece: PieceReport): void {
  if (task.contentLength < 0 || task.pieceLength <= 0) return;
  if (piece.number >= task.pieceCount) {
    throw invalidArgument(`piece ${piece.number} does not exist: task ${task.id} has ${task.pieceCount} pieces`);
  }
  const offset = piece.number * task.pieceLength;
  const length = Math.min(task.pieceLength, task.contentLength - offset);
  if (piece.offset !== offset || piece.length !== length) {
    throw invalidArgument(`piece ${piece.number} must be at offset ${offset} with length ${length}, got ${piece.offset}+${piece.length}`);
  }
}
