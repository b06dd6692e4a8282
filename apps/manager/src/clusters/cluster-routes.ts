import type { FastifyInstance } from 'fastify';
import { pageOf, sendPage } from '../rest/pagination.js';
import { createClusterSchema, deleteClusterSchema, getClusterSchema, listClustersSchema, updateClusterSchema } from './cluster-schemas.js';
import type { ClusterService, NewCluster } from './cluster-service.js';

type Id = { Params: { id: number } };

/**
 * The same routes under /api/v1 (signed-in users) and /oapi/v1 (personal access tokens with the
 * `cluster` scope, as upstream's Open API); the owner's role still decides reads vs writes.
 */
export function clusterRoutes(deps: { service: ClusterService }) {
  const { service } = deps;
  return (app: FastifyInstance): void => {
    for (const [prefix, config] of [
      ['/api/v1', {}],
      ['/oapi/v1', { patScope: 'cluster' as const }],
    ] as const) {
      app.get<{ Querystring: { page?: number; per_page?: number; name?: string } }>(`${prefix}/clusters`, { schema: listClustersSchema, config }, async (req, reply) => {
        const page = pageOf(req.query);
        return sendPage(req, reply, page, await service.list(page, { ...(req.query.name === undefined ? {} : { name: req.query.name }) }));
      });
      app.get<Id>(`${prefix}/clusters/:id`, { schema: getClusterSchema, config }, (req) => service.get(req.params.id));
      app.post<{ Body: NewCluster }>(`${prefix}/clusters`, { schema: createClusterSchema, config }, async (req, reply) =>
        reply.code(201).send(await service.create(req.body)),
      );
      app.patch<Id & { Body: Partial<NewCluster> }>(`${prefix}/clusters/:id`, { schema: updateClusterSchema, config }, (req) =>
        service.update(req.params.id, req.body),
      );
      app.delete<Id>(`${prefix}/clusters/:id`, { schema: deleteClusterSchema, config }, async (req, reply) => {
        await service.delete(req.params.id);
        return reply.code(204).send();
      });
    }
  };
}
