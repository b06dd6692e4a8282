import { ProtoDecodeError, ProtoReader, type scheduler } from '@d7y/rpc';

type Request = scheduler.AnnouncePeerRequest__Output;
type DownloadOutput = NonNullable<NonNullable<Request['register_peer_request']>['download']>;

// Enum names by number, as protobufjs's toObject gives them (enums: String).
const TASK_TYPES = ['STANDARD', 'PERSISTENT', 'PERSISTENT_CACHE', 'CACHE'] as const;
const PRIORITIES = ['LEVEL0', 'LEVEL1', 'LEVEL2', 'LEVEL3', 'LEVEL4', 'LEVEL5', 'LEVEL6'] as const;

/** What the hand decoder does not cover: the caller decodes the message with protobufjs instead. */
class NotCovered extends Error {}
const NOT_COVERED = new NotCovered('not covered by the hand decoder');

/**
 * Decodes the two AnnouncePeerRequest kinds every registration sends (register_peer_request and
 * download_peer_started_request) straight from the wire into the object protobufjs's decode and
 * toObject would make with the scheduler's loader options (keepCase, longs as numbers, enums as
 * names, defaults, oneof and `optional` virtual fields). Those two steps cost ~13 µs per
 * registration. Anything else — another request kind, a Download field outside the common ones
 * (certificate chains, object storage, HDFS, Hugging Face, ModelScope), unknown fields or enum
 * values, numbers beyond 2^53 (or 2^31 for int32), malformed bytes — returns undefined, and the
 * caller decodes with protobufjs as before, errors included.
 */
export function decodeAnnouncePeerRequest(bytes: Buffer): Request | undefined {
  try {
    return readRequest(new ProtoReader(bytes));
  } catch (err) {
    if (err instanceof NotCovered || err instanceof ProtoDecodeError) return undefined;
    throw err;
  }
}

/** An unsigned varint protobufjs gives the same way (safe integer). */
function uint(r: ProtoReader): number {
  const value = r.uint();
  if (!Number.isSafeInteger(value)) throw NOT_COVERED;
  return value;
}

/** A uint32 or non-negative int32/enum within `max`, as protobufjs gives it. */
function small(r: ProtoReader, max: number): number {
  const value = r.uint();
  if (value > max) throw NOT_COVERED;
  return value;
}

function readRequest(r: ProtoReader): Request {
  const out = { host_id: '', task_id: '', peer_id: '' } as Request;
  let kind: 'register_peer_request' | 'download_peer_started_request' | undefined;
  let register: NonNullable<Request['register_peer_request']> | undefined;
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
        // A repeated occurrence of a message field merges in protobuf: leave that to protobufjs.
        if (kind !== undefined) throw NOT_COVERED;
        kind = 'register_peer_request';
        register = readRegister(r.message());
        break;
      case 5:
        if (kind !== undefined) throw NOT_COVERED;
        kind = 'download_peer_started_request';
        if (r.message().next()) throw NOT_COVERED; // DownloadPeerStartedRequest has no fields
        break;
      default:
        throw NOT_COVERED;
    }
  }
  if (kind === 'register_peer_request') out.register_peer_request = register as NonNullable<Request['register_peer_request']>;
  else if (kind === 'download_peer_started_request') out.download_peer_started_request = {};
  else throw NOT_COVERED;
  out.request = kind;
  return out;
}

function readRegister(r: ProtoReader): NonNullable<Request['register_peer_request']> {
  let download: DownloadOutput | null = null;
  while (r.next()) {
    if (r.field !== 1 || download !== null) throw NOT_COVERED;
    download = readDownload(r.message());
  }
  return { download };
}

const UINT32_MAX = 2 ** 32 - 1;
const INT32_MAX = 2 ** 31 - 1;

function readDownload(r: ProtoReader): DownloadOutput {
  const d = {
    filtered_query_params: [] as string[],
    certificate_chain: [] as Buffer[],
    request_header: {} as Record<string, string>,
    url: '',
    type: 'STANDARD',
    priority: 'LEVEL0',
    disable_back_to_source: false,
    need_back_to_source: false,
    prefetch: false,
    is_prefetch: false,
    need_piece_content: false,
    force_hard_link: false,
    overwrite: false,
    enable_task_id_based_blob_digest: false,
    metadata_only: false,
  } as Record<string, unknown>;
  while (r.next()) {
    const field = r.field;
    switch (field) {
      case 1:
        d.url = r.string();
        break;
      case 2:
      case 5:
      case 6:
      case 11:
      case 23:
      case 24:
        setOptional(d, STRING_FIELDS[field] as string, r.string());
        break;
      case 3:
        if (d.range !== undefined) throw NOT_COVERED;
        setOptional(d, 'range', readPair(r.message(), 'start', 'length', Number.MAX_SAFE_INTEGER));
        break;
      case 4:
        d.type = enumName(TASK_TYPES, small(r, INT32_MAX));
        break;
      case 7:
        d.priority = enumName(PRIORITIES, small(r, INT32_MAX));
        break;
      case 8:
        (d.filtered_query_params as string[]).push(r.string());
        break;
      case 9: {
        const [key, value] = readMapEntry(r.message());
        (d.request_header as Record<string, string>)[key] = value;
        break;
      }
      case 25:
        setOptional(d, 'concurrent_piece_count', small(r, UINT32_MAX));
        break;
      case 10:
      case 27:
      case 28:
      case 29:
        setOptional(d, NUMBER_FIELDS[field] as string, uint(r));
        break;
      case 12:
        if (d.timeout !== undefined) throw NOT_COVERED;
        // Duration: int64 seconds (non-negative here), int32 nanos.
        setOptional(d, 'timeout', readPair(r.message(), 'seconds', 'nanos', INT32_MAX));
        break;
      case 13:
      case 14:
      case 16:
      case 19:
      case 20:
      case 22:
      case 26:
      case 30:
      case 33:
        d[BOOL_FIELDS[field] as string] = r.bool();
        break;
      default:
        throw NOT_COVERED;
    }
  }
  return d as unknown as DownloadOutput;
}

/** A proto3 `optional` field as protobufjs's toObject gives it: the value and its virtual oneof. */
function setOptional(d: Record<string, unknown>, name: string, value: unknown): void {
  d[name] = value;
  d[`_${name}`] = name;
}

const STRING_FIELDS: Record<number, string> = {
  2: 'digest',
  5: 'tag',
  6: 'application',
  11: 'output_path',
  23: 'content_for_calculating_task_id',
  24: 'remote_ip',
};
const NUMBER_FIELDS: Record<number, string> = {
  10: 'piece_length',
  27: 'actual_piece_length',
  28: 'actual_content_length',
  29: 'actual_piece_count',
};
const BOOL_FIELDS: Record<number, string> = {
  13: 'disable_back_to_source',
  14: 'need_back_to_source',
  16: 'prefetch',
  19: 'is_prefetch',
  20: 'need_piece_content',
  22: 'force_hard_link',
  26: 'overwrite',
  30: 'enable_task_id_based_blob_digest',
  33: 'metadata_only',
};

function enumName(names: readonly string[], value: number): string {
  const name = names[value];
  if (name === undefined) throw NOT_COVERED;
  return name;
}

/**
 * Range {start, length} (uint64s) or Duration {seconds, nanos} (int64, int32): two varint fields 1
 * and 2, zero when absent; the second no larger than `secondMax`.
 */
function readPair<A extends string, B extends string>(r: ProtoReader, first: A, second: B, secondMax: number): Record<A | B, number> {
  const out = { [first]: 0, [second]: 0 } as Record<A | B, number>;
  while (r.next()) {
    if (r.field === 1) out[first] = uint(r);
    else if (r.field === 2) out[second] = small(r, secondMax);
    else throw NOT_COVERED;
  }
  return out;
}

/** A map<string, string> entry: key = 1, value = 2, each '' when absent. */
function readMapEntry(r: ProtoReader): [string, string] {
  let key = '';
  let value = '';
  while (r.next()) {
    if (r.field === 1) key = r.string();
    else if (r.field === 2) value = r.string();
    else throw NOT_COVERED;
  }
  return [key, value];
}
