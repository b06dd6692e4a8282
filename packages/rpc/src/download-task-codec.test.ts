import { describe, expect, it } from 'vitest';
import {
  decodeDownloadTaskResponse,
  encodeDownloadTaskRequest,
  ProtoDecodeError,
  type DownloadTaskRequestFields,
  type DownloadTaskResponseFields,
} from './download-task-codec.js';
import type { DownloadTaskResponse } from './generated/dfdaemon/v2/DownloadTaskResponse.js';
import { dfdaemonDownloadServiceDefinition } from './service-definitions.js';
import { ProtoWriter } from './protobuf-wire.js';

// The real message types (proto-loader over protobufjs, with the options the services use).
const { requestDeserialize, responseSerialize } = dfdaemonDownloadServiceDefinition.DownloadTask;

const FULL_REQUEST: DownloadTaskRequestFields = {
  download: {
    url: 'http://origin/päth?q=1',
    digest: 'sha256:' + 'ab'.repeat(32),
    type: 'PERSISTENT_CACHE',
    tag: 't',
    application: 'app',
    priority: 'LEVEL6',
    filtered_query_params: ['X-Amz-Date', 'sig'],
    request_header: { 'x-a': '1', authorization: 'Bearer ü' },
    piece_length: 2 ** 40 + 3,
    output_path: '/out/file',
    timeout: { seconds: 7200, nanos: 5 },
    disable_back_to_source: true,
    content_for_calculating_task_id: 'content',
    overwrite: true,
  },
};

/** What proto-loader makes of the request's fields (the rest of Download at its defaults). */
function asDecoded(req: DownloadTaskRequestFields): Record<string, unknown> {
  const d = req.download;
  return {
    url: d.url,
    type: d.type ?? 'STANDARD',
    priority: d.priority ?? 'LEVEL0',
    filtered_query_params: d.filtered_query_params ?? [],
    request_header: d.request_header ?? {},
    disable_back_to_source: d.disable_back_to_source ?? false,
    overwrite: d.overwrite ?? false,
    ...(d.digest === undefined ? {} : { digest: d.digest }),
    ...(d.tag === undefined ? {} : { tag: d.tag }),
    ...(d.application === undefined ? {} : { application: d.application }),
    ...(d.piece_length === undefined ? {} : { piece_length: d.piece_length }),
    ...(d.output_path === undefined ? {} : { output_path: d.output_path }),
    ...(d.timeout === undefined ? {} : { timeout: { seconds: d.timeout.seconds, nanos: d.timeout.nanos ?? 0 } }),
    ...(d.content_for_calculating_task_id === undefined ? {} : { content_for_calculating_task_id: d.content_for_calculating_task_id }),
  };
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

/** The fields decodeDownloadTaskResponse reads, from proto-loader's object. */
function expectedFields(full: Record<string, unknown>): DownloadTaskResponseFields {
  const out: Record<string, unknown> = pick(full, ['host_id', 'task_id', 'peer_id', 'response']);
  const started = full.download_task_started_response as Record<string, unknown> | undefined;
  if (started) out.download_task_started_response = pick(started, ['content_length', 'is_finished']);
  const finished = full.download_piece_finished_response as { piece: Record<string, unknown> | null } | undefined;
  if (finished) out.download_piece_finished_response = { piece: finished.piece && pick(finished.piece, ['number', 'offset', 'length', 'traffic_type']) };
  return out as unknown as DownloadTaskResponseFields;
}

const timestamp = { seconds: 1_700_000_000, nanos: 12 };
const RESPONSES: [string, DownloadTaskResponse][] = [
  [
    'started, with fields dfget does not read (pieces, headers, range)',
    {
      host_id: 'h',
      task_id: 'a'.repeat(64),
      peer_id: 'p-1',
      download_task_started_response: {
        content_length: 2 ** 33 + 1,
        range: { start: 1, length: 2 },
        response_header: { etag: '"x"', 'content-type': 'application/octet-stream' },
        pieces: [{ number: 1, offset: 4, length: 4, digest: 'sha256:00', traffic_type: 'LOCAL_PEER', cost: { seconds: 1, nanos: 2 }, created_at: timestamp }],
        is_finished: true,
      },
    },
  ],
  ['started, all defaults', { download_task_started_response: {} }],
  [
    'piece from a peer, with parent, digest, content, cost and time',
    {
      host_id: 'h',
      task_id: 't',
      peer_id: 'p',
      download_piece_finished_response: {
        piece: {
          number: 4_000_000_000,
          parent_id: 'parent',
          offset: 2 ** 52,
          length: 4 * 1024 * 1024,
          digest: 'sha256:' + 'cd'.repeat(32),
          content: Buffer.from([1, 2, 3]),
          traffic_type: 'REMOTE_PEER',
          cost: { seconds: 3, nanos: 4 },
          created_at: timestamp,
        },
      },
    },
  ],
  ['piece from the source (traffic type 0, sent explicitly)', { download_piece_finished_response: { piece: { number: 0, length: 1, traffic_type: 'BACK_TO_SOURCE' } } }],
  ['piece without traffic type', { download_piece_finished_response: { piece: { number: 2, length: 9 } } }],
  ['piece message without a piece', { download_piece_finished_response: {} }],
  ['ids only', { host_id: 'ü', task_id: '', peer_id: 'p' }],
];

describe('DownloadTask codec (by hand) against the proto-loader types', () => {
  it.each([
    ['every field dfget sets', FULL_REQUEST],
    ['only the URL', { download: { url: 'http://o/f' } }],
    ['zero values', { download: { url: '', type: 'STANDARD', priority: 'LEVEL0', timeout: { seconds: 0 }, disable_back_to_source: false, overwrite: false } }],
  ] as [string, DownloadTaskRequestFields][])('encodes a request that proto-loader decodes to the same fields: %s', (_name, req) => {
    const decoded = requestDeserialize(encodeDownloadTaskRequest(req)) as unknown as { download: Record<string, unknown> };
    const keys = Object.keys(asDecoded(req));
    expect(pick(decoded.download, keys)).toEqual(asDecoded(req));
  });

  it('refuses values it cannot encode', () => {
    expect(() => encodeDownloadTaskRequest({ download: { url: 'u', piece_length: -1 } })).toThrow(RangeError);
    expect(() => encodeDownloadTaskRequest({ download: { url: 'u', piece_length: 2 ** 53 } })).toThrow(RangeError);
    expect(() => encodeDownloadTaskRequest({ download: { url: 'u', priority: 'LEVEL9' as 'LEVEL6' } })).toThrow(/not a Priority/);
  });

  it.each(RESPONSES)('decodes what proto-loader encodes: %s', (_name, msg) => {
    const bytes = responseSerialize(msg);
    const full = dfdaemonDownloadServiceDefinition.DownloadTask.responseDeserialize(bytes) as unknown as Record<string, unknown>;
    expect(decodeDownloadTaskResponse(bytes)).toEqual(expectedFields(full));
  });

  it('skips unknown fields of every wire type, at every level, as protobufjs does', () => {
    const unknownFields = Buffer.concat([
      new ProtoWriter().uint(90, 2 ** 50).string(91, 'unknown').message(92, (m) => m.uint(1, 1).string(2, 'nested')).finish(),
      Buffer.from([
        ...tag(93, 1), 0, 1, 2, 3, 4, 5, 6, 0xff, // I64
        ...tag(94, 5), 0xff, 0xff, 0xff, 0xff, // I32
        // a group holding a varint and a nested group holding a string
        ...tag(95, 3), ...tag(1, 0), 1, ...tag(96, 3), ...tag(2, 2), 1, 0x61, ...tag(96, 4), ...tag(95, 4),
      ]),
    ]);
    const piece = Buffer.concat([new ProtoWriter().uint(1, 7).finish(), unknownFields, new ProtoWriter().uint(4, 1024).finish()]);
    const msg = Buffer.concat([
      new ProtoWriter().string(1, 'h').finish(),
      unknownFields,
      lengthDelimited(5, Buffer.concat([unknownFields, lengthDelimited(1, piece)])),
      new ProtoWriter().string(3, 'p').finish(),
      unknownFields,
    ]);
    const want = dfdaemonDownloadServiceDefinition.DownloadTask.responseDeserialize(msg) as unknown as Record<string, unknown>;
    expect(decodeDownloadTaskResponse(msg)).toEqual(expectedFields(want));
    expect(decodeDownloadTaskResponse(msg)).toEqual({
      host_id: 'h',
      task_id: '',
      peer_id: 'p',
      download_piece_finished_response: { piece: { number: 7, offset: 0, length: 1024 } },
      response: 'download_piece_finished_response',
    });
  });

  it('merges a repeated message field and keeps the oneof member seen last', () => {
    const first = responseSerialize({ download_piece_finished_response: { piece: { number: 3, length: 10 } } });
    const second = responseSerialize({ download_piece_finished_response: { piece: { traffic_type: 'LOCAL_PEER' } } });
    expect(decodeDownloadTaskResponse(Buffer.concat([first, second])).download_piece_finished_response?.piece).toEqual({
      number: 3,
      offset: 0,
      length: 10,
      traffic_type: 'LOCAL_PEER',
    });
    const started = responseSerialize({ download_task_started_response: { content_length: 5 } });
    const both = decodeDownloadTaskResponse(Buffer.concat([started, first]));
    expect(both.response).toBe('download_piece_finished_response');
    expect(both.download_task_started_response).toBeUndefined();
  });

  it('keeps a traffic type it does not know as its number, as proto-loader does', () => {
    const bytes = lengthDelimited(5, lengthDelimited(1, new ProtoWriter().uint(4, 1).uint(7, 9).finish()));
    const want = dfdaemonDownloadServiceDefinition.DownloadTask.responseDeserialize(bytes) as unknown as Record<string, unknown>;
    expect(decodeDownloadTaskResponse(bytes)).toEqual(expectedFields(want));
    expect(decodeDownloadTaskResponse(bytes).download_piece_finished_response?.piece?.traffic_type).toBe(9);
  });

  it('throws ProtoDecodeError for every truncation that cuts a field, and decodes the rest', () => {
    const bytes = responseSerialize(RESPONSES[2]?.[1] as DownloadTaskResponse);
    let errors = 0;
    for (let n = 0; n < bytes.length; n++) {
      try {
        decodeDownloadTaskResponse(bytes.subarray(0, n));
      } catch (err) {
        expect(err).toBeInstanceOf(ProtoDecodeError);
        expect((err as Error).message).toMatch(/truncated|varint/);
        errors++;
      }
    }
    // Only the cuts between top-level fields (after host_id, task_id and peer_id, and at 0) decode.
    expect(errors).toBe(bytes.length - 4);
  });

  it.each([
    ['a varint that never ends', Buffer.from([9 << 3, 0x80, 0x80]), /truncated message: a varint runs past the end/],
    ['a length past the end', Buffer.from([(1 << 3) | 2, 5, 0x61]), /truncated message: field 1 needs 5 bytes, 1 left/],
    ['an 11-byte varint', Buffer.from([9 << 3, ...Array(10).fill(0x80), 1]), /longer than 10 bytes/],
    ['field number 0', Buffer.from([0 | 0, 1]), /invalid field number 0/],
    ['wire type 6', Buffer.from([(9 << 3) | 6, 1]), /field 9 has invalid wire type 6/],
    ['a known field with another wire type', Buffer.from([(1 << 3) | 0, 1]), /field 1 has wire type 0, expected 2/],
    ['a group without its end', Buffer.from([(9 << 3) | 3, 8, 1]), /group 9 has no end/],
    ['a group closed by another', Buffer.from([(9 << 3) | 3, (8 << 3) | 4]), /group 9 ended by the end of group 8/],
  ])('refuses %s with a clear error', (_name, bytes, message) => {
    expect(() => decodeDownloadTaskResponse(bytes)).toThrow(ProtoDecodeError);
    expect(() => decodeDownloadTaskResponse(bytes)).toThrow(message);
  });
});

function varint(n: number): number[] {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 0x80)) out.push((n % 0x80) | 0x80);
  out.push(n);
  return out;
}

function tag(field: number, wireType: number): number[] {
  return varint(field * 8 + wireType);
}

function lengthDelimited(field: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([...tag(field, 2), ...varint(body.length)]), body]);
}
