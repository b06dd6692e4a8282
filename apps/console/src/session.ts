import type { ApiClient } from './api-client.js';
import { ApiError } from './api-error.js';
import type { SessionInfo, User } from './api-types.js';

/** Refresh this long before the token expires (ms). */
const REFRESH_MARGIN_MS = 60_000;
/** setTimeout holds at most 2^31-1 ms; longer waits are re-armed. */
const MAX_TIMER_MS = 2_147_000_000;

export type SessionEnd = 'signed-out' | 'expired' | 'revoked';

/**
 * The signed-in state of the page. The token itself stays in the HttpOnly cookie: the page only
 * knows who is signed in and until when, and refreshes silently before expiry while the session
 * is younger than maxRefresh.
 */
export class Session {
  private info: SessionInfo | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<boolean> | undefined;
  private readonly api: ApiClient;
  private readonly onEnded: (why: SessionEnd) => void;
  private readonly now: () => number;

  constructor(deps: { api: ApiClient; onEnded: (why: SessionEnd) => void; now?: () => number }) {
    this.api = deps.api;
    this.onEnded = deps.onEnded;
    this.now = deps.now ?? Date.now;
  }

  get user(): User | undefined {
    return this.info?.user;
  }

  get isRoot(): boolean {
    return this.info?.user.roles.includes('root') ?? false;
  }

  /** Restores the session of an earlier visit from the cookie; false when there is none. */
  async resume(): Promise<boolean> {
    try {
      this.set(await this.api.get<SessionInfo>('/console/session'));
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return false;
      throw err;
    }
  }

  async signIn(name: string, password: string): Promise<void> {
    this.set(await this.api.post<SessionInfo>('/console/session', { name, password }));
  }

  /** One refresh at a time; false when the session cannot be refreshed any more. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  async signOut(): Promise<void> {
    try {
      await this.api.delete('/console/session');
    } finally {
      this.end('signed-out');
    }
  }

  /** Forget the session locally (after the server ended it). */
  end(why: SessionEnd): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const had = this.info !== undefined;
    this.info = undefined;
    if (had) this.onEnded(why);
  }

  private async doRefresh(): Promise<boolean> {
    if (this.info === undefined) return false;
    try {
      this.set(await this.api.post<SessionInfo>('/console/session/refresh'));
      return true;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        this.end('expired');
        return false;
      }
      throw err;
    }
  }

  private set(info: SessionInfo): void {
    this.info = info;
    this.arm();
  }

  private arm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.info === undefined) return;
    const expire = Date.parse(this.info.expire);
    const until = Date.parse(this.info.refresh_until);
    const now = this.now();
    const canRefresh = until - REFRESH_MARGIN_MS > now;
    const at = canRefresh ? Math.min(expire - REFRESH_MARGIN_MS, until - REFRESH_MARGIN_MS) : expire;
    const wait = Math.max(1_000, at - now);
    this.timer = setTimeout(() => {
      if (wait >= MAX_TIMER_MS) return this.arm();
      if (canRefresh) void this.refresh().catch(() => this.arm());
      else this.end('expired');
    }, Math.min(wait, MAX_TIMER_MS));
  }
}
