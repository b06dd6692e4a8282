import type { FastifyInstance, FastifyRequest } from 'fastify';
import { unauthorized } from '../errors.js';
import { pageOf, sendPage } from '../rest/pagination.js';
import type { RoleName, UserPatch } from './user-repository.js';
import {
  createUserSchema,
  deleteUserRoleSchema,
  getUserRolesSchema,
  getUserSchema,
  listUsersSchema,
  putUserRoleSchema,
  refreshTokenSchema,
  resetPasswordSchema,
  signInSchema,
  signOutSchema,
  updateUserSchema,
} from './user-schemas.js';
import type { CreateUserInput, UserService } from './user-service.js';

type Id = { Params: { id: number } };

export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const m = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/.exec(header) : null;
  if (m?.[1] === undefined) throw unauthorized('missing bearer token');
  return m[1];
}

function principalOf(request: FastifyRequest) {
  if (request.principal === undefined) throw unauthorized();
  return request.principal;
}

export function userRoutes(deps: { service: UserService }) {
  const { service } = deps;
  return (app: FastifyInstance): void => {
    app.post<{ Body: { name: string; password: string } }>('/api/v1/users/signin', { schema: signInSchema, config: { access: 'public' } }, (req) =>
      service.signIn(req.body.name, req.body.password, req.ip),
    );
    app.post('/api/v1/users/refresh_token', { schema: refreshTokenSchema, config: { access: 'public' } }, (req) => service.refresh(bearerToken(req)));
    app.post('/api/v1/users/signout', { schema: signOutSchema, config: { access: 'password-change' } }, async (req, reply) => {
      await service.signOut(principalOf(req));
      return reply.code(204).send();
    });
    app.get<{ Querystring: { page?: number; per_page?: number; name?: string; state?: string } }>(
      '/api/v1/users',
      { schema: listUsersSchema },
      async (req, reply) => {
        const page = pageOf(req.query);
        const { name, state } = req.query;
        return sendPage(req, reply, page, await service.list(page, { ...(name === undefined ? {} : { name }), ...(state === undefined ? {} : { state }) }));
      },
    );
    app.get<Id>('/api/v1/users/:id', { schema: getUserSchema }, (req) => service.get(req.params.id));
    app.post<{ Body: CreateUserInput }>('/api/v1/users', { schema: createUserSchema }, async (req, reply) => reply.code(201).send(await service.create(req.body)));
    // Own profile for anyone; others' profiles and state for root (checked in the service).
    app.patch<Id & { Body: UserPatch }>('/api/v1/users/:id', { schema: updateUserSchema, config: { access: 'user' } }, (req) =>
      service.update(principalOf(req), req.params.id, req.body),
    );
    app.post<Id & { Body: { old_password?: string; new_password: string } }>(
      '/api/v1/users/:id/reset_password',
      { schema: resetPasswordSchema, config: { access: 'password-change' } },
      async (req, reply) => {
        await service.resetPassword(principalOf(req), req.params.id, req.body);
        return reply.code(204).send();
      },
    );
    app.get<Id>('/api/v1/users/:id/roles', { schema: getUserRolesSchema }, async (req) => (await service.get(req.params.id)).roles);
    app.put<{ Params: { id: number; role: RoleName } }>('/api/v1/users/:id/roles/:role', { schema: putUserRoleSchema }, async (req, reply) => {
      await service.addRole(req.params.id, req.params.role);
      return reply.code(204).send();
    });
    app.delete<{ Params: { id: number; role: RoleName } }>('/api/v1/users/:id/roles/:role', { schema: deleteUserRoleSchema }, async (req, reply) => {
      await service.removeRole(principalOf(req), req.params.id, req.params.role);
      return reply.code(204).send();
    });
  };
}
