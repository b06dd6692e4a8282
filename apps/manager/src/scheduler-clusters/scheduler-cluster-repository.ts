import type { Selectable } from 'kysely';
import type { ManagerDatabase } from '../db/manager-database.js';
import { isoNow, offsetOf, parseJsonColumn } from '../db/page.js';
import type { PageRequest, PageResult } from '../db/page.js';
import type { SchedulerClustersTable } from '../db/tables.js';

/** Scheduling limits the cluster's schedulers read through dynconfig (GetScheduler). */
export interface SchedulerClusterConfig {
  candidate_parent_limit: number;
  filter_parent_limit: number;
  job_rate_limit: number;
}

/** What peers of the cluster read: load limit and block lists (upstream §4.8 shape, kept as given). */
export interface SchedulerClusterClientConfig {
  load_limit: number;
  concurrent_piece_count?: number;
  block_list?: Record<string, unknown>;
}

export interface SchedulerClusterSeedClientConfig {
  load_limit?: number;
  block_list?: Record<string, unknown>;
}

/** How the searcher matches a peer to this cluster (upstream §4.4). */
export interface SchedulerClusterScopes {
  idc?: string;
  location?: string;
  cidrs?: string[];
  hostnames?: string[];
}

export interface SchedulerCluster {
  id: number;
  name: string;
  bio: string;
  config: SchedulerClusterConfig;
  client_config: SchedulerClusterClientConfig;
  seed_client_config: SchedulerClusterSeedClientConfig;
  scopes: SchedulerClusterScopes;
  is_default: boolean;
  seed_peer_cluster_ids: number[];
  created_at: string;
  updated_at: string;
}

export type NewSchedulerCluster = Pick<SchedulerCluster, 'name' | 'bio' | 'config' | 'client_config' | 'seed_client_config' | 'scopes' | 'is_default'>;
export type SchedulerClusterPatch = Partial<NewSchedulerCluster>;

export class SchedulerClusterRepository {
  private readonly database: ManagerDatabase;
  private readonly now: () => number;

  constructor(deps: { database: ManagerDatabase; now?: () => number }) {
    this.database = deps.database;
    this.now = deps.now ?? Date.now;
  }

  list(page: PageRequest, filter: { name?: string } = {}): Promise<PageResult<SchedulerCluster>> {
    return this.database.run(async (db) => {
      let q = db.selectFrom('scheduler_clusters');
      if (filter.name !== undefined) q = q.where('name', '=', filter.name);
      const total = await q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
      const rows = await q.selectAll().orderBy('id').limit(page.perPage).offset(offsetOf(page)).execute();
      return { items: await this.withLinks(rows), total: Number(total.n) };
    });
  }

  listByIds(ids: number[]): Promise<SchedulerCluster[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.database.run(async (db) => this.withLinks(await db.selectFrom('scheduler_clusters').selectAll().where('id', 'in', ids).orderBy('id').execute()));
  }

  listAll(): Promise<SchedulerCluster[]> {
    return this.database.run(async (db) => this.withLinks(await db.selectFrom('scheduler_clusters').selectAll().orderBy('id').execute()));
  }

  async get(id: number): Promise<SchedulerCluster | undefined> {
    return (await this.listByIds([id]))[0];
  }

  async create(input: NewSchedulerCluster, seedPeerClusterIds: number[] = []): Promise<SchedulerCluster> {
    const at = isoNow(this.now);
    const id = await this.database.transaction(async (trx) => {
      if (input.is_default) await trx.updateTable('scheduler_clusters').set({ is_default: 0 }).execute();
      const q = trx.insertInto('scheduler_clusters').values({
        name: input.name,
        bio: input.bio,
        config: JSON.stringify(input.config),
        client_config: JSON.stringify(input.client_config),
        seed_client_config: JSON.stringify(input.seed_client_config),
        scopes: JSON.stringify(input.scopes),
        is_default: input.is_default ? 1 : 0,
        created_at: at,
        updated_at: at,
      });
      const newId =
        this.database.type === 'postgres'
          ? Number((await q.returning('id').executeTakeFirstOrThrow()).id)
          : Number((await q.executeTakeFirstOrThrow()).insertId);
      for (const spc of seedPeerClusterIds) {
        await trx.insertInto('seed_peer_cluster_scheduler_clusters').values({ seed_peer_cluster_id: spc, scheduler_cluster_id: newId }).execute();
      }
      return newId;
    });
    const created = await this.get(id);
    if (created === undefined) throw new Error(`scheduler cluster ${id} vanished after insert`);
    return created;
  }

  async update(id: number, patch: SchedulerClusterPatch, seedPeerClusterIds?: number[]): Promise<SchedulerCluster | undefined> {
    await this.database.transaction(async (trx) => {
      if (patch.is_default === true) await trx.updateTable('scheduler_clusters').set({ is_default: 0 }).where('id', '<>', id).execute();
      await trx
        .updateTable('scheduler_clusters')
        .set({ ...toColumns(patch), updated_at: isoNow(this.now) })
        .where('id', '=', id)
        .execute();
      if (seedPeerClusterIds !== undefined) {
        await trx.deleteFrom('seed_peer_cluster_scheduler_clusters').where('scheduler_cluster_id', '=', id).execute();
        for (const spc of seedPeerClusterIds) {
          await trx.insertInto('seed_peer_cluster_scheduler_clusters').values({ seed_peer_cluster_id: spc, scheduler_cluster_id: id }).execute();
        }
      }
    });
    return this.get(id);
  }

  async delete(id: number): Promise<boolean> {
    return this.database.run(async (db) => {
      const r = await db.deleteFrom('scheduler_clusters').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  private async withLinks(rows: Selectable<SchedulerClustersTable>[]): Promise<SchedulerCluster[]> {
    if (rows.length === 0) return [];
    const links = await this.database.db
      .selectFrom('seed_peer_cluster_scheduler_clusters')
      .selectAll()
      .where(
        'scheduler_cluster_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('seed_peer_cluster_id')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      bio: row.bio,
      config: parseJsonColumn(row.config, 'scheduler_clusters.config'),
      client_config: parseJsonColumn(row.client_config, 'scheduler_clusters.client_config'),
      seed_client_config: parseJsonColumn(row.seed_client_config, 'scheduler_clusters.seed_client_config'),
      scopes: parseJsonColumn(row.scopes, 'scheduler_clusters.scopes'),
      is_default: row.is_default === 1,
      seed_peer_cluster_ids: links.filter((l) => l.scheduler_cluster_id === row.id).map((l) => l.seed_peer_cluster_id),
      created_at: row.created_at,
      updated_at: row.updated_at,
    }));
  }
}

function toColumns(input: SchedulerClusterPatch): Partial<Omit<SchedulerClustersTable, 'id' | 'created_at' | 'updated_at'>> {
  const out: Partial<Omit<SchedulerClustersTable, 'id' | 'created_at' | 'updated_at'>> = {};
  if (input.name !== undefined) out.name = input.name;
  if (input.bio !== undefined) out.bio = input.bio;
  if (input.config !== undefined) out.config = JSON.stringify(input.config);
  if (input.client_config !== undefined) out.client_config = JSON.stringify(input.client_config);
  if (input.seed_client_config !== undefined) out.seed_client_config = JSON.stringify(input.seed_client_config);
  if (input.scopes !== undefined) out.scopes = JSON.stringify(input.scopes);
  if (input.is_default !== undefined) out.is_default = input.is_default ? 1 : 0;
  return out;
}
