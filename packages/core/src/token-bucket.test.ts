import { describe, expect, it } from 'vitest';
import { TokenBucket, type TokenBucketDeps } from './token-bucket.js';

/** A manual clock with timers; `advance` runs due timers in time order. */
class FakeClock {
  now = 0;
  armed = 0;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();

  readonly timersApi = {
    setTimeout: (fn: () => void, ms: number) => {
      this.armed++;
      const id = ++this.seq;
      this.timers.set(id, { at: this.now + ms, fn });
      return id;
    },
    clearTimeout: (id: unknown) => {
      this.timers.delete(id as number);
    },
  };

  get pendingTimers(): number {
    return this.timers.size;
  }

  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (next === undefined || entry[1].at < next[1].at)) next = entry;
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.now = next[1].at;
      next[1].fn();
      await settle();
    }
    this.now = end;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

function bucket(clock: FakeClock, opts: Omit<TokenBucketDeps, 'now' | 'timers'>): TokenBucket {
  return new TokenBucket({ ...opts, now: () => clock.now, timers: clock.timersApi });
}

/** Records the fake time at which a promise settles. */
function track(p: Promise<void>, clock: FakeClock) {
  const state: { at?: number; error?: unknown } = {};
  p.then(() => { state.at = clock.now; }, (error: unknown) => { state.error = error; });
  return state;
}

describe('TokenBucket', () => {
  it('starts full, caps at burst after idling, refills at the rate', async () => {
    const clock = new FakeClock();
    const b = bucket(clock, { ratePerSecond: 10, burst: 20 });
    expect(b.tryTake(20)).toBe(true);
    expect(b.tryTake(1)).toBe(false);
    await clock.advance(500);
    expect(b.available()).toBeCloseTo(5);
    expect(b.tryTake(6)).toBe(false);
    expect(b.tryTake(5)).toBe(true);
    await clock.advance(3_600_000);
    expect(b.available()).toBe(20);
    expect(b.tryTake(21)).toBe(false);
  });

  it.each([
    // [rate, burst, takes, expected waits]
    [100, 10, [10, 50], [0, 500]],
    [100, 10, [5, 5, 1], [0, 0, 10]],
    [1000, 1, [3], [2]],
    [8, 8, [8, 8, 8], [0, 1000, 2000]],
  ])('take() at %d/s burst %d: %j → waits %j ms', (rate, burst, takes, waits) => {
    const clock = new FakeClock();
    const b = bucket(clock, { ratePerSecond: rate, burst });
    expect(takes.map((n) => b.take(n))).toEqual(waits);
  });

  it('acquire(n) for n > burst is paid in chunks and completes exactly when the tokens have accrued', async () => {
    const clock = new FakeClock();
    const b = bucket(clock, { ratePerSecond: 10, burst: 5 });
    const done = track(b.acquire(23), clock);
    // 5 tokens at once, the other 18 take 1.8 s.
    await clock.advance(1799);
    expect(done.at).toBeUndefined();
    await clock.advance(1);
    expect(done.at).toBe(1800);
    // No polling: one timer per chunk of ≤ burst tokens.
    expect(clock.armed).toBeLessThanOrEqual(Math.ceil(18 / 5) + 1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('serves waiters first-in first-out, a small request never overtakes a big one', async () => {
    const clock = new FakeClock();
    const b = bucket(clock, { ratePerSecond: 10, burst: 10, initialTokens: 0 });
    const a = track(b.acquire(10), clock);
    const small = track(b.acquire(1), clock);
    const c = track(b.acquire(5), clock);
    expect(b.pending).toBe(3);
    await clock.advance(500);
    // 5 tokens have accrued, but they belong to the head of the queue.
    expect(b.tryTake(1)).toBe(false);
    await clock.advance(5000);
    expect([a.at, small.at, c.at]).toEqual([1000, 1100, 1600]);
  });

  it('resolves at once when tokens are there and nobody waits', async () => {
    const clock = new FakeClock();
    const b = bucket(clock, { ratePerSecond: 1, burst: 3 });
    const d = track(b.acquire(3), clock);
    await settle();
    expect(d.at).toBe(0);
    expect(clock.armed).toBe(0);
  });

  it('an aborted waiter leaves the queue, gets its reason, and gives back what it had absorbed', async () => {
    const clock = new FakeClock();
    const b = bucket(clock, { ratePerSecond: 10, burst: 5 });
    const controller = new AbortController();
    const big = track(b.acquire(20, controller.signal), clock);
    const next = track(b.acquire(2), clock);
    await clock.advance(200);
    expect(next.at).toBeUndefined();
    controller.abort(new Error('client went away'));
    await settle();
    expect((big.error as Error).message).toBe('client went away');
    // The 5 tokens the big waiter absorbed were refunded (capped at burst 5): the next waiter takes 2 now.
    expect(next.at).toBe(200);
    expect(b.available()).toBeCloseTo(3);
  });

  it('rejects at once with an already-aborted signal', async () => {
    const clock = new FakeClock();
    const b = bucket(clock, { ratePerSecond: 10, burst: 5 });
    await expect(b.acquire(1, AbortSignal.abort(new Error('nope')))).rejects.toThrow('nope');
    expect(b.available()).toBe(5);
  });

  it('never exceeds rate × time + burst over a long run of concurrent waiters', async () => {
    const clock = new FakeClock();
    const b = bucket(clock, { ratePerSecond: 100, burst: 10 });
    let granted = 0;
    const workers = Array.from({ length: 4 }, async () => {
      for (;;) {
        await b.acquire(7);
        if (clock.now > 10_000) return;
        granted += 7;
      }
    });
    await clock.advance(10_000);
    expect(granted).toBeLessThanOrEqual(100 * 10 + 10);
    expect(granted).toBeGreaterThanOrEqual(100 * 10 - 7 * 4);
    b.close();
    await Promise.allSettled(workers);
  });

  it('take() debt delays queued waiters', async () => {
    const clock = new FakeClock();
    const b = bucket(clock, { ratePerSecond: 10, burst: 10, initialTokens: 0 });
    const w = track(b.acquire(1), clock);
    expect(b.take(10)).toBe(1000);
    await clock.advance(1099);
    expect(w.at).toBeUndefined();
    await clock.advance(1);
    expect(w.at).toBe(1100);
  });

  it('setRate applies from now on', async () => {
    const clock = new FakeClock();
    const b = bucket(clock, { ratePerSecond: 1, burst: 100, initialTokens: 0 });
    const w = track(b.acquire(10), clock);
    await clock.advance(1000); // 1 token at the old rate
    b.setRate(9);
    await clock.advance(1000);
    expect(w.at).toBe(2000);
    expect(b.rate).toBe(9);
  });

  it('close() rejects waiters and refuses further use', async () => {
    const clock = new FakeClock();
    const b = bucket(clock, { ratePerSecond: 1, burst: 1, initialTokens: 0 });
    const w = track(b.acquire(1), clock);
    b.close(new Error('shutting down'));
    await settle();
    expect((w.error as Error).message).toBe('shutting down');
    expect(clock.pendingTimers).toBe(0);
    expect(() => b.tryTake(1)).toThrow('shutting down');
  });

  it.each([
    [{ ratePerSecond: 0, burst: 1 }], [{ ratePerSecond: -1, burst: 1 }], [{ ratePerSecond: Number.NaN, burst: 1 }],
    [{ ratePerSecond: Number.POSITIVE_INFINITY, burst: 1 }], [{ ratePerSecond: 1, burst: 0 }],
    [{ ratePerSecond: 1, burst: 1, initialTokens: 2 }], [{ ratePerSecond: 1, burst: 1, initialTokens: -1 }],
  ])('rejects construction with %j', (deps) => {
    expect(() => new TokenBucket(deps)).toThrow(RangeError);
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY]])('rejects a token count of %d', async (n) => {
    const b = new TokenBucket({ ratePerSecond: 1, burst: 1 });
    expect(() => b.tryTake(n)).toThrow(RangeError);
    expect(() => b.take(n)).toThrow(RangeError);
    await expect(b.acquire(n)).rejects.toThrow(RangeError);
  });

  it('works with the real clock and timers (defaults)', async () => {
    const b = new TokenBucket({ ratePerSecond: 1000, burst: 10 });
    const start = performance.now();
    await b.acquire(30);
    // 20 tokens beyond the burst at 1000/s ≈ 20 ms.
    expect(performance.now() - start).toBeGreaterThanOrEqual(15);
  });
});
