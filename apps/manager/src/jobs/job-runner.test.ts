import { createLogger } from '@d7y/logger';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManagerDatabase } from '../db/manager-database.js';
import { JobRepository } from './job-repository.js';
import type { Job } from './job-repository.js';
import { JobRunner } from './job-runner.js';
import type { JobContext, JobExecutor } from './job-runner.js';

// The runner's state machine, with executors written for the test (the real ones are exercised
// against real registries and peers in test/jobs-*.test.ts).

const logger = createLogger({ level: 'silent' });

function executor(run: (ctx: JobContext) => Promise<void>, timeoutMs = 10_000): JobExecutor {
  return { execute: run, timeoutMs: () => timeoutMs };
}

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('JobRunner', () => {
  let database: ManagerDatabase;
  let jobs: JobRepository;
  beforeEach(async () => {
    database = ManagerDatabase.open({ type: 'sqlite', path: ':memory:' });
    await database.migrate();
    jobs = new JobRepository({ database });
  });
  afterEach(() => database.destroy());

  const create = (type: Job['type'] = 'preheat') => jobs.create({ task_id: 'uuid', bio: '', type, args: {}, user_id: null, scheduler_cluster_ids: [] });
  const ended = (id: number) => async () => ['SUCCESS', 'FAILURE'].includes((await jobs.get(id))?.state ?? '');

  it('runs PENDING → RUNNING → SUCCESS, saving progress written by the executor', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const ok = executor(async (ctx) => {
      ctx.progress.result.urls = ['https://r.example/v2/a/blobs/sha256:1'];
      await ctx.progress.flush();
      await gate;
    });
    const runner = new JobRunner({ jobs, logger, executors: { preheat: ok, get_task: ok, delete_task: ok } });
    const job = await create();
    runner.enqueue(job, { headers: {} });
    await until(async () => (await jobs.get(job.id))?.state === 'RUNNING');
    await until(async () => (await jobs.get(job.id))?.result.urls?.length === 1);
    release();
    await until(ended(job.id));
    const done = await jobs.get(job.id);
    expect(done?.state).toBe('SUCCESS');
    expect(done?.result.started_at).toBeDefined();
    expect(done?.result.finished_at).toBeDefined();
  });

  it('fails a job with the executor error as its reason, and a job that outlives its timeout', async () => {
    const boom = executor(() => Promise.reject(new Error('registry said no')));
    const slow = executor((ctx) => new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))), 50);
    const runner = new JobRunner({ jobs, logger, executors: { preheat: boom, get_task: slow, delete_task: boom } });
    const a = await create('preheat');
    const b = await create('get_task');
    runner.enqueue(a, { headers: {} });
    runner.enqueue(b, { headers: {} });
    await until(ended(a.id));
    await until(ended(b.id));
    expect(await jobs.get(a.id)).toMatchObject({ state: 'FAILURE', result: { reason: 'registry said no' } });
    expect(await jobs.get(b.id)).toMatchObject({ state: 'FAILURE', result: { reason: 'the job did not finish within 50 ms' } });
  });

  it('runs at most `concurrency` jobs at once; stop() fails the queued and cancels the running', async () => {
    let running = 0;
    let peak = 0;
    const hold = executor(
      (ctx) =>
        new Promise((_resolve, reject) => {
          running++;
          peak = Math.max(peak, running);
          ctx.signal.addEventListener('abort', () => {
            running--;
            reject(new Error('cancelled'));
          });
        }),
    );
    const runner = new JobRunner({ jobs, logger, concurrency: 2, executors: { preheat: hold, get_task: hold, delete_task: hold } });
    const all = await Promise.all([create(), create(), create(), create()]);
    for (const j of all) runner.enqueue(j, { headers: {} });
    await until(async () => running === 2);
    expect(runner.load).toBe(4);
    await runner.stop();
    expect(peak).toBe(2);
    const states = await Promise.all(all.map(async (j) => (await jobs.get(j.id))?.result.reason));
    expect(states.filter((r) => r === 'the manager stopped while the job ran')).toHaveLength(2);
    expect(states.filter((r) => r === 'the manager stopped before the job started')).toHaveLength(2);
    expect(() => runner.enqueue(all[0] as Job, { headers: {} })).toThrow(/stopped/);
  });

  it('fails jobs left unfinished by a previous run at start (their secrets were never stored)', async () => {
    const pending = await create();
    const running = await create();
    await jobs.update(running.id, { state: 'RUNNING' });
    const done = await create();
    await jobs.update(done.id, { state: 'SUCCESS' });
    const idle = executor(() => Promise.resolve());
    await new JobRunner({ jobs, logger, executors: { preheat: idle, get_task: idle, delete_task: idle } }).start();
    for (const j of [pending, running]) expect(await jobs.get(j.id)).toMatchObject({ state: 'FAILURE', result: { reason: expect.stringContaining('restarted') } });
    expect((await jobs.get(done.id))?.state).toBe('SUCCESS');
  });
});
