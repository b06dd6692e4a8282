import type { Selectable } from 'kysely';
import type { PatScope } from '../auth/principal.js';
import type { ManagerDatabase } from '../db/manager-database.js';
import { isoNow, offsetOf, parseJsonColumn } from '../db/page.js';
import type { PageRequest, PageResult } from '../db/page.js';
import type { PersonalAccessTokensTable } from '../db/tables.js';

/** A token as listed: never the secret nor its hash. */
export interface PersonalAccessToken {
  id: number;
  name: string;
  bio: string;
  scopes: PatScope[];
  state: 'active' | 'inactive';
  expired_at: string;
  last_used_at: string | null;
  user_id: number;
  created_at: string;
  updated_at: string;
}

export class PersonalAccessTokenRepository {
  private readonly database: ManagerDatabase;
  private readonly now: () => number;

  constructor(deps: { database: ManagerDatabase; now?: () => number }) {
    this.database = deps.database;
    this.now = deps.now ?? Date.now;
  }

  list(page: PageRequest, filter: { userId?: number }): Promise<PageResult<PersonalAccessToken>> {
    return this.database.run(async (db) => {
      let q = db.selectFrom('personal_access_tokens');
      if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
      const total = await q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
      const rows = await q.selectAll().orderBy('id').limit(page.perPage).offset(offsetOf(page)).execute();
      return { items: rows.map(toToken), total: Number(total.n) };
    });
  }

  async get(id: number): Promise<PersonalAccessToken | undefined> {
    return (await this.getWithHash(id))?.token;
  }

  getWithHash(id: number): Promise<{ token: PersonalAccessToken; hash: string } | undefined> {
    return this.database.run(async (db) => {
      const row = await db.selectFrom('personal_access_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : { token: toToken(row), hash: row.token_hash };
    });
  }

  /** Inserts with a placeholder hash first: the token embeds its row id, known only after the insert. */
  async create(
    input: { name: string; bio: string; scopes: PatScope[]; expiredAt: string; userId: number },
    hashFor: (id: number) => string,
  ): Promise<PersonalAccessToken> {
    const at = isoNow(this.now);
    const id = await this.database.transaction(async (trx) => {
      const placeholder = `pending-${at}-${Math.random().toString(36).slice(2)}`.slice(0, 64);
      const q = trx.insertInto('personal_access_tokens').values({
        name: input.name,
        bio: input.bio,
        token_hash: placeholder,
        scopes: JSON.stringify(input.scopes),
        state: 'active',
        expired_at: input.expiredAt,
        last_used_at: null,
        user_id: input.userId,
        created_at: at,
        updated_at: at,
      });
      const newId =
        this.database.type === 'postgres'
          ? Number((await q.returning('id').executeTakeFirstOrThrow()).id)
          : Number((await q.executeTakeFirstOrThrow()).insertId);
      await trx.updateTable('personal_access_tokens').set({ token_hash: hashFor(newId) }).where('id', '=', newId).execute();
      return newId;
    });
    const token = await this.get(id);
    if (token === undefined) throw new Error(`personal access token ${id} vanished after insert`);
    return token;
  }

  async update(id: number, patch: { name?: string; bio?: string; state?: 'active' | 'inactive' }): Promise<void> {
    const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    await this.database.run((db) =>
      db
        .updateTable('personal_access_tokens')
        .set({ ...changes, updated_at: isoNow(this.now) })
        .where('id', '=', id)
        .execute(),
    );
  }

  async touch(id: number): Promise<void> {
    await this.database.run((db) => db.updateTable('personal_access_tokens').set({ last_used_at: isoNow(this.now) }).where('id', '=', id).execute());
  }

  async delete(id: number): Promise<boolean> {
    return this.database.run(async (db) => {
      const r = await db.deleteFrom('personal_access_tokens').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }
}

function toToken(row: Selectable<PersonalAccessTokensTable>): PersonalAccessToken {
  return {
    id: row.id,
    name: row.name,
    bio: row.bio,
    scopes: parseJsonColumn<PatScope[]>(row.scopes, 'personal_access_tokens.scopes'),
    state: row.state === 'inactive' ? 'inactive' : 'active',
    expired_at: row.expired_at,
    last_used_at: row.last_used_at,
    user_id: row.user_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
