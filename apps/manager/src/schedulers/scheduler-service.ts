import type { PageRequest, PageResult } from '../db/page.js';
import { notFound, validationError } from '../errors.js';
import type { SchedulerClusterRepository } from '../scheduler-clusters/scheduler-cluster-repository.js';
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

  private async checkCluster(id: number): Promise<void> {
    if ((await this.clusters.get(id)) === undefined) throw validationError(`scheduler cluster ${id} does not exist`);
  }
}
