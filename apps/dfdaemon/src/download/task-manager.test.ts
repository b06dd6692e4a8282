import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testLogger } from '../../test/fixtures/logger.js';
import { randomBytesSeeded, TestOrigin } from '../../test/fixtures/origin.js';
import { isDfdaemonError } from '../errors.js';
import { BandwidthLimiter } from '../rate-limit/bandwidth-limiter.js';
import { SourceClient } from '../source/source-client.js';
import { Storage } from '../storage/storage.js';
import type { PieceRecord } from '../storage/task-store.js';
import { BackToSource } from './back-to-source.js';
import type { DownloadRequest } from './download-request.js';
import { streamTaskContent } from './task-content-stream.js';
import { TaskManager } from './task-manager.js';

const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function collect(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe('TaskManager (no scheduler)', () => {
  const origin = new TestOrigin();
  const source = new SourceClient();
  const big = randomBytesSeeded(9 * MiB + 5, 21);
  const small = randomBytesSeeded(100_000, 22);
  let dir: string;
  let storage: Storage;
  let manager: TaskManager;
  let n = 0;

  beforeAll(async () => {
    origin.files.set('/big', { body: big });
    origin.files.set('/small', { body: small });
    origin.files.set('/chunked', { body: big, chunked: true });
    origin.files.set(`/v2/lib/app/blobs/sha256:${sha256(small)}`, { body: small });
    origin.files.set(`/v2/lib/app/blobs/sha256:${sha256(big)}`, { body: small });
    await origin.start();
    dir = await mkdtemp(join(tmpdir(), 'd7y-tm-'));
  });
  beforeEach(async () => {
    await storage?.stop();
    storage = new Storage({ dir: join(dir, String(n++)), keep: false, logger: testLogger() });
    await storage.start();
    manager = new TaskManager({
      storage,
      source,
      backToSource: new BackToSource({ source, limiters: [new BandwidthLimiter({ bytesPerSecond: 0 })], logger: testLogger() }),
      logger: testLogger(),
      newPeerId: () => `127.0.0.1-test-${n}`,
      concurrentPieceCount: 4,
    });
  });
  afterAll(async () => {
    await storage.stop();
    await source.close();
    await origin.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const req = (path: string, over: Partial<DownloadRequest> = {}): DownloadRequest => ({
    url: origin.url(path),
    requestHeader: {},
    priority: 6,
    disableBackToSource: false,
    needBackToSource: false,
    ...over,
  });

  it('downloads from the source, then serves the second request from local storage only', async () => {
    const pieces: PieceRecord[] = [];
    let startedLength: number | null = -1;
    const t = await manager.download(req('/big'), { onStarted: (s) => (startedLength = s.contentLength), onPiece: (p) => pieces.push(p) });
    expect(startedLength).toBe(big.length);
    expect(t.isFinished).toBe(true);
    expect(pieces.map((p) => p.number).sort()).toEqual([0, 1, 2]);
    expect((await readFile(t.contentPath)).equals(big)).toBe(true);
    const before = origin.log.length;
    const again: PieceRecord[] = [];
    await manager.download(req('/big'), { onPiece: (p) => again.push(p) });
    expect(origin.log.length).toBe(before);
    expect(again.every((p) => p.trafficType === 'local-peer')).toBe(true);
  });

  it('fetches once for concurrent requests of the same task', async () => {
    const before = origin.bytesServed('/big');
    const results = await Promise.all([manager.download(req('/big')), manager.download(req('/big')), manager.download(req('/big'))]);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    // Once for the three of them, plus one byte of stat.
    expect(origin.bytesServed('/big') - before).toBe(big.length + 1);
  });

  it('streams content in order while it downloads, and a range of it', async () => {
    const id = manager.taskIdOf(req('/big'));
    let streamed: Promise<Buffer> | undefined;
    let ranged: Promise<Buffer> | undefined;
    await manager.download(req('/big'), {
      onStarted: () => {
        const t = storage.require(id);
        streamed = collect(streamTaskContent(t));
        ranged = collect(streamTaskContent(t, { start: 4 * MiB - 10, length: 20 }));
      },
    });
    expect((await streamed as Buffer).equals(big)).toBe(true);
    expect((await ranged as Buffer).equals(big.subarray(4 * MiB - 10, 4 * MiB + 10))).toBe(true);
  });

  it('downloads a chunked source without content length by streaming it', async () => {
    const t = await manager.download(req('/chunked'));
    expect(t.contentLength).toBe(big.length);
    expect((await readFile(t.contentPath)).equals(big)).toBe(true);
  });

  it('checks the whole content against --digest and a blob URL digest', async () => {
    const ok = await manager.download(req('/small', { digest: `sha256:${sha256(small)}` }));
    expect(ok.meta.digest).toBe(`sha256:${sha256(small)}`);
    await manager.download(req(`/v2/lib/app/blobs/sha256:${sha256(small)}`));
    const bad = await manager.download(req('/small', { digest: `sha256:${sha256(big)}`, tag: 'x' })).catch((e: unknown) => e);
    expect(isDfdaemonError(bad, 'DF_ERR_DIGEST_MISMATCH')).toBe(true);
    // The URL names the digest of `big` but the origin serves `small`: refused, and nothing is kept.
    const lying = req(`/v2/lib/app/blobs/sha256:${sha256(big)}`);
    const err = await manager.download(lying).catch((e: unknown) => e);
    expect(isDfdaemonError(err, 'DF_ERR_DIGEST_MISMATCH')).toBe(true);
    expect(storage.get(manager.taskIdOf(lying))).toBeUndefined();
  });

  it('reports an origin 404 and a disabled back-to-source clearly', async () => {
    const nf = await manager.download(req('/nope')).catch((e: unknown) => e);
    expect(isDfdaemonError(nf, 'DF_ERR_SOURCE_STATUS')).toBe(true);
    expect((nf as { statusCode: number }).statusCode).toBe(404);
    const off = await manager.download(req('/big', { disableBackToSource: true, tag: 'p2p-only' })).catch((e: unknown) => e);
    expect(isDfdaemonError(off, 'DF_ERR_BACK_TO_SOURCE_DISABLED')).toBe(true);
  });

  it('fetches only the pieces a range needs', async () => {
    const before = origin.bytesServed('/big');
    const t = await manager.download(req('/big', { range: { start: 5 * MiB, length: 10 } }));
    expect(t.pieces().map((p) => p.number)).toEqual([1]);
    expect(t.isFinished).toBe(false);
    expect(origin.bytesServed('/big') - before).toBe(4 * MiB + 1);
  });

  it('times out with a clear error', async () => {
    const err = await manager.download(req('/big', { timeoutMs: 1, tag: 'slow' })).catch((e: unknown) => e);
    expect(isDfdaemonError(err)).toBe(true);
    expect((err as { code: string }).code).toMatch(/DF_ERR_TIMEOUT|DF_ERR_CANCELLED/);
  });
});
