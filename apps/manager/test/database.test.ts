import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasswordHasher } from '../src/auth/password-hasher.js';
import type { DatabaseType } from '../src/db/database-type.js';
import type { ManagerDatabase } from '../src/db/manager-database.js';
import { seedDatabase } from '../src/db/seed-database.js';
import { ManagerError } from '../src/errors.js';
import { RevokedSessionRepository } from '../src/auth/revoked-session-repository.js';
import { SchedulerClusterRepository } from '../src/scheduler-clusters/scheduler-cluster-repository.js';
import { SchedulerRepository } from '../src/schedulers/scheduler-repository.js';
import { UserRepository } from '../src/users/user-repository.js';
import { createTestDatabase, serverReachable } from './test-databases.js';
import type { TestDatabase } from './test-databases.js';

const reachable = { postgres: await serverReachable('postgres'), mysql: await serverReachable('mysql') };
const engines: { type: DatabaseType; label: string; skip: boolean }[] = [
  { type: 'sqlite', label: 'sqlite', skip: false },
  { type: 'postgres', label: reachable.postgres ? 'postgres' : 'postgres — SKIPPED: SERVER UNREACHABLE AT 127.0.0.1:5432', skip: !reachable.postgres },
  { type: 'mysql', label: reachable.mysql ? 'mariadb/mysql' : 'mariadb/mysql — SKIPPED: SERVER UNREACHABLE AT 127.0.0.1:3306', skip: !reachable.mysql },
];

const hasher = new PasswordHasher({ cost: { N: 1024, r: 8, p: 1 } });

describe.each(engines)('database on $label', ({ type, skip }) => {
  let testDb: TestDatabase;
  let database: ManagerDatabase;

  beforeAll(async () => {
    if (skip) return;
    testDb = await createTestDatabase(type);
    database = testDb.open();
    await database.migrate();
  });
  afterAll(async () => {
    if (skip) return;
    await database.destroy();
    await testDb.cleanup();
  });

  it.skipIf(skip)('migrates twice without error and seeds once', async () => {
    await database.migrate();
    const lines: string[] = [];
    const first = await seedDatabase({ database, hasher, initialRootPassword: undefined, print: (t) => lines.push(t) });
    const second = await seedDatabase({ database, hasher, initialRootPassword: undefined, print: (t) => lines.push(t) });
    expect(first.rootCreated).toBe(true);
    expect(second.rootCreated).toBe(false);
    expect(lines).toHaveLength(1);
    const users = new UserRepository({ database });
    const root = await users.credentialsByName('root');
    expect(root?.user.roles).toEqual(['root']);
    expect(root?.user.must_change_password).toBe(true);
    const printed = /\n {4}(\S+)\n/.exec(lines[0] ?? '')?.[1] ?? '';
    expect(printed.length).toBeGreaterThanOrEqual(20);
    expect(await hasher.verify(printed, root?.encryptedPassword ?? '')).toBe(true);
    const clusters = await new SchedulerClusterRepository({ database }).listAll();
    expect(clusters.map((c) => [c.name, c.is_default, c.seed_peer_cluster_ids.length])).toEqual([['cluster-1', true, 1]]);
  });

  it.skipIf(skip)('translates a unique violation into a 409 error', async () => {
    const clusters = new SchedulerClusterRepository({ database });
    const input = { name: 'dup', bio: '', config: { candidate_parent_limit: 4, filter_parent_limit: 15, job_rate_limit: 10 }, client_config: { load_limit: 200 }, seed_client_config: {}, scopes: {}, is_default: false };
    await clusters.create(input);
    const err = await clusters.create(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManagerError);
    expect((err as ManagerError).statusCode).toBe(409);
  });

  it.skipIf(skip)('stores, filters and pages schedulers; refuses deleting a cluster in use', async () => {
    const clusters = new SchedulerClusterRepository({ database });
    const schedulers = new SchedulerRepository({ database });
    const cluster = await clusters.create({ name: 'paging', bio: '', config: { candidate_parent_limit: 4, filter_parent_limit: 15, job_rate_limit: 10 }, client_config: { load_limit: 200 }, seed_client_config: {}, scopes: { cidrs: ['10.0.0.0/8'] }, is_default: false });
    for (let i = 0; i < 5; i++) {
      await schedulers.create({ host_name: `s-${i}`, ip: `10.0.0.${i}`, idc: '', location: '', port: 8002, features: ['schedule'], config: { manager_keep_alive_interval: 5_000_000_000 }, scheduler_cluster_id: cluster.id });
    }
    const page2 = await schedulers.list({ page: 2, perPage: 2 }, { scheduler_cluster_id: cluster.id });
    expect(page2.total).toBe(5);
    expect(page2.items.map((s) => s.host_name)).toEqual(['s-2', 's-3']);
    expect(page2.items[0]?.features).toEqual(['schedule']);
    const one = page2.items[0];
    expect(await schedulers.keepAlive(one?.id ?? 0)).toBe(true);
    expect((await schedulers.get(one?.id ?? 0))?.state).toBe('active');
    const err = await clusters.delete(cluster.id).catch((e: unknown) => e);
    expect((err as ManagerError).statusCode).toBe(409);
  });

  it.skipIf(skip)('revoked sessions are remembered until their last token could expire, then pruned', async () => {
    let nowMs = Date.parse('2026-01-01T00:00:00Z');
    const sessions = new RevokedSessionRepository({ database, now: () => nowMs });
    await sessions.revoke('s-1', nowMs + 1000);
    await sessions.revoke('s-1', nowMs + 1000);
    expect(await sessions.isRevoked('s-1')).toBe(true);
    expect(await sessions.isRevoked('s-2')).toBe(false);
    expect(await sessions.prune()).toBe(0);
    nowMs += 2000;
    expect(await sessions.prune()).toBe(1);
  });
});
