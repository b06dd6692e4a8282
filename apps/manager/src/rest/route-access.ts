import type { PatScope, Principal } from '../auth/principal.js';

/**
 * Who may call a route, set in its `config.access`:
 * - `public`   — nobody needs credentials (only the allow-list in public-routes.ts may use it);
 * - `password-change` — any signed-in user, even one who must change the password first (sign-out, password change);
 * - `user`     — any signed-in user (root or guest) whose password needs no change;
 * - `root`     — root only.
 * A route without `access` gets `user` for GET/HEAD and `root` otherwise: a new route is never open by mistake.
 */
export type RouteAccess = 'public' | 'password-change' | 'user' | 'root';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
    /** Routes under /oapi/v1 authenticate with a personal access token carrying this scope. */
    patScope?: PatScope;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function defaultAccess(method: string): RouteAccess {
  return method === 'GET' || method === 'HEAD' ? 'user' : 'root';
}
