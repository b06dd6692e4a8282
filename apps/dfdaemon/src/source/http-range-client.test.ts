import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytesSeeded, TestOrigin } from '../../test/fixtures/origin.js';
import { isDfdaemonError } from '../errors.js';
import { isAlignedSlab } from '../memory/slab-pool.js';
import { HttpRangeClient, type RangeBody } from './http-range-client.js';
import { SourceClient } from './source-client.js';

const KiB = 1024;

async function readAll(res: RangeBody, release = true): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of res.body) {
    parts.push(Buffer.from(c)); // a copy: the slab goes back to the pool
    if (release) res.release(c);
  }
  return Buffer.concat(parts);
}

describe('HttpRangeClient (ranged GETs into reusable slabs)', () => {
  const origin = new TestOrigin();
  const body = randomBytesSeeded(3 * 1024 * KiB + 17, 11);
  // Small slabs so one range spans many of them, and the pool is exercised.
  const client = new HttpRangeClient({ headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000, slabBytes: 128 * KiB });
  let connections = 0;

  beforeAll(async () => {
    origin.files.set('/f', { body });
    origin.files.set('/norange', { body, noRange: true });
    origin.files.set('/chunked', { body, chunked: true });
    await origin.start();
    // Count TCP connections the origin accepts.
    (origin as unknown as { server: { on(e: 'connection', l: () => void): void } }).server.on('connection', () => (connections += 1));
  });
  afterAll(async () => {
    client.close();
    await origin.stop();
  });

  it.each([
    [0, 1],
    [0, 1024 * KiB],
    [5, 2 * 1024 * KiB + 3],
    [body.length - 100, 100],
  ])('returns exactly bytes [%i, +%i) and reuses the connection', async (start, length) => {
    const before = connections;
    for (let i = 0; i < 3; i++) {
      const res = await client.get(new URL(origin.url('/f')), { 'x-test': 'yes' }, { start, length });
      expect(res?.statusCode).toBe(206);
      const got = await readAll(res as RangeBody);
      expect(got.equals(body.subarray(start, start + length))).toBe(true);
      res?.destroy();
    }
    expect(connections - before).toBeLessThanOrEqual(1);
    expect(origin.log.at(-1)).toMatchObject({ path: '/f', range: `bytes=${start}-${start + length - 1}` });
  });

  it('hands over page-aligned chunks (all but a body\'s last), whatever sizes the socket reads have', async () => {
    // Headers and body dribble in at odd sizes: every read ends off a page boundary.
    const data = randomBytesSeeded(700 * KiB + 5, 3);
    const server: Server = createServer((s: Socket) => {
      s.once('data', () => {
        const all = Buffer.concat([Buffer.from(`HTTP/1.1 206 Partial Content\r\nContent-Length: ${data.length}\r\nContent-Range: bytes 0-${data.length - 1}/${data.length}\r\n\r\n`), data]);
        let at = 0;
        const next = (): void => {
          if (at >= all.length) return;
          const n = 1000 + (at % 7919);
          s.write(all.subarray(at, at + n), () => setImmediate(next));
          at += n;
        };
        next();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const res = (await client.get(new URL(`http://127.0.0.1:${port}/a`), {}, { start: 0, length: data.length })) as RangeBody;
    const parts: Buffer[] = [];
    const aligned: boolean[] = [];
    for await (const c of res.body) {
      aligned.push(isAlignedSlab(c));
      parts.push(Buffer.from(c));
      res.release(c);
    }
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    expect(aligned.length).toBeGreaterThan(3);
    expect(aligned.slice(0, -1).every(Boolean)).toBe(true);
    expect(aligned.at(-1)).toBe(false); // 700 KiB + 5 bytes: the last one ends off a boundary
    res.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('takes back the slab of every connection the origin closes', async () => {
    const server: Server = createServer((s: Socket) => {
      s.once('data', () => s.end('HTTP/1.1 206 Partial Content\r\nConnection: close\r\nContent-Length: 3\r\nContent-Range: bytes 0-2/3\r\n\r\nabc'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const own = new HttpRangeClient({ headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000, slabBytes: 128 * KiB });
    const pool = (own as unknown as { conns: { slabs: { outstanding: number } } }).conns.slabs;
    for (let i = 0; i < 10; i++) {
      const res = (await own.get(new URL(`http://127.0.0.1:${port}/c`), {}, { start: 0, length: 3 })) as RangeBody;
      expect((await readAll(res)).toString()).toBe('abc');
      res.destroy();
    }
    await new Promise((r) => setTimeout(r, 100)); // the last sockets' close events
    expect(pool.outstanding).toBe(0);
    own.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('an idle spell lets the slabs go, those of the idle connections it closes too', async () => {
    let trims = 0;
    const own = new HttpRangeClient({ headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000, slabBytes: 128 * KiB, slabIdleMs: 50, collectGarbage: () => (trims += 1) });
    const pool = (own as unknown as { conns: { slabs: { outstanding: number; freeCount: number } } }).conns.slabs;
    const res = (await own.get(new URL(origin.url('/f')), {}, { start: 0, length: 300 * KiB })) as RangeBody;
    await readAll(res);
    res.destroy();
    expect(pool.outstanding).toBe(1); // the kept-alive connection's next read buffer
    await new Promise((r) => setTimeout(r, 300));
    // the trim dropped the free slabs and closed the connection; its slab did not come back to be
    // kept (which would hold its block until a second trim)
    expect(pool.freeCount).toBe(0);
    expect(trims).toBe(1);
    own.close();
  });

  it('gives the origin request headers and the right Host', async () => {
    const seen: string[] = [];
    const server: Server = createServer((s: Socket) => {
      s.once('data', (d) => {
        seen.push(d.toString('latin1'));
        s.end('HTTP/1.1 206 Partial Content\r\nContent-Length: 3\r\nContent-Range: bytes 0-2/3\r\n\r\nabc');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const res = await client.get(new URL(`http://127.0.0.1:${port}/p?q=1`), { authorization: 'Bearer t' }, { start: 0, length: 3 });
    expect((await readAll(res as RangeBody)).toString()).toBe('abc');
    expect(seen[0]).toMatch(/^GET \/p\?q=1 HTTP\/1\.1\r\n/);
    expect(seen[0]).toContain(`host: 127.0.0.1:${port}\r\n`);
    expect(seen[0]).toContain('authorization: Bearer t\r\n');
    expect(seen[0]).toContain('range: bytes=0-2\r\n');
    await new Promise<void>((r) => server.close(() => r()));
  });

  it.each(['/norange', '/chunked', '/missing'])('leaves %s (not a plain 206) to the general client', async (path) => {
    expect(await client.get(new URL(origin.url(path)), {}, { start: 0, length: 10 })).toBeUndefined();
  });

  it('refuses header values that would split the request', async () => {
    expect(await client.get(new URL(origin.url('/f')), { 'x-a': 'b\r\nx-evil: 1' }, { start: 0, length: 10 })).toBeUndefined();
  });

  it('fails a body the origin cuts short as DF_ERR_SOURCE_UNREACHABLE', async () => {
    const server: Server = createServer((s: Socket) => {
      s.once('data', () => {
        s.write('HTTP/1.1 206 Partial Content\r\nContent-Length: 100000\r\nContent-Range: bytes 0-99999/100000\r\n\r\n');
        s.end(Buffer.alloc(5000));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const res = await client.get(new URL(`http://127.0.0.1:${port}/x`), {}, { start: 0, length: 100_000 });
    const err = await readAll(res as RangeBody).catch((e: unknown) => e);
    expect(isDfdaemonError(err, 'DF_ERR_SOURCE_UNREACHABLE')).toBe(true);
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('reports an unreachable origin', async () => {
    const err = await client.get(new URL('http://127.0.0.1:1/x'), {}, { start: 0, length: 1 }).catch((e: unknown) => e);
    expect(isDfdaemonError(err, 'DF_ERR_SOURCE_UNREACHABLE')).toBe(true);
  });

  it('a SourceClient gets the same bytes and errors with the fast path on and off', async () => {
    for (const rangeFastPath of [true, false]) {
      const sc = new SourceClient({ rangeFastPath });
      const res = await sc.get({ url: origin.url('/f'), header: {} }, { start: 1000, length: 300 * KiB });
      const parts: Buffer[] = [];
      for await (const c of res.body) parts.push(Buffer.from(c));
      res.destroy();
      expect(Buffer.concat(parts).equals(body.subarray(1000, 1000 + 300 * KiB))).toBe(true);
      const missing = await sc.get({ url: origin.url('/missing'), header: {} }, { start: 0, length: 10 }).catch((e: unknown) => e);
      expect(isDfdaemonError(missing, 'DF_ERR_SOURCE_STATUS')).toBe(true);
      const ignored = await sc.get({ url: origin.url('/norange'), header: {} }, { start: 0, length: 10 }).catch((e: unknown) => e);
      expect(isDfdaemonError(ignored, 'DF_ERR_SOURCE_STATUS')).toBe(true);
      await sc.close();
    }
  });
});
