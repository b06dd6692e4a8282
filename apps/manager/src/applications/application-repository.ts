import type { Selectable } from 'kysely';
import type { ManagerDatabase } from '../db/manager-database.js';
import { isoNow, offsetOf, parseJsonColumn } from '../db/page.js';
import type { PageRequest, PageResult } from '../db/page.js';
import type { ApplicationsTable } from '../db/tables.js';

/** Download priority of an application: `value` is common.v2.Priority (0–6); URL rules override it. */
export interface ApplicationPriority {
  value: number;
  urls?: { regex: string; value: number }[];
}

export interface Application {
  id: number;
  name: string;
  url: string;
  bio: string;
  priority: ApplicationPriority;
  user_id: number | null;
  created_at: string;
  updated_at: string;
}

export type NewApplication = Pick<Application, 'name' | 'url' | 'bio' | 'priority' | 'user_id'>;

export class ApplicationRepository {
  private readonly database: ManagerDatabase;
  private readonly now: () => number;

  constructor(deps: { database: ManagerDatabase; now?: () => number }) {
    this.database = deps.database;
    this.now = deps.now ?? Date.now;
  }

  list(page: PageRequest, filter: { name?: string } = {}): Promise<PageResult<Application>> {
    return this.database.run(async (db) => {
      let q = db.selectFrom('applications');
      if (filter.name !== undefined) q = q.where('name', '=', filter.name);
      const total = await q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
      const rows = await q.selectAll().orderBy('id').limit(page.perPage).offset(offsetOf(page)).execute();
      return { items: rows.map(toApplication), total: Number(total.n) };
    });
  }

  listAll(): Promise<Application[]> {
    return this.database.run(async (db) => (await db.selectFrom('applications').selectAll().orderBy('id').execute()).map(toApplication));
  }

  get(id: number): Promise<Application | undefined> {
    return this.database.run(async (db) => {
      const row = await db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toApplication(row);
    });
  }

  async create(input: NewApplication): Promise<Application> {
    const at = isoNow(this.now);
    const id = await this.database.run(() =>
      this.database.insertId(
        this.database.db.insertInto('applications').values({
          name: input.name,
          url: input.url,
          bio: input.bio,
          priority: JSON.stringify(input.priority),
          user_id: input.user_id,
          created_at: at,
          updated_at: at,
        }),
      ),
    );
    const created = await this.get(id);
    if (created === undefined) throw new Error(`application ${id} vanished after insert`);
    return created;
  }

  async update(id: number, patch: Partial<Omit<NewApplication, 'user_id'>>): Promise<Application | undefined> {
    const set: Partial<Omit<ApplicationsTable, 'id'>> = { updated_at: isoNow(this.now) };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.url !== undefined) set.url = patch.url;
    if (patch.bio !== undefined) set.bio = patch.bio;
    if (patch.priority !== undefined) set.priority = JSON.stringify(patch.priority);
    await this.database.run((db) => db.updateTable('applications').set(set).where('id', '=', id).execute());
    return this.get(id);
  }

  async delete(id: number): Promise<boolean> {
    return this.database.run(async (db) => {
      const r = await db.deleteFrom('applications').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }
}

function toApplication(row: Selectable<ApplicationsTable>): Application {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    bio: row.bio,
    priority: parseJsonColumn<ApplicationPriority>(row.priority, 'applications.priority'),
    user_id: row.user_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
