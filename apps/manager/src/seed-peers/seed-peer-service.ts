import type { PageRequest, PageResult } from '../db/page.js';
import { notFound, validationError } from '../errors.js';
import type { SeedPeerCluster, SeedPeerClusterRepository } from '../seed-peer-clusters/seed-peer-cluster-repository.js';
import type { NewSeedPeer, SeedPeer, SeedPeerFilter, SeedPeerPatch, SeedPeerRepository } from './seed-peer-repository.js';

export class SeedPeerService {
  private readonly seedPeers: SeedPeerRepository;
  private readonly clusters: SeedPeerClusterRepository;

  constructor(deps: { seedPeers: SeedPeerRepository; clusters: SeedPeerClusterRepository }) {
    this.seedPeers = deps.seedPeers;
    this.clusters = deps.clusters;
  }

  list(page: PageRequest, filter: SeedPeerFilter): Promise<PageResult<SeedPeer>> {
    return this.seedPeers.list(page, filter);
  }

  async get(id: number): Promise<SeedPeer> {
    const seedPeer = await this.seedPeers.get(id);
    if (seedPeer === undefined) throw notFound('seed peer', id);
    return seedPeer;
  }

  async create(input: NewSeedPeer): Promise<SeedPeer> {
    await this.checkCluster(input.seed_peer_cluster_id);
    return this.seedPeers.create(input);
  }

  async update(id: number, patch: SeedPeerPatch): Promise<SeedPeer> {
    await this.get(id);
    if (patch.seed_peer_cluster_id !== undefined) await this.checkCluster(patch.seed_peer_cluster_id);
    const updated = await this.seedPeers.update(id, patch);
    if (updated === undefined) throw notFound('seed peer', id);
    return updated;
  }

  async delete(id: number): Promise<void> {
    await this.get(id);
    await this.seedPeers.delete(id);
  }

  /** UpdateSeedPeer: creates or refreshes the row keyed by hostname + ip + cluster. */
  async register(input: NewSeedPeer): Promise<SeedPeer> {
    await this.checkCluster(input.seed_peer_cluster_id);
    const existing = await this.seedPeers.findByKey(input.host_name, input.ip, input.seed_peer_cluster_id);
    if (existing === undefined) return this.seedPeers.create(input);
    const { host_name: _h, seed_peer_cluster_id: _c, ...patch } = input;
    const updated = await this.seedPeers.update(existing.id, patch);
    if (updated === undefined) throw notFound('seed peer', existing.id);
    return updated;
  }

  async findByKey(hostName: string, ip: string, clusterId: number): Promise<SeedPeer> {
    const found = await this.seedPeers.findByKey(hostName, ip, clusterId);
    if (found === undefined) throw notFound('seed peer', `${hostName}/${ip} in cluster ${clusterId}`);
    return found;
  }

  listActive(): Promise<SeedPeer[]> {
    return this.seedPeers.listActive();
  }

  /** Seed peers of the seed peer clusters linked to a scheduler cluster (GetScheduler answers them). */
  async forSchedulerCluster(schedulerClusterId: number): Promise<{ seedPeers: SeedPeer[]; clusters: SeedPeerCluster[] }> {
    const all = await this.clusters.listAll();
    const clusters = all.filter((c) => c.scheduler_cluster_ids.includes(schedulerClusterId));
    return { seedPeers: await this.seedPeers.listByClusterIds(clusters.map((c) => c.id)), clusters };
  }

  async cluster(id: number): Promise<SeedPeerCluster> {
    const cluster = await this.clusters.get(id);
    if (cluster === undefined) throw notFound('seed peer cluster', id);
    return cluster;
  }

  private async checkCluster(id: number): Promise<void> {
    if ((await this.clusters.get(id)) === undefined) throw validationError(`seed peer cluster ${id} does not exist`);
  }
}
