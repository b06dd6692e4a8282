import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { assertNever } from '@d7y/core';
import SQLite from 'better-sqlite3';
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { Dialect, InsertQueryBuilder, InsertResult, Transaction } from 'kysely';
import { createPool as createMysqlPool } from 'mysql2';
import pg from 'pg';
import type { DatabaseType } from './database-type.js';
import { translateDriverError } from './driver-error.js';
import { initialSchema } from './migrations/0001-initial.js';
import type { Tables } from './tables.js';

export type DatabaseOptions =
  | { type: 'sqlite'; path: string }
  | {
      type: 'postgres';
      host: string;
      port: number;
      user: string;
      password: string;
      dbname: string;
      sslMode: 'disable' | 'require' | 'verify-full';
      /** Schema to create tables in (search_path); default the server's (public). */
      schema?: string;
      poolSize?: number;
      connectTimeoutMs?: number;
    }
  | {
      type: 'mysql';
      host: string;
      port: number;
      user: string;
      password: string;
      dbname: string;
      tls?: boolean;
      poolSize?: number;
      connectTimeoutMs?: number;
    };

export interface DatabaseLogger {
  warn(obj: object, msg: string): void;
}

export type Db = Kysely<Tables> | Transaction<Tables>;

/**
 * The manager's one query layer over SQLite, PostgreSQL or MySQL/MariaDB. Repositories go through
 * run()/transaction(), which translate driver errors (unique → 409, unreachable → 503).
 */
export class ManagerDatabase {
  readonly type: DatabaseType;
  readonly db: Kysely<Tables>;

  private constructor(type: DatabaseType, dialect: Dialect) {
    this.type = type;
    this.db = new Kysely<Tables>({ dialect });
  }

  static open(options: DatabaseOptions, deps: { logger?: DatabaseLogger } = {}): ManagerDatabase {
    switch (options.type) {
      case 'sqlite': {
        mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 });
        const file = new SQLite(options.path);
        if (options.path !== ':memory:') chmodSync(options.path, 0o600);
        file.pragma('journal_mode = WAL');
        file.pragma('foreign_keys = ON');
        file.pragma('busy_timeout = 5000');
        return new ManagerDatabase('sqlite', new SqliteDialect({ database: file }));
      }
      case 'postgres': {
        const pool = new pg.Pool({
          host: options.host,
          port: options.port,
          user: options.user,
          password: options.password,
          database: options.dbname,
          max: options.poolSize ?? 10,
          connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
          ssl: options.sslMode === 'disable' ? false : { rejectUnauthorized: options.sslMode === 'verify-full' },
          ...(options.schema === undefined ? {} : { options: `-c search_path=${quoteIdentifier(options.schema)}` }),
        });
        // An idle client whose server went away emits here; without a listener node would crash.
        pool.on('error', (err) => deps.logger?.warn({ err }, 'database connection lost'));
        // A checked-out client whose connection dies between queries emits 'error' on itself; the
        // pool drops it on release. Without this listener that event would crash the manager.
        pool.on('connect', (client) => client.on('error', (err) => deps.logger?.warn({ err }, 'database connection lost')));
        return new ManagerDatabase('postgres', new PostgresDialect({ pool }));
      }
      case 'mysql': {
        const pool = createMysqlPool({
          host: options.host,
          port: options.port,
          user: options.user,
          password: options.password,
          database: options.dbname,
          connectionLimit: options.poolSize ?? 10,
          connectTimeout: options.connectTimeoutMs ?? 5000,
          ...(options.tls === true ? { ssl: {} } : {}),
          // Numbers stay numbers; we never store 64-bit values.
          supportBigNumbers: false,
        });
        return new ManagerDatabase('mysql', new MysqlDialect({ pool }));
      }
      default:
        return assertNever(options);
    }
  }

  /** Applies every migration not applied yet, in order. */
  async migrate(): Promise<void> {
    const migrator = new Migrator({
      db: this.db,
      provider: { getMigrations: () => Promise.resolve({ '0001-initial': initialSchema(this.type) }) },
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error !== undefined) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }

  async run<T>(fn: (db: Kysely<Tables>) => Promise<T>): Promise<T> {
    try {
      return await fn(this.db);
    } catch (err) {
      throw translateDriverError(err);
    }
  }

  async transaction<T>(fn: (trx: Transaction<Tables>) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction().execute(fn);
    } catch (err) {
      throw translateDriverError(err);
    }
  }

  /** Inserts one row and answers its id (RETURNING where the engine has it, insertId on MySQL). */
  async insertId<T extends keyof Tables>(query: InsertQueryBuilder<Tables, T, InsertResult>): Promise<number> {
    if (this.type === 'postgres') {
      const row = (await (query as unknown as InsertQueryBuilder<Tables, 'users', InsertResult>)
        .returning('id')
        .executeTakeFirstOrThrow()) as { id: number };
      return Number(row.id);
    }
    const result = await query.executeTakeFirstOrThrow();
    return Number(result.insertId);
  }

  /** Throws the translated error when the database cannot answer. */
  async ping(): Promise<void> {
    await this.run((db) => sql`select 1`.execute(db));
  }

  async destroy(): Promise<void> {
    await this.db.destroy();
  }
}

function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid schema name ${JSON.stringify(name)}`);
  return name;
}
