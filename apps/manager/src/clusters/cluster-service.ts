import type { PageRequest, PageResult } from '../db/page.js';
import { ManagerError } from '../errors.js';
import type {
  SchedulerCluster,
  SchedulerClusterClientConfig,
  SchedulerClusterConfig,
  SchedulerClusterScopes,
} from '../scheduler-clusters/scheduler-cluster-repository.js';
import type { SchedulerClusterService } from '../scheduler-clusters/scheduler-cluster-service.js';
import type { SeedPeerCluster, SeedPeerClusterConfig } from '../seed-peer-clusters/seed-peer-cluster-repository.js';
import type { SeedPeerClusterService } from '../seed-peer-clusters/seed-peer-cluster-service.js';

/**
 * Upstream's "cluster": one scheduler cluster and the seed peer cluster linked to it, edited as
 * one. Its id is the scheduler cluster's.
 */
export interface Cluster {
  id: number;
  name: string;
  bio: string;
  scopes: SchedulerClusterScopes;
  scheduler_cluster_id: number;
  seed_peer_cluster_id: number | null;
  scheduler_cluster_config: SchedulerClusterConfig;
  seed_peer_cluster_config: SeedPeerClusterConfig | null;
  peer_cluster_config: SchedulerClusterClientConfig;
  is_default: boolean;
  created_at: string;
  updated_at: string;
}

export interface NewCluster {
  name: string;
  bio: string;
  scopes: SchedulerClusterScopes;
  scheduler_cluster_config: SchedulerClusterConfig;
  seed_peer_cluster_config: SeedPeerClusterConfig;
  peer_cluster_config: SchedulerClusterClientConfig;
  is_default: boolean;
}

export class ClusterService {
  private readonly schedulerClusters: SchedulerClusterService;
  private readonly seedPeerClusters: SeedPeerClusterService;

  constructor(deps: { schedulerClusters: SchedulerClusterService; seedPeerClusters: SeedPeerClusterService }) {
    this.schedulerClusters = deps.schedulerClusters;
    this.seedPeerClusters = deps.seedPeerClusters;
  }

  async list(page: PageRequest, filter: { name?: string }): Promise<PageResult<Cluster>> {
    const result = await this.schedulerClusters.list(page, filter);
    const items: Cluster[] = [];
    for (const sc of result.items) items.push(await this.compose(sc));
    return { items, total: result.total };
  }

  async get(id: number): Promise<Cluster> {
    return this.compose(await this.schedulerClusters.get(id));
  }

  async create(input: NewCluster): Promise<Cluster> {
    const spc = await this.seedPeerClusters.create({ name: input.name, bio: input.bio, config: input.seed_peer_cluster_config });
    try {
      const sc = await this.schedulerClusters.create({
        name: input.name,
        bio: input.bio,
        config: input.scheduler_cluster_config,
        client_config: input.peer_cluster_config,
        seed_client_config: {},
        scopes: input.scopes,
        is_default: input.is_default,
        seed_peer_cluster_ids: [spc.id],
      });
      return this.compose(sc);
    } catch (err) {
      // Undo the half-made cluster; the original error is what the caller needs to see.
      await this.seedPeerClusters.delete(spc.id).catch(() => undefined);
      throw err;
    }
  }

  async update(id: number, patch: Partial<NewCluster>): Promise<Cluster> {
    const current = await this.get(id);
    await this.schedulerClusters.update(id, {
      ...(patch.name === undefined ? {} : { name: patch.name }),
      ...(patch.bio === undefined ? {} : { bio: patch.bio }),
      ...(patch.scopes === undefined ? {} : { scopes: patch.scopes }),
      ...(patch.scheduler_cluster_config === undefined ? {} : { config: patch.scheduler_cluster_config }),
      ...(patch.peer_cluster_config === undefined ? {} : { client_config: patch.peer_cluster_config }),
      ...(patch.is_default === undefined ? {} : { is_default: patch.is_default }),
    });
    if (current.seed_peer_cluster_id !== null && (patch.name !== undefined || patch.bio !== undefined || patch.seed_peer_cluster_config !== undefined)) {
      await this.seedPeerClusters.update(current.seed_peer_cluster_id, {
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.bio === undefined ? {} : { bio: patch.bio }),
        ...(patch.seed_peer_cluster_config === undefined ? {} : { config: patch.seed_peer_cluster_config }),
      });
    }
    return this.get(id);
  }

  /** Deletes both halves; refused (409) while either still has members. */
  async delete(id: number): Promise<void> {
    const current = await this.get(id);
    await this.schedulerClusters.delete(id);
    if (current.seed_peer_cluster_id !== null) {
      try {
        await this.seedPeerClusters.delete(current.seed_peer_cluster_id);
      } catch (err) {
        if (!(err instanceof ManagerError && err.code === 'DF_ERR_MANAGER_NOT_FOUND')) throw err;
      }
    }
  }

  private async compose(sc: SchedulerCluster): Promise<Cluster> {
    const spcId = sc.seed_peer_cluster_ids[0];
    let spc: SeedPeerCluster | undefined;
    if (spcId !== undefined) {
      try {
        spc = await this.seedPeerClusters.get(spcId);
      } catch (err) {
        if (!(err instanceof ManagerError && err.code === 'DF_ERR_MANAGER_NOT_FOUND')) throw err;
      }
    }
    return {
      id: sc.id,
      name: sc.name,
      bio: sc.bio,
      scopes: sc.scopes,
      scheduler_cluster_id: sc.id,
      seed_peer_cluster_id: spc?.id ?? null,
      scheduler_cluster_config: sc.config,
      seed_peer_cluster_config: spc?.config ?? null,
      peer_cluster_config: sc.client_config,
      is_default: sc.is_default,
      created_at: sc.created_at,
      updated_at: sc.updated_at,
    };
  }
}
