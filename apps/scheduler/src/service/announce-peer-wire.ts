import type { scheduler } from '@d7y/rpc';

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
 * values, numbers beyond 2^53, malformed bytes — returns undefined, and the caller decodes with
 * protobufjs as before, errors included.
 */
export function decodeAnnouncePeerRequest(bytes: Buffer): Request | undefined {
  try {
    return readRequest(new Reader(bytes, 0, bytes.length));
  } catch (err) {
    if (err instanceof NotCovered) return undefined;
    throw err;
  }
}

class Reader {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly end: number,
  ) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** An unsigned varint up to 2^53 − 1; anything longer or larger is not covered. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.end) throw NOT_COVERED;
      const byte = this.buf[this.pos++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(value)) throw NOT_COVERED;
        return value;
      }
      scale *= 128;
    }
    throw NOT_COVERED;
  }

  /** The bounds of a length-delimited field's body; moves past it. */
  delimited(): [number, number] {
    const length = this.varint();
    const start = this.pos;
    if (length > this.end - start) throw NOT_COVERED;
    this.pos = start + length;
    return [start, start + length];
  }

  string(): string {
    const [start, end] = this.delimited();
    return this.buf.toString('utf8', start, end);
  }

  sub(): Reader {
    const [start, end] = this.delimited();
    return new Reader(this.buf, start, end);
  }

  bool(): boolean {
    const value = this.varint();
    return value !== 0;
  }
}

const LENGTH_DELIMITED = 2;
const VARINT = 0;

function expectWireType(tag: number, wireType: number): void {
  if ((tag & 7) !== wireType) throw NOT_COVERED;
}

function readRequest(r: Reader): Request {
  const out = { host_id: '', task_id: '', peer_id: '' } as Request;
  let kind: 'register_peer_request' | 'download_peer_started_request' | undefined;
  let register: NonNullable<Request['register_peer_request']> | undefined;
  while (!r.done) {
    const tag = r.varint();
    switch (tag >>> 3) {
      case 1:
        expectWireType(tag, LENGTH_DELIMITED);
        out.host_id = r.string();
        break;
      case 2:
        expectWireType(tag, LENGTH_DELIMITED);
        out.task_id = r.string();
        break;
      case 3:
        expectWireType(tag, LENGTH_DELIMITED);
        out.peer_id = r.string();
        break;
      case 4: {
        expectWireType(tag, LENGTH_DELIMITED);
        // A repeated occurrence of a message field merges in protobuf: leave that to protobufjs.
        if (kind !== undefined) throw NOT_COVERED;
        kind = 'register_peer_request';
        register = readRegister(r.sub());
        break;
      }
      case 5: {
        expectWireType(tag, LENGTH_DELIMITED);
        if (kind !== undefined) throw NOT_COVERED;
        kind = 'download_peer_started_request';
        if (!r.sub().done) throw NOT_COVERED; // DownloadPeerStartedRequest has no fields
        break;
      }
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

function readRegister(r: Reader): NonNullable<Request['register_peer_request']> {
  let download: DownloadOutput | null = null;
  while (!r.done) {
    const tag = r.varint();
    if (tag >>> 3 !== 1 || download !== null) throw NOT_COVERED;
    expectWireType(tag, LENGTH_DELIMITED);
    download = readDownload(r.sub());
  }
  return { download };
}

function readDownload(r: Reader): DownloadOutput {
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
  while (!r.done) {
    const tag = r.varint();
    const field = tag >>> 3;
    switch (field) {
      case 1:
        expectWireType(tag, LENGTH_DELIMITED);
        d.url = r.string();
        break;
      case 2:
      case 5:
      case 6:
      case 11:
      case 23:
      case 24:
        expectWireType(tag, LENGTH_DELIMITED);
        setOptional(d, STRING_FIELDS[field] as string, r.string());
        break;
      case 3: {
        expectWireType(tag, LENGTH_DELIMITED);
        if (d.range !== undefined) throw NOT_COVERED;
        setOptional(d, 'range', readPair(r.sub(), 'start', 'length'));
        break;
      }
      case 4:
        expectWireType(tag, VARINT);
        d.type = enumName(TASK_TYPES, r.varint());
        break;
      case 7:
        expectWireType(tag, VARINT);
        d.priority = enumName(PRIORITIES, r.varint());
        break;
      case 8:
        expectWireType(tag, LENGTH_DELIMITED);
        (d.filtered_query_params as string[]).push(r.string());
        break;
      case 9: {
        expectWireType(tag, LENGTH_DELIMITED);
        const [key, value] = readMapEntry(r.sub());
        (d.request_header as Record<string, string>)[key] = value;
        break;
      }
      case 10:
      case 25:
      case 27:
      case 28:
      case 29:
        expectWireType(tag, VARINT);
        setOptional(d, NUMBER_FIELDS[field] as string, r.varint());
        break;
      case 12: {
        expectWireType(tag, LENGTH_DELIMITED);
        if (d.timeout !== undefined) throw NOT_COVERED;
        setOptional(d, 'timeout', readPair(r.sub(), 'seconds', 'nanos'));
        break;
      }
      case 13:
      case 14:
      case 16:
      case 19:
      case 20:
      case 22:
      case 26:
      case 30:
      case 33:
        expectWireType(tag, VARINT);
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
  25: 'concurrent_piece_count',
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

/** Range {start, length} or Duration {seconds, nanos}: two varint fields 1 and 2, zero when absent. */
function readPair<A extends string, B extends string>(r: Reader, first: A, second: B): Record<A | B, number> {
  const out = { [first]: 0, [second]: 0 } as Record<A | B, number>;
  while (!r.done) {
    const tag = r.varint();
    expectWireType(tag, VARINT);
    if (tag >>> 3 === 1) out[first] = r.varint();
    else if (tag >>> 3 === 2) out[second] = r.varint();
    else throw NOT_COVERED;
  }
  return out;
}

/** A map<string, string> entry: key = 1, value = 2, each '' when absent. */
function readMapEntry(r: Reader): [string, string] {
  let key = '';
  let value = '';
  while (!r.done) {
    const tag = r.varint();
    expectWireType(tag, LENGTH_DELIMITED);
    if (tag >>> 3 === 1) key = r.string();
    else if (tag >>> 3 === 2) value = r.string();
    else throw NOT_COVERED;
  }
  return [key, value];
}
