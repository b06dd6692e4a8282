import type { FastifyInstance } from 'fastify';
import { pageOf, sendPage } from '../rest/pagination.js';
import type { NewSchedulerCluster, SchedulerClusterPatch } from './scheduler-cluster-repository.js';
import {
  createSchedulerClusterSchema,
  deleteSchedulerClusterSchema,
  getSchedulerClusterSchema,
  listSchedulerClustersSchema,
  updateSchedulerClusterSchema,
} from './scheduler-cluster-schemas.js';
import type { SchedulerClusterService } from './scheduler-cluster-service.js';

type Id = { Params: { id: number } };

export function schedulerClusterRoutes(deps: { service: SchedulerClusterService }) {
  const { service } = deps;
  return (app: FastifyInstance): void => {
    app.get<{ Querystring: { page?: number; per_page?: number; name?: string } }>(
      '/api/v1/scheduler-clusters',
      { schema: listSchedulerClustersSchema },
      async (req, reply) => {
        const page = pageOf(req.query);
        return sendPage(req, reply, page, await service.list(page, { ...(req.query.name === undefined ? {} : { name: req.query.name }) }));
      },
    );
    app.get<Id>('/api/v1/scheduler-clusters/:id', { schema: getSchedulerClusterSchema }, (req) => service.get(req.params.id));
    app.post<{ Body: NewSchedulerCluster & { seed_peer_cluster_ids?: number[] } }>(
      '/api/v1/scheduler-clusters',
      { schema: createSchedulerClusterSchema },
      async (req, reply) => reply.code(201).send(await service.create(req.body)),
    );
    app.patch<Id & { Body: SchedulerClusterPatch & { seed_peer_cluster_ids?: number[] } }>(
      '/api/v1/scheduler-clusters/:id',
      { schema: updateSchedulerClusterSchema },
      (req) => service.update(req.params.id, req.body),
    );
    app.delete<Id>('/api/v1/scheduler-clusters/:id', { schema: deleteSchedulerClusterSchema }, async (req, reply) => {
      await service.delete(req.params.id);
      return reply.code(204).send();
    });
  };
}
