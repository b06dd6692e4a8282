import type * as grpc from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { assertNever } from '@d7y/core';
import type { Logger } from '@d7y/logger';
import { createDfdaemonUploadClient, type common, type dfdaemon, type scheduler } from '@d7y/rpc';
import { DfdaemonError } from '../errors.js';
import type { BackToSource } from '../download/back-to-source.js';
import { ParentRound, type Parent } from '../download/parent-round.js';
import type { PieceFetcher } from '../download/piece-fetcher.js';
import type { PeerToPeer, PeerToPeerContext } from '../download/task-manager.js';
import type { BandwidthLimiter } from '../rate-limit/bandwidth-limiter.js';
import { downloadToProto, pieceToProto } from '../service/to-proto.js';
import { AnnouncePeerStream } from './announce-peer-stream.js';
import type { HostAnnouncer, HostInfo } from './host-announcer.js';
import type { SchedulerEndpoint, SchedulerPool } from './scheduler-pool.js';

export interface PeerToPeerDownloaderDeps {
  pool: SchedulerPool;
  announcer: HostAnnouncer;
  host: () => HostInfo;
  backToSource: BackToSource;
  fetcher: PieceFetcher;
  /** mTLS credentials for parents' DfdaemonUpload (SyncPieces). */
  peerCredentials: grpc.ChannelCredentials;
  /** download.bandwidthLimit (parent pieces). */
  downloadLimiters: readonly BandwidthLimiter[];
  logger: Logger;
  /** scheduler.scheduleTimeout (ms): wait for each scheduler answer. */
  scheduleTimeoutMs: number;
  /** scheduler.maxScheduleCount. */
  maxScheduleCount: number;
  concurrentPieceCount: number;
  /** download.collectedPieceTimeout (ms). */
  collectedPieceTimeoutMs: number;
  /** Wait between StatTask refreshes of trusted digests (ms). */
  digestRefreshMs?: number;
  /** scheduler.enableBackToSource: may this peer go to the source when P2P gives up. */
  enableBackToSource?: boolean;
}

/**
 * The scheduler-driven download (upstream's AnnouncePeer flow, internals §1.4): register, then
 * follow the scheduler's answers — fetch from candidate parents (verifying every piece against
 * the digests the scheduler recorded from source fetches), report each piece, reschedule away
 * from failed parents, or go back to the source when told so, reporting those pieces as the
 * trusted ones. Throws when the scheduler cannot be reached or gives up: the caller falls back.
 */
export class PeerToPeerDownloader implements PeerToPeer {
  private readonly d: PeerToPeerDownloaderDeps;
  private readonly log: Logger;
  private readonly uploadClients = new Map<string, dfdaemon.DfdaemonUploadClient>();

  constructor(deps: PeerToPeerDownloaderDeps) {
    this.d = deps;
    this.log = deps.logger.child({ component: 'p2p' });
  }

  close(): void {
    for (const c of this.uploadClients.values()) c.close();
    this.uploadClients.clear();
  }

  async download(ctx: PeerToPeerContext): Promise<void> {
    const endpoint = this.d.pool.pick(ctx.task.id);
    if (endpoint === undefined) throw new DfdaemonError('DF_ERR_SCHEDULER_UNAVAILABLE', 'no scheduler configured');
    const log = this.log.child({ taskId: ctx.task.id, peerId: ctx.peerId, scheduler: endpoint.addr });
    const { stream, first } = await this.register(endpoint, ctx);
    try {
      const digests = new Map<number, string>();
      const refresh = this.digestRefresher(endpoint, ctx.task.id, digests);
      let started = false;
      let rounds = 0;
      for (let resp = first; ; ) {
        const kind = resp.response;
        switch (kind) {
          case 'empty_task_response':
          case 'metadata_only_response':
            stream.send({ download_peer_started_request: {} });
            stream.send({ download_peer_finished_request: {} });
            return;
          case 'need_back_to_source_response':
            log.info({ why: resp.need_back_to_source_response?.description }, 'scheduler says: back to source');
            await this.backToSource(stream, ctx);
            return;
          case 'normal_task_response': {
            if (!started) {
              stream.send({ download_peer_started_request: {} });
              for (const piece of ctx.local) stream.send({ download_piece_finished_request: { piece: pieceToProto(piece) } });
              started = true;
            }
            const candidates = resp.normal_task_response?.candidate_parents ?? [];
            for (const p of candidates) absorbDigests(p.task, digests);
            const parents = candidates.map(parentFromProto).filter((p): p is Parent => p !== undefined);
            log.info({ parents: parents.map((p) => p.id) }, 'fetching from parents');
            const result = await new ParentRound({
              task: ctx.task,
              parents,
              numbers: ctx.numbers,
              syncPieces: (parent, numbers, signal) => this.syncPieces(parent, ctx.task.id, numbers, signal),
              fetcher: this.d.fetcher,
              trustedDigest: async (n) => digests.get(n) ?? (await refresh(n)),
              limiters: this.d.downloadLimiters,
              concurrency: ctx.request.concurrentPieceCount ?? this.d.concurrentPieceCount,
              idleTimeoutMs: this.d.collectedPieceTimeoutMs,
              onPiece: (piece) => stream.send({ download_piece_finished_request: { piece: pieceToProto(piece) } }),
              onPieceFailed: (n, parentId) =>
                stream.send({ download_piece_failed_request: { piece_number: n, parent_id: parentId, temporary: true } }),
              logger: this.d.logger,
              signal: ctx.signal,
            }).run();
            const left = ctx.numbers.filter((n) => !ctx.task.hasPiece(n));
            if (left.length === 0) {
              stream.send({ download_peer_finished_request: {} });
              return;
            }
            rounds += 1;
            if (rounds >= this.d.maxScheduleCount || stream.isBroken || result.untrusted.size > 0) {
              const why = stream.isBroken
                ? 'scheduler stream broke'
                : result.untrusted.size > 0
                  ? `${result.untrusted.size} pieces have no trusted digest`
                  : 'max schedule count exceeded';
              if (!stream.isBroken && !ctx.request.disableBackToSource && this.d.enableBackToSource !== false) {
                // Fetch the rest from the source on this same stream, so that the scheduler records
                // those pieces' digests (trusted) and can offer this peer as a parent for them.
                log.warn({ left: left.length, why }, 'P2P gave up; fetching the rest from the source');
                await this.backToSource(stream, { ...ctx, numbers: left, local: [] });
                return;
              }
              stream.send({ download_peer_failed_request: { description: why } });
              log.warn({ left: left.length, why }, 'giving up on P2P');
              return;
            }
            const used = parents.map((p) => ({ id: p.id }) as common.Peer);
            stream.send({ reschedule_peer_request: { candidate_parents: used, description: `${left.length} pieces left` } });
            resp = await stream.next(this.d.scheduleTimeoutMs);
            continue;
          }
          case undefined:
            throw new DfdaemonError('DF_ERR_SCHEDULER_UNAVAILABLE', 'scheduler sent an empty answer');
          default:
            return assertNever(kind);
        }
      }
    } finally {
      stream.close();
    }
  }

  /** Opens the stream and registers; a scheduler that does not know our host yet gets it announced once. */
  private async register(
    endpoint: SchedulerEndpoint,
    ctx: PeerToPeerContext,
  ): Promise<{ stream: AnnouncePeerStream; first: scheduler.AnnouncePeerResponse__Output }> {
    for (let attempt = 0; ; attempt++) {
      const host = this.d.host();
      const stream = new AnnouncePeerStream({ client: endpoint.client, hostId: host.id, taskId: ctx.task.id, peerId: ctx.peerId });
      const onAbort = (): void => stream.cancel();
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      stream.send({
        register_peer_request: { download: downloadToProto(ctx.request, ctx.task, { needBackToSource: ctx.request.needBackToSource }) },
      });
      try {
        const first = await stream.next(this.d.scheduleTimeoutMs);
        return { stream, first };
      } catch (err) {
        stream.cancel();
        const code = stream.error?.code;
        if (attempt === 0 && code === status.NOT_FOUND) {
          await this.d.announcer.announceTo(endpoint).catch(() => undefined);
          continue;
        }
        throw err;
      } finally {
        ctx.signal.removeEventListener('abort', onAbort);
      }
    }
  }

  private async backToSource(stream: AnnouncePeerStream, ctx: PeerToPeerContext): Promise<void> {
    if (ctx.request.disableBackToSource) {
      stream.send({ download_peer_failed_request: { description: 'back-to-source disabled' } });
      throw new DfdaemonError('DF_ERR_BACK_TO_SOURCE_DISABLED', 'the scheduler has no parent for this task and back-to-source is disabled');
    }
    stream.send({ download_peer_back_to_source_started_request: {} });
    // Pieces we hold from an earlier source fetch carry digests the scheduler may trust.
    for (const piece of ctx.local) {
      const p = pieceToProto(piece);
      if (piece.trafficType === 'back-to-source') stream.send({ download_piece_back_to_source_finished_request: { piece: p } });
      else stream.send({ download_piece_finished_request: { piece: p } });
    }
    try {
      await this.d.backToSource.downloadPieces(ctx.task, ctx.source, ctx.numbers, {
        concurrency: ctx.request.concurrentPieceCount ?? this.d.concurrentPieceCount,
        signal: ctx.signal,
        onPiece: (piece) => stream.send({ download_piece_back_to_source_finished_request: { piece: pieceToProto(piece) } }),
        onPieceFailed: (n, err) =>
          stream.send({
            download_piece_back_to_source_failed_request: {
              piece_number: n,
              backend: { message: err.message, header: {}, ...(err.statusCode === undefined ? {} : { status_code: err.statusCode }) },
            },
          }),
      });
      stream.send({ download_peer_back_to_source_finished_request: {} });
    } catch (err) {
      stream.send({ download_peer_back_to_source_failed_request: { description: (err as Error).message } });
      throw err;
    }
  }

  private async *syncPieces(parent: Parent, taskId: string, numbers: readonly number[], signal: AbortSignal): AsyncIterable<number> {
    const client = this.uploadClient(parent);
    const call = client.SyncPieces({ host_id: this.d.host().id, task_id: taskId, interested_piece_numbers: [...numbers] });
    const onAbort = (): void => call.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const r of call as AsyncIterable<dfdaemon.SyncPiecesResponse__Output>) yield r.number;
    } finally {
      signal.removeEventListener('abort', onAbort);
      call.cancel();
    }
  }

  private uploadClient(parent: Parent): dfdaemon.DfdaemonUploadClient {
    const addr = parent.ip.includes(':') ? `[${parent.ip}]:${parent.port}` : `${parent.ip}:${parent.port}`;
    let c = this.uploadClients.get(addr);
    if (c === undefined) {
      c = createDfdaemonUploadClient(addr, this.d.peerCredentials);
      this.uploadClients.set(addr, c);
    }
    return c;
  }

  /** StatTask on the scheduler, at most one in flight and one per `digestRefreshMs`. */
  private digestRefresher(endpoint: SchedulerEndpoint, taskId: string, digests: Map<number, string>): (n: number) => Promise<string | undefined> {
    let inflight: Promise<void> | undefined;
    let last = 0;
    const every = this.d.digestRefreshMs ?? 150;
    return async (n) => {
      if (inflight === undefined && Date.now() - last >= every) {
        last = Date.now();
        inflight = new Promise<void>((resolve) => {
          endpoint.client.StatTask({ host_id: this.d.host().id, task_id: taskId }, { deadline: Date.now() + 5000 }, (err, task) => {
            if (err === null && task !== undefined) absorbDigests(task, digests);
            resolve();
          });
        }).finally(() => {
          inflight = undefined;
        });
      }
      await inflight;
      return digests.get(n);
    };
  }
}

/** Trusted digests are sha256 ones recorded by the scheduler from source fetches. */
function absorbDigests(task: common.Task__Output | null | undefined, into: Map<number, string>): void {
  for (const p of task?.pieces ?? []) {
    if (/^sha256:[0-9a-f]{64}$/.test(p.digest) && !into.has(p.number)) into.set(p.number, p.digest);
  }
}

function parentFromProto(p: common.Peer__Output): Parent | undefined {
  const h = p.host;
  if (h === null || h.ip === '' || h.port <= 0 || h.download_port <= 0) return undefined;
  return { id: p.id, hostId: h.id, ip: h.ip, port: h.port, downloadPort: h.download_port };
}

