import { assertNever } from '@d7y/core';
import type { Logger } from '@d7y/logger';
import type { scheduler } from '@d7y/rpc';
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

/** The part of a grpc-js bidi call the session uses. */
export interface AnnouncePeerStream {
  on(event: 'data', listener: (req: Request) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  /** A message, or one already encoded to protobuf bytes. */
  write(res: Response | Buffer): boolean;
  end(): void;
  pause(): unknown;
  resume(): unknown;
}

export interface AnnouncePeerSessionDeps {
  stream: AnnouncePeerStream;
  caller: Caller;
  announcer: PeerAnnouncer;
  resource: Resource;
  encoder: ResponseEncoder;
  /** Takes one message token for the caller's identity; false = over its rate. */
  takeMessageToken: (caller: Caller) => boolean;
  /** Messages queued behind one being handled before the stream is paused. */
  maxQueuedMessages: number;
  /** Ends the stream with the status for err. */
  fail: (err: unknown) => void;
  /** Called once when the session ends, whichever way. */
  onClose?: () => void;
  logger: Logger;
}

/**
 * One AnnouncePeer stream: messages are handled strictly one after the other (scheduling may
 * wait between rounds, and later messages wait for it). The first message must be RegisterPeer;
 * every later one must carry the same host, task and peer IDs.
 */
export class AnnouncePeerSession {
  private readonly deps: AnnouncePeerSessionDeps;
  private readonly log: Logger;
  private readonly queue: Request[] = [];
  private readonly cancel = new CancelToken();
  private ids: PeerIds | undefined;
  private peer: Peer | undefined;
  private busy = false;
  private paused = false;
  private closed = false;
  private clientEnded = false;

  constructor(deps: AnnouncePeerSessionDeps) {
    this.deps = deps;
    this.log = deps.logger;
  }

  start(): void {
    const { stream } = this.deps;
    stream.on('data', (req) => this.enqueue(req));
    stream.on('end', () => {
      this.clientEnded = true;
      this.maybeFinish();
    });
    stream.on('error', () => this.close());
    stream.on('close', () => this.close());
  }

  private enqueue(req: Request): void {
    if (this.closed) return;
    if (!this.deps.takeMessageToken(this.deps.caller)) {
      this.fail(new SchedulerError('DF_ERR_SCHEDULER_RATE_LIMITED', `identity ${this.deps.caller.identity} is sending messages faster than its limit`));
      return;
    }
    this.queue.push(req);
    if (this.queue.length >= this.deps.maxQueuedMessages && !this.paused) {
      this.paused = true;
      this.deps.stream.pause();
    }
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (!this.closed && this.queue.length > 0) {
        const req = this.queue.shift() as Request;
        if (this.paused && this.queue.length < this.deps.maxQueuedMessages / 2) {
          this.paused = false;
          this.deps.stream.resume();
        }
        const response = await this.handle(req);
        if (response !== undefined && !this.closed) this.deps.stream.write(response);
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
    if (this.closed || !this.clientEnded || this.busy || this.queue.length > 0) return;
    this.markClosed();
    this.deps.stream.end();
  }

  private markClosed(): void {
    this.closed = true;
    this.queue.length = 0;
    this.cancel.cancel();
    // A peer whose stream ended before it started downloading will never report again: fail it so
    // GC frees it (and its owner's quota) at the next pass instead of after peerTTL.
    const peer = this.peer;
    if (peer !== undefined && peer.fsm.is('Pending', 'ReceivedEmpty', 'ReceivedTiny', 'ReceivedSmall', 'ReceivedNormal')) {
      peer.fsm.fireIfCan('DownloadFailed');
    }
    this.deps.onClose?.();
  }

  private fail(err: unknown): void {
    if (this.closed) return;
    this.markClosed();
    if (err instanceof SchedulerError) {
      this.log.info({ component: 'announce-peer', identity: this.deps.caller.identity, peerId: this.ids?.peerId, code: err.code, reason: err.message }, 'AnnouncePeer refused');
    } else {
      this.log.error({ component: 'announce-peer', identity: this.deps.caller.identity, err, peerId: this.ids?.peerId }, 'AnnouncePeer failed');
    }
    this.deps.fail(err);
  }

  private close(): void {
    if (this.closed) return;
    this.markClosed();
  }

  private async handle(req: Request): Promise<Response | Buffer | undefined> {
    const { announcer } = this.deps;
    const kind = req.request;
    if (kind === undefined) throw invalidArgument('AnnouncePeerRequest carries no request');
    if (kind === 'register_peer_request') {
      if (this.ids !== undefined) throw outOfOrder(`peer ${this.ids.peerId} is already registered on this stream`);
      const ids = { hostId: req.host_id, taskId: req.task_id, peerId: req.peer_id };
      const download = downloadFromProto(req.register_peer_request?.download);
      this.ids = ids;
      const { peer, result } = await announcer.register(ids, download, this.deps.caller, this.cancel);
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
    if (this.deps.resource.peers.get(this.peer.id) !== this.peer) {
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
        return this.deps.encoder.normalTaskResponse(result.parents);
      case 'needBackToSource':
        return { need_back_to_source_response: { description: result.description } };
      default:
        return assertNever(result);
    }
  }
}
