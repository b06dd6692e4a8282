import type { PageRequest, PageResult } from '../db/page.js';
import { notFound, validationError } from '../errors.js';
import type { SeedPeerClusterRepository } from '../seed-peer-clusters/seed-peer-cluster-repository.js';
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

  private async checkCluster(id: number): Promise<void> {
    if ((await this.clusters.get(id)) === undefined) throw validationError(`seed peer cluster ${id} does not exist`);
  }
}
