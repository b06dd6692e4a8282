import type { Selectable } from 'kysely';
import type { ManagerDatabase } from '../db/manager-database.js';
import { isoNow, offsetOf, parseJsonColumn } from '../db/page.js';
import type { PageRequest, PageResult } from '../db/page.js';
import type { SchedulersTable } from '../db/tables.js';

export type SchedulerState = 'active' | 'inactive';
export type SchedulerFeature = 'schedule' | 'preheat';
export const SCHEDULER_FEATURES: readonly SchedulerFeature[] = ['schedule', 'preheat'];

export interface Scheduler {
  id: number;
  host_name: string;
  ip: string;
  idc: string;
  location: string;
  port: number;
  state: SchedulerState;
  features: SchedulerFeature[];
  /** What the scheduler told us about itself (e.g. manager_keep_alive_interval, in upstream's JSON). */
  config: Record<string, unknown>;
  last_keep_alive_at: string | null;
  scheduler_cluster_id: number;
  created_at: string;
  updated_at: string;
}

export interface SchedulerFilter {
  host_name?: string;
  ip?: string;
  idc?: string;
  location?: string;
  state?: SchedulerState;
  scheduler_cluster_id?: number;
}

export type NewScheduler = Pick<Scheduler, 'host_name' | 'ip' | 'idc' | 'location' | 'port' | 'features' | 'config' | 'scheduler_cluster_id'> & {
  state?: SchedulerState;
};
export type SchedulerPatch = Partial<Omit<NewScheduler, 'host_name'>>;

export class SchedulerRepository {
  private readonly database: ManagerDatabase;
  private readonly now: () => number;

  constructor(deps: { database: ManagerDatabase; now?: () => number }) {
    this.database = deps.database;
    this.now = deps.now ?? Date.now;
  }

  list(page: PageRequest, filter: SchedulerFilter = {}): Promise<PageResult<Scheduler>> {
    return this.database.run(async (db) => {
      let q = db.selectFrom('schedulers');
      for (const [column, value] of Object.entries(filter) as [keyof SchedulerFilter, string | number | undefined][]) {
        if (value !== undefined) q = q.where(column, '=', value);
      }
      const total = await q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
      const rows = await q.selectAll().orderBy('id').limit(page.perPage).offset(offsetOf(page)).execute();
      return { items: rows.map(toScheduler), total: Number(total.n) };
    });
  }

  /** Active schedulers, optionally of some clusters only (the searcher's candidates). */
  listActive(clusterIds?: number[]): Promise<Scheduler[]> {
    return this.database.run(async (db) => {
      let q = db.selectFrom('schedulers').selectAll().where('state', '=', 'active');
      if (clusterIds !== undefined) {
        if (clusterIds.length === 0) return [];
        q = q.where('scheduler_cluster_id', 'in', clusterIds);
      }
      return (await q.orderBy('id').execute()).map(toScheduler);
    });
  }

  get(id: number): Promise<Scheduler | undefined> {
    return this.database.run(async (db) => {
      const row = await db.selectFrom('schedulers').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toScheduler(row);
    });
  }

  findByKey(hostName: string, ip: string, clusterId: number): Promise<Scheduler | undefined> {
    return this.database.run(async (db) => {
      const row = await db
        .selectFrom('schedulers')
        .selectAll()
        .where('host_name', '=', hostName)
        .where('ip', '=', ip)
        .where('scheduler_cluster_id', '=', clusterId)
        .executeTakeFirst();
      return row === undefined ? undefined : toScheduler(row);
    });
  }

  async create(input: NewScheduler): Promise<Scheduler> {
    const at = isoNow(this.now);
    const id = await this.database.run(() =>
      this.database.insertId(
        this.database.db.insertInto('schedulers').values({
          host_name: input.host_name,
          ip: input.ip,
          idc: input.idc,
          location: input.location,
          port: input.port,
          state: input.state ?? 'inactive',
          features: JSON.stringify(input.features),
          config: JSON.stringify(input.config),
          last_keep_alive_at: null,
          scheduler_cluster_id: input.scheduler_cluster_id,
          created_at: at,
          updated_at: at,
        }),
      ),
    );
    const created = await this.get(id);
    if (created === undefined) throw new Error(`scheduler ${id} vanished after insert`);
    return created;
  }

  async update(id: number, patch: SchedulerPatch): Promise<Scheduler | undefined> {
    const set: Partial<Omit<SchedulersTable, 'id'>> = { updated_at: isoNow(this.now) };
    if (patch.ip !== undefined) set.ip = patch.ip;
    if (patch.idc !== undefined) set.idc = patch.idc;
    if (patch.location !== undefined) set.location = patch.location;
    if (patch.port !== undefined) set.port = patch.port;
    if (patch.state !== undefined) set.state = patch.state;
    if (patch.features !== undefined) set.features = JSON.stringify(patch.features);
    if (patch.config !== undefined) set.config = JSON.stringify(patch.config);
    if (patch.scheduler_cluster_id !== undefined) set.scheduler_cluster_id = patch.scheduler_cluster_id;
    await this.database.run((db) => db.updateTable('schedulers').set(set).where('id', '=', id).execute());
    return this.get(id);
  }

  /** Marks alive now; answers whether the row exists. */
  async keepAlive(id: number): Promise<boolean> {
    const at = isoNow(this.now);
    return this.database.run(async (db) => {
      const r = await db.updateTable('schedulers').set({ state: 'active', last_keep_alive_at: at, updated_at: at }).where('id', '=', id).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    });
  }

  async setState(id: number, state: SchedulerState): Promise<void> {
    await this.database.run((db) => db.updateTable('schedulers').set({ state, updated_at: isoNow(this.now) }).where('id', '=', id).execute());
  }

  async delete(id: number): Promise<boolean> {
    return this.database.run(async (db) => {
      const r = await db.deleteFrom('schedulers').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  countInCluster(clusterId: number): Promise<number> {
    return this.database.run(async (db) => {
      const row = await db
        .selectFrom('schedulers')
        .where('scheduler_cluster_id', '=', clusterId)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    });
  }
}

function toScheduler(row: Selectable<SchedulersTable>): Scheduler {
  return {
    id: row.id,
    host_name: row.host_name,
    ip: row.ip,
    idc: row.idc,
    location: row.location,
    port: row.port,
    state: row.state === 'active' ? 'active' : 'inactive',
    features: parseJsonColumn<SchedulerFeature[]>(row.features, 'schedulers.features'),
    config: parseJsonColumn<Record<string, unknown>>(row.config, 'schedulers.config'),
    last_keep_alive_at: row.last_keep_alive_at,
    scheduler_cluster_id: row.scheduler_cluster_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
