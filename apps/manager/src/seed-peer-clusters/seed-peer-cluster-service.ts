import type { PageRequest, PageResult } from '../db/page.js';
import { ManagerError, notFound, validationError } from '../errors.js';
import type { SchedulerClusterRepository } from '../scheduler-clusters/scheduler-cluster-repository.js';
import type { SeedPeerRepository } from '../seed-peers/seed-peer-repository.js';
import type { NewSeedPeerCluster, SeedPeerCluster, SeedPeerClusterRepository } from './seed-peer-cluster-repository.js';

export class SeedPeerClusterService {
  private readonly clusters: SeedPeerClusterRepository;
  private readonly seedPeers: SeedPeerRepository;
  private readonly schedulerClusters: SchedulerClusterRepository;

  constructor(deps: { clusters: SeedPeerClusterRepository; seedPeers: SeedPeerRepository; schedulerClusters: SchedulerClusterRepository }) {
    this.clusters = deps.clusters;
    this.seedPeers = deps.seedPeers;
    this.schedulerClusters = deps.schedulerClusters;
  }

  list(page: PageRequest, filter: { name?: string }): Promise<PageResult<SeedPeerCluster>> {
    return this.clusters.list(page, filter);
  }

  async get(id: number): Promise<SeedPeerCluster> {
    const cluster = await this.clusters.get(id);
    if (cluster === undefined) throw notFound('seed peer cluster', id);
    return cluster;
  }

  async create(input: NewSeedPeerCluster & { scheduler_cluster_ids?: number[] }): Promise<SeedPeerCluster> {
    const { scheduler_cluster_ids: links, ...fields } = input;
    await this.checkSchedulerClusters(links ?? []);
    return this.clusters.create(fields, links ?? []);
  }

  async update(id: number, patch: Partial<NewSeedPeerCluster> & { scheduler_cluster_ids?: number[] }): Promise<SeedPeerCluster> {
    await this.get(id);
    const { scheduler_cluster_ids: links, ...fields } = patch;
    if (links !== undefined) await this.checkSchedulerClusters(links);
    const updated = await this.clusters.update(id, fields, links);
    if (updated === undefined) throw notFound('seed peer cluster', id);
    return updated;
  }

  async delete(id: number): Promise<void> {
    await this.get(id);
    const n = await this.seedPeers.countInCluster(id);
    if (n > 0) throw new ManagerError('DF_ERR_MANAGER_IN_USE', `seed peer cluster ${id} still has ${n} seed peer(s); delete them first`);
    await this.clusters.delete(id);
  }

  private async checkSchedulerClusters(ids: number[]): Promise<void> {
    const found = await this.schedulerClusters.listByIds(ids);
    const missing = ids.filter((id) => !found.some((c) => c.id === id));
    if (missing.length > 0) throw validationError(`scheduler cluster(s) ${missing.join(', ')} do not exist`);
  }
}
