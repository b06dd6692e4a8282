import { schedulerServiceDefinition, type scheduler } from '@d7y/rpc';
import { describe, expect, it } from 'vitest';
import { decodeAnnouncePeerRequest } from './announce-peer-wire.js';

const METHOD = schedulerServiceDefinition.AnnouncePeer;
const encode = METHOD.requestSerialize as (value: scheduler.AnnouncePeerRequest) => Buffer;
const reference = METHOD.requestDeserialize as (bytes: Buffer) => scheduler.AnnouncePeerRequest__Output;

/** Deterministic pseudo-random numbers, so that a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

function randomDownload(random: () => number): Record<string, unknown> {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const maybe = (value: unknown): unknown => (random() < 0.5 ? value : undefined);
  const text = (): string => pick(['', 'a', 'ünïcödé ✓', 'x'.repeat(200), 'sha256:' + 'f'.repeat(64)]);
  const big = (): number => pick([0, 1, 127, 128, 300, 2 ** 31, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER]);
  const download: Record<string, unknown> = {
    url: pick(['', 'https://example.com/blob?x=1', 'http://10.0.0.1:8080/a/b/c']),
    type: pick(['STANDARD', 'PERSISTENT', 'PERSISTENT_CACHE', 'CACHE']),
    priority: pick(['LEVEL0', 'LEVEL1', 'LEVEL3', 'LEVEL6']),
    filtered_query_params: random() < 0.5 ? [] : [text(), text()],
    request_header: random() < 0.5 ? {} : { Authorization: text(), 'X-Empty': '', [text() || 'k']: text() },
    digest: maybe(text()),
    range: maybe({ start: big(), length: big() }),
    tag: maybe(text()),
    application: maybe(text()),
    piece_length: maybe(big()),
    output_path: maybe(text()),
    timeout: maybe({ seconds: big(), nanos: pick([0, 1, 999_999_999]) }),
    content_for_calculating_task_id: maybe(text()),
    remote_ip: maybe(text()),
    concurrent_piece_count: maybe(pick([0, 1, 8, 4_000_000_000])),
    actual_piece_length: maybe(big()),
    actual_content_length: maybe(big()),
    actual_piece_count: maybe(big()),
  };
  for (const flag of [
    'disable_back_to_source',
    'need_back_to_source',
    'prefetch',
    'is_prefetch',
    'need_piece_content',
    'force_hard_link',
    'overwrite',
    'enable_task_id_based_blob_digest',
    'metadata_only',
  ]) {
    download[flag] = random() < 0.3;
  }
  for (const [key, value] of Object.entries(download)) if (value === undefined) delete download[key];
  return download;
}

describe('decodeAnnouncePeerRequest', () => {
  it('gives exactly what protobufjs gives for 2,000 random registrations and started messages', () => {
    const random = prng(42);
    let covered = 0;
    for (let i = 0; i < 2000; i++) {
      const ids = { host_id: random() < 0.1 ? '' : `10.0.0.${i}-host`, task_id: 'a'.repeat(64), peer_id: `10.0.0.${i}-host-${i}` };
      const message =
        random() < 0.2
          ? { ...ids, download_peer_started_request: {} }
          : { ...ids, register_peer_request: random() < 0.05 ? {} : { download: randomDownload(random) } };
      const bytes = encode(message as scheduler.AnnouncePeerRequest);
      const fast = decodeAnnouncePeerRequest(bytes);
      if (fast === undefined) continue;
      covered += 1;
      expect(fast, JSON.stringify(message)).toEqual(reference(bytes));
    }
    expect(covered).toBe(2000);
  });

  it('leaves everything else to protobufjs: other kinds, uncommon fields, unknown fields and enum values, bad bytes', () => {
    const ids = { host_id: 'h', task_id: 't', peer_id: 'p' };
    const others: scheduler.AnnouncePeerRequest[] = [
      { ...ids, download_peer_finished_request: {} },
      { ...ids, download_piece_finished_request: { piece: { number: 1, offset: 0, length: 1, digest: 'sha256:00' } } },
      { ...ids, register_peer_request: { download: { url: 'https://x', certificate_chain: [Buffer.from('der')] } } },
      { ...ids, register_peer_request: { download: { url: 'https://x', object_storage: { region: 'r' } } } },
      { ...ids },
    ];
    for (const message of others) expect(decodeAnnouncePeerRequest(encode(message)), JSON.stringify(message)).toBeUndefined();

    const registration = encode({ ...ids, register_peer_request: { download: { url: 'https://x', priority: 'LEVEL3' } } });
    // Field 99 (varint) appended: unknown to the hand decoder.
    expect(decodeAnnouncePeerRequest(Buffer.concat([registration, Buffer.from([0x98, 0x06, 0x01])]))).toBeUndefined();
    // A priority number with no name.
    const unknownEnum = Buffer.from(registration);
    const at = unknownEnum.indexOf(Buffer.from([0x38, 0x03])); // Download.priority = 3
    expect(at).toBeGreaterThan(0);
    unknownEnum[at + 1] = 9;
    expect(decodeAnnouncePeerRequest(unknownEnum)).toBeUndefined();
    // Truncated anywhere.
    for (let n = 1; n < registration.length; n++) expect(decodeAnnouncePeerRequest(registration.subarray(0, n))).toBeUndefined();
    // A duration too negative for 53 bits.
    const negative = encode({ ...ids, register_peer_request: { download: { url: 'https://x', timeout: { seconds: -1, nanos: 0 } } } });
    expect(decodeAnnouncePeerRequest(negative)).toBeUndefined();
  });
});
