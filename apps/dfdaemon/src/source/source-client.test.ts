import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytesSeeded, TestOrigin } from '../../test/fixtures/origin.js';
import { isDfdaemonError } from '../errors.js';
import { parseContentRangeTotal, SourceClient } from './source-client.js';

describe('SourceClient', () => {
  const origin = new TestOrigin();
  const client = new SourceClient();
  const body = randomBytesSeeded(100_000, 3);

  beforeAll(async () => {
    origin.files.set('/file', { body });
    origin.files.set('/chunked', { body, chunked: true });
    origin.files.set('/norange', { body, noRange: true });
    origin.files.set('/empty', { body: Buffer.alloc(0) });
    origin.files.set('/forbidden', { body, status: 403 });
    await origin.start();
  });
  afterAll(async () => {
    await client.close();
    await origin.stop();
  });

  it('stats with a Range: bytes=0-0 GET and rewrites headers like a full response', async () => {
    const st = await client.stat({ url: origin.url('/file'), header: { 'x-test': '1' } });
    expect(st).toMatchObject({ contentLength: 100_000, supportsRange: true });
    expect(st.responseHeader['content-length']).toBe('100000');
    expect(st.responseHeader['content-range']).toBeUndefined();
    expect(origin.log.at(-1)).toMatchObject({ path: '/file', range: 'bytes=0-0' });
  });

  it.each([
    ['/chunked', null, false],
    ['/norange', 100_000, false],
    ['/empty', 0, true],
  ])('stat %s → length %s, ranges %s', async (path, len, ranges) => {
    const st = await client.stat({ url: origin.url(path), header: {} });
    expect(st.contentLength).toBe(len);
    expect(st.supportsRange).toBe(ranges);
  });

  it.each([
    ['/missing', 404],
    ['/forbidden', 403],
  ])('stat %s is a source status error carrying %i', async (path, code) => {
    const err = await client.stat({ url: origin.url(path), header: {} }).catch((e: unknown) => e);
    expect(isDfdaemonError(err, 'DF_ERR_SOURCE_STATUS')).toBe(true);
    expect((err as { statusCode: number }).statusCode).toBe(code);
  });

  it('reports an unreachable origin and refuses other schemes', async () => {
    const down = await client.stat({ url: 'http://127.0.0.1:1/x', header: {} }).catch((e: unknown) => e);
    expect(isDfdaemonError(down, 'DF_ERR_SOURCE_UNREACHABLE')).toBe(true);
    const ftp = await client.stat({ url: 'ftp://example.com/x', header: {} }).catch((e: unknown) => e);
    expect(isDfdaemonError(ftp, 'DF_ERR_INVALID_ARGUMENT')).toBe(true);
  });

  it('fetches a byte range', async () => {
    const res = await client.get({ url: origin.url('/file'), header: {} }, { start: 1000, length: 5000 });
    const parts: Buffer[] = [];
    for await (const c of res.body) parts.push(c);
    expect(Buffer.concat(parts).equals(body.subarray(1000, 6000))).toBe(true);
  });

  it.each([
    ['bytes 0-0/1234', 1234],
    ['bytes */77', 77],
    ['bytes 0-0/*', null],
    [undefined, null],
  ])('parseContentRangeTotal(%s) = %s', (v, want) => {
    expect(parseContentRangeTotal(v)).toBe(want);
  });
});
