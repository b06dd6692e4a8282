export interface TokenBucketTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface TokenBucketDeps {
  /** Tokens (bytes, requests…) added per second. */
  ratePerSecond: number;
  /** Most tokens the bucket holds: the largest burst allowed after idling. */
  burst: number;
  /** Tokens at construction; defaults to a full bucket. */
  initialTokens?: number;
  /** Monotonic clock in milliseconds. */
  now?: () => number;
  /** Timer functions; default to the global ones (looked up at call time, so fake timers work). */
  timers?: TokenBucketTimers;
}

interface Waiter {
  remaining: number;
  absorbed: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

// Float slack when comparing token counts computed from elapsed milliseconds.
const EPSILON = 1e-9;

/**
 * Token bucket: tokens accrue at `ratePerSecond` up to `burst`.
 * - `tryTake(n)` takes at once or not at all (never ahead of queued waiters).
 * - `take(n)` reserves n tokens now, letting the bucket go into debt, and returns the milliseconds the
 *   caller must wait before using them (0 when they were available). It goes ahead of queued waiters.
 * - `acquire(n, signal?)` waits its turn: waiters are served strictly first-in first-out; the head
 *   waiter absorbs tokens as they accrue, so n > burst works (it is paid in chunks of at most `burst`).
 *   Aborting a waiter removes it from the queue and refunds what it had absorbed.
 * One timer at most, armed for the moment the head waiter can be served — no polling or busy-waiting.
 */
export class TokenBucket {
  private ratePerSecond: number;
  private burstTokens: number;
  private tokens: number;
  private last: number;
  private readonly now: () => number;
  private readonly timers: TokenBucketTimers;
  private readonly queue: Waiter[] = [];
  private timer: unknown = undefined;
  private closedReason: unknown = undefined;
  private closed = false;

  constructor(deps: TokenBucketDeps) {
    checkRate(deps.ratePerSecond, deps.burst);
    this.ratePerSecond = deps.ratePerSecond;
    this.burstTokens = deps.burst;
    const initial = deps.initialTokens ?? deps.burst;
    if (!Number.isFinite(initial) || initial < 0 || initial > deps.burst) {
      throw new RangeError(`initialTokens must be between 0 and burst, got ${String(initial)}`);
    }
    this.tokens = initial;
    this.now = deps.now ?? (() => performance.now());
    this.timers = deps.timers ?? {
      setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
      clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
    this.last = this.now();
  }

  get rate(): number {
    return this.ratePerSecond;
  }

  get burst(): number {
    return this.burstTokens;
  }

  /** Waiters queued in acquire(). */
  get pending(): number {
    return this.queue.length;
  }

  /** Tokens available now; negative while in debt. */
  available(): number {
    this.refill();
    return this.tokens;
  }

  tryTake(n: number): boolean {
    checkCount(n);
    this.assertOpen();
    if (this.queue.length > 0) return false;
    this.refill();
    if (this.tokens + EPSILON < n) return false;
    this.tokens -= n;
    return true;
  }

  /** Reserves n tokens now (possibly into debt); returns milliseconds to wait before using them. */
  take(n: number): number {
    checkCount(n);
    this.assertOpen();
    this.refill();
    this.tokens -= n;
    const wait = this.tokens >= -EPSILON ? 0 : Math.ceil((-this.tokens * 1000) / this.ratePerSecond);
    // Debt delays queued waiters: re-arm their timer.
    if (this.queue.length > 0) this.pump();
    return wait;
  }

  acquire(n: number, signal?: AbortSignal): Promise<void> {
    try {
      checkCount(n);
      this.assertOpen();
    } catch (err) {
      return Promise.reject(err);
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.queue.length === 0) {
      this.refill();
      if (this.tokens + EPSILON >= n) {
        this.tokens -= n;
        return Promise.resolve();
      }
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { remaining: n, absorbed: 0, resolve, reject, signal, onAbort: undefined };
      if (signal !== undefined) {
        waiter.onAbort = () => this.abortWaiter(waiter);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      this.pump();
    });
  }

  /** Changes the rate (and optionally burst) from now on; tokens already accrued are kept up to the new burst. */
  setRate(ratePerSecond: number, burst: number = this.burstTokens): void {
    checkRate(ratePerSecond, burst);
    this.refill();
    this.ratePerSecond = ratePerSecond;
    this.burstTokens = burst;
    this.tokens = Math.min(this.tokens, burst);
    this.pump();
  }

  /** Rejects every queued waiter and refuses further use; clears the timer. */
  close(reason: unknown = new Error('token bucket closed')): void {
    if (this.closed) return;
    this.closed = true;
    this.closedReason = reason;
    this.disarm();
    for (const waiter of this.queue.splice(0)) {
      detach(waiter);
      waiter.reject(reason);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw this.closedReason;
  }

  private refill(): void {
    const now = this.now();
    const elapsedMs = now - this.last;
    this.last = now;
    if (elapsedMs > 0) this.tokens = Math.min(this.burstTokens, this.tokens + (elapsedMs * this.ratePerSecond) / 1000);
  }

  private pump(): void {
    this.disarm();
    this.refill();
    while (this.queue.length > 0) {
      const head = this.queue[0] as Waiter;
      if (this.tokens > 0) {
        const taken = Math.min(this.tokens, head.remaining);
        this.tokens -= taken;
        head.remaining -= taken;
        head.absorbed += taken;
      }
      if (head.remaining > EPSILON) break;
      this.queue.shift();
      detach(head);
      head.resolve();
    }
    const head = this.queue[0];
    if (head === undefined) return;
    // Wait until the next chunk (never more than `burst`, which is all the bucket can hold) has accrued.
    const needed = Math.min(head.remaining, this.burstTokens) - this.tokens;
    const waitMs = Math.max(1, Math.ceil((needed * 1000) / this.ratePerSecond));
    // Not unref()ed on purpose: a caller is awaiting this timer, and the timer only exists while
    // someone waits (close() clears it).
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, waitMs);
  }

  private disarm(): void {
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private abortWaiter(waiter: Waiter): void {
    const index = this.queue.indexOf(waiter);
    if (index < 0) return;
    this.queue.splice(index, 1);
    detach(waiter);
    // Nothing was used: give back what the waiter had absorbed.
    this.refill();
    this.tokens = Math.min(this.burstTokens, this.tokens + waiter.absorbed);
    waiter.reject(waiter.signal?.reason);
    this.pump();
  }
}

function detach(waiter: Waiter): void {
  if (waiter.signal !== undefined && waiter.onAbort !== undefined) waiter.signal.removeEventListener('abort', waiter.onAbort);
}

function checkRate(ratePerSecond: number, burst: number): void {
  if (typeof ratePerSecond !== 'number' || !Number.isFinite(ratePerSecond) || ratePerSecond <= 0) {
    throw new RangeError(`ratePerSecond must be a positive finite number, got ${String(ratePerSecond)}`);
  }
  if (typeof burst !== 'number' || !Number.isFinite(burst) || burst <= 0) {
    throw new RangeError(`burst must be a positive finite number, got ${String(burst)}`);
  }
}

function checkCount(n: number): void {
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
    throw new RangeError(`token count must be a non-negative finite number, got ${String(n)}`);
  }
}
