import { assertNever } from '@d7y/core';
import type { common, dfdaemon, protobuf } from '@d7y/rpc';
import { DfdaemonError } from '../errors.js';
import type { DownloadRequest } from '../download/download-request.js';
import type { DownloadStarted } from '../download/task-manager.js';
import type { PieceRecord, TaskStore, TrafficType } from '../storage/task-store.js';

// The only place where domain types meet generated proto types (both directions).

export function timestamp(ms: number): protobuf.Timestamp {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

export function durationOf(ms: number): protobuf.Duration {
  return { seconds: Math.floor(ms / 1000), nanos: Math.round((ms % 1000) * 1_000_000) };
}

export function msOfDuration(d: protobuf.Duration__Output | null | undefined): number | undefined {
  if (d === null || d === undefined) return undefined;
  return Number(d.seconds) * 1000 + Math.round(d.nanos / 1_000_000);
}

export function trafficTypeToProto(t: TrafficType): common.TrafficType {
  switch (t) {
    case 'back-to-source':
      return 'BACK_TO_SOURCE';
    case 'remote-peer':
      return 'REMOTE_PEER';
    case 'local-peer':
      return 'LOCAL_PEER';
    default:
      return assertNever(t);
  }
}

export function pieceToProto(p: PieceRecord): common.Piece {
  return {
    number: p.number,
    offset: p.offset,
    length: p.length,
    digest: p.digest,
    traffic_type: trafficTypeToProto(p.trafficType),
    cost: durationOf(p.costMs),
    created_at: timestamp(p.createdAt),
    ...(p.parentId === undefined ? {} : { parent_id: p.parentId }),
  };
}

export function startedToProto(hostId: string, s: DownloadStarted, req: DownloadRequest): dfdaemon.DownloadTaskResponse {
  return {
    host_id: hostId,
    task_id: s.taskId,
    peer_id: s.peerId,
    download_task_started_response: {
      content_length: s.contentLength ?? 0,
      response_header: s.responseHeader,
      pieces: s.pieces.map(pieceToProto),
      is_finished: s.isFinished,
      ...(req.range === undefined ? {} : { range: { start: req.range.start, length: req.range.length } }),
    },
  };
}

export function pieceResponseToProto(hostId: string, taskId: string, peerId: string, p: PieceRecord): dfdaemon.DownloadTaskResponse {
  return { host_id: hostId, task_id: taskId, peer_id: peerId, download_piece_finished_response: { piece: pieceToProto(p) } };
}

export function taskToProto(t: TaskStore): common.Task {
  const state = t.isFinished ? 'Succeeded' : t.isFailed ? 'Failed' : 'Running';
  const len = t.contentLength ?? 0;
  return {
    id: t.id,
    type: 'STANDARD',
    url: t.meta.url,
    content_length: len,
    piece_count: t.pieceCount ?? 0,
    size_scope: len === 0 ? 'EMPTY' : len <= 128 ? 'TINY' : (t.pieceCount ?? 0) === 1 ? 'SMALL' : 'NORMAL',
    pieces: t.pieces().map(pieceToProto),
    state,
    peer_count: 1,
    has_available_peer: t.isFinished,
    created_at: timestamp(t.meta.createdAt),
    updated_at: timestamp(t.meta.updatedAt),
    request_header: {},
    filtered_query_params: [],
    ...(t.meta.digest === undefined ? {} : { digest: t.meta.digest }),
  };
}

const PRIORITY_NUMBER: Record<common.Priority__Output, number> = {
  LEVEL0: 0,
  LEVEL1: 1,
  LEVEL2: 2,
  LEVEL3: 3,
  LEVEL4: 4,
  LEVEL5: 5,
  LEVEL6: 6,
};

/** common.v2.Download → DownloadRequest. `output_path` is handled (or refused) by the caller. */
export function downloadFromProto(d: common.Download__Output | null | undefined): DownloadRequest {
  if (d === null || d === undefined) throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', 'download is required');
  if (d.type !== 'STANDARD') throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', `task type ${d.type} is not supported`);
  const timeoutMs = msOfDuration(d.timeout);
  const req: DownloadRequest = {
    url: d.url,
    requestHeader: { ...d.request_header },
    priority: PRIORITY_NUMBER[d.priority] ?? 0,
    disableBackToSource: d.disable_back_to_source,
    needBackToSource: d.need_back_to_source,
    ...(d.filtered_query_params.length > 0 ? { filteredQueryParams: d.filtered_query_params } : {}),
  };
  if (d.digest !== undefined && d.digest !== '') req.digest = d.digest;
  if (d.tag !== undefined && d.tag !== '') req.tag = d.tag;
  if (d.application !== undefined && d.application !== '') req.application = d.application;
  if (d.piece_length !== undefined) req.pieceLength = Number(d.piece_length);
  if (d.content_for_calculating_task_id !== undefined) req.contentForCalculatingTaskId = d.content_for_calculating_task_id;
  if (d.concurrent_piece_count !== undefined) req.concurrentPieceCount = d.concurrent_piece_count;
  if (timeoutMs !== undefined && timeoutMs > 0) req.timeoutMs = timeoutMs;
  if (d.range !== undefined && d.range !== null) req.range = { start: Number(d.range.start), length: Number(d.range.length) };
  if (d.certificate_chain.length > 0) req.certificateChain = d.certificate_chain;
  return req;
}

/** DownloadRequest (+ what the task knows) → common.v2.Download for the scheduler. */
export function downloadToProto(req: DownloadRequest, task: TaskStore, opts: { needBackToSource: boolean }): common.Download {
  const priority = `LEVEL${Math.min(6, Math.max(0, req.priority))}` as common.Priority;
  return {
    url: req.url,
    type: 'STANDARD',
    priority,
    request_header: req.requestHeader,
    filtered_query_params: [...(req.filteredQueryParams ?? [])],
    disable_back_to_source: req.disableBackToSource,
    need_back_to_source: opts.needBackToSource,
    actual_piece_length: task.pieceLength,
    actual_content_length: task.contentLength ?? 0,
    actual_piece_count: task.pieceCount ?? 0,
    ...(req.digest === undefined ? {} : { digest: req.digest }),
    ...(req.tag === undefined ? {} : { tag: req.tag }),
    ...(req.application === undefined ? {} : { application: req.application }),
    ...(req.pieceLength === undefined ? {} : { piece_length: req.pieceLength }),
    ...(req.range === undefined ? {} : { range: { start: req.range.start, length: req.range.length } }),
    ...(req.contentForCalculatingTaskId === undefined ? {} : { content_for_calculating_task_id: req.contentForCalculatingTaskId }),
    // certificate_chain is not sent: the scheduler keeps no chains (a peer must not make seeds trust its CA)
  };
}
