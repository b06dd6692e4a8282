import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytesSeeded } from '../../test/fixtures/origin.js';
import { isDfdaemonError } from '../errors.js';
import { garbageCollector } from '../memory/collect-garbage.js';
import { PieceHasher } from './piece-hasher.js';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('PieceHasher (sha256 in a worker, from the written file)', () => {
  let dir: string;
  let file: string;
  const body = randomBytesSeeded(3 * 1024 * 1024 + 99, 5);
  const hasher = new PieceHasher();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'd7y-hasher-'));
    file = join(dir, 'content');
    await writeFile(file, body);
  });
  afterAll(async () => {
    await hasher.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    [0, body.length, [body.length]],
    [1000, 2_500_000, [1, 999_999, 1_500_000]],
    [7, 0, []],
  ])('hashes [%i, +%i) fed in ranges %j like a hash over those bytes', async (start, length, parts) => {
    const job = hasher.begin(file);
    let at = start;
    for (const n of parts) {
      job.update(at, n);
      at += n;
    }
    expect(await job.digest()).toBe(sha(body.subarray(start, start + length)));
  });

  it('keeps concurrent jobs apart', async () => {
    const a = hasher.begin(file);
    const b = hasher.begin(file);
    a.update(0, 10);
    b.update(10, 10);
    a.update(10, 10);
    expect(await Promise.all([a.digest(), b.digest()])).toEqual([sha(body.subarray(0, 20)), sha(body.subarray(10, 20))]);
  });

  it('hashes shared memory in place, in call order with file ranges, and is done reading it when it answers', async () => {
    const sab = new SharedArrayBuffer(256 * 1024);
    const shared = Buffer.from(sab, 4096, 200_000);
    body.copy(shared, 0, 100, 100 + shared.length);
    const job = hasher.begin(file);
    job.update(0, 100);
    await job.updateShared(shared);
    shared.fill(0); // reused at once: the worker already hashed it
    job.update(100 + shared.length, 50);
    expect(await job.digest()).toBe(sha(body.subarray(0, 100 + shared.length + 50)));
    const plain = hasher.begin(file);
    await expect(plain.updateShared(Buffer.alloc(10))).rejects.toThrow(TypeError);
    plain.drop();
  });

  it('stops an idle worker, then asks for a collection (shared memory it saw is freed only then)', async () => {
    let collections = 0;
    const idle = new PieceHasher(1, 30, () => (collections += 1));
    const job = idle.begin(file);
    await job.updateShared(Buffer.from(new SharedArrayBuffer(4096)));
    await job.digest();
    expect(collections).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(collections).toBe(1);
    // and starts again for the next job
    const next = idle.begin(file);
    next.update(0, 3);
    expect(await next.digest()).toBe(sha(body.subarray(0, 3)));
    await idle.close();
  });

  it('lets go of the shared memory it read while its worker lives on', async () => {
    const rss = (): number => process.memoryUsage().rss / (1024 * 1024);
    const collect = garbageCollector({ minIntervalMs: 0, coalesceMs: 0 });
    const wasm = (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => { buffer: SharedArrayBuffer } } }).WebAssembly;
    const keepAlive = hasher.begin(file); // the worker is not idle: it is not stopped
    const big = (): Buffer => Buffer.from(new wasm.Memory({ initial: 1024, maximum: 1024, shared: true }).buffer).fill(1); // 64 MiB
    let mems: Buffer[] | undefined = [big(), big()];
    const job = hasher.begin(file);
    for (const m of mems) await job.updateShared(m.subarray(0, 4096));
    await job.digest();
    const before = rss();
    mems = undefined;
    await new Promise((r) => setTimeout(r, 1500)); // the worker's own collection
    collect();
    await new Promise((r) => setTimeout(r, 100));
    // Without the worker's collection nothing comes back; the memory of the last message may stay
    // referenced by the message port until the next one.
    expect(before - rss()).toBeGreaterThan(48); // of 128 MiB
    keepAlive.drop();
  });

  it('fails a range past the end of the file, and a job whose worker was stopped', async () => {
    const short = hasher.begin(file);
    short.update(body.length - 10, 20);
    const err = await short.digest().catch((e: unknown) => e);
    expect(isDfdaemonError(err, 'DF_ERR_STORAGE')).toBe(true);
    const cut = hasher.begin(file);
    cut.update(0, 10);
    await hasher.close();
    await expect(cut.digest()).rejects.toThrow(/stopped/);
    // A new job starts a new worker.
    const again = hasher.begin(file);
    again.update(0, 5);
    expect(await again.digest()).toBe(sha(body.subarray(0, 5)));
  });
});
