import { TokenBucket } from '@d7y/core';

export interface BandwidthLimiterDeps {
  /** Sustained rate in bytes per second; 0 or Infinity = unlimited. */
  bytesPerSecond: number;
  /** Bucket capacity in bytes; default rate/10 clamped to [64 KiB, 4 MiB] so a burst stays small. */
  burstBytes?: number;
  now?: () => number;
}

const MIN_BURST = 64 * 1024;
const MAX_BURST = 4 * 1024 * 1024;

/**
 * Byte token bucket for one data path (upload, download, back-to-source). Callers queue first-in
 * first-out (fair across concurrent pieces), one timer wakes the head waiter (no polling), and
 * chunks larger than the burst are paid for as tokens accrue.
 */
export class BandwidthLimiter {
  readonly bytesPerSecond: number;
  private readonly bucket: TokenBucket | undefined;

  constructor(deps: BandwidthLimiterDeps) {
    this.bytesPerSecond = deps.bytesPerSecond;
    const unlimited = !Number.isFinite(deps.bytesPerSecond) || deps.bytesPerSecond <= 0;
    const burst = deps.burstBytes ?? Math.min(MAX_BURST, Math.max(MIN_BURST, Math.floor(deps.bytesPerSecond / 10)));
    this.bucket = unlimited
      ? undefined
      : new TokenBucket({ ratePerSecond: deps.bytesPerSecond, burst, ...(deps.now === undefined ? {} : { now: deps.now }) });
  }

  close(): void {
    this.bucket?.close(new Error('bandwidth limiter closed'));
  }

  get unlimited(): boolean {
    return this.bucket === undefined;
  }

  async acquire(bytes: number, signal?: AbortSignal): Promise<void> {
    if (this.bucket === undefined || bytes <= 0) return;
    await this.bucket.acquire(bytes, signal);
  }
}

/** Yields `chunks` while charging each chunk to every limiter (outermost first). */
export async function* throttle(
  chunks: AsyncIterable<Buffer>,
  limiters: readonly BandwidthLimiter[],
  signal?: AbortSignal,
): AsyncIterable<Buffer> {
  const active = limiters.filter((l) => !l.unlimited);
  if (active.length === 0) {
    yield* chunks;
    return;
  }
  for await (const chunk of chunks) {
    for (const l of active) await l.acquire(chunk.length, signal);
    yield chunk;
  }
}
