import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { BandwidthLimiter } from '../rate-limit/bandwidth-limiter.js';

export interface FileRangeSenderDeps {
  /** Bytes read from disk per write to the socket. */
  chunkBytes?: number;
  /** Idle chunk buffers kept for reuse. */
  maxPooled?: number;
}

/** 256 KiB: big enough that per-chunk overhead does not show, small enough for many children at once. */
const DEFAULT_CHUNK_BYTES = 256 * 1024;

/**
 * Streams a byte range of a file to a socket with bounded memory: each response has at most two
 * chunks outstanding (one being written while the next is read), and chunk buffers are reused
 * across responses instead of allocated per read. A parent serving 64 piece requests at once
 * (8 children × 8 pieces) holds about 64 × 512 KiB, whatever the socket buffers would accept.
 */
export class FileRangeSender {
  private readonly chunkBytes: number;
  private readonly maxPooled: number;
  private readonly pool: Buffer[] = [];

  constructor(deps: FileRangeSenderDeps = {}) {
    this.chunkBytes = deps.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.maxPooled = deps.maxPooled ?? 32;
  }

  /**
   * Writes bytes [start, endInclusive] of `path` to `out` (not ended), charging `limiter` for
   * each chunk. Rejects if the file is shorter or `out` closes first.
   */
  async send(path: string, start: number, endInclusive: number, out: Writable, limiter?: BandwidthLimiter): Promise<void> {
    const fh = await open(path, 'r');
    let previous: Promise<void> | undefined;
    try {
      let pos = start;
      const end = endInclusive + 1;
      while (pos < end) {
        const buf = this.pool.pop() ?? Buffer.allocUnsafeSlow(this.chunkBytes);
        let sent = false;
        try {
          const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - pos), pos);
          if (bytesRead <= 0) throw new Error(`${path} ended at ${pos}, before ${end}`);
          await limiter?.acquire(bytesRead);
          // At most two chunks in flight: wait for the one before the previous to be flushed.
          if (previous !== undefined) await previous;
          previous = writeChunk(out, buf.subarray(0, bytesRead)).then(() => this.give(buf));
          sent = true;
          pos += bytesRead;
        } finally {
          if (!sent) this.give(buf);
        }
      }
      if (previous !== undefined) await previous;
    } finally {
      // A write still in flight after an error keeps its buffer (not pooled): no reuse while the socket may read it.
      previous?.catch(() => undefined);
      await fh.close();
    }
  }

  private give(buf: Buffer): void {
    if (this.pool.length < this.maxPooled) this.pool.push(buf);
  }
}

/** Resolves when `chunk` was handed to the socket (its buffer may be reused); rejects if `out` closes first. */
function writeChunk(out: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.destroyed) {
      reject(new Error('the receiver went away'));
      return;
    }
    const onClose = (): void => reject(new Error('the receiver went away'));
    out.once('close', onClose);
    out.write(chunk, (err) => {
      out.off('close', onClose);
      if (err !== undefined && err !== null) reject(err);
      else resolve();
    });
  });
}
