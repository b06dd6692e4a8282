import { assertNever } from '@d7y/core';
import type { Logger } from '@d7y/logger';
import type { DirectBidiHandler, scheduler } from '@d7y/rpc';
import type { CallObserver } from '@d7y/telemetry';
import { SchedulerError, invalidArgument, outOfOrder } from '../errors.js';
import type { Peer } from '../resource/peer.js';
import type { Resource } from '../resource/resource.js';
import { CancelToken } from '../scheduling/cancel-token.js';
import type { ScheduleResult } from '../scheduling/scheduling.js';
import type { Caller } from './caller.js';
import type { PeerAnnouncer, PeerIds, RegisterResult } from './peer-announcer.js';
import type { ResponseEncoder } from './response-encoder.js';
import { candidateParentIdsFromProto, downloadFromProto, pieceFromProto } from './to-proto.js';

type Request = scheduler.AnnouncePeerRequest__Output;
type Response = scheduler.AnnouncePeerResponse;

/** The part of a call the session uses: a DirectBidiCall, or an adapter over a grpc-js bidi call. */
export interface AnnouncePeerStream {
  /** A message, or one already encoded to protobuf bytes. */
  write(res: Response | Buffer): boolean;
  /** Ends the call with OK. */
  end(): void;
  /** Ends the call with the status for err. */
  fail(err: unknown): void;
  pause(): unknown;
  resume(): unknown;
}

/** What every AnnouncePeer session of one server shares: one object, not one per session. */
export interface AnnouncePeerSessions {
  announcer: PeerAnnouncer;
  resource: Resource;
  encoder: ResponseEncoder;
  /** Takes one message token for the caller's identity; false = over its rate. */
  takeMessageToken: (caller: Caller) => boolean;
  /** Messages queued behind one being handled before the stream is paused. */
  maxQueuedMessages: number;
  /** The open sessions; a session leaves it when it ends, whichever way. */
  open: Set<AnnouncePeerSession>;
  /** Told how calls served outside grpc-js ended (grpc-js calls are seen by its interceptors). */
  observer?: CallObserver;
  logger: Logger;
}

/**
 * One AnnouncePeer stream: messages are handled strictly one after the other (scheduling may
 * wait between rounds, and later messages wait for it). The first message must be RegisterPeer;
 * every later one must carry the same host, task and peer IDs.
 * It is the DirectBidiCall's handler itself; a grpc-js call's events are forwarded to the same
 * methods. There is one session per downloading peer, so it makes no closures of its own.
 */
export class AnnouncePeerSession implements DirectBidiHandler<Request> {
  private readonly shared: AnnouncePeerSessions;
  private readonly stream: AnnouncePeerStream;
  private readonly caller: Caller;
  /** When the call started, for `shared.observer` (calls served outside grpc-js only). */
  private readonly startedAt: number | undefined;
  /** Messages waiting behind the one being handled; made when the first has to wait. */
  private queue: Request[] | undefined;
  private readonly cancel = new CancelToken();
  private ids: PeerIds | undefined;
  private peer: Peer | undefined;
  private busy = false;
  private paused = false;
  private closed = false;
  private clientEnded = false;

  constructor(shared: AnnouncePeerSessions, stream: AnnouncePeerStream, caller: Caller, startedAt?: number) {
    this.shared = shared;
    this.stream = stream;
    this.caller = caller;
    this.startedAt = startedAt;
    shared.open.add(this);
  }

  onMessage(req: Request): void {
    if (this.closed) return;
    if (!this.shared.takeMessageToken(this.caller)) {
      this.fail(new SchedulerError('DF_ERR_SCHEDULER_RATE_LIMITED', `identity ${this.caller.identity} is sending messages faster than its limit`));
      return;
    }
    const queue = (this.queue ??= []);
    queue.push(req);
    if (queue.length >= this.shared.maxQueuedMessages && !this.paused) {
      this.paused = true;
      this.stream.pause();
    }
    void this.drain();
  }

  onHalfClose(): void {
    this.clientEnded = true;
    this.maybeFinish();
  }

  onClose(): void {
    this.close();
  }

  onStatus(code: number): void {
    if (this.startedAt !== undefined) this.shared.observer?.ended(this.startedAt, code);
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const queue = this.queue as Request[];
    try {
      while (!this.closed && queue.length > 0) {
        const req = queue.shift() as Request;
        if (this.paused && queue.length < this.shared.maxQueuedMessages / 2) {
          this.paused = false;
          this.stream.resume();
        }
        const response = await this.handle(req);
        if (response !== undefined && !this.closed) this.stream.write(response);
      }
    } catch (err) {
      this.fail(err);
    } finally {
      this.busy = false;
    }
    this.maybeFinish();
  }

  /** Ends the stream with UNAVAILABLE because the scheduler stops. */
  shutdown(): void {
    this.fail(new SchedulerError('DF_ERR_SCHEDULER_UNAVAILABLE', 'the scheduler is stopping'));
  }

  private maybeFinish(): void {
    if (this.closed || !this.clientEnded || this.busy || (this.queue?.length ?? 0) > 0) return;
    this.markClosed();
    this.stream.end();
  }

  private markClosed(): void {
    this.closed = true;
    if (this.queue !== undefined) this.queue.length = 0;
    this.cancel.cancel();
    // A peer whose stream ended before it started downloading will never report again: fail it so
    // GC frees it (and its owner's quota) at the next pass instead of after peerTTL.
    const peer = this.peer;
    if (peer !== undefined && peer.fsm.is('Pending', 'ReceivedEmpty', 'ReceivedTiny', 'ReceivedSmall', 'ReceivedNormal')) {
      peer.fsm.fireIfCan('DownloadFailed');
    }
    this.shared.open.delete(this);
  }

  private fail(err: unknown): void {
    if (this.closed) return;
    this.markClosed();
    if (err instanceof SchedulerError) {
      this.shared.logger.info({ component: 'announce-peer', identity: this.caller.identity, peerId: this.ids?.peerId, code: err.code, reason: err.message }, 'AnnouncePeer refused');
    } else {
      this.shared.logger.error({ component: 'announce-peer', identity: this.caller.identity, err, peerId: this.ids?.peerId }, 'AnnouncePeer failed');
    }
    this.stream.fail(err);
  }

  private close(): void {
    if (this.closed) return;
    this.markClosed();
  }

  private async handle(req: Request): Promise<Response | Buffer | undefined> {
    const { announcer } = this.shared;
    const kind = req.request;
    if (kind === undefined) throw invalidArgument('AnnouncePeerRequest carries no request');
    if (kind === 'register_peer_request') {
      if (this.ids !== undefined) throw outOfOrder(`peer ${this.ids.peerId} is already registered on this stream`);
      const ids = { hostId: req.host_id, taskId: req.task_id, peerId: req.peer_id };
      const download = downloadFromProto(req.register_peer_request?.download);
      this.ids = ids;
      const { peer, result } = await announcer.register(ids, download, this.caller, this.cancel);
      this.peer = peer;
      // The host's and task's own ID strings, not the request's copies: the session holds them as
      // long as the download runs.
      this.ids = { hostId: peer.host.id, taskId: peer.task.id, peerId: peer.id };
      return this.registerResponse(result);
    }
    const peer = this.currentPeer(req, kind);
    switch (kind) {
      case 'download_peer_started_request':
        announcer.downloadPeerStarted(peer);
        return undefined;
      case 'download_peer_back_to_source_started_request':
        announcer.downloadPeerBackToSourceStarted(peer);
        return undefined;
      case 'reschedule_peer_request': {
        const body = req.reschedule_peer_request;
        if (!body) throw invalidArgument('reschedule_peer_request is empty');
        const result = await announcer.reschedule(peer, candidateParentIdsFromProto(body), body.description?.slice(0, 1024), this.cancel);
        return this.scheduleResponse(result);
      }
      case 'download_peer_finished_request':
        announcer.downloadPeerFinished(peer);
        return undefined;
      case 'download_peer_back_to_source_finished_request':
        announcer.downloadPeerBackToSourceFinished(peer);
        return undefined;
      case 'download_peer_failed_request':
        announcer.downloadPeerFailed(peer, req.download_peer_failed_request?.description?.slice(0, 1024));
        return undefined;
      case 'download_peer_back_to_source_failed_request':
        announcer.downloadPeerBackToSourceFailed(peer, req.download_peer_back_to_source_failed_request?.description?.slice(0, 1024));
        return undefined;
      case 'download_piece_finished_request':
        announcer.downloadPieceFinished(peer, pieceFromProto(req.download_piece_finished_request?.piece, 'download_piece_finished_request'));
        return undefined;
      case 'download_piece_back_to_source_finished_request':
        announcer.downloadPieceBackToSourceFinished(
          peer,
          pieceFromProto(req.download_piece_back_to_source_finished_request?.piece, 'download_piece_back_to_source_finished_request'),
        );
        return undefined;
      case 'download_piece_failed_request': {
        const body = req.download_piece_failed_request;
        if (!body) throw invalidArgument('download_piece_failed_request is empty');
        announcer.downloadPieceFailed(peer, {
          ...(body.piece_number !== undefined ? { pieceNumber: body.piece_number } : {}),
          parentId: body.parent_id.slice(0, 512),
          temporary: body.temporary,
        });
        return undefined;
      }
      case 'download_piece_back_to_source_failed_request': {
        const body = req.download_piece_back_to_source_failed_request;
        const description = body?.backend?.message ?? body?.unknown?.message ?? 'unknown error';
        announcer.downloadPieceBackToSourceFailed(peer, {
          ...(body?.piece_number !== undefined ? { pieceNumber: body.piece_number } : {}),
          description,
        });
        return undefined;
      }
      default:
        return assertNever(kind);
    }
  }

  /** The peer registered on this stream; refuses messages before registration or for other IDs. */
  private currentPeer(req: Request, kind: string): Peer {
    if (this.ids === undefined || this.peer === undefined) {
      throw outOfOrder(`${kind} before register_peer_request: register the peer on this stream first`);
    }
    if (req.host_id !== this.ids.hostId || req.task_id !== this.ids.taskId || req.peer_id !== this.ids.peerId) {
      throw invalidArgument(`${kind} carries IDs that differ from the ones registered on this stream`);
    }
    if (this.shared.resource.peers.get(this.peer.id) !== this.peer) {
      throw new SchedulerError('DF_ERR_SCHEDULER_PEER_NOT_FOUND', `peer ${this.peer.id} no longer exists (deleted or collected)`);
    }
    return this.peer;
  }

  private registerResponse(result: RegisterResult): Response | Buffer {
    switch (result.kind) {
      case 'empty':
        return { empty_task_response: {} };
      case 'metadataOnly':
        return { metadata_only_response: {} };
      case 'normal':
      case 'needBackToSource':
        return this.scheduleResponse(result);
      default:
        return assertNever(result);
    }
  }

  private scheduleResponse(result: ScheduleResult): Response | Buffer {
    switch (result.kind) {
      case 'normal':
        return this.shared.encoder.normalTaskResponse(result.parents);
      case 'needBackToSource':
        return { need_back_to_source_response: { description: result.description } };
      default:
        return assertNever(result);
    }
  }
}
