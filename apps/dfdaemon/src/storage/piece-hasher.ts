import { Worker } from 'node:worker_threads';
import { DfdaemonError } from '../errors.js';
import { collectGarbageSoon } from '../memory/collect-garbage.js';

/**
 * The worker's code (plain JS, run with `eval` so that it works from src/ under the test runner
 * and from dist/ alike). One sha256 per piece, fed in message order either with bytes in shared
 * memory, read in place (`shared`, acknowledged so that the memory can be reused), or with ranges
 * it reads back from the content file — the page cache, right after they were written (`update`).
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const jobs = new Map();
const buf = Buffer.allocUnsafe(1024 * 1024);
// Each shared message leaves a SharedArrayBuffer object here that keeps its memory mapped until
// this (nearly allocation-free) thread collects it: one collection a second after the last one.
let gc = null;
try {
  require('node:v8').setFlagsFromString('--expose-gc');
  gc = require('node:vm').runInNewContext('gc');
} catch {} finally {
  try { require('node:v8').setFlagsFromString('--no-expose-gc'); } catch {}
}
let gcTimer;
parentPort.on('message', (m) => {
  if (m.op === 'shared') {
    let job = jobs.get(m.key);
    if (job === undefined) { job = { hash: createHash('sha256'), error: undefined }; jobs.set(m.key, job); }
    if (job.error === undefined) job.hash.update(new Uint8Array(m.sab, m.offset, m.length));
    parentPort.postMessage({ ack: m.ack });
    if (typeof gc === 'function') {
      clearTimeout(gcTimer);
      gcTimer = setTimeout(() => gc(), 1000);
      gcTimer.unref();
    }
  } else if (m.op === 'update') {
    let job = jobs.get(m.key);
    if (job === undefined) { job = { hash: createHash('sha256'), error: undefined }; jobs.set(m.key, job); }
    if (job.error !== undefined) return;
    let fd;
    try {
      fd = openSync(m.path, 'r');
      let pos = m.position;
      let left = m.length;
      while (left > 0) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, left), pos);
        if (n <= 0) throw new Error('the content file ended before the piece did');
        job.hash.update(buf.subarray(0, n));
        pos += n;
        left -= n;
      }
    } catch (err) {
      job.error = String(err && err.message);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  } else if (m.op === 'digest') {
    const job = jobs.get(m.key) ?? { hash: createHash('sha256'), error: undefined };
    jobs.delete(m.key);
    if (job.error !== undefined) parentPort.postMessage({ key: m.key, error: job.error });
    else parentPort.postMessage({ key: m.key, digest: job.hash.digest('hex') });
  } else if (m.op === 'drop') {
    jobs.delete(m.key);
  }
});
`;

/** One piece's running hash in the worker. */
export interface PieceHashJob {
  /** Hashes bytes [position, position + length) of the file: call in file order, after they were written. */
  update(position: number, length: number): void;
  /**
   * Hashes `chunk` in place: it must be a view of a SharedArrayBuffer, left unchanged until the
   * returned promise settles (then the worker is done reading it). Mixes with `update` in call order.
   */
  updateShared(chunk: Uint8Array): Promise<void>;

  /** The sha256 (hex) of everything passed to `update`. */
  digest(): Promise<string>;
  /** Forgets the job (the piece failed). */
  drop(): void;
}

/**
 * sha256 of piece bytes off the main thread: a worker thread re-reads each written range from
 * the content file (the page cache, just written) and hashes it. On a 2-core node this takes ~0.6 s of CPU per GiB off the event
 * loop, which otherwise bounds how fast a daemon takes in (and serves) data.
 */
export class PieceHasher {
  private readonly workers: (Worker | undefined)[];
  private nextKey = 1;
  private readonly waiting = new Map<number, { slot: number; resolve: (hex: string) => void; reject: (err: Error) => void }>();
  private nextAck = 1;
  private readonly acks = new Map<number, { slot: number; resolve: () => void; reject: (err: Error) => void }>();

  /** Jobs begun and not yet digested or dropped. */
  private open = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly idleMs: number;
  /**
   * Run once idle workers were stopped: shared memory they were shown stays mapped until neither
   * thread references it, and an idle daemon would not collect it by itself.
   */
  private readonly collect: () => void;

  /**
   * `workers`: hashing threads, pieces are spread over them (default: one). `idleMs`: with no job
   * open for this long the threads stop (their memory goes back; the next job starts them again).
   */
  constructor(workers = 1, idleMs = 10_000, collect: () => void = collectGarbageSoon) {
    this.workers = Array.from({ length: Math.max(1, workers) }, () => undefined);
    this.idleMs = idleMs;
    this.collect = collect;
  }

  /** Starts a job for a piece stored in the file at `path`. */
  begin(path: string): PieceHashJob {
    const key = this.nextKey++;
    const slot = key % this.workers.length;
    // A job lives and dies with the worker it started on: a replacement worker has not seen its
    // earlier ranges, so its digest would be wrong.
    const worker = this.ensureWorker(slot);
    const post = (m: object): void => {
      if (this.workers[slot] === worker) worker.postMessage({ key, path, ...m });
    };
    this.open += 1;
    clearTimeout(this.idleTimer);
    let closed = false;
    const done = (): void => {
      if (closed) return;
      closed = true;
      this.open -= 1;
      if (this.open === 0) this.armIdleTimer();
    };
    return {
      update: (position, length) => {
        if (length > 0) post({ op: 'update', position, length });
      },
      updateShared: (chunk) =>
        new Promise<void>((resolve, reject) => {
          if (!(chunk.buffer instanceof SharedArrayBuffer)) {
            reject(new TypeError('updateShared needs a view of a SharedArrayBuffer'));
            return;
          }
          if (this.workers[slot] !== worker) {
            reject(new DfdaemonError('DF_ERR_STORAGE', 'the piece hasher stopped while hashing this piece'));
            return;
          }
          const ack = this.nextAck++;
          this.acks.set(ack, { slot, resolve, reject });
          worker.postMessage({ op: 'shared', key, ack, sab: chunk.buffer, offset: chunk.byteOffset, length: chunk.length });
        }),

      digest: () => {
        const p = new Promise<string>((resolve, reject) => {
          if (this.workers[slot] !== worker) {
            reject(new DfdaemonError('DF_ERR_STORAGE', 'the piece hasher stopped while hashing this piece'));
            return;
          }
          this.waiting.set(key, { slot, resolve, reject });
          post({ op: 'digest' });
        });
        p.then(done, done);
        return p;
      },
      drop: () => {
        post({ op: 'drop' });
        done();
      },
    };
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.open === 0) void this.close().then(this.collect);
    }, this.idleMs);
    this.idleTimer.unref();
  }

  /** Stops the worker (a later job starts a new one); jobs under way fail. */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const all = this.workers.splice(0, this.workers.length, ...this.workers.map(() => undefined));
    this.failAll(new DfdaemonError('DF_ERR_STORAGE', 'piece hasher closed'));
    await Promise.all(all.map((w) => w?.terminate()));
  }

  private ensureWorker(slot: number): Worker {
    const have = this.workers[slot];
    if (have !== undefined) return have;
    const w = new Worker(WORKER_SOURCE, { eval: true });
    // Never keeps the daemon (or a test) alive by itself.
    w.unref();
    w.on('message', (m: { key: number; digest?: string; error?: string; ack?: number }) => {
      if (m.ack !== undefined) {
        const a = this.acks.get(m.ack);
        this.acks.delete(m.ack);
        a?.resolve();
        return;
      }
      const wait = this.waiting.get(m.key);
      if (wait === undefined) return;
      this.waiting.delete(m.key);
      if (m.digest !== undefined) wait.resolve(m.digest);
      else wait.reject(new DfdaemonError('DF_ERR_STORAGE', `hashing a piece: ${m.error ?? 'unknown error'}`));
    });
    const onGone = (err: unknown): void => {
      if (this.workers[slot] === w) this.workers[slot] = undefined;
      this.failAll(new DfdaemonError('DF_ERR_STORAGE', `piece hasher stopped: ${(err as Error | undefined)?.message ?? 'exited'}`), slot);
    };
    w.on('error', onGone);
    w.on('exit', () => onGone(undefined));
    this.workers[slot] = w;
    return w;
  }

  /** Rejects the jobs waiting on `slot`'s worker, or on every worker. */
  private failAll(err: Error, slot?: number): void {
    for (const [key, w] of [...this.waiting]) {
      if (slot !== undefined && w.slot !== slot) continue;
      this.waiting.delete(key);
      w.reject(err);
    }
    // A stopped worker reads no more shared memory.
    for (const [ack, a] of [...this.acks]) {
      if (slot !== undefined && a.slot !== slot) continue;
      this.acks.delete(ack);
      a.reject(err);
    }
  }
}
