import type { PageRequest, PageResult } from '../db/page.js';
import { ManagerError, notFound, validationError } from '../errors.js';
import type { SchedulerRepository } from '../schedulers/scheduler-repository.js';
import type { SeedPeerClusterRepository } from '../seed-peer-clusters/seed-peer-cluster-repository.js';
import { checkScopes } from './scheduler-cluster-scopes.js';
import type { NewSchedulerCluster, SchedulerCluster, SchedulerClusterPatch, SchedulerClusterRepository } from './scheduler-cluster-repository.js';

export class SchedulerClusterService {
  private readonly clusters: SchedulerClusterRepository;
  private readonly schedulers: SchedulerRepository;
  private readonly seedPeerClusters: SeedPeerClusterRepository;

  constructor(deps: { clusters: SchedulerClusterRepository; schedulers: SchedulerRepository; seedPeerClusters: SeedPeerClusterRepository }) {
    this.clusters = deps.clusters;
    this.schedulers = deps.schedulers;
    this.seedPeerClusters = deps.seedPeerClusters;
  }

  list(page: PageRequest, filter: { name?: string }): Promise<PageResult<SchedulerCluster>> {
    return this.clusters.list(page, filter);
  }

  async get(id: number): Promise<SchedulerCluster> {
    const cluster = await this.clusters.get(id);
    if (cluster === undefined) throw notFound('scheduler cluster', id);
    return cluster;
  }

  async create(input: NewSchedulerCluster & { seed_peer_cluster_ids?: number[] }): Promise<SchedulerCluster> {
    checkScopes(input.scopes);
    const { seed_peer_cluster_ids: links, ...fields } = input;
    await this.checkSeedPeerClusters(links ?? []);
    return this.clusters.create(fields, links ?? []);
  }

  async update(id: number, patch: SchedulerClusterPatch & { seed_peer_cluster_ids?: number[] }): Promise<SchedulerCluster> {
    await this.get(id);
    if (patch.scopes !== undefined) checkScopes(patch.scopes);
    const { seed_peer_cluster_ids: links, ...fields } = patch;
    if (links !== undefined) await this.checkSeedPeerClusters(links);
    const updated = await this.clusters.update(id, fields, links);
    if (updated === undefined) throw notFound('scheduler cluster', id);
    return updated;
  }

  async delete(id: number): Promise<void> {
    const cluster = await this.get(id);
    if (cluster.is_default) throw new ManagerError('DF_ERR_MANAGER_IN_USE', 'the default scheduler cluster cannot be deleted; make another cluster the default first');
    const n = await this.schedulers.countInCluster(id);
    if (n > 0) throw new ManagerError('DF_ERR_MANAGER_IN_USE', `scheduler cluster ${id} still has ${n} scheduler(s); delete or move them first`);
    await this.clusters.delete(id);
  }

  private async checkSeedPeerClusters(ids: number[]): Promise<void> {
    const found = await this.seedPeerClusters.listByIds(ids);
    const missing = ids.filter((id) => !found.some((c) => c.id === id));
    if (missing.length > 0) throw validationError(`seed peer cluster(s) ${missing.join(', ')} do not exist`);
  }
}
