/** Task kinds (common.v2.TaskType). Only `standard` is scheduled by this scheduler. */
export type TaskType = 'standard' | 'persistent' | 'persistentCache' | 'cache';

/**
 * common.v2.Priority: LEVEL0 (default) and LEVEL4–6 trigger a seed peer on a first download,
 * LEVEL3 sends the peer itself to the source, LEVEL2 is P2P only, LEVEL1 forbids the download.
 */
export type Priority = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** Bytes of the content: [start, start + length). */
export interface ByteRange {
  start: number;
  length: number;
}

/**
 * What a peer asked to download (common.v2.Download without the parts the scheduler never reads:
 * certificate chains and object-storage / HDFS credentials are not kept).
 */
export interface Download {
  url: string;
  digest?: string;
  range?: ByteRange;
  type: TaskType;
  tag?: string;
  application?: string;
  priority: Priority;
  filteredQueryParams: string[];
  requestHeader: Record<string, string>;
  /** Bytes, when the caller fixed it (part of the task ID). */
  pieceLength?: number;
  outputPath?: string;
  timeoutMs?: number;
  disableBackToSource: boolean;
  needBackToSource: boolean;
  prefetch: boolean;
  isPrefetch: boolean;
  needPieceContent: boolean;
  forceHardLink: boolean;
  contentForCalculatingTaskId?: string;
  remoteIp?: string;
  concurrentPieceCount?: number;
  overwrite: boolean;
  /** Bytes, as the peer computed it. */
  actualPieceLength?: number;
  /** Bytes, as the peer learnt it from the source. */
  actualContentLength?: number;
  actualPieceCount?: number;
  enableTaskIdBasedBlobDigest: boolean;
  metadataOnly: boolean;
}
