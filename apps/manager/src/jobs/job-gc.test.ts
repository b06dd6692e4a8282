import { createLogger } from '@d7y/logger';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManagerDatabase } from '../db/manager-database.js';
import { JobGc } from './job-gc.js';
import { JobRepository } from './job-repository.js';

describe('JobGc', () => {
  let database: ManagerDatabase;
  let nowMs = Date.parse('2026-01-01T00:00:00Z');
  const now = () => nowMs;
  beforeEach(async () => {
    database = ManagerDatabase.open({ type: 'sqlite', path: ':memory:' });
    await database.migrate();
  });
  afterEach(() => database.destroy());

  it('deletes ended jobs older than the TTL, never pending or running ones', async () => {
    const jobs = new JobRepository({ database, now });
    const make = async (state: 'PENDING' | 'RUNNING' | 'SUCCESS' | 'FAILURE') => {
      const j = await jobs.create({ task_id: `t-${state}`, bio: '', type: 'preheat', args: {}, user_id: null, scheduler_cluster_ids: [] });
      if (state !== 'PENDING') await jobs.update(j.id, { state });
      return j.id;
    };
    const old = await Promise.all((['PENDING', 'RUNNING', 'SUCCESS', 'FAILURE'] as const).map(make));
    nowMs += 5 * 3_600_000;
    const fresh = await make('SUCCESS');
    nowMs += 2 * 3_600_000; // the first four are 7 h old, the last 2 h
    const gc = new JobGc({ jobs, logger: createLogger({ level: 'silent' }), intervalMs: 3 * 3_600_000, ttlMs: 6 * 3_600_000, now });
    expect(await gc.runOnce()).toBe(2);
    const left = (await jobs.list({ page: 1, perPage: 10 })).items.map((j) => j.id).sort();
    expect(left).toEqual([old[0], old[1], fresh].sort());
  });
});
