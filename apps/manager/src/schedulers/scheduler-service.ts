import type { PageRequest, PageResult } from '../db/page.js';
import { notFound, validationError } from '../errors.js';
import type { SchedulerCluster, SchedulerClusterRepository } from '../scheduler-clusters/scheduler-cluster-repository.js';
import { rankClusters } from '../scheduler-clusters/scheduler-cluster-searcher.js';
import type { PeerPlace } from '../scheduler-clusters/scheduler-cluster-searcher.js';
import type { NewScheduler, Scheduler, SchedulerFilter, SchedulerPatch, SchedulerRepository } from './scheduler-repository.js';

export class SchedulerService {
  private readonly schedulers: SchedulerRepository;
  private readonly clusters: SchedulerClusterRepository;

  constructor(deps: { schedulers: SchedulerRepository; clusters: SchedulerClusterRepository }) {
    this.schedulers = deps.schedulers;
    this.clusters = deps.clusters;
  }

  list(page: PageRequest, filter: SchedulerFilter): Promise<PageResult<Scheduler>> {
    return this.schedulers.list(page, filter);
  }

  async get(id: number): Promise<Scheduler> {
    const scheduler = await this.schedulers.get(id);
    if (scheduler === undefined) throw notFound('scheduler', id);
    return scheduler;
  }

  async create(input: NewScheduler): Promise<Scheduler> {
    await this.checkCluster(input.scheduler_cluster_id);
    return this.schedulers.create(input);
  }

  async update(id: number, patch: SchedulerPatch): Promise<Scheduler> {
    await this.get(id);
    if (patch.scheduler_cluster_id !== undefined) await this.checkCluster(patch.scheduler_cluster_id);
    const updated = await this.schedulers.update(id, patch);
    if (updated === undefined) throw notFound('scheduler', id);
    return updated;
  }

  async delete(id: number): Promise<void> {
    await this.get(id);
    await this.schedulers.delete(id);
  }

  /** UpdateScheduler: creates or refreshes the row keyed by hostname + ip + cluster. */
  async register(input: NewScheduler): Promise<Scheduler> {
    await this.checkCluster(input.scheduler_cluster_id);
    const existing = await this.schedulers.findByKey(input.host_name, input.ip, input.scheduler_cluster_id);
    if (existing === undefined) return this.schedulers.create(input);
    const { host_name: _h, scheduler_cluster_id: _c, ...patch } = input;
    const updated = await this.schedulers.update(existing.id, patch);
    if (updated === undefined) throw notFound('scheduler', existing.id);
    return updated;
  }

  async findByKey(hostName: string, ip: string, clusterId: number): Promise<Scheduler> {
    const found = await this.schedulers.findByKey(hostName, ip, clusterId);
    if (found === undefined) throw notFound('scheduler', `${hostName}/${ip} in cluster ${clusterId}`);
    return found;
  }

  async cluster(id: number): Promise<SchedulerCluster> {
    const cluster = await this.clusters.get(id);
    if (cluster === undefined) throw notFound('scheduler cluster', id);
    return cluster;
  }

  /**
   * ListSchedulers: the active schedulers a peer should use, best cluster first. With a cluster id
   * only that cluster's; otherwise every cluster that has an active scheduler with the `schedule`
   * feature, ranked by the searcher.
   */
  async listForPeer(peer: PeerPlace & { clusterId?: number | undefined }): Promise<{ scheduler: Scheduler; cluster: SchedulerCluster }[]> {
    const active = (await this.schedulers.listActive(peer.clusterId === undefined ? undefined : [peer.clusterId])).filter((s) =>
      s.features.includes('schedule'),
    );
    const clusterIds = [...new Set(active.map((s) => s.scheduler_cluster_id))];
    const ranked = rankClusters(peer, await this.clusters.listByIds(clusterIds));
    return ranked.flatMap((cluster) => active.filter((s) => s.scheduler_cluster_id === cluster.id).map((scheduler) => ({ scheduler, cluster })));
  }

  private async checkCluster(id: number): Promise<void> {
    if ((await this.clusters.get(id)) === undefined) throw validationError(`scheduler cluster ${id} does not exist`);
  }
}
