import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testLogger } from '../../test/fixtures/logger.js';
import { randomBytesSeeded, TestOrigin } from '../../test/fixtures/origin.js';
import { isDfdaemonError } from '../errors.js';
import { BandwidthLimiter } from '../rate-limit/bandwidth-limiter.js';
import { SourceClient } from '../source/source-client.js';
import { Storage } from '../storage/storage.js';
import { BackToSource } from './back-to-source.js';

const PIECE = 1024 * 1024;
const id = (c: string) => c.repeat(64);

describe('BackToSource', () => {
  const origin = new TestOrigin();
  const source = new SourceClient();
  const body = randomBytesSeeded(5 * PIECE + 777, 11);
  let dir: string;
  let storage: Storage;
  const b2s = new BackToSource({ source, limiters: [new BandwidthLimiter({ bytesPerSecond: 0 })], logger: testLogger() });

  beforeAll(async () => {
    origin.files.set('/file', { body });
    origin.files.set('/chunked', { body, chunked: true });
    origin.files.set('/norange', { body, noRange: true });
    await origin.start();
    dir = await mkdtemp(join(tmpdir(), 'd7y-b2s-'));
    storage = new Storage({ dir, keep: false, logger: testLogger() });
    await storage.start();
  });
  afterAll(async () => {
    await storage.stop();
    await source.close();
    await origin.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('fetches every piece once with ranged GETs, concurrently, and the file matches', async () => {
    const t = await storage.getOrCreate({ id: id('1'), url: origin.url('/file'), pieceLength: PIECE, contentLength: body.length, responseHeader: {} });
    const seen: number[] = [];
    await b2s.downloadPieces(t, { url: origin.url('/file'), header: {} }, [0, 1, 2, 3, 4, 5], { concurrency: 3, onPiece: (p) => seen.push(p.number) });
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect((await readFile(t.contentPath)).equals(body)).toBe(true);
    expect(origin.bytesServed('/file')).toBe(body.length);
    const ranges = origin.log.filter((e) => e.path === '/file').map((e) => e.range);
    expect(ranges).toContain(`bytes=${5 * PIECE}-${body.length - 1}`);
    // Pieces already stored are not fetched again.
    await b2s.downloadPieces(t, { url: origin.url('/file'), header: {} }, [0, 1, 2, 3, 4, 5], { concurrency: 3 });
    expect(origin.bytesServed('/file')).toBe(body.length);
  });

  it.each(['/chunked', '/norange'])('streams %s in one GET and stores it as pieces', async (path) => {
    const unknown = path === '/chunked';
    const t = await storage.getOrCreate({
      id: id(unknown ? '2' : '3'),
      url: origin.url(path),
      pieceLength: PIECE,
      contentLength: unknown ? null : body.length,
      responseHeader: {},
    });
    await b2s.streamAll(t, { url: origin.url(path), header: {} }, { concurrency: 1 });
    expect(t.contentLength).toBe(body.length);
    expect(t.hasAllPieces()).toBe(true);
    expect(t.getPiece(5)?.digest).toBe(`sha256:${createHash('sha256').update(body.subarray(5 * PIECE)).digest('hex')}`);
    expect((await readFile(t.contentPath)).equals(body)).toBe(true);
  });

  it('stops on an origin error and reports its status', async () => {
    const t = await storage.getOrCreate({ id: id('4'), url: origin.url('/gone'), pieceLength: PIECE, contentLength: body.length, responseHeader: {} });
    const err = await b2s
      .downloadPieces(t, { url: origin.url('/gone'), header: {} }, [0, 1, 2], { concurrency: 2 })
      .catch((e: unknown) => e);
    expect(isDfdaemonError(err, 'DF_ERR_SOURCE_STATUS')).toBe(true);
    expect(t.pieces()).toHaveLength(0);
  });
});
