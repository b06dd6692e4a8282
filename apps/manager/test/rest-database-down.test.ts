import { status as grpcStatus } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseType } from '../src/db/database-type.js';
import { bearer, startTestManager } from './manager-fixture.js';
import type { TestManager } from './manager-fixture.js';
import { MYSQL, PG, createTestDatabase, serverReachable } from './test-databases.js';
import type { TestDatabase } from './test-databases.js';
import { TcpSwitch } from './tcp-switch.js';

const engines: { type: Exclude<DatabaseType, 'sqlite'>; label: string; reachable: boolean }[] = [
  { type: 'postgres', label: 'postgres', reachable: await serverReachable('postgres') },
  { type: 'mysql', label: 'mariadb/mysql', reachable: await serverReachable('mysql') },
];

/** Polls until fn() is true (no fixed sleeps); fails after timeoutMs. */
async function eventually(fn: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(engines.map((e) => ({ ...e, label: e.reachable ? e.label : `${e.label} — SKIPPED: DATABASE SERVER UNREACHABLE` })))(
  'database down on $label',
  ({ type, reachable }) => {
    let db: TestDatabase;
    let sw: TcpSwitch;
    let t: TestManager;

    beforeAll(async () => {
      if (!reachable) return;
      db = await createTestDatabase(type);
      sw = new TcpSwitch(type === 'postgres' ? PG : MYSQL);
      await sw.open();
      t = await startTestManager({ databaseOptions: { ...db.options, port: sw.port } as typeof db.options });
    });
    afterAll(async () => {
      if (!reachable) return;
      await t.stop();
      await sw.cut();
      await db.cleanup();
    });

    it.skipIf(!reachable)('answers 503 while the database is unreachable and recovers without a restart', async () => {
      const token = await t.rootToken();
      const list = () => t.manager.rest.inject({ method: 'GET', url: '/api/v1/scheduler-clusters', headers: bearer(token) });
      expect((await list()).statusCode).toBe(200);

      await sw.cut();
      await eventually(async () => (await list()).statusCode === 503);
      const down = await list();
      expect(down.json()).toEqual({ code: 'DF_ERR_MANAGER_DATABASE_UNAVAILABLE', message: 'database unavailable, try again later' });
      expect((await t.manager.rest.inject({ method: 'GET', url: '/healthy' })).statusCode).toBe(503);
      const signIn = await t.manager.rest.inject({ method: 'POST', url: '/api/v1/users/signin', payload: { name: 'root', password: 'whatever-password' } });
      expect(signIn.statusCode).toBe(503);

      // The gRPC side answers UNAVAILABLE meanwhile (a dfdaemon keeps its last good scheduler list).
      const dfdaemon = t.grpcClient('dfdaemon', 'peer-1');
      const grpcCode = await new Promise<number | undefined>((resolve) => {
        dfdaemon.ListSchedulers({ hostname: 'peer-1', ip: '127.0.0.1', version: '', commit: '' }, { deadline: Date.now() + 5000 }, (err) => resolve(err?.code));
      });
      expect(grpcCode).toBe(grpcStatus.UNAVAILABLE);

      await sw.open();
      await eventually(async () => (await list()).statusCode === 200);
      expect((await t.manager.rest.inject({ method: 'GET', url: '/healthy' })).statusCode).toBe(200);
    });
  },
);
