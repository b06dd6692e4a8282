import type { Logger } from '@d7y/logger';
import type { RevokedSessionRepository } from './revoked-session-repository.js';

/** Hourly by default: drops revocation rows of sessions whose tokens can no longer be valid or refreshed. */
export class RevokedSessionPruner {
  private readonly sessions: RevokedSessionRepository;
  private readonly log: Logger;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(deps: { sessions: RevokedSessionRepository; logger: Logger; intervalMs?: number }) {
    this.sessions = deps.sessions;
    this.log = deps.logger.child({ component: 'session-pruner' });
    this.intervalMs = deps.intervalMs ?? 3_600_000;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.sessions.prune().then(
        (n) => n > 0 && this.log.debug({ pruned: n }, 'pruned revoked sessions'),
        (err: unknown) => this.log.warn({ err }, 'pruning revoked sessions failed'),
      );
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
