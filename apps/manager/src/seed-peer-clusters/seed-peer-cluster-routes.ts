import type { FastifyInstance } from 'fastify';
import { pageOf, sendPage } from '../rest/pagination.js';
import type { NewSeedPeerCluster } from './seed-peer-cluster-repository.js';
import {
  createSeedPeerClusterSchema,
  deleteSeedPeerClusterSchema,
  getSeedPeerClusterSchema,
  listSeedPeerClustersSchema,
  updateSeedPeerClusterSchema,
} from './seed-peer-cluster-schemas.js';
import type { SeedPeerClusterService } from './seed-peer-cluster-service.js';

type Id = { Params: { id: number } };
type Body = NewSeedPeerCluster & { scheduler_cluster_ids?: number[] };

export function seedPeerClusterRoutes(deps: { service: SeedPeerClusterService }) {
  const { service } = deps;
  return (app: FastifyInstance): void => {
    app.get<{ Querystring: { page?: number; per_page?: number; name?: string } }>(
      '/api/v1/seed-peer-clusters',
      { schema: listSeedPeerClustersSchema },
      async (req, reply) => {
        const page = pageOf(req.query);
        return sendPage(req, reply, page, await service.list(page, { ...(req.query.name === undefined ? {} : { name: req.query.name }) }));
      },
    );
    app.get<Id>('/api/v1/seed-peer-clusters/:id', { schema: getSeedPeerClusterSchema }, (req) => service.get(req.params.id));
    app.post<{ Body: Body }>('/api/v1/seed-peer-clusters', { schema: createSeedPeerClusterSchema }, async (req, reply) =>
      reply.code(201).send(await service.create(req.body)),
    );
    app.patch<Id & { Body: Partial<Body> }>('/api/v1/seed-peer-clusters/:id', { schema: updateSeedPeerClusterSchema }, (req) =>
      service.update(req.params.id, req.body),
    );
    app.delete<Id>('/api/v1/seed-peer-clusters/:id', { schema: deleteSeedPeerClusterSchema }, async (req, reply) => {
      await service.delete(req.params.id);
      return reply.code(204).send();
    });
  };
}
