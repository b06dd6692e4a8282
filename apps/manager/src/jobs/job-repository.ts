import type { Selectable } from 'kysely';
import type { ManagerDatabase } from '../db/manager-database.js';
import { isoNow, offsetOf, parseJsonColumn } from '../db/page.js';
import type { PageRequest, PageResult } from '../db/page.js';
import type { JobsTable } from '../db/tables.js';

export type JobType = 'preheat' | 'get_task' | 'delete_task';
export const JOB_TYPES: readonly JobType[] = ['preheat', 'get_task', 'delete_task'];

/** Upstream's state names where they exist (PENDING/SUCCESS/FAILURE); RUNNING while peers work. */
export type JobState = 'PENDING' | 'RUNNING' | 'SUCCESS' | 'FAILURE';
export const JOB_STATES: readonly JobState[] = ['PENDING', 'RUNNING', 'SUCCESS', 'FAILURE'];

/** What one peer did for a job. `state` follows the job's vocabulary. */
export interface PeerProgress {
  hostname: string;
  ip: string;
  port: number;
  scheduler_cluster_id: number;
  state: JobState;
  /** Downloads (preheat) or look-ups (get_task/delete_task) this peer was given, and how they ended. */
  total_tasks: number;
  finished_tasks: number;
  failed_tasks: number;
  /** Bytes of pieces the peer reported as downloaded or already held (preheat). */
  downloaded_bytes: number;
  /** get_task: the task as the peer holds it (empty: it holds none); delete_task: what it deleted. */
  tasks?: { task_id: string; url?: string; state?: string; content_length?: number; piece_count?: number }[];
  error?: string;
}

export interface JobResult {
  /** Why the job failed, in words an operator can act on. */
  reason?: string;
  /** Preheat: the URLs the peers were asked to download (blob URLs of an image, or the files). */
  urls?: string[];
  /** get_task / delete_task: the task ID looked for. */
  task_id?: string;
  peers: PeerProgress[];
  warnings?: string[];
  started_at?: string;
  finished_at?: string;
}

/**
 * Job arguments as stored and answered. They never hold secrets: the service keeps the registry
 * password and header values in memory for the runner only (upstream stores and returns them).
 */
export type StoredArgs = Record<string, unknown>;

export interface Job {
  id: number;
  /** A UUID naming the run (upstream: the machinery group id). */
  task_id: string;
  bio: string;
  type: JobType;
  state: JobState;
  args: StoredArgs;
  result: JobResult;
  user_id: number | null;
  scheduler_cluster_ids: number[];
  created_at: string;
  updated_at: string;
}

export interface NewJob {
  task_id: string;
  bio: string;
  type: JobType;
  args: StoredArgs;
  user_id: number | null;
  scheduler_cluster_ids: number[];
}

export interface JobFilter {
  type?: JobType;
  state?: JobState;
  user_id?: number;
}

export class JobRepository {
  private readonly database: ManagerDatabase;
  private readonly now: () => number;

  constructor(deps: { database: ManagerDatabase; now?: () => number }) {
    this.database = deps.database;
    this.now = deps.now ?? Date.now;
  }

  async create(input: NewJob): Promise<Job> {
    const at = isoNow(this.now);
    const id = await this.database.transaction(async (trx) => {
      const query = trx.insertInto('jobs').values({
        task_id: input.task_id,
        bio: input.bio,
        type: input.type,
        state: 'PENDING',
        args: JSON.stringify(input.args),
        result: JSON.stringify({ peers: [] } satisfies JobResult),
        user_id: input.user_id,
        created_at: at,
        updated_at: at,
      });
      const jobId =
        this.database.type === 'postgres' ? Number((await query.returning('id').executeTakeFirstOrThrow()).id) : Number((await query.executeTakeFirstOrThrow()).insertId);
      if (input.scheduler_cluster_ids.length > 0) {
        await trx
          .insertInto('job_scheduler_clusters')
          .values(input.scheduler_cluster_ids.map((scheduler_cluster_id) => ({ job_id: jobId, scheduler_cluster_id })))
          .execute();
      }
      return jobId;
    });
    const created = await this.get(id);
    if (created === undefined) throw new Error(`job ${id} vanished after insert`);
    return created;
  }

  get(id: number): Promise<Job | undefined> {
    return this.database.run(async (db) => {
      const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : (await this.withClusters([row]))[0];
    });
  }

  list(page: PageRequest, filter: JobFilter = {}): Promise<PageResult<Job>> {
    return this.database.run(async (db) => {
      let q = db.selectFrom('jobs');
      if (filter.type !== undefined) q = q.where('type', '=', filter.type);
      if (filter.state !== undefined) q = q.where('state', '=', filter.state);
      if (filter.user_id !== undefined) q = q.where('user_id', '=', filter.user_id);
      const total = await q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
      // Newest first: an operator following a rollout looks at the jobs just made.
      const rows = await q.selectAll().orderBy('id', 'desc').limit(page.perPage).offset(offsetOf(page)).execute();
      return { items: await this.withClusters(rows), total: Number(total.n) };
    });
  }

  /** IDs of jobs in the given states, oldest first (start-up recovery). */
  idsInStates(states: readonly JobState[]): Promise<number[]> {
    return this.database.run(async (db) => (await db.selectFrom('jobs').select('id').where('state', 'in', [...states]).orderBy('id').execute()).map((r) => r.id));
  }

  async update(id: number, patch: { state?: JobState; result?: JobResult }): Promise<void> {
    const set: Partial<Omit<JobsTable, 'id'>> = { updated_at: isoNow(this.now) };
    if (patch.state !== undefined) set.state = patch.state;
    if (patch.result !== undefined) set.result = JSON.stringify(patch.result);
    await this.database.run((db) => db.updateTable('jobs').set(set).where('id', '=', id).execute());
  }

  async delete(id: number): Promise<boolean> {
    return this.database.run(async (db) => {
      const r = await db.deleteFrom('jobs').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  /** Deletes ended jobs created before the cutoff (job.gc.ttl); answers how many. */
  async deleteOlderThan(cutoffMs: number): Promise<number> {
    return this.database.run(async (db) => {
      const r = await db
        .deleteFrom('jobs')
        .where('created_at', '<', new Date(cutoffMs).toISOString())
        .where('state', 'in', ['SUCCESS', 'FAILURE'])
        .executeTakeFirst();
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
      type: row.type as JobType,
      state: row.state as JobState,
      args: parseJsonColumn<StoredArgs>(row.args, 'jobs.args'),
      result: { peers: [], ...parseJsonColumn<Partial<JobResult>>(row.result, 'jobs.result') },
      user_id: row.user_id,
      scheduler_cluster_ids: links.filter((l) => l.job_id === row.id).map((l) => l.scheduler_cluster_id),
      created_at: row.created_at,
      updated_at: row.updated_at,
    }));
  }
}
