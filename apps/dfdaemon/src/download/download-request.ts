import type { ContentRange } from './task-content-stream.js';

/** What a caller (dfget, the scheduler, the proxy) asks the daemon to download. Domain type: no proto here. */
export interface DownloadRequest {
  url: string;
  tag?: string;
  application?: string;
  /** Whole-task digest `sha256:<hex>` (also sha512, crc32) to verify before finishing. */
  digest?: string;
  /** Bytes; part of the task ID when given. */
  pieceLength?: number;
  /** Undefined → the upstream default list. */
  filteredQueryParams?: readonly string[];
  requestHeader: Record<string, string>;
  range?: ContentRange;
  /** common.v2.Priority number (0–6). */
  priority: number;
  disableBackToSource: boolean;
  /** Set on seed-peer triggers: fetch from the source, still telling the scheduler. */
  needBackToSource: boolean;
  contentForCalculatingTaskId?: string;
  /** Whole download deadline (ms). */
  timeoutMs?: number;
  concurrentPieceCount?: number;
  /**
   * Asked for over the network (DfdaemonUpload.DownloadTask: scheduler seed triggers, manager
   * jobs): source requests then go through the egress policy (download.remoteSource.allowList).
   */
  remote?: boolean;
  /** Download.certificate_chain: extra trusted CA certificates (DER) for this task's source requests. */
  certificateChain?: readonly Buffer[];
}
