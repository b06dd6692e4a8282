import type { ManagerDatabase } from '../db/manager-database.js';
import { isoNow } from '../db/page.js';

/** Sessions ended by sign-out. A session is the chain of tokens issued from one sign-in (refreshes included). */
export class RevokedSessionRepository {
  private readonly database: ManagerDatabase;
  private readonly now: () => number;

  constructor(deps: { database: ManagerDatabase; now?: () => number }) {
    this.database = deps.database;
    this.now = deps.now ?? Date.now;
  }

  async revoke(sessionId: string, expiresAtMs: number): Promise<void> {
    await this.database.run(async (db) => {
      const existing = await db.selectFrom('revoked_sessions').select('session_id').where('session_id', '=', sessionId).executeTakeFirst();
      if (existing === undefined) {
        await db.insertInto('revoked_sessions').values({ session_id: sessionId, expires_at: new Date(expiresAtMs).toISOString() }).execute();
      }
    });
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    return this.database.run(async (db) => {
      const row = await db.selectFrom('revoked_sessions').select('session_id').where('session_id', '=', sessionId).executeTakeFirst();
      return row !== undefined;
    });
  }

  /** Deletes rows whose sessions cannot produce a valid token any more. */
  async prune(): Promise<number> {
    return this.database.run(async (db) => {
      const r = await db.deleteFrom('revoked_sessions').where('expires_at', '<', isoNow(this.now)).executeTakeFirst();
      return Number(r.numDeletedRows);
    });
  }
}
