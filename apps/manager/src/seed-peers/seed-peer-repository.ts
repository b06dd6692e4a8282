import type { Selectable } from 'kysely';
import type { ManagerDatabase } from '../db/manager-database.js';
import { isoNow, offsetOf } from '../db/page.js';
import type { PageRequest, PageResult } from '../db/page.js';
import type { SeedPeersTable } from '../db/tables.js';

export type SeedPeerType = 'super' | 'strong' | 'weak';
export const SEED_PEER_TYPES: readonly SeedPeerType[] = ['super', 'strong', 'weak'];

export interface SeedPeer {
  id: number;
  host_name: string;
  type: SeedPeerType;
  idc: string;
  location: string;
  ip: string;
  port: number;
  download_port: number;
  object_storage_port: number;
  state: 'active' | 'inactive';
  last_keep_alive_at: string | null;
  seed_peer_cluster_id: number;
  created_at: string;
  updated_at: string;
}

export interface SeedPeerFilter {
  host_name?: string;
  ip?: string;
  state?: 'active' | 'inactive';
  seed_peer_cluster_id?: number;
}

export type NewSeedPeer = Pick<SeedPeer, 'host_name' | 'type' | 'idc' | 'location' | 'ip' | 'port' | 'download_port' | 'seed_peer_cluster_id'> & {
  object_storage_port?: number;
  state?: 'active' | 'inactive';
};
export type SeedPeerPatch = Partial<Omit<NewSeedPeer, 'host_name'>>;

export class SeedPeerRepository {
  private readonly database: ManagerDatabase;
  private readonly now: () => number;

  constructor(deps: { database: ManagerDatabase; now?: () => number }) {
    this.database = deps.database;
    this.now = deps.now ?? Date.now;
  }

  list(page: PageRequest, filter: SeedPeerFilter = {}): Promise<PageResult<SeedPeer>> {
    return this.database.run(async (db) => {
      let q = db.selectFrom('seed_peers');
      for (const [column, value] of Object.entries(filter) as [keyof SeedPeerFilter, string | number | undefined][]) {
        if (value !== undefined) q = q.where(column, '=', value);
      }
      const total = await q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
      const rows = await q.selectAll().orderBy('id').limit(page.perPage).offset(offsetOf(page)).execute();
      return { items: rows.map(toSeedPeer), total: Number(total.n) };
    });
  }

  listByClusterIds(clusterIds: number[]): Promise<SeedPeer[]> {
    if (clusterIds.length === 0) return Promise.resolve([]);
    return this.database.run(async (db) =>
      (await db.selectFrom('seed_peers').selectAll().where('seed_peer_cluster_id', 'in', clusterIds).orderBy('id').execute()).map(toSeedPeer),
    );
  }

  get(id: number): Promise<SeedPeer | undefined> {
    return this.database.run(async (db) => {
      const row = await db.selectFrom('seed_peers').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toSeedPeer(row);
    });
  }

  findByKey(hostName: string, ip: string, clusterId: number): Promise<SeedPeer | undefined> {
    return this.database.run(async (db) => {
      const row = await db
        .selectFrom('seed_peers')
        .selectAll()
        .where('host_name', '=', hostName)
        .where('ip', '=', ip)
        .where('seed_peer_cluster_id', '=', clusterId)
        .executeTakeFirst();
      return row === undefined ? undefined : toSeedPeer(row);
    });
  }

  async create(input: NewSeedPeer): Promise<SeedPeer> {
    const at = isoNow(this.now);
    const id = await this.database.run(() =>
      this.database.insertId(
        this.database.db.insertInto('seed_peers').values({
          host_name: input.host_name,
          type: input.type,
          idc: input.idc,
          location: input.location,
          ip: input.ip,
          port: input.port,
          download_port: input.download_port,
          object_storage_port: input.object_storage_port ?? 0,
          state: input.state ?? 'inactive',
          last_keep_alive_at: null,
          seed_peer_cluster_id: input.seed_peer_cluster_id,
          created_at: at,
          updated_at: at,
        }),
      ),
    );
    const created = await this.get(id);
    if (created === undefined) throw new Error(`seed peer ${id} vanished after insert`);
    return created;
  }

  async update(id: number, patch: SeedPeerPatch): Promise<SeedPeer | undefined> {
    const set: Partial<Omit<SeedPeersTable, 'id'>> = { updated_at: isoNow(this.now) };
    for (const key of ['type', 'idc', 'location', 'ip', 'port', 'download_port', 'object_storage_port', 'state', 'seed_peer_cluster_id'] as const) {
      const value = patch[key];
      if (value !== undefined) (set as Record<string, unknown>)[key] = value;
    }
    await this.database.run((db) => db.updateTable('seed_peers').set(set).where('id', '=', id).execute());
    return this.get(id);
  }

  listActive(): Promise<SeedPeer[]> {
    return this.database.run(async (db) => (await db.selectFrom('seed_peers').selectAll().where('state', '=', 'active').orderBy('id').execute()).map(toSeedPeer));
  }

  /** Marks alive now; answers whether the row exists. */
  async keepAlive(id: number): Promise<boolean> {
    const at = isoNow(this.now);
    return this.database.run(async (db) => {
      const r = await db.updateTable('seed_peers').set({ state: 'active', last_keep_alive_at: at, updated_at: at }).where('id', '=', id).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    });
  }

  async setState(id: number, state: 'active' | 'inactive'): Promise<void> {
    await this.database.run((db) => db.updateTable('seed_peers').set({ state, updated_at: isoNow(this.now) }).where('id', '=', id).execute());
  }

  async delete(id: number): Promise<boolean> {
    return this.database.run(async (db) => {
      const r = await db.deleteFrom('seed_peers').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  countInCluster(clusterId: number): Promise<number> {
    return this.database.run(async (db) => {
      const row = await db
        .selectFrom('seed_peers')
        .where('seed_peer_cluster_id', '=', clusterId)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    });
  }
}

function toSeedPeer(row: Selectable<SeedPeersTable>): SeedPeer {
  return {
    id: row.id,
    host_name: row.host_name,
    type: row.type === 'strong' || row.type === 'weak' ? row.type : 'super',
    idc: row.idc,
    location: row.location,
    ip: row.ip,
    port: row.port,
    download_port: row.download_port,
    object_storage_port: row.object_storage_port,
    state: row.state === 'active' ? 'active' : 'inactive',
    last_keep_alive_at: row.last_keep_alive_at,
    seed_peer_cluster_id: row.seed_peer_cluster_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
