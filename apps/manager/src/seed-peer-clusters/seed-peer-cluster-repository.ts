import type { Selectable } from 'kysely';
import type { ManagerDatabase } from '../db/manager-database.js';
import { isoNow, offsetOf, parseJsonColumn } from '../db/page.js';
import type { PageRequest, PageResult } from '../db/page.js';
import type { SeedPeerClustersTable } from '../db/tables.js';

export interface SeedPeerClusterConfig {
  load_limit: number;
  block_list?: Record<string, unknown>;
}

export interface SeedPeerCluster {
  id: number;
  name: string;
  bio: string;
  config: SeedPeerClusterConfig;
  scheduler_cluster_ids: number[];
  created_at: string;
  updated_at: string;
}

export type NewSeedPeerCluster = Pick<SeedPeerCluster, 'name' | 'bio' | 'config'>;

export class SeedPeerClusterRepository {
  private readonly database: ManagerDatabase;
  private readonly now: () => number;

  constructor(deps: { database: ManagerDatabase; now?: () => number }) {
    this.database = deps.database;
    this.now = deps.now ?? Date.now;
  }

  list(page: PageRequest, filter: { name?: string } = {}): Promise<PageResult<SeedPeerCluster>> {
    return this.database.run(async (db) => {
      let q = db.selectFrom('seed_peer_clusters');
      if (filter.name !== undefined) q = q.where('name', '=', filter.name);
      const total = await q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
      const rows = await q.selectAll().orderBy('id').limit(page.perPage).offset(offsetOf(page)).execute();
      return { items: await this.withLinks(rows), total: Number(total.n) };
    });
  }

  listByIds(ids: number[]): Promise<SeedPeerCluster[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.database.run(async (db) => this.withLinks(await db.selectFrom('seed_peer_clusters').selectAll().where('id', 'in', ids).orderBy('id').execute()));
  }

  listAll(): Promise<SeedPeerCluster[]> {
    return this.database.run(async (db) => this.withLinks(await db.selectFrom('seed_peer_clusters').selectAll().orderBy('id').execute()));
  }

  async get(id: number): Promise<SeedPeerCluster | undefined> {
    return (await this.listByIds([id]))[0];
  }

  async create(input: NewSeedPeerCluster, schedulerClusterIds: number[] = []): Promise<SeedPeerCluster> {
    const at = isoNow(this.now);
    const id = await this.database.transaction(async (trx) => {
      const q = trx.insertInto('seed_peer_clusters').values({ name: input.name, bio: input.bio, config: JSON.stringify(input.config), created_at: at, updated_at: at });
      const newId =
        this.database.type === 'postgres'
          ? Number((await q.returning('id').executeTakeFirstOrThrow()).id)
          : Number((await q.executeTakeFirstOrThrow()).insertId);
      for (const sc of schedulerClusterIds) {
        await trx.insertInto('seed_peer_cluster_scheduler_clusters').values({ seed_peer_cluster_id: newId, scheduler_cluster_id: sc }).execute();
      }
      return newId;
    });
    const created = await this.get(id);
    if (created === undefined) throw new Error(`seed peer cluster ${id} vanished after insert`);
    return created;
  }

  async update(id: number, patch: Partial<NewSeedPeerCluster>, schedulerClusterIds?: number[]): Promise<SeedPeerCluster | undefined> {
    await this.database.transaction(async (trx) => {
      const set: Partial<Omit<SeedPeerClustersTable, 'id'>> = { updated_at: isoNow(this.now) };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.bio !== undefined) set.bio = patch.bio;
      if (patch.config !== undefined) set.config = JSON.stringify(patch.config);
      await trx.updateTable('seed_peer_clusters').set(set).where('id', '=', id).execute();
      if (schedulerClusterIds !== undefined) {
        await trx.deleteFrom('seed_peer_cluster_scheduler_clusters').where('seed_peer_cluster_id', '=', id).execute();
        for (const sc of schedulerClusterIds) {
          await trx.insertInto('seed_peer_cluster_scheduler_clusters').values({ seed_peer_cluster_id: id, scheduler_cluster_id: sc }).execute();
        }
      }
    });
    return this.get(id);
  }

  async delete(id: number): Promise<boolean> {
    return this.database.run(async (db) => {
      const r = await db.deleteFrom('seed_peer_clusters').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  private async withLinks(rows: Selectable<SeedPeerClustersTable>[]): Promise<SeedPeerCluster[]> {
    if (rows.length === 0) return [];
    const links = await this.database.db
      .selectFrom('seed_peer_cluster_scheduler_clusters')
      .selectAll()
      .where(
        'seed_peer_cluster_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('scheduler_cluster_id')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      bio: row.bio,
      config: parseJsonColumn<SeedPeerClusterConfig>(row.config, 'seed_peer_clusters.config'),
      scheduler_cluster_ids: links.filter((l) => l.seed_peer_cluster_id === row.id).map((l) => l.scheduler_cluster_id),
      created_at: row.created_at,
      updated_at: row.updated_at,
    }));
  }
}
