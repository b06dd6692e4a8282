import type { FastifyInstance } from 'fastify';
import { applicationRoutes } from '../applications/application-routes.js';
import type { ApplicationService } from '../applications/application-service.js';
import type { TokenService } from '../auth/token-service.js';
import { clusterRoutes } from '../clusters/cluster-routes.js';
import type { ClusterService } from '../clusters/cluster-service.js';
import type { ManagerDatabase } from '../db/manager-database.js';
import { jobRoutes } from '../jobs/job-routes.js';
import type { JobService } from '../jobs/job-service.js';
import { personalAccessTokenRoutes } from '../personal-access-tokens/personal-access-token-routes.js';
import type { PersonalAccessTokenService } from '../personal-access-tokens/personal-access-token-service.js';
import { roleRoutes } from '../roles/role-routes.js';
import { schedulerClusterRoutes } from '../scheduler-clusters/scheduler-cluster-routes.js';
import type { SchedulerClusterService } from '../scheduler-clusters/scheduler-cluster-service.js';
import { schedulerRoutes } from '../schedulers/scheduler-routes.js';
import type { SchedulerService } from '../schedulers/scheduler-service.js';
import { seedPeerClusterRoutes } from '../seed-peer-clusters/seed-peer-cluster-routes.js';
import type { SeedPeerClusterService } from '../seed-peer-clusters/seed-peer-cluster-service.js';
import { seedPeerRoutes } from '../seed-peers/seed-peer-routes.js';
import type { SeedPeerService } from '../seed-peers/seed-peer-service.js';
import { userRoutes } from '../users/user-routes.js';
import type { UserService } from '../users/user-service.js';
import { registerConsole } from '../console/console-plugin.js';
import { installAuthentication } from './authenticate-hook.js';
import { openApiDocument } from './openapi-document.js';
import type { RouteRecord } from './openapi-document.js';
import { errorResponse } from './schema-parts.js';

export interface RestApiServices {
  database: ManagerDatabase;
  tokens: TokenService;
  users: UserService;
  personalAccessTokens: PersonalAccessTokenService;
  schedulerClusters: SchedulerClusterService;
  seedPeerClusters: SeedPeerClusterService;
  schedulers: SchedulerService;
  seedPeers: SeedPeerService;
  applications: ApplicationService;
  clusters: ClusterService;
  /** Jobs (preheat, get_task, delete_task) on /api/v1/jobs and /oapi/v1/jobs. */
  jobs?: JobService;
}

/** The web console's settings (auth.jwt.realm, auth.jwt.maxRefresh in ms; distDir defaults to apps/console/dist). */
export interface ConsoleSettings {
  realm: string;
  maxRefreshMs: number;
  distDir?: string;
}

/** Authentication first, then every route of /api/v1, the console, health and the OpenAPI document. */
export function registerRestApi(
  app: FastifyInstance,
  routes: readonly RouteRecord[],
  s: RestApiServices,
  info: { version: string; console?: ConsoleSettings },
): void {
  installAuthentication(app, { tokens: s.tokens, personalAccessTokens: s.personalAccessTokens });

  userRoutes({ service: s.users })(app);
  roleRoutes()(app);
  personalAccessTokenRoutes({ service: s.personalAccessTokens })(app);
  schedulerClusterRoutes({ service: s.schedulerClusters })(app);
  seedPeerClusterRoutes({ service: s.seedPeerClusters })(app);
  schedulerRoutes({ service: s.schedulers })(app);
  seedPeerRoutes({ service: s.seedPeers })(app);
  applicationRoutes({ service: s.applications })(app);
  if (s.jobs !== undefined) jobRoutes({ service: s.jobs })(app);
  clusterRoutes({ service: s.clusters })(app);

  app.get(
    '/healthy',
    { config: { access: 'public' }, schema: { tags: ['health'], response: { 200: { type: 'object', properties: { status: { type: 'string' } } }, 503: errorResponse } } },
    async () => {
      await s.database.ping();
      return { status: 'ok' };
    },
  );
  // Upstream defaults until the caller passes the configured values.
  registerConsole(app, { tokens: s.tokens, users: s.users, realm: 'Dragonfly', maxRefreshMs: 7 * 24 * 3_600_000, ...info.console, logger: app.log });
  app.get('/openapi.json', { config: { access: 'public' } }, () => openApiDocument(routes, { title: 'Dragonfly manager', version: info.version }));
}
