import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testLogger } from '../../test/fixtures/logger.js';
import { Storage } from './storage.js';
import { StorageGc } from './storage-gc.js';

const MiB = 1024 * 1024;

async function* bytes(n: number): AsyncIterable<Buffer> {
  yield Buffer.alloc(n, 7);
}

describe('StorageGc', () => {
  let dir: string;
  let clock: number;
  let storage: Storage;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'd7y-gc-'));
    clock = 1_000_000;
    storage = new Storage({ dir, keep: false, logger: testLogger(), now: () => clock });
    await storage.start();
  });
  afterEach(async () => {
    await storage.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function task(ch: string, sizeMiB: number) {
    const t = await storage.getOrCreate({ id: ch.repeat(64), url: `http://o/${ch}`, pieceLength: sizeMiB * MiB, contentLength: sizeMiB * MiB, responseHeader: {} });
    await t.writePiece({ number: 0, offset: 0, chunks: bytes(sizeMiB * MiB), trafficType: 'back-to-source' });
    // Until its commit lands a piece keeps the task in use (never evicted): wait for it.
    await t.whenDurable();
    clock += 1000;
    return t;
  }

  const gc = (over: Partial<ConstructorParameters<typeof StorageGc>[0]> = {}, evicted: string[] = []) =>
    new StorageGc({
      storage,
      logger: testLogger(),
      intervalMs: 60_000,
      taskTtlMs: 3_600_000,
      diskHighThresholdPercent: 80,
      diskLowThresholdPercent: 60,
      diskThresholdBytes: 10 * MiB,
      now: () => clock,
      onEvicted: (id) => evicted.push(id),
      ...over,
    });

  it('removes tasks past their TTL but not pinned ones', async () => {
    const a = await task('a', 1);
    const b = await task('b', 1);
    const release = b.pin();
    clock += 3_600_001 + 2000;
    const notified: string[] = [];
    expect(await gc({}, notified).runOnce()).toEqual([a.id]);
    expect(notified).toEqual([a.id]);
    expect(storage.get(b.id)).toBeDefined();
    release();
    expect(await gc().runOnce()).toEqual([b.id]);
  });

  it('evicts least recently used tasks from the high down to the low threshold, skipping tasks in use', async () => {
    const a = await task('a', 2); // oldest, but pinned
    const b = await task('b', 2);
    const c = await task('c', 2);
    const d = await task('d', 3);
    const release = a.pin();
    // 9 of 10 MiB = 90 % ≥ 80 %: free 10 MiB × (90 − 60) % = 3 MiB → b (2) then c (2).
    expect(await gc().runOnce()).toEqual([b.id, c.id]);
    expect(storage.list().map((t) => t.id).sort()).toEqual([a.id, d.id]);
    release();
    // 5 of 10 MiB is below the high threshold: nothing more.
    expect(await gc().runOnce()).toEqual([]);
  });

  it('uses the real disk when no logical capacity is configured', async () => {
    await task('a', 1);
    const g = gc({ diskThresholdBytes: undefined, diskUsage: async () => ({ totalBytes: 100 * MiB, freeBytes: 5 * MiB }) });
    expect(await g.runOnce()).toHaveLength(1);
  });
});
