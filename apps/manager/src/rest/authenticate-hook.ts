import type { FastifyInstance } from 'fastify';
import { isRoot } from '../auth/principal.js';
import type { TokenService } from '../auth/token-service.js';
import { assertConsoleCsrf, consoleCookieToken } from '../console/console-session-cookie.js';
import { ManagerError, forbidden } from '../errors.js';
import type { PersonalAccessTokenService } from '../personal-access-tokens/personal-access-token-service.js';
import { bearerToken } from '../users/user-routes.js';
import { defaultAccess } from './route-access.js';

/**
 * Runs before every route (and before the 404 handler): authenticates unless the route is marked
 * public, then applies the route's access level. Tokens are taken from `Authorization: Bearer` or
 * the console's session cookie (never from the query string, which ends up in logs).
 */
export function installAuthentication(app: FastifyInstance, deps: { tokens: TokenService; personalAccessTokens: PersonalAccessTokenService }): void {
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    const access = config.access ?? defaultAccess(request.method);
    if (access === 'public') return;
    // The browser console's session rides in an HttpOnly cookie (bearer headers win); a cookie-
    // authenticated request must be same-origin and, when it writes, carry the CSRF token.
    const cookieToken = config.patScope === undefined ? consoleCookieToken(request) : undefined;
    if (cookieToken !== undefined) assertConsoleCsrf(request, cookieToken);
    const token = cookieToken ?? bearerToken(request);
    const principal =
      config.patScope === undefined ? await deps.tokens.authenticate(token) : await deps.personalAccessTokens.authenticate(token, config.patScope);
    request.principal = principal;
    if (principal.user.must_change_password && access !== 'password-change') {
      throw new ManagerError(
        'DF_ERR_MANAGER_PASSWORD_CHANGE_REQUIRED',
        `change your password first: POST /api/v1/users/${principal.user.id}/reset_password`,
      );
    }
    if (access === 'root' && !isRoot(principal)) throw forbidden('this action needs the root role');
  });
}
