import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tlsClientOptions } from '@d7y/tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testLogger } from '../../test/fixtures/logger.js';
import { randomBytesSeeded } from '../../test/fixtures/origin.js';
import { TestPki } from '../../test/fixtures/tls.js';
import { PieceFetcher } from '../download/piece-fetcher.js';
import { isDfdaemonError } from '../errors.js';
import { BandwidthLimiter } from '../rate-limit/bandwidth-limiter.js';
import { Storage } from '../storage/storage.js';
import type { TaskStore } from '../storage/task-store.js';
import { PieceServer } from './piece-server.js';

const MiB = 1024 * 1024;
const TASK = 'c'.repeat(64);

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

describe('PieceServer + PieceFetcher (mTLS)', () => {
  const pki = new TestPki();
  const body = randomBytesSeeded(2 * MiB + 100, 5);
  let dir: string;
  let storage: Storage;
  let server: PieceServer;
  let task: TaskStore;
  const fetcher = new PieceFetcher({ tls: pki.source('peer-2'), pieceTimeoutMs: 5000 });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'd7y-ps-'));
    storage = new Storage({ dir, keep: false, logger: testLogger() });
    await storage.start();
    task = await storage.getOrCreate({ id: TASK, url: 'http://o/x', pieceLength: MiB, contentLength: body.length, responseHeader: {} });
    async function* one(b: Buffer) {
      yield b;
    }
    await task.writePiece({ number: 0, offset: 0, chunks: one(body.subarray(0, MiB)), trafficType: 'back-to-source' });
    await task.writePiece({ number: 2, offset: 2 * MiB, chunks: one(body.subarray(2 * MiB)), trafficType: 'back-to-source' });
    server = new PieceServer({ storage, tls: pki.source('peer-1'), uploadLimiter: new BandwidthLimiter({ bytesPerSecond: 0 }), logger: testLogger(), ip: '127.0.0.1', port: 0 });
    await server.start();
  });
  afterAll(async () => {
    await fetcher.close();
    await server.stop();
    await storage.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const parent = () => ({ ip: '127.0.0.1', port: server.port });

  it('streams finished pieces to a dfdaemon identity', async () => {
    const p0 = await fetcher.fetch(parent(), TASK, 0);
    expect((await collect(p0.body)).equals(body.subarray(0, MiB))).toBe(true);
    const p2 = await fetcher.fetch(parent(), TASK, 2);
    const got = await collect(p2.body);
    expect(got.length).toBe(100);
    expect(`sha256:${createHash('sha256').update(got).digest('hex')}`).toBe(task.getPiece(2)?.digest);
  });

  it.each([
    ['unknown task', 'd'.repeat(64), 0, /404/],
    ['unfinished piece', TASK, 1, /404/],
    ['out-of-range piece', TASK, 3, /416/],
    ['invalid task id', '..%2F..%2Fetc', 0, /400/],
  ])('refuses a %s', async (_name, id, n, status) => {
    const err = await fetcher.fetch(parent(), id, n).catch((e: unknown) => e);
    expect(isDfdaemonError(err, 'DF_ERR_PARENT_FAILED')).toBe(true);
    expect((err as Error).message).toMatch(status);
  });

  function get(role: 'client' | 'dfdaemon', path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer }> {
    const src = pki.source('someone', role);
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path, headers, ...tlsClientOptions(src) }, (res) => {
        void collect(res).then((b) => resolve({ status: res.statusCode ?? 0, body: b }), reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('serves a byte range within a piece', async () => {
    const r = await get('dfdaemon', `/pieces/${TASK}/0`, { range: 'bytes=10-19' });
    expect(r.status).toBe(206);
    expect(r.body.equals(body.subarray(10, 20))).toBe(true);
    expect((await get('dfdaemon', `/pieces/${TASK}/2`, { range: 'bytes=100-' })).status).toBe(416);
  });

  it('refuses identities that are not dfdaemons, and connections without a certificate', async () => {
    expect((await get('client', `/pieces/${TASK}/0`)).status).toBe(403);
    const noCert = await new Promise<unknown>((resolve) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: `/pieces/${TASK}/0`, ca: pki.ca.certPem }, () => resolve('answered'));
      req.on('error', (e) => resolve(e));
      req.end();
    });
    expect(noCert).toBeInstanceOf(Error);
  });

  it('still fetches from a parent that takes 2.5 s to answer the handshake (a busy seed)', async () => {
    // A TCP relay that holds each connection 2.5 s before passing it to the piece server. The old
    // 2 s handshake deadline called such a parent unreachable and blocked it.
    const relay = createNetServer((client) => {
      client.pause();
      const t = setTimeout(() => {
        const up = connect(server.port, '127.0.0.1');
        up.on('error', () => client.destroy());
        client.on('error', () => up.destroy());
        client.pipe(up).pipe(client);
        client.resume();
      }, 2500);
      client.on('close', () => clearTimeout(t));
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const slowParent = { ip: '127.0.0.1', port: (relay.address() as AddressInfo).port };
    const patient = new PieceFetcher({ tls: pki.source('peer-2'), pieceTimeoutMs: 10_000 });
    try {
      const p0 = await patient.fetch(slowParent, TASK, 0);
      expect((await collect(p0.body)).equals(body.subarray(0, MiB))).toBe(true);
    } finally {
      await patient.close();
      await new Promise<void>((r) => relay.close(() => r()));
    }
  });
});
