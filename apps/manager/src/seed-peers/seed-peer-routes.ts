import type { FastifyInstance } from 'fastify';
import { pageOf, sendPage } from '../rest/pagination.js';
import type { NewSeedPeer, SeedPeerFilter, SeedPeerPatch } from './seed-peer-repository.js';
import { createSeedPeerSchema, deleteSeedPeerSchema, getSeedPeerSchema, listSeedPeersSchema, updateSeedPeerSchema } from './seed-peer-schemas.js';
import type { SeedPeerService } from './seed-peer-service.js';

type Id = { Params: { id: number } };

export function seedPeerRoutes(deps: { service: SeedPeerService }) {
  const { service } = deps;
  return (app: FastifyInstance): void => {
    app.get<{ Querystring: SeedPeerFilter & { page?: number; per_page?: number } }>('/api/v1/seed-peers', { schema: listSeedPeersSchema }, async (req, reply) => {
      const { page: _p, per_page: _pp, ...filter } = req.query;
      const page = pageOf(req.query);
      return sendPage(req, reply, page, await service.list(page, filter));
    });
    app.get<Id>('/api/v1/seed-peers/:id', { schema: getSeedPeerSchema }, (req) => service.get(req.params.id));
    app.post<{ Body: NewSeedPeer }>('/api/v1/seed-peers', { schema: createSeedPeerSchema }, async (req, reply) =>
      reply.code(201).send(await service.create(req.body)),
    );
    app.patch<Id & { Body: SeedPeerPatch }>('/api/v1/seed-peers/:id', { schema: updateSeedPeerSchema }, (req) => service.update(req.params.id, req.body));
    app.delete<Id>('/api/v1/seed-peers/:id', { schema: deleteSeedPeerSchema }, async (req, reply) => {
      await service.delete(req.params.id);
      return reply.code(204).send();
    });
  };
}
