import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import { ManagerDatabase } from '../src/db/manager-database.js';
import type { DatabaseOptions } from '../src/db/manager-database.js';
import type { DatabaseType } from '../src/db/database-type.js';

// Fresh, isolated databases for tests: a temp SQLite file, a unique PostgreSQL schema, a unique
// MariaDB/MySQL database. Each is dropped by cleanup(). The servers are the ones CI runs locally.

export const PG = { host: process.env.D7Y_TEST_PG_HOST ?? '127.0.0.1', port: Number(process.env.D7Y_TEST_PG_PORT ?? 5432), user: process.env.D7Y_TEST_PG_USER ?? 'postgres', dbname: 'test' };
export const MYSQL = { host: process.env.D7Y_TEST_MYSQL_HOST ?? '127.0.0.1', port: Number(process.env.D7Y_TEST_MYSQL_PORT ?? 3306), user: 'root', dbname: 'test' };

export async function serverReachable(type: Exclude<DatabaseType, 'sqlite'>): Promise<boolean> {
  try {
    if (type === 'postgres') {
      const c = new pg.Client({ host: PG.host, port: PG.port, user: PG.user, database: PG.dbname, connectionTimeoutMillis: 2000 });
      await c.connect();
      await c.end();
    } else {
      const c = await createConnection({ host: MYSQL.host, port: MYSQL.port, user: MYSQL.user, connectTimeout: 2000 });
      await c.end();
    }
    return true;
  } catch {
    return false;
  }
}

export interface TestDatabase {
  options: DatabaseOptions;
  open(overrides?: { host?: string; port?: number }): ManagerDatabase;
  cleanup(): Promise<void>;
}

export async function createTestDatabase(type: DatabaseType): Promise<TestDatabase> {
  const suffix = `d7y_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  switch (type) {
    case 'sqlite': {
      const dir = mkdtempSync(join(tmpdir(), 'd7y-manager-db-'));
      const options: DatabaseOptions = { type: 'sqlite', path: join(dir, 'manager.db') };
      return { options, open: () => ManagerDatabase.open(options), cleanup: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) };
    }
    case 'postgres': {
      const admin = new pg.Client({ host: PG.host, port: PG.port, user: PG.user, database: PG.dbname });
      await admin.connect();
      await admin.query(`create schema ${suffix}`);
      await admin.end();
      const options: DatabaseOptions = { type: 'postgres', host: PG.host, port: PG.port, user: PG.user, password: '', dbname: PG.dbname, sslMode: 'disable', schema: suffix, connectTimeoutMs: 1500 };
      return {
        options,
        open: (o = {}) => ManagerDatabase.open({ ...options, ...o }),
        cleanup: async () => {
          const c = new pg.Client({ host: PG.host, port: PG.port, user: PG.user, database: PG.dbname });
          await c.connect();
          await c.query(`drop schema ${suffix} cascade`);
          await c.end();
        },
      };
    }
    case 'mysql': {
      const admin = await createConnection({ host: MYSQL.host, port: MYSQL.port, user: MYSQL.user });
      await admin.query(`create database ${suffix}`);
      await admin.end();
      const options: DatabaseOptions = { type: 'mysql', host: MYSQL.host, port: MYSQL.port, user: MYSQL.user, password: '', dbname: suffix, connectTimeoutMs: 1500 };
      return {
        options,
        open: (o = {}) => ManagerDatabase.open({ ...options, ...o }),
        cleanup: async () => {
          const c = await createConnection({ host: MYSQL.host, port: MYSQL.port, user: MYSQL.user });
          await c.query(`drop database ${suffix}`);
          await c.end();
        },
      };
    }
  }
}
