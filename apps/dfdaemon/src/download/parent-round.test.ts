import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testLogger } from '../../test/fixtures/logger.js';
import { randomBytesSeeded } from '../../test/fixtures/origin.js';
import { SyncGate } from '../../test/fixtures/sync-gate.js';
import { TestPki } from '../../test/fixtures/tls.js';
import { BandwidthLimiter } from '../rate-limit/bandwidth-limiter.js';
import { Storage } from '../storage/storage.js';
import type { PieceRecord } from '../storage/task-store.js';
import { PieceServer } from '../upload/piece-server.js';
import { ParentRound, type Parent } from './parent-round.js';
import { PieceFetcher } from './piece-fetcher.js';

const MiB = 1024 * 1024;
const TASK = 'd'.repeat(64);
const PIECES = 3;

async function* one(b: Buffer): AsyncIterable<Buffer> {
  yield b;
}

describe('ParentRound (real piece server, real storage)', () => {
  const pki = new TestPki();
  const body = randomBytesSeeded(PIECES * MiB, 11);
  const digestOf = (n: number): string => `sha256:${createHash('sha256').update(body.subarray(n * MiB, (n + 1) * MiB)).digest('hex')}`;
  let dir: string;
  let parentStorage: Storage;
  let childStorage: Storage;
  let server: PieceServer;
  let fetcher: PieceFetcher;
  let served = 0;
  // The child's content fdatasync waits until the test opens the gate.
  let gate: SyncGate;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'd7y-round-'));
    served = 0;
    gate = new SyncGate();
    parentStorage = new Storage({ dir: join(dir, 'parent'), keep: false, logger: testLogger() });
    await parentStorage.start();
    const parentTask = await parentStorage.getOrCreate({ id: TASK, url: 'http://o/x', pieceLength: MiB, contentLength: body.length, responseHeader: {} });
    for (let n = 0; n < PIECES; n++) {
      await parentTask.writePiece({ number: n, offset: n * MiB, chunks: one(body.subarray(n * MiB, (n + 1) * MiB)), trafficType: 'back-to-source' });
    }
    server = new PieceServer({
      storage: parentStorage,
      tls: pki.source('peer-1'),
      uploadLimiter: new BandwidthLimiter({ bytesPerSecond: 0 }),
      logger: testLogger(),
      ip: '127.0.0.1',
      port: 0,
      observer: { served: (result) => void (result === 'success' && (served += 1)) },
    });
    await server.start();
    childStorage = new Storage({ dir: join(dir, 'child'), keep: false, logger: testLogger(), openFile: gate.openFile });
    await childStorage.start();
    fetcher = new PieceFetcher({ tls: pki.source('peer-2'), pieceTimeoutMs: 5000 });
  });

  afterEach(async () => {
    gate.open();
    await fetcher.close();
    await server.stop();
    await childStorage.stop();
    await parentStorage.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports pieces once written and verified while their fdatasync is still pending, and journals them only after it', async () => {
    const child = await childStorage.getOrCreate({ id: TASK, url: 'http://o/x', pieceLength: MiB, contentLength: body.length, responseHeader: {} });
    const parent: Parent = { id: 'parent-peer', hostId: 'parent-host', ip: '127.0.0.1', port: 1, downloadPort: server.port };
    const reported: PieceRecord[] = [];
    const result = await new ParentRound({
      task: child,
      parents: [parent],
      numbers: [0, 1, 2],
      syncPieces: async function* () {
        yield* [0, 1, 2];
      },
      fetcher,
      trustedDigest: (n) => Promise.resolve(digestOf(n)),
      limiters: [],
      // One worker: with a blocking commit it could not start piece 1 before piece 0 is durable.
      concurrency: 1,
      idleTimeoutMs: 10_000,
      onPiece: (p) => reported.push(p),
      onPieceFailed: () => undefined,
      logger: testLogger(),
      signal: new AbortController().signal,
    }).run();
    // The round ended with the gate still closed: no fdatasync finished, nothing journaled.
    expect(result.blocked.size).toBe(0);
    expect(gate.syncs).toBeGreaterThan(0);
    expect(reported.map((p) => p.number).sort()).toEqual([0, 1, 2]);
    expect(child.pieces().map((p) => p.digest)).toEqual([0, 1, 2].map(digestOf));
    const journal = join(dir, 'child', 'metadata', 'tasks', `${TASK}.pieces`);
    expect(await readFile(journal, 'utf8')).toBe('');
    gate.open();
    await child.whenDurable();
    expect((await readFile(journal, 'utf8')).trim().split('\n')).toHaveLength(3);
  });
});
