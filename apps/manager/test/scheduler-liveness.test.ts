import { createLogger } from '@d7y/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './test-databases.js';
import type { TestDatabase } from './test-databases.js';
import type { ManagerDatabase } from '../src/db/manager-database.js';
import { seedDatabase } from '../src/db/seed-database.js';
import { PasswordHasher } from '../src/auth/password-hasher.js';
import { KeepAliveTracker } from '../src/schedulers/keep-alive-tracker.js';
import { SchedulerGc } from '../src/schedulers/scheduler-gc.js';
import { SchedulerRepository } from '../src/schedulers/scheduler-repository.js';

describe('scheduler liveness', () => {
  let testDb: TestDatabase;
  let database: ManagerDatabase;
  let nowMs = Date.parse('2026-01-01T00:00:00.000Z');
  const now = () => nowMs;
  const logger = createLogger({ level: 'silent' });

  beforeAll(async () => {
    testDb = await createTestDatabase('sqlite');
    database = testDb.open();
    await database.migrate();
    await seedDatabase({ database, hasher: new PasswordHasher({ cost: { N: 1024, r: 8, p: 1 } }), initialRootPassword: 'root-password', print: () => undefined });
  });
  afterAll(async () => {
    await database.destroy();
    await testDb.cleanup();
  });

  it('stays active while any stream is open; the last one closing makes it inactive', async () => {
    const schedulers = new SchedulerRepository({ database, now });
    const s = await schedulers.create({ host_name: 'a', ip: '10.0.0.1', idc: '', location: '', port: 8002, features: ['schedule'], config: {}, scheduler_cluster_id: 1 });
    const tracker = new KeepAliveTracker({ store: schedulers, logger, kind: 'scheduler' });
    const first = await tracker.start(s.id);
    const second = await tracker.start(s.id);
    expect((await schedulers.get(s.id))?.state).toBe('active');
    await first?.close();
    await first?.close();
    expect((await schedulers.get(s.id))?.state).toBe('active');
    await second?.close();
    expect((await schedulers.get(s.id))?.state).toBe('inactive');
    expect(await tracker.start(9999)).toBeUndefined();
  });

  it('marks a scheduler inactive after 3 missed keepalive intervals (its own interval, in ns)', async () => {
    const schedulers = new SchedulerRepository({ database, now });
    const gc = new SchedulerGc({ schedulers, logger, intervalMs: 1000, now });
    const fast = await schedulers.create({ host_name: 'fast', ip: '10.0.0.2', idc: '', location: '', port: 8002, features: ['schedule'], config: { manager_keep_alive_interval: 1_000_000_000 }, scheduler_cluster_id: 1 });
    const slow = await schedulers.create({ host_name: 'slow', ip: '10.0.0.3', idc: '', location: '', port: 8002, features: ['schedule'], config: { manager_keep_alive_interval: 10_000_000_000 }, scheduler_cluster_id: 1 });
    await schedulers.keepAlive(fast.id);
    await schedulers.keepAlive(slow.id);
    nowMs += 2_900;
    expect(await gc.runOnce()).toBe(0);
    nowMs += 200; // 3.1 s: past 3 × 1 s for "fast", well within 3 × 10 s for "slow"
    expect(await gc.runOnce()).toBe(1);
    expect((await schedulers.get(fast.id))?.state).toBe('inactive');
    expect((await schedulers.get(slow.id))?.state).toBe('active');
    nowMs += 30_000;
    expect(await gc.runOnce()).toBe(1);
    expect((await schedulers.get(slow.id))?.state).toBe('inactive');
  });
});
