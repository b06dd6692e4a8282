import { MAX_PIECE_LENGTH, parseDigest } from '@d7y/core';
import type { common, protobuf, scheduler } from '@d7y/rpc';
import { invalidArgument } from '../errors.js';
import type { ByteRange, Download, Priority, TaskType } from '../resource/download.js';
import type { Host, HostInfo, HostNetwork } from '../resource/host.js';
import type { Peer } from '../resource/peer.js';
import type { SizeScope, Task, TrustedPiece } from '../resource/task.js';
import { MAX_CONCURRENT_PIECE_COUNT, type PieceReport, type TrafficType } from './peer-announcer.js';

// The only place where protobuf messages and domain objects meet: decoders validate what comes in
// (with clear messages) and build domain values; encoders turn domain objects into messages.

/** Limits on what one request may carry (characters / entries). */
export const INPUT_LIMITS = {
  url: 8192,
  text: 1024,
  filteredQueryParams: 256,
  requestHeaders: 128,
  requestHeaderBytes: 64 * 1024,
  candidateParents: 64,
} as const;

const PRIORITIES = ['LEVEL0', 'LEVEL1', 'LEVEL2', 'LEVEL3', 'LEVEL4', 'LEVEL5', 'LEVEL6'] as const;
const TASK_TYPES: Record<string, TaskType> = { STANDARD: 'standard', PERSISTENT: 'persistent', PERSISTENT_CACHE: 'persistentCache', CACHE: 'cache' };
const TASK_TYPE_NAMES: Record<TaskType, 'STANDARD' | 'PERSISTENT' | 'PERSISTENT_CACHE' | 'CACHE'> = {
  standard: 'STANDARD',
  persistent: 'PERSISTENT',
  persistentCache: 'PERSISTENT_CACHE',
  cache: 'CACHE',
};
const TRAFFIC_TYPES: Record<string, TrafficType> = { BACK_TO_SOURCE: 'backToSource', REMOTE_PEER: 'remotePeer', LOCAL_PEER: 'localPeer' };
const SIZE_SCOPES: Record<SizeScope, 'NORMAL' | 'SMALL' | 'TINY' | 'EMPTY'> = {
  normal: 'NORMAL',
  small: 'SMALL',
  tiny: 'TINY',
  empty: 'EMPTY',
  // The proto subset has no UNKNOW; v2 schedules unknown sizes as normal ones.
  unknown: 'NORMAL',
};

// ---------- decoding (protobuf → domain) ----------

function text(value: string | undefined, field: string, max: number = INPUT_LIMITS.text): string | undefined {
  if (value === undefined) return undefined;
  if (value.length > max) throw invalidArgument(`${field} is longer than ${max} characters`);
  return value;
}

function count(value: number | undefined, field: string, opts: { min?: number; max?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const min = opts.min ?? 0;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw invalidArgument(`${field} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

/** Milliseconds of a protobuf Duration. */
export function durationMs(d: protobuf.Duration__Output | null | undefined): number | undefined {
  if (d === null || d === undefined) return undefined;
  const ms = Number(d.seconds) * 1000 + Math.floor(d.nanos / 1e6);
  if (!Number.isFinite(ms) || ms < 0) throw invalidArgument('durations must not be negative');
  return ms;
}

export function priorityFromProto(value: common.Priority__Output | number): Priority {
  const index = typeof value === 'number' ? value : PRIORITIES.indexOf(value);
  if (!Number.isInteger(index) || index < 0 || index > 6) throw invalidArgument(`unknown priority ${String(value)}`);
  return index as Priority;
}

function taskTypeFromProto(value: common.TaskType__Output | number): TaskType {
  const type = typeof value === 'string' ? TASK_TYPES[value] : undefined;
  if (type === undefined) throw invalidArgument(`unknown task type ${String(value)}`);
  return type;
}

function rangeFromProto(range: common.Range__Output | null | undefined): ByteRange | undefined {
  if (range === null || range === undefined) return undefined;
  return { start: count(range.start, 'download.range.start') as number, length: count(range.length, 'download.range.length') as number };
}

/** The URL parsed last without error: the peers of one task send the same one, one after the other. */
let lastValidUrl = '';

/** common.v2.Download → Download, refusing oversized or malformed fields. */
export function downloadFromProto(d: common.Download__Output | null | undefined): Download {
  if (d === null || d === undefined) throw invalidArgument('register_peer_request.download is required');
  if (d.url === '') throw invalidArgument('download.url is required');
  text(d.url, 'download.url', INPUT_LIMITS.url);
  if (d.url !== lastValidUrl) {
    try {
      new URL(d.url);
    } catch {
      throw invalidArgument('download.url is not a valid URL');
    }
    lastValidUrl = d.url;
  }
  if (d.filtered_query_params.length > INPUT_LIMITS.filteredQueryParams) {
    throw invalidArgument(`download.filtered_query_params has more than ${INPUT_LIMITS.filteredQueryParams} entries`);
  }
  for (const param of d.filtered_query_params) text(param, 'download.filtered_query_params[]');
  let headerCount = 0;
  let headerBytes = 0;
  for (const name in d.request_header) {
    headerCount += 1;
    headerBytes += name.length + (d.request_header[name] as string).length;
  }
  if (headerCount > INPUT_LIMITS.requestHeaders) throw invalidArgument(`download.request_header has more than ${INPUT_LIMITS.requestHeaders} entries`);
  if (headerBytes > INPUT_LIMITS.requestHeaderBytes) throw invalidArgument(`download.request_header is larger than ${INPUT_LIMITS.requestHeaderBytes} bytes`);
  if (d.digest !== undefined) {
    try {
      parseDigest(d.digest);
    } catch (err) {
      throw invalidArgument(`download.digest: ${(err as Error).message}`);
    }
  }
  const out: Download = {
    url: d.url,
    type: taskTypeFromProto(d.type),
    priority: priorityFromProto(d.priority),
    filteredQueryParams: [...d.filtered_query_params],
    requestHeader: { ...d.request_header },
    disableBackToSource: d.disable_back_to_source,
    needBackToSource: d.need_back_to_source,
    prefetch: d.prefetch,
    isPrefetch: d.is_prefetch,
    needPieceContent: d.need_piece_content,
    forceHardLink: d.force_hard_link,
    overwrite: d.overwrite,
    enableTaskIdBasedBlobDigest: d.enable_task_id_based_blob_digest,
    metadataOnly: d.metadata_only,
  };
  const optional: Partial<Download> = {
    digest: d.digest,
    range: rangeFromProto(d.range),
    tag: text(d.tag, 'download.tag'),
    application: text(d.application, 'download.application'),
    pieceLength: count(d.piece_length, 'download.piece_length', { min: 1, max: MAX_PIECE_LENGTH }),
    outputPath: text(d.output_path, 'download.output_path', 4096),
    timeoutMs: durationMs(d.timeout),
    contentForCalculatingTaskId: text(d.content_for_calculating_task_id, 'download.content_for_calculating_task_id', INPUT_LIMITS.url),
    remoteIp: text(d.remote_ip, 'download.remote_ip', 64),
    concurrentPieceCount: count(d.concurrent_piece_count, 'download.concurrent_piece_count', { min: 1, max: MAX_CONCURRENT_PIECE_COUNT }),
    actualPieceLength: count(d.actual_piece_length, 'download.actual_piece_length'),
    actualContentLength: count(d.actual_content_length, 'download.actual_content_length'),
    actualPieceCount: count(d.actual_piece_count, 'download.actual_piece_count'),
  };
  // for…in, not Object.entries: no array of pairs per registration.
  for (const key in optional) {
    const value = optional[key as keyof Download];
    if (value !== undefined) (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** common.v2.Piece → PieceReport. */
export function pieceFromProto(p: common.Piece__Output | null | undefined, field: string): PieceReport {
  if (p === null || p === undefined) throw invalidArgument(`${field}.piece is required`);
  const report: PieceReport = {
    number: count(p.number, `${field}.piece.number`) as number,
    offset: count(p.offset, `${field}.piece.offset`) as number,
    length: count(p.length, `${field}.piece.length`, { min: 1 }) as number,
    digest: text(p.digest, `${field}.piece.digest`, 256) as string,
    costMs: durationMs(p.cost) ?? 0,
  };
  if (p.parent_id !== undefined && p.parent_id !== '') report.parentId = text(p.parent_id, `${field}.piece.parent_id`, 512) as string;
  if (p.traffic_type !== undefined) {
    const traffic = typeof p.traffic_type === 'string' ? TRAFFIC_TYPES[p.traffic_type] : undefined;
    if (traffic !== undefined) report.trafficType = traffic;
  }
  return report;
}

function networkFromProto(n: common.Network__Output): HostNetwork {
  const network: HostNetwork = {
    tcpConnectionCount: n.tcp_connection_count,
    uploadTcpConnectionCount: n.upload_tcp_connection_count,
    maxRxBandwidth: count(n.max_rx_bandwidth, 'host.network.max_rx_bandwidth') as number,
    maxTxBandwidth: count(n.max_tx_bandwidth, 'host.network.max_tx_bandwidth') as number,
  };
  const idc = text(n.idc, 'host.network.idc', 256);
  const location = text(n.location, 'host.network.location', 256);
  if (idc !== undefined) network.idc = idc;
  if (location !== undefined) network.location = location;
  if (n.rx_bandwidth !== undefined) network.rxBandwidth = count(n.rx_bandwidth, 'host.network.rx_bandwidth') as number;
  if (n.tx_bandwidth !== undefined) network.txBandwidth = count(n.tx_bandwidth, 'host.network.tx_bandwidth') as number;
  return network;
}

/** common.v2.Host → HostInfo; identity checks (id rule, hostname vs certificate) are the service's. */
export function hostFromProto(h: common.Host__Output | null | undefined): HostInfo {
  if (h === null || h === undefined) throw invalidArgument('announce_host_request.host is required');
  if (h.type !== 0 && h.type !== 1) throw invalidArgument(`host.type must be 0 (normal) or 1 (super), got ${h.type}`);
  count(h.port, 'host.port', { min: 1, max: 65535 });
  count(h.download_port, 'host.download_port', { min: 1, max: 65535 });
  count(h.proxy_port, 'host.proxy_port', { max: 65535 });
  for (const [field, value] of [
    ['host.os', h.os],
    ['host.platform', h.platform],
    ['host.platform_family', h.platform_family],
    ['host.platform_version', h.platform_version],
    ['host.kernel_version', h.kernel_version],
    ['host.name', h.name],
  ] as const) {
    text(value, field, 256);
  }
  const info: HostInfo = {
    id: h.id,
    type: h.type === 1 ? 'super' : 'normal',
    hostname: h.hostname,
    ip: h.ip,
    port: h.port,
    downloadPort: h.download_port,
    os: h.os,
    platform: h.platform,
    platformFamily: h.platform_family,
    platformVersion: h.platform_version,
    kernelVersion: h.kernel_version,
    schedulerClusterId: count(h.scheduler_cluster_id, 'host.scheduler_cluster_id') as number,
    disableShared: h.disable_shared,
    proxyPort: h.proxy_port,
    name: h.name,
  };
  if (h.cpu) {
    info.cpu = { logicalCount: h.cpu.logical_count, physicalCount: h.cpu.physical_count, percent: h.cpu.percent, processPercent: h.cpu.process_percent };
  }
  if (h.memory) {
    const m = h.memory;
    info.memory = { total: m.total, available: m.available, used: m.used, usedPercent: m.used_percent, processUsedPercent: m.process_used_percent, free: m.free };
  }
  if (h.network) info.network = networkFromProto(h.network);
  if (h.disk) {
    const d = h.disk;
    info.disk = {
      total: d.total,
      free: d.free,
      used: d.used,
      usedPercent: d.used_percent,
      inodesTotal: d.inodes_total,
      inodesUsed: d.inodes_used,
      inodesFree: d.inodes_free,
      inodesUsedPercent: d.inodes_used_percent,
      readBandwidth: d.read_bandwidth,
      writeBandwidth: d.write_bandwidth,
    };
  }
  if (h.build) {
    const b = h.build;
    info.build = { gitVersion: text(b.git_version, 'host.build.git_version', 256) as string };
    if (b.git_commit !== undefined) info.build.gitCommit = text(b.git_commit, 'host.build.git_commit', 256) as string;
    if (b.go_version !== undefined) info.build.goVersion = text(b.go_version, 'host.build.go_version', 256) as string;
    if (b.rust_version !== undefined) info.build.rustVersion = text(b.rust_version, 'host.build.rust_version', 256) as string;
    if (b.platform !== undefined) info.build.platform = text(b.platform, 'host.build.platform', 256) as string;
  }
  return info;
}

export function candidateParentIdsFromProto(req: scheduler.ReschedulePeerRequest__Output): string[] {
  if (req.candidate_parents.length > INPUT_LIMITS.candidateParents) {
    throw invalidArgument(`reschedule_peer_request.candidate_parents has more than ${INPUT_LIMITS.candidateParents} entries`);
  }
  return req.candidate_parents.map((p) => text(p.id, 'reschedule_peer_request.candidate_parents[].id', 512) as string);
}

// ---------- encoding (domain → protobuf) ----------

function timestamp(ms: number): protobuf.Timestamp {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

function duration(ms: number): protobuf.Duration {
  return { seconds: Math.floor(ms / 1000), nanos: Math.round((ms % 1000) * 1e6) };
}

export function hostToProto(host: Host): common.Host {
  const info = host.info;
  const out: common.Host = {
    id: info.id,
    type: info.type === 'normal' ? 0 : 1,
    hostname: info.hostname,
    ip: info.ip,
    port: info.port,
    download_port: info.downloadPort,
    os: info.os,
    platform: info.platform,
    platform_family: info.platformFamily,
    platform_version: info.platformVersion,
    kernel_version: info.kernelVersion,
    scheduler_cluster_id: info.schedulerClusterId,
    disable_shared: info.disableShared,
    proxy_port: info.proxyPort,
    name: info.name,
  };
  if (info.cpu) {
    out.cpu = { logical_count: info.cpu.logicalCount, physical_count: info.cpu.physicalCount, percent: info.cpu.percent, process_percent: info.cpu.processPercent };
  }
  if (info.memory) {
    const m = info.memory;
    out.memory = { total: m.total, available: m.available, used: m.used, used_percent: m.usedPercent, process_used_percent: m.processUsedPercent, free: m.free };
  }
  if (info.network) {
    const n = info.network;
    out.network = {
      tcp_connection_count: n.tcpConnectionCount,
      upload_tcp_connection_count: n.uploadTcpConnectionCount,
      max_rx_bandwidth: n.maxRxBandwidth,
      max_tx_bandwidth: n.maxTxBandwidth,
      ...(n.idc !== undefined ? { idc: n.idc } : {}),
      ...(n.location !== undefined ? { location: n.location } : {}),
      ...(n.rxBandwidth !== undefined ? { rx_bandwidth: n.rxBandwidth } : {}),
      ...(n.txBandwidth !== undefined ? { tx_bandwidth: n.txBandwidth } : {}),
    };
  }
  if (info.disk) {
    const d = info.disk;
    out.disk = {
      total: d.total,
      free: d.free,
      used: d.used,
      used_percent: d.usedPercent,
      inodes_total: d.inodesTotal,
      inodes_used: d.inodesUsed,
      inodes_free: d.inodesFree,
      inodes_used_percent: d.inodesUsedPercent,
      read_bandwidth: d.readBandwidth,
      write_bandwidth: d.writeBandwidth,
    };
  }
  if (info.build) {
    const b = info.build;
    out.build = {
      git_version: b.gitVersion,
      ...(b.gitCommit !== undefined ? { git_commit: b.gitCommit } : {}),
      ...(b.goVersion !== undefined ? { go_version: b.goVersion } : {}),
      ...(b.rustVersion !== undefined ? { rust_version: b.rustVersion } : {}),
      ...(b.platform !== undefined ? { platform: b.platform } : {}),
    };
  }
  return out;
}

export function trustedPieceToProto(piece: TrustedPiece): common.Piece {
  return {
    number: piece.number,
    offset: piece.offset,
    length: piece.length,
    digest: piece.digest,
    traffic_type: 'BACK_TO_SOURCE',
    cost: duration(piece.costMs),
    created_at: timestamp(piece.createdAt),
  };
}

/**
 * common.v2.Task with its trusted piece digests (number, offset, length, sha256 digest) — what a
 * peer checks parents' bytes against. Request headers are never sent back: they may hold credentials.
 */
export function taskToProto(task: Task): common.Task {
  const pieces = [...task.pieces.values()].sort((a, b) => a.number - b.number).map(trustedPieceToProto);
  return {
    id: task.id,
    type: TASK_TYPE_NAMES[task.type],
    url: task.url,
    ...(task.digest !== undefined ? { digest: task.digest } : {}),
    ...(task.tag !== undefined ? { tag: task.tag } : {}),
    ...(task.application !== undefined ? { application: task.application } : {}),
    filtered_query_params: task.filteredQueryParams,
    request_header: {},
    content_length: Math.max(0, task.contentLength),
    piece_count: task.pieceCount,
    size_scope: SIZE_SCOPES[task.sizeScope()],
    pieces,
    state: task.state,
    peer_count: task.peerCount,
    has_available_peer: task.hasAvailablePeer(new Set()),
    created_at: timestamp(task.createdAt),
    updated_at: timestamp(task.updatedAt),
  };
}

/**
 * common.v2.Peer. Its `pieces` list the piece numbers it finished with their place in the content;
 * their digest is left empty on purpose: trusted digests travel only in `task.pieces`.
 */
export function peerToProto(peer: Peer, opts: { task?: common.Task } = {}): common.Peer {
  const task = peer.task;
  const pieces: common.Piece[] = [];
  for (const number of peer.finishedPieces) {
    const offset = task.pieceLength * number;
    const length = task.contentLength >= 0 ? Math.max(0, Math.min(task.pieceLength, task.contentLength - offset)) : task.pieceLength;
    pieces.push({ number, offset, length, digest: '' });
  }
  pieces.sort((a, b) => (a.number as number) - (b.number as number));
  return {
    id: peer.id,
    ...(peer.range !== undefined ? { range: { start: peer.range.start, length: peer.range.length } } : {}),
    priority: PRIORITIES[peer.priority],
    pieces,
    cost: duration(peer.costMs),
    state: peer.state,
    task: opts.task ?? taskToProto(task),
    host: hostToProto(peer.host),
    need_back_to_source: peer.needBackToSource,
    created_at: timestamp(peer.createdAt),
    updated_at: timestamp(peer.updatedAt),
    concurrent_piece_count: peer.concurrentPieceCount,
  };
}

/** NormalTaskResponse: each candidate parent with its host and the task's trusted piece digests. */
export function normalTaskResponse(parents: readonly Peer[]): scheduler.AnnouncePeerResponse {
  const task = parents[0] ? taskToProto(parents[0].task) : undefined;
  return {
    normal_task_response: { candidate_parents: parents.map((p) => peerToProto(p, task ? { task } : {})) },
  };
}

/** Download → common.v2.Download, for triggering a seed peer. */
export function downloadToProto(d: Download): common.Download {
  return {
    url: d.url,
    ...(d.digest !== undefined ? { digest: d.digest } : {}),
    ...(d.range !== undefined ? { range: { start: d.range.start, length: d.range.length } } : {}),
    type: TASK_TYPE_NAMES[d.type],
    ...(d.tag !== undefined ? { tag: d.tag } : {}),
    ...(d.application !== undefined ? { application: d.application } : {}),
    priority: PRIORITIES[d.priority],
    filtered_query_params: d.filteredQueryParams,
    request_header: d.requestHeader,
    ...(d.pieceLength !== undefined ? { piece_length: d.pieceLength } : {}),
    ...(d.outputPath !== undefined ? { output_path: d.outputPath } : {}),
    ...(d.timeoutMs !== undefined ? { timeout: duration(d.timeoutMs) } : {}),
    disable_back_to_source: d.disableBackToSource,
    need_back_to_source: d.needBackToSource,
    prefetch: d.prefetch,
    is_prefetch: d.isPrefetch,
    need_piece_content: d.needPieceContent,
    force_hard_link: d.forceHardLink,
    ...(d.contentForCalculatingTaskId !== undefined ? { content_for_calculating_task_id: d.contentForCalculatingTaskId } : {}),
    ...(d.remoteIp !== undefined ? { remote_ip: d.remoteIp } : {}),
    ...(d.concurrentPieceCount !== undefined ? { concurrent_piece_count: d.concurrentPieceCount } : {}),
    overwrite: d.overwrite,
    ...(d.actualPieceLength !== undefined ? { actual_piece_length: d.actualPieceLength } : {}),
    ...(d.actualContentLength !== undefined ? { actual_content_length: d.actualContentLength } : {}),
    ...(d.actualPieceCount !== undefined ? { actual_piece_count: d.actualPieceCount } : {}),
    enable_task_id_based_blob_digest: d.enableTaskIdBasedBlobDigest,
    metadata_only: d.metadataOnly,
  };
}
