import { describe, expect, it } from 'vitest';
import { BandwidthLimiter, throttle } from './bandwidth-limiter.js';

async function* chunks(count: number, size: number): AsyncIterable<Buffer> {
  for (let i = 0; i < count; i++) yield Buffer.alloc(size);
}

async function drain(src: AsyncIterable<Buffer>): Promise<number> {
  let n = 0;
  for await (const c of src) n += c.length;
  return n;
}

describe('BandwidthLimiter', () => {
  it('passes bytes through untouched when unlimited', async () => {
    const l = new BandwidthLimiter({ bytesPerSecond: 0 });
    expect(l.unlimited).toBe(true);
    const t0 = performance.now();
    expect(await drain(throttle(chunks(100, 1 << 20), [l]))).toBe(100 << 20);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('holds a rate and shares it fairly between concurrent streams', async () => {
    // 4 MiB/s, burst 64 KiB: two streams of 1 MiB each need ~0.5 s in total, and finish together.
    const l = new BandwidthLimiter({ bytesPerSecond: 4 << 20, burstBytes: 64 << 10 });
    const t0 = performance.now();
    const done: number[] = [];
    await Promise.all(
      [0, 1].map(async () => {
        await drain(throttle(chunks(16, 64 << 10), [l]));
        done.push(performance.now() - t0);
      }),
    );
    const total = Math.max(...done);
    expect(total).toBeGreaterThan(420);
    expect(total).toBeLessThan(800);
    // Fair: the first stream does not finish long before the second.
    expect(Math.abs((done[0] as number) - (done[1] as number))).toBeLessThan(120);
  });

  it('stops waiting when the download is aborted', async () => {
    const l = new BandwidthLimiter({ bytesPerSecond: 1024, burstBytes: 1024 });
    const ctrl = new AbortController();
    const p = drain(throttle(chunks(10, 1024), [l], ctrl.signal));
    setImmediate(() => ctrl.abort(new Error('stop')));
    await expect(p).rejects.toThrow('stop');
  });
});
