import type { FastifyInstance } from 'fastify';
import { pageOf, sendPage } from '../rest/pagination.js';
import type { NewScheduler, SchedulerFilter, SchedulerPatch } from './scheduler-repository.js';
import { createSchedulerSchema, deleteSchedulerSchema, getSchedulerSchema, listSchedulersSchema, updateSchedulerSchema } from './scheduler-schemas.js';
import type { SchedulerService } from './scheduler-service.js';

type Id = { Params: { id: number } };

export function schedulerRoutes(deps: { service: SchedulerService }) {
  const { service } = deps;
  return (app: FastifyInstance): void => {
    app.get<{ Querystring: SchedulerFilter & { page?: number; per_page?: number } }>(
      '/api/v1/schedulers',
      { schema: listSchedulersSchema },
      async (req, reply) => {
        const { page: _p, per_page: _pp, ...filter } = req.query;
        const page = pageOf(req.query);
        return sendPage(req, reply, page, await service.list(page, filter));
      },
    );
    app.get<Id>('/api/v1/schedulers/:id', { schema: getSchedulerSchema }, (req) => service.get(req.params.id));
    app.post<{ Body: Omit<NewScheduler, 'config'> }>('/api/v1/schedulers', { schema: createSchedulerSchema }, async (req, reply) =>
      reply.code(201).send(await service.create({ ...req.body, config: {} })),
    );
    app.patch<Id & { Body: SchedulerPatch }>('/api/v1/schedulers/:id', { schema: updateSchedulerSchema }, (req) => service.update(req.params.id, req.body));
    app.delete<Id>('/api/v1/schedulers/:id', { schema: deleteSchedulerSchema }, async (req, reply) => {
      await service.delete(req.params.id);
      return reply.code(204).send();
    });
  };
}
