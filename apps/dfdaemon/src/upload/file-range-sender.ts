import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { SlabPool } from '../memory/slab-pool.js';
import type { BandwidthLimiter } from '../rate-limit/bandwidth-limiter.js';

export interface FileRangeSenderDeps {
  /** Bytes read from disk per write to the socket. */
  chunkBytes?: number;
  /** Frees the chunk buffers let go after an idle spell (default: one full garbage collection soon). */
  collectGarbage?: () => void;
}

/** 128 KiB: big enough that per-chunk overhead does not show, small enough for many children at once. */
const DEFAULT_CHUNK_BYTES = 128 * 1024;

/**
 * Streams a byte range of a file to a socket with bounded memory: each response has at most two
 * chunks outstanding (one being written while the next is read), and chunk buffers are reused
 * across responses from a slab pool instead of allocated per read (freeing and reallocating them
 * fragments the heap, which shows as RSS that never comes back). A parent serving 64 piece
 * requests at once (8 children × 8 pieces) holds about 64 × 2 × 128 KiB, whatever the socket
 * buffers would accept; two seconds after the last request that memory is let go.
 */
export class FileRangeSender {
  private readonly chunks: SlabPool;

  constructor(deps: FileRangeSenderDeps = {}) {
    this.chunks = new SlabPool({ slabBytes: deps.chunkBytes ?? DEFAULT_CHUNK_BYTES, collect: deps.collectGarbage });
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
        const buf = this.chunks.take();
        let sent = false;
        try {
          const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - pos), pos);
          if (bytesRead <= 0) throw new Error(`${path} ended at ${pos}, before ${end}`);
          await limiter?.acquire(bytesRead);
          // At most two chunks in flight: wait for the one before the previous to be flushed.
          if (previous !== undefined) await previous;
          previous = writeChunk(out, buf.subarray(0, bytesRead)).then(() => this.chunks.give(buf));
          sent = true;
          pos += bytesRead;
        } finally {
          if (!sent) this.chunks.give(buf);
        }
      }
      if (previous !== undefined) await previous;
    } finally {
      // A write still in flight after an error keeps its buffer (not pooled): no reuse while the socket may read it.
      previous?.catch(() => undefined);
      await fh.close();
    }
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
