import type { Readable } from 'node:stream';

/** Bytes [start, start+length). */
export interface ByteRange {
  start: number;
  length: number;
}

/** A P2P download as the proxy asks for it. */
export interface ProxyTaskRequest {
  url: string;
  tag?: string;
  application?: string;
  /** common.v2.Priority number (0–6). */
  priority: number;
  /** Undefined → the default list. */
  filteredQueryParams?: readonly string[];
  /** Headers for the origin (hop-by-hop, proxy and X-Dragonfly-* headers already removed). */
  requestHeader: Record<string, string>;
  /** Only these bytes are needed (a closed `Range`). */
  range?: ByteRange;
  /** Bytes. */
  pieceLength?: number;
  disableBackToSource: boolean;
}

/** A download that has started: its metadata is known, its bytes stream as pieces land. */
export interface ProxyTask {
  taskId: string;
  contentLength: number | null;
  /** The origin's headers for a full 200 response. */
  responseHeader: Record<string, string>;
  /** Everything asked for was already in local storage. */
  finished: boolean;
  /** The bytes in order (only `range` when given); destroyed with the error if the task fails. */
  content(range?: ByteRange): Readable;
}

/** What the proxy needs from the download engine. */
export interface ProxyTaskSource {
  /**
   * Starts (or joins) the download; resolves once the task's length and headers are known.
   * Aborting `signal` (the client went away) stops this client's reader, not the shared download.
   */
  open(req: ProxyTaskRequest, signal: AbortSignal): Promise<ProxyTask>;
  /** Downloads the whole task in the background, at most once per task. */
  prefetch(req: ProxyTaskRequest): void;
}
