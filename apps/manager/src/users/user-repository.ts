import type { Selectable } from 'kysely';
import type { ManagerDatabase } from '../db/manager-database.js';
import { isoNow, offsetOf } from '../db/page.js';
import type { PageRequest, PageResult } from '../db/page.js';
import type { UsersTable } from '../db/tables.js';

export type RoleName = 'root' | 'guest';
export const ROLE_NAMES: readonly RoleName[] = ['root', 'guest'];

/** A user as the rest of the manager sees it: never carries the password hash. */
export interface User {
  id: number;
  name: string;
  email: string;
  state: 'enable' | 'disable';
  bio: string;
  avatar: string;
  phone: string;
  location: string;
  must_change_password: boolean;
  roles: RoleName[];
  created_at: string;
  updated_at: string;
}

/** What authentication needs in addition. */
export interface UserCredentials {
  user: User;
  encryptedPassword: string;
  tokenVersion: number;
}

export interface NewUser {
  name: string;
  email: string;
  encryptedPassword: string;
  bio?: string;
  avatar?: string;
  phone?: string;
  location?: string;
  mustChangePassword?: boolean;
  roles: RoleName[];
}

export type UserPatch = Partial<Pick<User, 'email' | 'bio' | 'avatar' | 'phone' | 'location' | 'state'>>;

export class UserRepository {
  private readonly database: ManagerDatabase;
  private readonly now: () => number;

  constructor(deps: { database: ManagerDatabase; now?: () => number }) {
    this.database = deps.database;
    this.now = deps.now ?? Date.now;
  }

  async count(): Promise<number> {
    return this.database.run(async (db) => {
      const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    });
  }

  async list(page: PageRequest, filter: { name?: string; state?: string } = {}): Promise<PageResult<User>> {
    return this.database.run(async (db) => {
      let q = db.selectFrom('users');
      if (filter.name !== undefined) q = q.where('name', '=', filter.name);
      if (filter.state !== undefined) q = q.where('state', '=', filter.state);
      const total = await q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
      const rows = await q.selectAll().orderBy('id').limit(page.perPage).offset(offsetOf(page)).execute();
      const roles = await this.rolesOf(rows.map((r) => r.id));
      return { items: rows.map((r) => toUser(r, roles.get(r.id) ?? [])), total: Number(total.n) };
    });
  }

  async get(id: number): Promise<User | undefined> {
    return (await this.credentialsWhere('id', id))?.user;
  }

  credentialsById(id: number): Promise<UserCredentials | undefined> {
    return this.credentialsWhere('id', id);
  }

  credentialsByName(name: string): Promise<UserCredentials | undefined> {
    return this.credentialsWhere('name', name);
  }

  private async credentialsWhere(column: 'id' | 'name', value: number | string): Promise<UserCredentials | undefined> {
    return this.database.run(async (db) => {
      const row = await db.selectFrom('users').selectAll().where(column, '=', value).executeTakeFirst();
      if (row === undefined) return undefined;
      const roles = await this.rolesOf([row.id]);
      return { user: toUser(row, roles.get(row.id) ?? []), encryptedPassword: row.encrypted_password, tokenVersion: row.token_version };
    });
  }

  async create(input: NewUser): Promise<User> {
    const at = isoNow(this.now);
    const id = await this.database.transaction(async (trx) => {
      const query = trx.insertInto('users').values({
        name: input.name,
        email: input.email,
        encrypted_password: input.encryptedPassword,
        state: 'enable',
        bio: input.bio ?? '',
        avatar: input.avatar ?? '',
        phone: input.phone ?? '',
        location: input.location ?? '',
        token_version: 0,
        must_change_password: input.mustChangePassword === true ? 1 : 0,
        created_at: at,
        updated_at: at,
      });
      const newId =
        this.database.type === 'postgres'
          ? Number((await query.returning('id').executeTakeFirstOrThrow()).id)
          : Number((await query.executeTakeFirstOrThrow()).insertId);
      for (const role of input.roles) {
        const r = await trx.selectFrom('roles').select('id').where('name', '=', role).executeTakeFirstOrThrow();
        await trx.insertInto('user_roles').values({ user_id: newId, role_id: r.id }).execute();
      }
      return newId;
    });
    const user = await this.get(id);
    if (user === undefined) throw new Error(`user ${id} vanished after insert`);
    return user;
  }

  async update(id: number, patch: UserPatch): Promise<User | undefined> {
    const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    await this.database.run(async (db) => {
      let q = db
        .updateTable('users')
        .set({ ...changes, updated_at: isoNow(this.now) })
        .where('id', '=', id);
      // Disabling a user revokes every token it holds.
      if (patch.state === 'disable') q = q.set((eb) => ({ token_version: eb('token_version', '+', 1) }));
      await q.execute();
    });
    return this.get(id);
  }

  /** Sets a new password hash and revokes every earlier token of the user. */
  async setPassword(id: number, encryptedPassword: string, mustChange: boolean): Promise<void> {
    await this.database.run((db) =>
      db
        .updateTable('users')
        .set((eb) => ({
          encrypted_password: encryptedPassword,
          must_change_password: mustChange ? 1 : 0,
          token_version: eb('token_version', '+', 1),
          updated_at: isoNow(this.now),
        }))
        .where('id', '=', id)
        .execute(),
    );
  }

  async addRole(userId: number, role: RoleName): Promise<void> {
    await this.database.transaction(async (trx) => {
      const r = await trx.selectFrom('roles').select('id').where('name', '=', role).executeTakeFirstOrThrow();
      const existing = await trx.selectFrom('user_roles').select('user_id').where('user_id', '=', userId).where('role_id', '=', r.id).executeTakeFirst();
      if (existing === undefined) await trx.insertInto('user_roles').values({ user_id: userId, role_id: r.id }).execute();
    });
  }

  async removeRole(userId: number, role: RoleName): Promise<void> {
    await this.database.transaction(async (trx) => {
      const r = await trx.selectFrom('roles').select('id').where('name', '=', role).executeTakeFirstOrThrow();
      await trx.deleteFrom('user_roles').where('user_id', '=', userId).where('role_id', '=', r.id).execute();
    });
  }

  async countWithRole(role: RoleName): Promise<number> {
    return this.database.run(async (db) => {
      const row = await db
        .selectFrom('user_roles')
        .innerJoin('roles', 'roles.id', 'user_roles.role_id')
        .innerJoin('users', 'users.id', 'user_roles.user_id')
        .where('roles.name', '=', role)
        .where('users.state', '=', 'enable')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    });
  }

  private async rolesOf(userIds: number[]): Promise<Map<number, RoleName[]>> {
    const out = new Map<number, RoleName[]>();
    if (userIds.length === 0) return out;
    const rows = await this.database.db
      .selectFrom('user_roles')
      .innerJoin('roles', 'roles.id', 'user_roles.role_id')
      .select(['user_roles.user_id as user_id', 'roles.name as name'])
      .where('user_roles.user_id', 'in', userIds)
      .orderBy('roles.name')
      .execute();
    for (const row of rows) {
      if (row.name !== 'root' && row.name !== 'guest') continue;
      const list = out.get(row.user_id) ?? [];
      list.push(row.name);
      out.set(row.user_id, list);
    }
    return out;
  }
}

function toUser(row: Selectable<UsersTable>, roles: RoleName[]): User {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    state: row.state === 'disable' ? 'disable' : 'enable',
    bio: row.bio,
    avatar: row.avatar,
    phone: row.phone,
    location: row.location,
    must_change_password: row.must_change_password === 1,
    roles,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
