import type { Selectable } from 'kysely';
import type { ManagerDatabase } from '../db/manager-database.js';
import { isoNow, offsetOf, parseJsonColumn } from '../db/page.js';
import type { PageRequest, PageResult } from '../db/page.js';
import type { JobsTable } from '../db/tables.js';

// Storage for jobs (preheat and later types). The REST routes, the job runner and preheat itself
// come with the jobs work; this keeps the table's one way in. Job arguments may hold registry
// credentials: whoever lists jobs must strip them (see redactJobArgs).

export type JobState = 'PENDING' | 'RECEIVED' | 'STARTED' | 'RETRY' | 'SUCCESS' | 'FAILURE';

export interface Job {
  id: number;
  task_id: string;
  bio: string;
  type: string;
  state: JobState;
  args: Record<string, unknown>;
  result: Record<string, unknown>;
  user_id: number | null;
  scheduler_cluster_ids: number[];
  created_at: string;
  updated_at: string;
}

/** Argument keys never answered to readers (upstream leaks registry passwords through job args). */
export const SECRET_JOB_ARG_KEYS: readonly string[] = ['password', 'token', 'authorization', 'secret', 'access_key_secret', 'session_token'];

export function redactJobArgs(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (SECRET_JOB_ARG_KEYS.includes(key.toLowerCase())) continue;
    if (key === 'headers' && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value).filter(([h]) => !['authorization', 'proxy-authorization', 'cookie'].includes(h.toLowerCase())));
      continue;
    }
    out[key] = value;
  }
  return out;
}

export class JobRepository {
  private readonly database: ManagerDatabase;
  private readonly now: () => number;

  constructor(deps: { database: ManagerDatabase; now?: () => number }) {
    this.database = deps.database;
    this.now = deps.now ?? Date.now;
  }

  async create(input: { taskId: string; bio: string; type: string; args: Record<string, unknown>; userId: number | null; schedulerClusterIds: number[] }): Promise<Job> {
    const at = isoNow(this.now);
    const id = await this.database.transaction(async (trx) => {
      const q = trx.insertInto('jobs').values({
        task_id: input.taskId,
        bio: input.bio,
        type: input.type,
        state: 'PENDING',
        args: JSON.stringify(input.args),
        result: JSON.stringify({}),
        user_id: input.userId,
        created_at: at,
        updated_at: at,
      });
      const newId =
        this.database.type === 'postgres' ? Number((await q.returning('id').executeTakeFirstOrThrow()).id) : Number((await q.executeTakeFirstOrThrow()).insertId);
      for (const sc of input.schedulerClusterIds) await trx.insertInto('job_scheduler_clusters').values({ job_id: newId, scheduler_cluster_id: sc }).execute();
      return newId;
    });
    const job = await this.get(id);
    if (job === undefined) throw new Error(`job ${id} vanished after insert`);
    return job;
  }

  get(id: number): Promise<Job | undefined> {
    return this.database.run(async (db) => {
      const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : (await this.withClusters([row]))[0];
    });
  }

  list(page: PageRequest, filter: { type?: string; state?: JobState; userId?: number } = {}): Promise<PageResult<Job>> {
    return this.database.run(async (db) => {
      let q = db.selectFrom('jobs');
      if (filter.type !== undefined) q = q.where('type', '=', filter.type);
      if (filter.state !== undefined) q = q.where('state', '=', filter.state);
      if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
      const total = await q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
      const rows = await q.selectAll().orderBy('id', 'desc').limit(page.perPage).offset(offsetOf(page)).execute();
      return { items: await this.withClusters(rows), total: Number(total.n) };
    });
  }

  async setState(id: number, state: JobState, result?: Record<string, unknown>): Promise<void> {
    await this.database.run((db) =>
      db
        .updateTable('jobs')
        .set({ state, ...(result === undefined ? {} : { result: JSON.stringify(result) }), updated_at: isoNow(this.now) })
        .where('id', '=', id)
        .execute(),
    );
  }

  /** Deletes jobs created before the cutoff (job.gc.ttl); answers how many. */
  async deleteOlderThan(cutoffMs: number): Promise<number> {
    return this.database.run(async (db) => {
      const r = await db.deleteFrom('jobs').where('created_at', '<', new Date(cutoffMs).toISOString()).executeTakeFirst();
      return Number(r.numDeletedRows);
    });
  }

  private async withClusters(rows: Selectable<JobsTable>[]): Promise<Job[]> {
    if (rows.length === 0) return [];
    const links = await this.database.db
      .selectFrom('job_scheduler_clusters')
      .selectAll()
      .where(
        'job_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    return rows.map((row) => ({
      id: row.id,
      task_id: row.task_id,
      bio: row.bio,
      type: row.type,
      state: row.state as JobState,
      args: parseJsonColumn<Record<string, unknown>>(row.args, 'jobs.args'),
      result: parseJsonColumn<Record<string, unknown>>(row.result, 'jobs.result'),
      user_id: row.user_id,
      scheduler_cluster_ids: links.filter((l) => l.job_id === row.id).map((l) => l.scheduler_cluster_id),
      created_at: row.created_at,
      updated_at: row.updated_at,
    }));
  }
}
