import { tooManyRequests } from '../errors.js';

// Counts failed sign-ins per user name and per client IP in fixed windows. Past the limit every
// attempt (right or wrong) answers 429 with Retry-After until the window ends. In memory: each
// manager instance throttles on its own.

export interface SignInThrottleLimits {
  /** Failures allowed per user name per window. */
  perUser: number;
  /** Failures allowed per client IP per window. */
  perIp: number;
  windowMs: number;
  /** Bound on tracked keys; expired windows are dropped first. */
  maxKeys?: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInThrottleLimits = { perUser: 5, perIp: 20, windowMs: 15 * 60_000 };

interface Window {
  failures: number;
  resetAt: number;
}

export class SignInThrottle {
  private readonly limits: SignInThrottleLimits;
  private readonly now: () => number;
  private readonly windows = new Map<string, Window>();

  constructor(deps: { limits?: SignInThrottleLimits; now?: () => number } = {}) {
    this.limits = deps.limits ?? DEFAULT_SIGN_IN_LIMITS;
    this.now = deps.now ?? Date.now;
  }

  /** Throws 429 when the user name or the IP has used up its failures. */
  check(name: string, ip: string): void {
    const now = this.now();
    for (const [key, limit] of this.keys(name, ip)) {
      const w = this.windows.get(key);
      if (w !== undefined && w.resetAt > now && w.failures >= limit) {
        throw tooManyRequests('too many failed sign-in attempts, try again later', Math.max(1, Math.ceil((w.resetAt - now) / 1000)));
      }
    }
  }

  recordFailure(name: string, ip: string): void {
    const now = this.now();
    if (this.windows.size >= (this.limits.maxKeys ?? 100_000)) this.prune(now);
    for (const [key] of this.keys(name, ip)) {
      const w = this.windows.get(key);
      if (w === undefined || w.resetAt <= now) this.windows.set(key, { failures: 1, resetAt: now + this.limits.windowMs });
      else w.failures += 1;
    }
  }

  /** A successful sign-in clears the user's count (not the IP's: one right guess must not unlock a spraying IP). */
  recordSuccess(name: string): void {
    this.windows.delete(`user:${name}`);
  }

  private keys(name: string, ip: string): [string, number][] {
    return [
      [`user:${name}`, this.limits.perUser],
      [`ip:${ip}`, this.limits.perIp],
    ];
  }

  private prune(now: number): void {
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
    // Still full: forget the oldest entries (Map iterates in insertion order).
    const excess = this.windows.size - Math.floor((this.limits.maxKeys ?? 100_000) / 2);
    if (excess > 0) for (const key of [...this.windows.keys()].slice(0, excess)) this.windows.delete(key);
  }
}
