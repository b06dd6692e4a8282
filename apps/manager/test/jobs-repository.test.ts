import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseType } from '../src/db/database-type.js';
import type { ManagerDatabase } from '../src/db/manager-database.js';
import { JobRepository } from '../src/jobs/job-repository.js';
import { JobTargetRepository } from '../src/jobs/job-target-repository.js';
import { createTestDatabase, serverReachable } from './test-databases.js';
import type { TestDatabase } from './test-databases.js';

// The jobs' SQL on every engine the manager supports (PostgreSQL and MariaDB as CI runs them).

const reachable = { postgres: await serverReachable('postgres'), mysql: await serverReachable('mysql') };
const engines: { type: DatabaseType; label: string; skip: boolean }[] = [
  { type: 'sqlite', label: 'sqlite', skip: false },
  { type: 'postgres', label: reachable.postgres ? 'postgres' : 'postgres — SKIPPED: SERVER UNREACHABLE AT 127.0.0.1:5432', skip: !reachable.postgres },
  { type: 'mysql', label: reachable.mysql ? 'mariadb/mysql' : 'mariadb/mysql — SKIPPED: SERVER UNREACHABLE AT 127.0.0.1:3306', skip: !reachable.mysql },
];

const AT = '2026-01-01T00:00:00.000Z';

describe.each(engines)('job repositories on $label', ({ type, skip }) => {
  let test: TestDatabase;
  let database: ManagerDatabase;
  let nowMs = Date.parse(AT);
  const now = () => nowMs;

  beforeAll(async () => {
    if (skip) return;
    test = await createTestDatabase(type);
    database = test.open();
    await database.migrate();
    const db = database.db;
    const cluster = (name: string, isDefault: number, config: string) =>
      database.insertId(db.insertInto('scheduler_clusters').values({ name, bio: '', config, client_config: '{}', seed_client_config: '{}', scopes: '{}', is_default: isDefault, created_at: AT, updated_at: AT }));
    const c1 = await cluster('cluster-1', 1, '{"job_rate_limit":7}');
    const c2 = await cluster('cluster-2', 0, '{}');
    const spc = await database.insertId(db.insertInto('seed_peer_clusters').values({ name: 'seeds', bio: '', config: '{}', created_at: AT, updated_at: AT }));
    // One seed peer cluster serves both scheduler clusters.
    await db.insertInto('seed_peer_cluster_scheduler_clusters').values([{ seed_peer_cluster_id: spc, scheduler_cluster_id: c1 }, { seed_peer_cluster_id: spc, scheduler_cluster_id: c2 }]).execute();
    const seed = (host_name: string, state: string, port: number) =>
      db.insertInto('seed_peers').values({ host_name, type: 'super', idc: '', location: '', ip: '10.0.0.1', port, download_port: port + 1, object_storage_port: 0, state, last_keep_alive_at: null, seed_peer_cluster_id: spc, created_at: AT, updated_at: AT }).execute();
    await seed('seed-a', 'active', 4000);
    await seed('seed-b', 'inactive', 4010);
    const scheduler = (host_name: string, features: string, state: string, clusterId: number) =>
      db.insertInto('schedulers').values({ host_name, ip: '10.0.1.1', idc: '', location: '', port: 8002, state, features, config: '{}', last_keep_alive_at: null, scheduler_cluster_id: clusterId, created_at: AT, updated_at: AT }).execute();
    await scheduler('sched-schedule-only', '["schedule"]', 'active', c1);
    await scheduler('sched-inactive', '["schedule","preheat"]', 'inactive', c1);
    await scheduler('sched-preheat', '["schedule","preheat"]', 'active', c1);
    await scheduler('sched-preheat-2', '["preheat"]', 'active', c1);
  });
  afterAll(async () => {
    if (skip) return;
    await database.destroy();
    await test.cleanup();
  });

  it.skipIf(skip)('stores jobs with their clusters, lists newest first with filters, updates state and result, deletes', async () => {
    const jobs = new JobRepository({ database, now });
    const a = await jobs.create({ task_id: 'uuid-a', bio: 'first', type: 'preheat', args: { type: 'image', url: 'https://r/v2/a/manifests/v1' }, user_id: null, scheduler_cluster_ids: [1, 2] });
    const b = await jobs.create({ task_id: 'uuid-b', bio: '', type: 'get_task', args: { task_id: 'f'.repeat(64) }, user_id: null, scheduler_cluster_ids: [1] });
    expect(a).toMatchObject({ state: 'PENDING', type: 'preheat', scheduler_cluster_ids: [1, 2], result: { peers: [] }, created_at: AT });
    await jobs.update(a.id, {
      state: 'FAILURE',
      result: { reason: 'no', peers: [{ hostname: 'seed-a', ip: '10.0.0.1', port: 4000, scheduler_cluster_id: 1, state: 'FAILURE', total_tasks: 3, finished_tasks: 1, failed_tasks: 2, downloaded_bytes: 5 * 1024 * 1024 * 1024 }] },
    });
    const got = await jobs.get(a.id);
    expect(got?.result.peers[0]?.downloaded_bytes).toBe(5 * 1024 * 1024 * 1024);
    expect(got?.state).toBe('FAILURE');
    const page = await jobs.list({ page: 1, perPage: 10 });
    expect(page.items.map((j) => j.id)).toEqual([b.id, a.id]);
    expect(page.total).toBe(2);
    expect((await jobs.list({ page: 1, perPage: 10 }, { type: 'get_task' })).items.map((j) => j.id)).toEqual([b.id]);
    expect((await jobs.list({ page: 1, perPage: 10 }, { state: 'FAILURE' })).items.map((j) => j.id)).toEqual([a.id]);
    expect(await jobs.idsInStates(['PENDING', 'RUNNING'])).toEqual([b.id]);
    nowMs += 7 * 3_600_000;
    expect(await jobs.deleteOlderThan(nowMs - 6 * 3_600_000)).toBe(1); // a (ended); b is still pending
    expect(await jobs.delete(b.id)).toBe(true);
    expect(await jobs.get(b.id)).toBeUndefined();
  });

  it.skipIf(skip)('finds the named clusters (all when none is named), active seed peers once (registered ones when none is active), one active scheduler per cluster (preheat feature preferred)', async () => {
    const targets = new JobTargetRepository({ database });
    expect(await targets.clusters([])).toEqual([
      { id: 1, name: 'cluster-1', jobRateLimit: 7 },
      { id: 2, name: 'cluster-2', jobRateLimit: 10 },
    ]);
    expect(await targets.clusters([2, 99])).toEqual([{ id: 2, name: 'cluster-2', jobRateLimit: 10 }]);
    expect(await targets.seedPeers([1, 2])).toEqual([{ hostname: 'seed-a', ip: '10.0.0.1', port: 4000, scheduler_cluster_id: 1 }]);
    expect(await targets.seedPeers([])).toEqual([]);
    await database.db.updateTable('seed_peers').set({ state: 'inactive' }).where('host_name', '=', 'seed-a').execute();
    expect((await targets.seedPeers([1])).map((p) => p.hostname)).toEqual(['seed-a', 'seed-b']);
    await database.db.updateTable('seed_peers').set({ state: 'active' }).where('host_name', '=', 'seed-a').execute();
    expect(await targets.schedulers([1, 2])).toEqual([{ hostname: 'sched-preheat', ip: '10.0.1.1', port: 8002, scheduler_cluster_id: 1 }]);
    await database.db.updateTable('schedulers').set({ state: 'inactive' }).where('features', 'like', '%preheat%').execute();
    expect(await targets.schedulers([1])).toEqual([{ hostname: 'sched-schedule-only', ip: '10.0.1.1', port: 8002, scheduler_cluster_id: 1 }]);
  });
});
