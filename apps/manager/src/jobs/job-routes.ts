import type { FastifyInstance } from 'fastify';
import { unauthorized } from '../errors.js';
import { pageOf, sendPage } from '../rest/pagination.js';
import type { JobFilter } from './job-repository.js';
import { createJobSchema, deleteJobSchema, getJobSchema, listJobsSchema } from './job-schemas.js';
import type { CreateJobInput, JobService } from './job-service.js';

type Id = { Params: { id: number } };

/**
 * /api/v1/jobs (JWT) and /oapi/v1/jobs (personal access token with scope `job`), same handlers.
 * Reading needs any signed-in user (guests included: args hold no secrets); creating and deleting
 * need the root role, as every write (route-access defaults).
 */
export function jobRoutes(deps: { service: JobService }) {
  const { service } = deps;
  return (app: FastifyInstance): void => {
    for (const [prefix, patScope] of [
      ['/api/v1/jobs', undefined],
      ['/oapi/v1/jobs', 'job'],
    ] as const) {
      const config = patScope === undefined ? {} : { patScope };
      app.post<{ Body: CreateJobInput }>(prefix, { schema: createJobSchema, config }, async (req, reply) => {
        if (req.principal === undefined) throw unauthorized();
        return reply.code(201).send(await service.create(req.principal, req.body));
      });
      app.get<{ Querystring: { page?: number; per_page?: number } & JobFilter }>(prefix, { schema: listJobsSchema, config }, async (req, reply) => {
        const page = pageOf(req.query);
        const filter: JobFilter = {
          ...(req.query.type === undefined ? {} : { type: req.query.type }),
          ...(req.query.state === undefined ? {} : { state: req.query.state }),
          ...(req.query.user_id === undefined ? {} : { user_id: req.query.user_id }),
        };
        return sendPage(req, reply, page, await service.list(page, filter));
      });
      app.get<Id>(`${prefix}/:id`, { schema: getJobSchema, config }, (req) => service.get(req.params.id));
      app.delete<Id>(`${prefix}/:id`, { schema: deleteJobSchema, config }, async (req, reply) => {
        await service.delete(req.params.id);
        return reply.code(204).send();
      });
    }
  };
}
