import type { FastifyInstance } from 'fastify';
import { withErrors } from '../rest/schema-parts.js';

/** The built-in roles. Custom roles are not supported: two roles cover upstream's defaults. */
export const ROLES = [
  { name: 'root', description: 'Administrator: reads and writes everything', permissions: ['read', 'write'] },
  { name: 'guest', description: 'Reads clusters, schedulers, seed peers, applications and users; writes nothing', permissions: ['read'] },
] as const;

const role = {
  type: 'object',
  properties: { name: { type: 'string' }, description: { type: 'string' }, permissions: { type: 'array', items: { type: 'string' } } },
} as const;

export function roleRoutes() {
  return (app: FastifyInstance): void => {
    app.get('/api/v1/roles', { schema: { tags: ['roles'], response: withErrors({ 200: { type: 'array', items: role } }) } }, () => ROLES);
  };
}
