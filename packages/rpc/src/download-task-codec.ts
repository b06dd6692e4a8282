// dfdaemon.v2.DfdaemonDownload/DownloadTask messages encoded and decoded by hand, for dfget: the
// request fields it sets and the response fields it reads (numbers from protos/dfdaemon.proto and
// protos/common.proto). Field names and value shapes are those of the proto-loader objects
// (snake_case, 64-bit integers as numbers, enums as their names), so the two are interchangeable
// for these fields; other response fields are skipped.
import { ProtoDecodeError, ProtoReader, ProtoWriter } from './protobuf-wire.js';

export { ProtoDecodeError };

const TASK_TYPES = ['STANDARD', 'PERSISTENT', 'PERSISTENT_CACHE', 'CACHE'] as const;
const PRIORITIES = ['LEVEL0', 'LEVEL1', 'LEVEL2', 'LEVEL3', 'LEVEL4', 'LEVEL5', 'LEVEL6'] as const;
const TRAFFIC_TYPES = ['BACK_TO_SOURCE', 'REMOTE_PEER', 'LOCAL_PEER'] as const;

export type TaskTypeName = (typeof TASK_TYPES)[number];
export type PriorityName = (typeof PRIORITIES)[number];
/** An enum value this client does not know stays its number, as proto-loader does. */
export type TrafficTypeName = (typeof TRAFFIC_TYPES)[number] | number;

/** common.v2.Download: the fields dfget sets. */
export interface DownloadFields {
  url: string;
  digest?: string;
  type?: TaskTypeName;
  tag?: string;
  application?: string;
  priority?: PriorityName;
  filtered_query_params?: readonly string[];
  request_header?: Readonly<Record<string, string>>;
  /** Bytes. */
  piece_length?: number;
  output_path?: string;
  timeout?: { seconds: number; nanos?: number };
  disable_back_to_source?: boolean;
  content_for_calculating_task_id?: string;
  overwrite?: boolean;
}

export interface DownloadTaskRequestFields {
  download: DownloadFields;
}

/** common.v2.Piece: the fields dfget reads. */
export interface PieceFields {
  number: number;
  /** Bytes. */
  offset: number;
  /** Bytes. */
  length: number;
  traffic_type?: TrafficTypeName;
}

export interface DownloadTaskStartedFields {
  /** Bytes. */
  content_length: number;
  is_finished: boolean;
}

export interface DownloadTaskResponseFields {
  host_id: string;
  task_id: string;
  peer_id: string;
  download_task_started_response?: DownloadTaskStartedFields;
  download_piece_finished_response?: { piece: PieceFields | null };
  response?: 'download_task_started_response' | 'download_piece_finished_response';
}

/** dfdaemon.v2.DownloadTaskRequest. Implicit-presence fields at their zero value are left out. */
export function encodeDownloadTaskRequest(req: DownloadTaskRequestFields): Buffer {
  const d = req.download;
  return new ProtoWriter()
    .message(1, (w) => {
      if (d.url !== '') w.string(1, d.url);
      if (d.digest !== undefined) w.string(2, d.digest);
      const type = enumNumber('TaskType', TASK_TYPES, d.type);
      if (type !== 0) w.uint(4, type);
      if (d.tag !== undefined) w.string(5, d.tag);
      if (d.application !== undefined) w.string(6, d.application);
      const priority = enumNumber('Priority', PRIORITIES, d.priority);
      if (priority !== 0) w.uint(7, priority);
      for (const p of d.filtered_query_params ?? []) w.string(8, p);
      for (const [k, v] of Object.entries(d.request_header ?? {})) w.message(9, (e) => e.string(1, k).string(2, v));
      if (d.piece_length !== undefined) w.uint(10, d.piece_length);
      if (d.output_path !== undefined) w.string(11, d.output_path);
      const timeout = d.timeout;
      if (timeout !== undefined) {
        w.message(12, (t) => {
          if (timeout.seconds !== 0) t.uint(1, timeout.seconds);
          if ((timeout.nanos ?? 0) !== 0) t.uint(2, timeout.nanos ?? 0);
        });
      }
      if (d.disable_back_to_source === true) w.bool(13, true);
      if (d.content_for_calculating_task_id !== undefined) w.string(23, d.content_for_calculating_task_id);
      if (d.overwrite === true) w.bool(26, true);
    })
    .finish();
}

/** dfdaemon.v2.DownloadTaskResponse; throws ProtoDecodeError on malformed or truncated bytes. */
export function decodeDownloadTaskResponse(bytes: Uint8Array): DownloadTaskResponseFields {
  const out: DownloadTaskResponseFields = { host_id: '', task_id: '', peer_id: '' };
  const r = new ProtoReader(bytes);
  while (r.next()) {
    switch (r.field) {
      case 1:
        out.host_id = r.string();
        break;
      case 2:
        out.task_id = r.string();
        break;
      case 3:
        out.peer_id = r.string();
        break;
      case 4:
        // oneof response: the member seen last wins; a repeated member merges.
        delete out.download_piece_finished_response;
        out.download_task_started_response = decodeStarted(r.message(), out.download_task_started_response);
        out.response = 'download_task_started_response';
        break;
      case 5:
        delete out.download_task_started_response;
        out.download_piece_finished_response = decodePieceFinished(r.message(), out.download_piece_finished_response);
        out.response = 'download_piece_finished_response';
        break;
      default:
        r.skip();
    }
  }
  return out;
}

function decodeStarted(r: ProtoReader, into: DownloadTaskStartedFields | undefined): DownloadTaskStartedFields {
  const out = into ?? { content_length: 0, is_finished: false };
  while (r.next()) {
    if (r.field === 1) out.content_length = r.uint();
    else if (r.field === 5) out.is_finished = r.bool();
    else r.skip();
  }
  return out;
}

function decodePieceFinished(r: ProtoReader, into: { piece: PieceFields | null } | undefined): { piece: PieceFields | null } {
  const out = into ?? { piece: null };
  while (r.next()) {
    if (r.field === 1) out.piece = decodePiece(r.message(), out.piece);
    else r.skip();
  }
  return out;
}

function decodePiece(r: ProtoReader, into: PieceFields | null): PieceFields {
  const out = into ?? { number: 0, offset: 0, length: 0 };
  while (r.next()) {
    switch (r.field) {
      case 1:
        out.number = r.uint32();
        break;
      case 3:
        out.offset = r.uint();
        break;
      case 4:
        out.length = r.uint();
        break;
      case 7: {
        const n = r.uint();
        out.traffic_type = TRAFFIC_TYPES[n] ?? n;
        break;
      }
      default:
        r.skip();
    }
  }
  return out;
}

function enumNumber(name: string, values: readonly string[], value: string | undefined): number {
  if (value === undefined) return 0;
  const n = values.indexOf(value);
  if (n < 0) throw new RangeError(`${value} is not a ${name}`);
  return n;
}
