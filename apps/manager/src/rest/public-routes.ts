import { CONSOLE_PUBLIC_ROUTES } from '../console/console-plugin.js';

/**
 * The only routes answered without credentials. The route-table test fails if any other route is
 * reachable without a token, or if a route here is missing or protected.
 */
export const PUBLIC_ROUTES: readonly string[] = [
  'POST /api/v1/users/signin',
  // Refresh proves itself with the (possibly expired) token in the Authorization header.
  'POST /api/v1/users/refresh_token',
  'GET /healthy',
  'GET /openapi.json',
  // CORS preflight: answers grants only for configured origins, never data.
  'OPTIONS /*',
  // The console page, its assets, and its sign-in/refresh/sign-out (which check credentials themselves).
  ...CONSOLE_PUBLIC_ROUTES,
];
