import { createHash } from 'node:crypto';
import { mkdtemp, open, readFile, rm, stat, truncate, writeFile, appendFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testLogger } from '../../test/fixtures/logger.js';
import { randomBytesSeeded } from '../../test/fixtures/origin.js';
import { SyncGate } from '../../test/fixtures/sync-gate.js';
import { constants } from 'node:fs';
import { isDfdaemonError } from '../errors.js';
import { SlabPool } from '../memory/slab-pool.js';
import { Storage } from './storage.js';
import type { OpenFile } from './task-store.js';

const TASK = 'a'.repeat(64);
const PIECE = 1024 * 1024;

async function* chunksOf(buf: Buffer, size = 64 * 1024): AsyncIterable<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

function sha(buf: Buffer): string {
  return `sha256:${createHash('sha256').update(buf).digest('hex')}`;
}

/** `buf` copied into a shared pool's page-aligned slabs, as the back-to-source client hands them over. */
async function* slabsOf(buf: Buffer, pool: SlabPool, size = 256 * 1024): AsyncIterable<Buffer> {
  for (let i = 0; i < buf.length; i += size) {
    const slab = pool.take();
    const n = buf.copy(slab, 0, i, Math.min(buf.length, i + size));
    yield slab.subarray(0, n);
  }
}

/** Opens files for real; a handle opened with O_DIRECT writes through `directWritev`. */
function directSpy(directWritev: (writev: (bufs: Buffer[], pos: number) => Promise<{ bytesWritten: number }>, bufs: Buffer[], pos: number) => Promise<{ bytesWritten: number }>): { openFile: OpenFile; directOpens: number } {
  const spy = {
    directOpens: 0,
    openFile: (async (path, flags, mode) => {
      const fh = await open(path, flags, mode);
      if (typeof flags === 'number' && (flags & constants.O_DIRECT) !== 0) {
        spy.directOpens += 1;
        const writev = fh.writev.bind(fh) as (bufs: Buffer[], pos: number) => Promise<{ bytesWritten: number }>;
        (fh as unknown as { writev: unknown }).writev = (bufs: Buffer[], pos: number) => directWritev(writev, bufs, pos);
      }
      return fh;
    }) as OpenFile,
  };
  return spy;
}

describe('Storage', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'd7y-storage-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function open2(keep: boolean, openFile?: OpenFile): Promise<Storage> {
    const s = new Storage({ dir, keep, logger: testLogger(), writeBufferBytes: 256 * 1024, ...(openFile ? { openFile } : {}) });
    await s.start();
    return s;
  }

  const content = randomBytesSeeded(3 * PIECE + 12345, 7);
  const create = (s: Storage) =>
    s.getOrCreate({ id: TASK, url: 'http://o/f', pieceLength: PIECE, contentLength: content.length, responseHeader: {} });
  const piece = (n: number) => content.subarray(n * PIECE, Math.min(content.length, (n + 1) * PIECE));

  it('writes pieces at their offsets in any order, with sha256 digests, and finishes', async () => {
    const s = await open2(false);
    const t = await create(s);
    expect(t.pieceCount).toBe(4);
    for (const n of [3, 1, 0, 2]) {
      const rec = await t.writePiece({ number: n, offset: n * PIECE, chunks: chunksOf(piece(n)), trafficType: 'back-to-source' });
      expect(rec.digest).toBe(sha(piece(n)));
      expect(rec.length).toBe(piece(n).length);
    }
    expect(t.hasAllPieces()).toBe(true);
    await t.markFinished();
    expect((await readFile(t.contentPath)).equals(content)).toBe(true);
    expect((await stat(join(dir, 'content'))).mode & 0o777).toBe(0o700);
    await s.stop();
  });

  it('gives released chunks back as the very memory it was lent, after writing and hashing (no move to the hashing thread)', async () => {
    // Moving slabs to the hashing thread and back made a new ArrayBuffer per slab: ~20
    // mark-compacts per GiB on a long-running daemon, more CPU than re-reading the page cache.
    const s = await open2(false);
    const t = await create(s);
    const slabs = [0, 1, 2, 3].map((i) => Buffer.from(piece(1).subarray(i * (PIECE / 4), (i + 1) * (PIECE / 4))));
    const lent = slabs.map((b) => b.buffer);
    const released: Buffer[] = [];
    async function* owned(): AsyncIterable<Buffer> {
      yield* slabs;
    }
    const rec = await t.writePiece({ number: 1, offset: PIECE, chunks: owned(), trafficType: 'back-to-source', release: (b) => released.push(b) });
    expect(rec.digest).toBe(sha(piece(1)));
    expect(released).toHaveLength(4);
    released.forEach((b, i) => {
      expect(b.buffer).toBe(lent[i]);
      expect(b.byteLength).toBe(PIECE / 4);
    });
    await s.stop();
  });

  it('keeps finished pieces across a restart with keep, and wipes them without', async () => {
    let s = await open2(true);
    let t = await create(s);
    await t.writePiece({ number: 1, offset: PIECE, chunks: chunksOf(piece(1)), trafficType: 'back-to-source' });
    await t.writePiece({ number: 3, offset: 3 * PIECE, chunks: chunksOf(piece(3)), trafficType: 'back-to-source' });
    await s.stop();

    s = await open2(true);
    t = s.require(TASK);
    expect(t.pieces().map((p) => p.number)).toEqual([1, 3]);
    expect(t.isFinished).toBe(false);
    // Resume: the missing pieces complete the task.
    for (const n of [0, 2]) await t.writePiece({ number: n, offset: n * PIECE, chunks: chunksOf(piece(n)), trafficType: 'back-to-source' });
    await t.markFinished();
    await s.stop();

    s = await open2(true);
    expect(s.require(TASK).isFinished).toBe(true);
    expect((await readFile(s.require(TASK).contentPath)).equals(content)).toBe(true);
    await s.stop();

    s = await open2(false);
    expect(s.get(TASK)).toBeUndefined();
    await s.stop();
  });

  it('drops a torn journal line and pieces whose bytes are not on disk, then appends cleanly', async () => {
    let s = await open2(true);
    let t = await create(s);
    for (const n of [0, 1, 2]) await t.writePiece({ number: n, offset: n * PIECE, chunks: chunksOf(piece(n)), trafficType: 'back-to-source' });
    await s.stop();
    const journal = join(dir, 'metadata', 'tasks', `${TASK}.pieces`);
    // A crash in the middle of an append leaves half a line.
    await appendFile(journal, '{"number":3,"offset":');
    s = await open2(true);
    t = s.require(TASK);
    expect(t.pieces().map((p) => p.number)).toEqual([0, 1, 2]);
    await t.writePiece({ number: 3, offset: 3 * PIECE, chunks: chunksOf(piece(3)), trafficType: 'back-to-source' });
    await s.stop();
    s = await open2(true);
    expect(s.require(TASK).pieces().map((p) => p.number)).toEqual([0, 1, 2, 3]);
    await s.stop();

    // Content shorter than a recorded piece (bytes lost): that piece and later lines are not trusted.
    await truncate(s.require(TASK).contentPath, 2 * PIECE + 10);
    s = await open2(true);
    expect(s.require(TASK).pieces().map((p) => p.number)).toEqual([0, 1]);
    expect(s.require(TASK).isFinished).toBe(false);
    await s.stop();
  });

  it('removes orphan content files and unreadable metadata at load', async () => {
    let s = await open2(true);
    await create(s);
    await s.stop();
    await writeFile(join(dir, 'metadata', 'tasks', `${TASK}.json`), '{not json');
    const orphan = join(dir, 'content', 'tasks', 'bbb', 'b'.repeat(64));
    await writeFile(orphan, 'x').catch(async () => undefined);
    s = await open2(true);
    expect(s.list()).toHaveLength(0);
    await s.stop();
  });

  it('never records a piece whose digest differs from the expected one', async () => {
    const s = await open2(false);
    const t = await create(s);
    const err = await t
      .writePiece({ number: 0, offset: 0, chunks: chunksOf(piece(0)), trafficType: 'remote-peer', expectedDigest: sha(piece(1)) })
      .catch((e: unknown) => e);
    expect(isDfdaemonError(err, 'DF_ERR_PIECE_DIGEST_MISMATCH')).toBe(true);
    expect(t.hasPiece(0)).toBe(false);
    const ok = await t.writePiece({ number: 0, offset: 0, chunks: chunksOf(piece(0)), trafficType: 'remote-peer', expectedDigest: sha(piece(0)) });
    expect(ok.digest).toBe(sha(piece(0)));
    await s.stop();
  });

  it('refuses short, long and out-of-range pieces', async () => {
    const s = await open2(false);
    const t = await create(s);
    const short = await t.writePiece({ number: 0, offset: 0, chunks: chunksOf(piece(0).subarray(10)), trafficType: 'remote-peer' }).catch((e: unknown) => e);
    expect(isDfdaemonError(short, 'DF_ERR_PARENT_FAILED')).toBe(true);
    const long = await t.writePiece({ number: 3, offset: 3 * PIECE, chunks: chunksOf(piece(2)), trafficType: 'remote-peer' }).catch((e: unknown) => e);
    expect(isDfdaemonError(long, 'DF_ERR_PARENT_FAILED')).toBe(true);
    expect(() => t.assertPieceNumber(4)).toThrow(/out of range/);
    expect(() => t.assertPieceNumber(-1)).toThrow(/out of range/);
    expect(t.pieces()).toHaveLength(0);
    await s.stop();
  });

  it.each([true, false])('writes page-aligned slabs with O_DIRECT and hashes them in place (hashing thread: %s)', async (hashInWorker) => {
    const pool = new SlabPool({ slabBytes: 256 * 1024, shared: true, collect: () => undefined });
    let directBytes = 0;
    const spy = directSpy(async (writev, bufs, pos) => {
      const r = await writev(bufs, pos);
      directBytes += r.bytesWritten;
      return r;
    });
    const s = new Storage({ dir, keep: false, logger: testLogger(), openFile: spy.openFile, hashInWorker });
    await s.start();
    const t = await create(s);
    const released: Buffer[] = [];
    for (const n of [2, 0, 3, 1]) {
      const rec = await t.writePiece({ number: n, offset: n * PIECE, chunks: slabsOf(piece(n), pool), trafficType: 'back-to-source', release: (c) => released.push(c) });
      expect(rec.digest).toBe(sha(piece(n)));
    }
    await t.markFinished();
    expect((await readFile(t.contentPath)).equals(content)).toBe(true);
    // The three whole pieces went through the O_DIRECT handle; the last one (12345 bytes) could not.
    expect(spy.directOpens).toBe(1);
    expect(directBytes).toBe(3 * PIECE);
    expect(released).toHaveLength(3 * 4 + 1); // every slab came back, once written and hashed
    await s.stop();
    pool.close();
  });

  it('copies peers\' small chunks into staging slabs that take the O_DIRECT path, and gives the slabs back', async () => {
    let directBytes = 0;
    const spy = directSpy(async (writev, bufs, pos) => {
      const r = await writev(bufs, pos);
      directBytes += r.bytesWritten;
      return r;
    });
    const s = new Storage({ dir, keep: false, logger: testLogger(), openFile: spy.openFile });
    await s.start();
    const t = await create(s);
    const released: Buffer[] = [];
    // TLS-record-sized chunks, one odd size so that chunks straddle the staging slabs' ends
    for (const n of [1, 3, 0, 2]) {
      const rec = await t.writePiece({ number: n, offset: n * PIECE, chunks: chunksOf(piece(n), 16 * 1024 + 17), trafficType: 'remote-peer', release: (c) => released.push(c) });
      expect(rec.digest).toBe(sha(piece(n)));
    }
    await t.markFinished();
    expect((await readFile(t.contentPath)).equals(content)).toBe(true);
    expect(directBytes).toBe(3 * PIECE); // the 12345-byte last piece ends off a page: buffered
    expect(released.length).toBe([0, 1, 2, 3].reduce((k, n) => k + Math.ceil(piece(n).length / (16 * 1024 + 17)), 0));
    // A piece that fails while a staging slab fills gives the slab back (and records nothing).
    async function* cut(): AsyncIterable<Buffer> {
      yield piece(0).subarray(0, 5000);
      throw new Error('parent went away');
    }
    const staging = (s as unknown as { staging: SlabPool }).staging;
    const free = staging.freeCount;
    const t2 = await s.getOrCreate({ id: 'b'.repeat(64), url: 'http://o/g', pieceLength: PIECE, contentLength: content.length, responseHeader: {} });
    await expect(t2.writePiece({ number: 0, offset: 0, chunks: cut(), trafficType: 'remote-peer' })).rejects.toThrow(/went away/);
    expect(t2.pieces()).toEqual([]);
    expect(staging.freeCount).toBe(free); // taken for the 5000 bytes, and back
    const again = await t2.writePiece({ number: 0, offset: 0, chunks: chunksOf(piece(0), 1000), trafficType: 'remote-peer' });
    expect(again.digest).toBe(sha(piece(0)));
    await s.stop();
  });

  it('falls back to buffered writes where O_DIRECT is refused, and reports a full disk on the O_DIRECT path', async () => {
    const pool = new SlabPool({ slabBytes: 256 * 1024, shared: true, collect: () => undefined });
    /** Every piece from aligned slabs through `openFile`: right bytes and digests all the same. */
    const writeAll = async (openFile: OpenFile): Promise<void> => {
      await rm(dir, { recursive: true, force: true });
      const st = new Storage({ dir, keep: false, logger: testLogger(), openFile });
      await st.start();
      const task = await create(st);
      for (const n of [2, 0, 3, 1]) {
        const rec = await task.writePiece({ number: n, offset: n * PIECE, chunks: slabsOf(piece(n), pool), trafficType: 'back-to-source' });
        expect(rec.digest).toBe(sha(piece(n)));
      }
      await task.markFinished();
      expect((await readFile(task.contentPath)).equals(content)).toBe(true);
      await st.stop();
    };
    // refused at the first write
    await writeAll(directSpy(async () => Promise.reject(Object.assign(new Error('EINVAL: invalid argument, write'), { code: 'EINVAL' }))).openFile);
    // refused at open (a filesystem without O_DIRECT): buffered from the start
    await writeAll(async (path, flags, mode) => {
      if (typeof flags === 'number' && (flags & constants.O_DIRECT) !== 0) throw Object.assign(new Error('EINVAL: invalid argument, open'), { code: 'EINVAL' });
      return open(path, flags, mode);
    });

    await rm(dir, { recursive: true, force: true });
    const full = directSpy(async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    const s = new Storage({ dir, keep: true, logger: testLogger(), openFile: full.openFile });
    await s.start();
    const t = await create(s);
    const err = await t.writePiece({ number: 0, offset: 0, chunks: slabsOf(piece(0), pool), trafficType: 'back-to-source' }).catch((e: unknown) => e);
    expect(isDfdaemonError(err, 'DF_ERR_NO_SPACE')).toBe(true);
    expect(t.pieces()).toEqual([]);
    await s.stop();
    pool.close();
  });

  it('turns ENOSPC into DF_ERR_NO_SPACE and records nothing (FullDiskFake)', async () => {
    // FullDiskFake: a real file whose writes fail with ENOSPC after `budget` bytes, like a full disk.
    let budget = PIECE + PIECE / 2;
    const fullDisk: OpenFile = async (path, flags, mode) => {
      const fh = await open(path, flags, mode);
      const write = fh.write.bind(fh) as (...a: unknown[]) => Promise<{ bytesWritten: number }>;
      (fh as unknown as { write: unknown }).write = async (buf: Buffer, off: number, len: number, pos: number | null) => {
        if (path.endsWith('.pieces')) return write(buf, off, len, pos);
        if (budget < len) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        budget -= len;
        return write(buf, off, len, pos);
      };
      const writev = fh.writev.bind(fh) as (bufs: Buffer[], pos: number) => Promise<{ bytesWritten: number }>;
      (fh as unknown as { writev: unknown }).writev = async (bufs: Buffer[], pos: number) => {
        const len = bufs.reduce((n, b) => n + b.length, 0);
        if (budget < len) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        budget -= len;
        return writev(bufs, pos);
      };
      return fh as FileHandle;
    };
    const s = await open2(true, fullDisk);
    const t = await create(s);
    await t.writePiece({ number: 0, offset: 0, chunks: chunksOf(piece(0)), trafficType: 'back-to-source' });
    const err = await t.writePiece({ number: 1, offset: PIECE, chunks: chunksOf(piece(1)), trafficType: 'back-to-source' }).catch((e: unknown) => e);
    expect(isDfdaemonError(err, 'DF_ERR_NO_SPACE')).toBe(true);
    expect(t.pieces().map((p) => p.number)).toEqual([0]);
    await expect(t.markFinished()).rejects.toThrow(/missing/);
    await s.stop();
  });

  it('journals a piece only after an fdatasync that covers it; before that a restart does not know it, and one sync covers concurrent pieces', async () => {
    const gate = new SyncGate();
    const s = await open2(true, gate.openFile);
    const t = await create(s);
    const seen: number[] = [];
    t.onPiece((p) => seen.push(p.number));
    // Written and verified: available (readable, reported) while no fdatasync has finished.
    await Promise.all([0, 1, 2, 3].map((n) => t.writePiece({ number: n, offset: n * PIECE, chunks: chunksOf(piece(n)), trafficType: 'back-to-source' })));
    expect(seen.sort()).toEqual([0, 1, 2, 3]);
    await t.markFinished();
    expect(t.isFinished).toBe(true);
    expect(gate.syncs).toBeGreaterThan(0);
    const journal = join(dir, 'metadata', 'tasks', `${TASK}.pieces`);
    expect(await readFile(journal, 'utf8')).toBe('');
    // A crash now (a second daemon reading the same directory): nothing is recorded, nothing finished.
    const crashed = new Storage({ dir, keep: true, logger: testLogger() });
    await crashed.start();
    expect(crashed.get(TASK)?.pieces()).toEqual([]);
    expect(crashed.get(TASK)?.isFinished).toBe(false);
    await crashed.stop();
    gate.open();
    await t.whenDurable();
    expect(gate.syncs).toBeLessThan(4);
    expect((await readFile(journal, 'utf8')).trim().split('\n')).toHaveLength(4);
    const restarted = new Storage({ dir, keep: true, logger: testLogger() });
    await restarted.start();
    expect(restarted.get(TASK)?.pieces().map((p) => p.number)).toEqual([0, 1, 2, 3]);
    expect(restarted.get(TASK)?.isFinished).toBe(true);
    await restarted.stop();
    await s.stop();
  });

  it('takes pieces back when their fdatasync fails: not journaled, not finished, fetched again', async () => {
    let failSync = true;
    let letFail: () => void = () => undefined;
    const failGate = new Promise<void>((r) => (letFail = r));
    const failing: OpenFile = async (path, flags, mode) => {
      const fh = await open(path, flags, mode);
      if (path.endsWith('.pieces') || path.endsWith('.json')) return fh;
      const datasync = fh.datasync.bind(fh);
      (fh as unknown as { datasync: unknown }).datasync = async () => {
        if (failSync) {
          await failGate;
          throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
        }
        return datasync();
      };
      return fh;
    };
    const s = await open2(true, failing);
    const t = await create(s);
    for (const n of [0, 1, 2, 3]) await t.writePiece({ number: n, offset: n * PIECE, chunks: chunksOf(piece(n)), trafficType: 'back-to-source' });
    await t.markFinished();
    letFail();
    await expect(t.whenDurable()).rejects.toThrow(/i\/o error/);
    expect(t.isFinished).toBe(false);
    expect(t.hasAllPieces()).toBe(false);
    expect(await readFile(join(dir, 'metadata', 'tasks', `${TASK}.pieces`), 'utf8')).toBe('');
    failSync = false;
    for (const n of [0, 1, 2, 3]) {
      if (!t.hasPiece(n)) await t.writePiece({ number: n, offset: n * PIECE, chunks: chunksOf(piece(n)), trafficType: 'back-to-source' });
    }
    await t.markFinished();
    await t.whenDurable();
    expect(t.isFinished).toBe(true);
    await s.stop();
  });

  it('records a finished piece at once while another is still arriving when fdatasync costs nothing', async () => {
    // Only setTimeout is faked: a commit window that waits on a timer would never end here.
    const s = await open2(false);
    const t = await create(s);
    let more: () => void = () => undefined;
    const stalled = (async function* () {
      yield piece(0).subarray(0, 1024);
      await new Promise<void>((r) => (more = r));
      yield piece(0).subarray(1024);
    })();
    const slow = t.writePiece({ number: 0, offset: 0, chunks: stalled, trafficType: 'back-to-source' });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const fast = await t.writePiece({ number: 1, offset: PIECE, chunks: chunksOf(piece(1)), trafficType: 'back-to-source' });
      expect(fast.number).toBe(1);
      expect(t.pieces().map((p) => p.number)).toEqual([1]);
    } finally {
      vi.useRealTimers();
    }
    more();
    await slow;
    expect(t.pieces().map((p) => p.number).sort()).toEqual([0, 1]);
    await s.stop();
  });

  it('waitForPiece resolves when the piece lands and rejects when the task is deleted', async () => {
    const s = await open2(false);
    const t = await create(s);
    const waiting = t.waitForPiece(2);
    const doomed = t.waitForPiece(3);
    await t.writePiece({ number: 2, offset: 2 * PIECE, chunks: chunksOf(piece(2)), trafficType: 'back-to-source' });
    expect((await waiting).number).toBe(2);
    await s.delete(TASK);
    await expect(doomed).rejects.toThrow(/deleted/);
    expect(s.get(TASK)).toBeUndefined();
    await s.stop();
  });
});
