import type { ManagerDatabase } from '../db/manager-database.js';
import { parseJsonColumn } from '../db/page.js';

/** A dfdaemon a job talks to: its DfdaemonUpload gRPC endpoint. */
export interface JobPeer {
  hostname: string;
  ip: string;
  port: number;
  scheduler_cluster_id: number;
}

export interface JobCluster {
  id: number;
  name: string;
  /** Jobs per second this cluster accepts (scheduler cluster config `job_rate_limit`, upstream default 10). */
  jobRateLimit: number;
}

export interface JobScheduler {
  hostname: string;
  ip: string;
  port: number;
  scheduler_cluster_id: number;
}

/** Read-only look-ups of what a job targets: clusters, their active seed peers and schedulers. */
export class JobTargetRepository {
  private readonly database: ManagerDatabase;

  constructor(deps: { database: ManagerDatabase }) {
    this.database = deps.database;
  }

  /** The named clusters (missing IDs are left out), or every cluster when none is named (as upstream). */
  clusters(ids: readonly number[]): Promise<JobCluster[]> {
    return this.database.run(async (db) => {
      let q = db.selectFrom('scheduler_clusters').select(['id', 'name', 'config']);
      if (ids.length > 0) q = q.where('id', 'in', [...ids]);
      const rows = await q.orderBy('id').execute();
      return rows.map((r) => {
        const config = parseJsonColumn<{ job_rate_limit?: unknown }>(r.config, 'scheduler_clusters.config');
        const limit = typeof config.job_rate_limit === 'number' && config.job_rate_limit > 0 ? config.job_rate_limit : 10;
        return { id: r.id, name: r.name, jobRateLimit: limit };
      });
    });
  }

  /**
   * Seed peers of the seed peer clusters linked to each scheduler cluster, each once. Per scheduler
   * cluster the active ones (their KeepAlive stream is open) when there are any; otherwise every
   * registered one (UpdateSeedPeer), since seed peers that never keep alive stay "inactive" — the
   * DownloadTask call then shows whether each is there.
   */
  seedPeers(schedulerClusterIds: readonly number[]): Promise<JobPeer[]> {
    if (schedulerClusterIds.length === 0) return Promise.resolve([]);
    return this.database.run(async (db) => {
      const rows = await db
        .selectFrom('seed_peers as sp')
        .innerJoin('seed_peer_cluster_scheduler_clusters as link', 'link.seed_peer_cluster_id', 'sp.seed_peer_cluster_id')
        .select(['sp.host_name', 'sp.ip', 'sp.port', 'sp.state', 'link.scheduler_cluster_id'])
        .where('link.scheduler_cluster_id', 'in', [...schedulerClusterIds])
        .orderBy('sp.id')
        .orderBy('link.scheduler_cluster_id')
        .execute();
      const activeIn = new Set(rows.filter((r) => r.state === 'active').map((r) => r.scheduler_cluster_id));
      const seen = new Set<string>();
      const peers: JobPeer[] = [];
      for (const r of rows) {
        if (activeIn.has(r.scheduler_cluster_id) && r.state !== 'active') continue;
        const key = `${r.ip}:${r.port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        peers.push({ hostname: r.host_name, ip: r.ip, port: r.port, scheduler_cluster_id: r.scheduler_cluster_id });
      }
      return peers;
    });
  }

  /**
   * Per cluster, the first active scheduler (for ListHosts). Upstream asks for the `preheat` feature
   * because its schedulers run the preheat; here the manager runs it and a scheduler only lists its
   * hosts, so any active scheduler will do (one announcing `preheat` is preferred).
   */
  schedulers(schedulerClusterIds: readonly number[]): Promise<JobScheduler[]> {
    if (schedulerClusterIds.length === 0) return Promise.resolve([]);
    return this.database.run(async (db) => {
      const rows = await db
        .selectFrom('schedulers')
        .select(['host_name', 'ip', 'port', 'features', 'scheduler_cluster_id'])
        .where('scheduler_cluster_id', 'in', [...schedulerClusterIds])
        .where('state', '=', 'active')
        .orderBy('id')
        .execute();
      const picked = new Map<number, { scheduler: JobScheduler; preheat: boolean }>();
      for (const r of rows) {
        const features = parseJsonColumn<unknown>(r.features, 'schedulers.features');
        const preheat = Array.isArray(features) && features.includes('preheat');
        const current = picked.get(r.scheduler_cluster_id);
        if (current !== undefined && (current.preheat || !preheat)) continue;
        picked.set(r.scheduler_cluster_id, { scheduler: { hostname: r.host_name, ip: r.ip, port: r.port, scheduler_cluster_id: r.scheduler_cluster_id }, preheat });
      }
      return [...picked.values()].map((p) => p.scheduler);
    });
  }
}
