import type { FastifyInstance } from 'fastify';
import { pageOf, sendPage } from '../rest/pagination.js';
import type { NewApplication } from './application-repository.js';
import { createApplicationSchema, deleteApplicationSchema, getApplicationSchema, listApplicationsSchema, updateApplicationSchema } from './application-schemas.js';
import type { ApplicationService } from './application-service.js';

type Id = { Params: { id: number } };
type Body = Omit<NewApplication, 'user_id'>;

export function applicationRoutes(deps: { service: ApplicationService }) {
  const { service } = deps;
  return (app: FastifyInstance): void => {
    app.get<{ Querystring: { page?: number; per_page?: number; name?: string } }>('/api/v1/applications', { schema: listApplicationsSchema }, async (req, reply) => {
      const page = pageOf(req.query);
      return sendPage(req, reply, page, await service.list(page, { ...(req.query.name === undefined ? {} : { name: req.query.name }) }));
    });
    app.get<Id>('/api/v1/applications/:id', { schema: getApplicationSchema }, (req) => service.get(req.params.id));
    app.post<{ Body: Body }>('/api/v1/applications', { schema: createApplicationSchema }, async (req, reply) =>
      reply.code(201).send(await service.create({ ...req.body, user_id: req.principal?.user.id ?? null })),
    );
    app.patch<Id & { Body: Partial<Body> }>('/api/v1/applications/:id', { schema: updateApplicationSchema }, (req) => service.update(req.params.id, req.body));
    app.delete<Id>('/api/v1/applications/:id', { schema: deleteApplicationSchema }, async (req, reply) => {
      await service.delete(req.params.id);
      return reply.code(204).send();
    });
  };
}
