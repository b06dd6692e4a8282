import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PatScope } from '../auth/principal.js';
import { unauthorized } from '../errors.js';
import { pageOf, sendPage } from '../rest/pagination.js';
import { createTokenSchema, deleteTokenSchema, getTokenSchema, listTokensSchema, updateTokenSchema } from './personal-access-token-schemas.js';
import type { PersonalAccessTokenService } from './personal-access-token-service.js';

type Id = { Params: { id: number } };

function principalOf(request: FastifyRequest) {
  if (request.principal === undefined) throw unauthorized();
  return request.principal;
}

export function personalAccessTokenRoutes(deps: { service: PersonalAccessTokenService }) {
  const { service } = deps;
  return (app: FastifyInstance): void => {
    app.get<{ Querystring: { page?: number; per_page?: number; user_id?: number } }>(
      '/api/v1/personal-access-tokens',
      { schema: listTokensSchema },
      async (req, reply) => {
        const page = pageOf(req.query);
        return sendPage(req, reply, page, await service.list(principalOf(req), page, { ...(req.query.user_id === undefined ? {} : { userId: req.query.user_id }) }));
      },
    );
    app.get<Id>('/api/v1/personal-access-tokens/:id', { schema: getTokenSchema }, (req) => service.get(principalOf(req), req.params.id));
    app.post<{ Body: { name: string; bio?: string; scopes: PatScope[]; expired_at: string } }>(
      '/api/v1/personal-access-tokens',
      { schema: createTokenSchema },
      async (req, reply) => reply.code(201).header('cache-control', 'no-store').send(await service.create(principalOf(req), req.body)),
    );
    app.patch<Id & { Body: { name?: string; bio?: string; state?: 'active' | 'inactive' } }>(
      '/api/v1/personal-access-tokens/:id',
      { schema: updateTokenSchema },
      (req) => service.update(principalOf(req), req.params.id, req.body),
    );
    app.delete<Id>('/api/v1/personal-access-tokens/:id', { schema: deleteTokenSchema }, async (req, reply) => {
      await service.delete(principalOf(req), req.params.id);
      return reply.code(204).send();
    });
  };
}
