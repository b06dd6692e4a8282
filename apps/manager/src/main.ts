import { readFileSync } from 'node:fs';
import type { Server as TlsServer } from 'node:tls';
import { join } from 'node:path';
import { ConfigError, exitOnConfigError, loadConfig } from '@d7y/config';
import { assertNever, stopOnSignals } from '@d7y/core';
import { createLogger } from '@d7y/logger';
import type { Logger } from '@d7y/logger';
import { EgressClient, readCaCert } from '@d7y/egress';
import { MetricsHttpServer, startTracing, type Tracing } from '@d7y/telemetry';
import { TlsSource, certificateDers } from '@d7y/tls';
import type { FastifyInstance } from 'fastify';
import { ApplicationRepository } from './applications/application-repository.js';
import { ApplicationService } from './applications/application-service.js';
import { JwtKeyError, resolveJwtKey } from './auth/jwt-key.js';
import { PasswordHasher } from './auth/password-hasher.js';
import type { ScryptCost } from './auth/password-hasher.js';
import { RevokedSessionPruner } from './auth/revoked-session-pruner.js';
import { RevokedSessionRepository } from './auth/revoked-session-repository.js';
import { SignInThrottle } from './auth/sign-in-throttle.js';
import type { SignInThrottleLimits } from './auth/sign-in-throttle.js';
import { TokenService } from './auth/token-service.js';
import { ClusterService } from './clusters/cluster-service.js';
import { prepareDataDir } from './config/data-dir.js';
import { parseListenAddress } from './config/listen-address.js';
import { DEFAULT_CONFIG_PATH, managerConfigSchema } from './config/manager-config.js';
import type { ManagerConfig } from './config/manager-config.js';
import { ManagerDatabase } from './db/manager-database.js';
import type { DatabaseOptions } from './db/manager-database.js';
import { seedDatabase } from './db/seed-database.js';
import { managerHandlers } from './grpc/manager-handlers.js';
import { ManagerGrpcServer } from './grpc/manager-grpc-server.js';
import { ManagerMetrics } from './metrics/manager-metrics.js';
import { PersonalAccessTokenRepository } from './personal-access-tokens/personal-access-token-repository.js';
import { PersonalAccessTokenService } from './personal-access-tokens/personal-access-token-service.js';
import { createRestServer } from './rest/create-rest-server.js';
import type { RouteRecord } from './rest/openapi-document.js';
import { registerRestApi } from './rest/register-rest-api.js';
import { RestTlsReloader } from './rest/rest-tls-reloader.js';
import { SchedulerClusterRepository } from './scheduler-clusters/scheduler-cluster-repository.js';
import { SchedulerClusterService } from './scheduler-clusters/scheduler-cluster-service.js';
import { KeepAliveTracker } from './schedulers/keep-alive-tracker.js';
import { SchedulerGc } from './schedulers/scheduler-gc.js';
import { SchedulerRepository } from './schedulers/scheduler-repository.js';
import { SchedulerService } from './schedulers/scheduler-service.js';
import { SeedPeerClusterRepository } from './seed-peer-clusters/seed-peer-cluster-repository.js';
import { SeedPeerClusterService } from './seed-peer-clusters/seed-peer-cluster-service.js';
import { SeedPeerRepository } from './seed-peers/seed-peer-repository.js';
import { SeedPeerService } from './seed-peers/seed-peer-service.js';
import { UserRepository } from './users/user-repository.js';
import { UserService } from './users/user-service.js';
import { ImageManifestResolver } from './jobs/image-manifest-resolver.js';
import { JobGc } from './jobs/job-gc.js';
import { JobRateLimiter } from './jobs/job-rate-limiter.js';
import { JobRepository } from './jobs/job-repository.js';
import { JobRunner } from './jobs/job-runner.js';
import { JobService } from './jobs/job-service.js';
import { JobTargetRepository } from './jobs/job-target-repository.js';
import { PeerDirectory } from './jobs/peer-directory.js';
import { PeerRpc } from './jobs/peer-rpc.js';
import { PreheatExecutor } from './jobs/preheat-executor.js';
import { TaskExecutor } from './jobs/task-executor.js';

export const VERSION = '0.1.0';

export interface ManagerDeps {
  logger: Logger;
  /** DRAGONFLY_INITIAL_ROOT_PASSWORD. */
  initialRootPassword?: string | undefined;
  /** Where the one-time root password is printed. */
  print?: (text: string) => void;
  now?: () => number;
  /** Tests lower the scrypt cost; production uses the default. */
  passwordCost?: ScryptCost;
  signInLimits?: SignInThrottleLimits;
  /** Replaces the configured database (tests: isolated schemas). */
  databaseOptions?: DatabaseOptions;
  /** gRPC server identity; default: server.grpc.tlsDir, followed for rotations. */
  grpcTls?: TlsSource;
  /** How often server.rest.tls files are re-read (ms); default 5 s. */
  restTlsReloadIntervalMs?: number;
  /** How often stale schedulers are looked for (ms); default 10 s. */
  schedulerGcIntervalMs?: number;
  /** How often the database is pinged for the gRPC health status (ms); default 10 s. */
  healthCheckIntervalMs?: number;
}

export interface RunningManager {
  rest: FastifyInstance;
  restRoutes: RouteRecord[];
  /** Bound REST address, e.g. "https://127.0.0.1:43121". */
  restUrl: string;
  database: ManagerDatabase;
  /** Bound gRPC port (mTLS). */
  grpcPort: number;
  /** Bound metrics port; 0 when metrics.enable is false. */
  metricsPort: number;
  schedulerGc: SchedulerGc;
  stop(): Promise<void>;
}

export function databaseOptionsOf(config: ManagerConfig): DatabaseOptions {
  const db = config.database;
  switch (db.type) {
    case 'sqlite':
      return { type: 'sqlite', path: db.sqlite.path === '' ? join(config.server.dataDir, 'manager.db') : db.sqlite.path };
    case 'mysql':
    case 'mariadb':
      return { type: 'mysql', host: db.mysql.host, port: db.mysql.port, user: db.mysql.user, password: db.mysql.password, dbname: db.mysql.dbname, tls: db.mysql.tls };
    case 'postgres':
      return {
        type: 'postgres',
        host: db.postgres.host,
        port: db.postgres.port,
        user: db.postgres.user,
        password: db.postgres.password,
        dbname: db.postgres.dbname,
        sslMode: db.postgres.sslMode,
      };
    default:
      return assertNever(db.type);
  }
}

/** Builds every component top to bottom and starts them in order; stop() undoes it in reverse. */
export async function startManager(config: ManagerConfig, deps: ManagerDeps): Promise<RunningManager> {
  const log = deps.logger;
  const now = deps.now ?? Date.now;
  const stack: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const step of stack.reverse()) await step().catch((err: unknown) => log.error({ err }, 'stop step failed'));
    stack.length = 0;
  };

  try {
    const dataDir = prepareDataDir(config.server.dataDir);
    if (dataDir.tightenedFrom !== undefined) {
      log.warn({ dir: config.server.dataDir, was: dataDir.tightenedFrom.toString(8) }, 'server.dataDir was open to other users; set it to 0700');
    }
    const jwtKey = resolveJwtKey({ configuredKey: config.auth.jwt.key, dataDir: config.server.dataDir });
    if (jwtKey.source === 'generated') log.info({ file: join(config.server.dataDir, 'jwt.key') }, 'generated a JWT signing key');

    const database = ManagerDatabase.open(deps.databaseOptions ?? databaseOptionsOf(config), { logger: log.child({ component: 'database' }) });
    stack.push(() => database.destroy());
    await database.migrate();

    const hasher = new PasswordHasher(deps.passwordCost === undefined ? {} : { cost: deps.passwordCost });
    await seedDatabase({ database, hasher, initialRootPassword: deps.initialRootPassword, print: deps.print ?? ((t) => process.stdout.write(t)), now });

    const users = new UserRepository({ database, now });
    const revokedSessions = new RevokedSessionRepository({ database, now });
    const schedulerClusters = new SchedulerClusterRepository({ database, now });
    const seedPeerClusters = new SeedPeerClusterRepository({ database, now });
    const schedulers = new SchedulerRepository({ database, now });
    const seedPeers = new SeedPeerRepository({ database, now });
    const applications = new ApplicationRepository({ database, now });
    const patRepository = new PersonalAccessTokenRepository({ database, now });

    const tlsFiles = config.server.rest.tls;
    const restTls = tlsFiles.cert === '' ? undefined : { cert: readFileSync(tlsFiles.cert), key: readFileSync(tlsFiles.key) };
    const rest = await createRestServer({
      logger: log,
      options: {
        realm: config.auth.jwt.realm,
        jwtKey: jwtKey.key,
        tls: restTls,
        bodyLimitBytes: config.server.rest.bodyLimit,
        allowedOrigins: config.server.rest.cors.allowedOrigins,
        requestRateLimit: { global: config.server.rest.requestRateLimit, perClient: config.server.rest.requestRateLimitPerClient },
      },
    });
    stack.push(() => rest.app.close());
    // counted always (cheap); served on metrics.addr only when metrics.enable
    const metrics = new ManagerMetrics();
    metrics.instrument(rest.app);

    const schedulerService = new SchedulerService({ schedulers, clusters: schedulerClusters });
    const schedulerClusterService = new SchedulerClusterService({ clusters: schedulerClusters, schedulers, seedPeerClusters });
    const seedPeerClusterService = new SeedPeerClusterService({ clusters: seedPeerClusters, seedPeers, schedulerClusters });
    const seedPeerService = new SeedPeerService({ seedPeers, clusters: seedPeerClusters });

    const tokens = new TokenService({ jwt: rest.jwt, users, revokedSessions, timeoutMs: config.auth.jwt.timeout, maxRefreshMs: config.auth.jwt.maxRefresh, now });
    const grpcTls = deps.grpcTls ?? TlsSource.fromDir(config.server.grpc.tlsDir, { logger: log.child({ component: 'tls' }) });
    grpcTls.start();
    stack.push(() => grpcTls.stop());
    metrics.tls.trackCertificate(grpcTls, 'grpc');

    // Jobs: preheat resolves images through the guarded egress client, then drives peers over mTLS
    // with this manager's certificate (role manager).
    const preheat = config.job.preheat;
    const egress = new EgressClient({
      options: { allow: preheat.allowList, maxRedirects: preheat.maxRedirects, tls: preheat.tls, totalTimeoutMs: preheat.registryTimeout },
      logger: log.child({ component: 'egress' }),
    });
    stack.push(() => egress.close());
    const jobRepository = new JobRepository({ database, now });
    const jobTargets = new JobTargetRepository({ database });
    const peerRpc = new PeerRpc({ tls: grpcTls });
    const peerDirectory = new PeerDirectory({ targets: jobTargets, rpc: peerRpc });
    const taskJob = (mode: 'get' | 'delete') => new TaskExecutor({ mode, directory: peerDirectory, rpc: peerRpc, maxPeers: config.job.maxPeers, timeoutMs: preheat.timeout });
    const jobRunner = new JobRunner({
      jobs: jobRepository,
      logger: log,
      concurrency: config.job.concurrency,
      now,
      executors: {
        preheat: new PreheatExecutor({
          resolver: new ImageManifestResolver({ client: egress, maxBlobs: preheat.maxBlobs }),
          directory: peerDirectory,
          rpc: peerRpc,
          options: {
            maxPeers: config.job.maxPeers,
            defaultPlatform: preheat.platform,
            certificateChain: readCaCert(preheat.tls.caCert).flatMap((pem) => certificateDers(pem)),
            insecureSkipVerify: preheat.tls.insecureSkipVerify,
            timeoutMs: preheat.timeout,
          },
        }),
        get_task: taskJob('get'),
        delete_task: taskJob('delete'),
      },
    });
    await jobRunner.start();
    stack.push(() => jobRunner.stop());
    const jobGc = new JobGc({ jobs: jobRepository, logger: log, intervalMs: config.job.gc.interval, ttlMs: config.job.gc.ttl, now });
    jobGc.start();
    stack.push(() => Promise.resolve(jobGc.stop()));
    const jobService = new JobService({
      jobs: jobRepository,
      targets: jobTargets,
      queue: jobRunner,
      egress,
      rateLimiter: new JobRateLimiter({ now }),
      limits: { maxBlobs: preheat.maxBlobs, maxPeers: config.job.maxPeers },
    });

    registerRestApi(
      rest.app,
      rest.routes,
      {
        database,
        tokens,
        users: new UserService({ users, hasher, tokens, throttle: new SignInThrottle({ ...(deps.signInLimits === undefined ? {} : { limits: deps.signInLimits }), now }) }),
        personalAccessTokens: new PersonalAccessTokenService({ tokens: patRepository, users, now }),
        schedulerClusters: schedulerClusterService,
        seedPeerClusters: seedPeerClusterService,
        clusters: new ClusterService({ schedulerClusters: schedulerClusterService, seedPeerClusters: seedPeerClusterService }),
        schedulers: schedulerService,
        seedPeers: seedPeerService,
        applications: new ApplicationService({ applications }),
        jobs: jobService,
      },
      { version: VERSION, console: { realm: config.auth.jwt.realm, maxRefreshMs: config.auth.jwt.maxRefresh } },
    );

    const schedulerKeepAlive = new KeepAliveTracker({ store: schedulers, logger: log, kind: 'scheduler' });
    const seedPeerKeepAlive = new KeepAliveTracker({ store: seedPeers, logger: log, kind: 'seed-peer' });
    // Runs after the gRPC server stopped (reverse order): streams it cut are marked inactive before the database closes.
    stack.push(() => Promise.all([schedulerKeepAlive.settle(), seedPeerKeepAlive.settle()]).then(() => undefined));
    const grpcServer = new ManagerGrpcServer({
      logger: log,
      tls: grpcTls,
      handlers: managerHandlers({
        logger: log,
        schedulers: schedulerService,
        seedPeers: seedPeerService,
        applications,
        schedulerKeepAlive,
        seedPeerKeepAlive,
      }),
      options: {
        listenIP: config.server.grpc.listenIP,
        port: config.server.grpc.port,
        requestRateLimit: { global: config.server.grpc.requestRateLimit, perClient: config.server.grpc.requestRateLimitPerClient },
      },
      interceptors: [metrics.grpc.interceptor({ server: 'manager' })],
      onBound: (server) => metrics.tls.watchGrpcServer(server, 'grpc'),
    });
    const grpcPort = await grpcServer.start();
    stack.push(() => grpcServer.stop());
    // grpc.health.v1 tells the truth: a manager without its database cannot answer schedulers
    const healthTimer = setInterval(() => {
      database.ping().then(
        () => grpcServer.setServing(true),
        (err: unknown) => {
          log.warn({ err }, 'database unreachable: gRPC health NOT_SERVING');
          grpcServer.setServing(false);
        },
      );
    }, deps.healthCheckIntervalMs ?? 10_000);
    healthTimer.unref();
    stack.push(() => Promise.resolve(clearInterval(healthTimer)));

    const pruner = new RevokedSessionPruner({ sessions: revokedSessions, logger: log });
    pruner.start();
    stack.push(() => Promise.resolve(pruner.stop()));

    const schedulerGc = new SchedulerGc({ schedulers, logger: log, intervalMs: deps.schedulerGcIntervalMs ?? 10_000, now });
    schedulerGc.start();
    stack.push(() => Promise.resolve(schedulerGc.stop()));

    const restAddr = parseListenAddress(config.server.rest.addr);
    await rest.app.listen({ host: restAddr.host, port: restAddr.port });
    const bound = rest.app.server.address();
    const boundPort = typeof bound === 'object' && bound !== null ? bound.port : restAddr.port;
    if (restTls !== undefined) {
      metrics.tls.watchServer(rest.app.server as unknown as TlsServer, 'rest');
      const reloader = new RestTlsReloader({
        server: rest.app.server as unknown as TlsServer,
        certFile: tlsFiles.cert,
        keyFile: tlsFiles.key,
        initial: restTls,
        logger: log,
        ...(deps.restTlsReloadIntervalMs === undefined ? {} : { intervalMs: deps.restTlsReloadIntervalMs }),
      });
      reloader.start();
      stack.push(() => Promise.resolve(reloader.stop()));
    }
    const restUrl = `${tlsFiles.cert === '' ? 'http' : 'https'}://${restAddr.host === '0.0.0.0' ? '127.0.0.1' : restAddr.host}:${boundPort}`;
    log.info({ url: restUrl }, 'manager REST API listening');

    let metricsPort = 0;
    if (config.metrics.enable) {
      const metricsServer = new MetricsHttpServer({ registry: metrics.registry, addr: config.metrics.addr, logger: log });
      metricsPort = await metricsServer.start();
      stack.push(() => metricsServer.stop());
    }

    return { rest: rest.app, restRoutes: rest.routes, restUrl, database, grpcPort, metricsPort, schedulerGc, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function runCli(argv: readonly string[]): Promise<void> {
  const i = argv.indexOf('--config');
  const file = i >= 0 ? argv[i + 1] : DEFAULT_CONFIG_PATH;
  if (file === undefined) exitOnConfigError(new Error('--config needs a file path'));
  let config: ManagerConfig;
  try {
    config = loadConfig(file, managerConfigSchema, { optional: i < 0, env: { prefix: 'DRAGONFLY_MANAGER' } });
  } catch (err) {
    if (err instanceof ConfigError) exitOnConfigError(err);
    throw err;
  }
  const logger = createLogger({ name: 'manager', level: config.server.logLevel });
  let running: RunningManager;
  let tracing: Tracing;
  try {
    // before the manager: its spans go through the SDK when tracing.endpoint is set
    tracing = await startTracing({ serviceName: 'manager', config: config.tracing, logger });
    running = await startManager(config, { logger, initialRootPassword: process.env.DRAGONFLY_INITIAL_ROOT_PASSWORD });
  } catch (err) {
    if (err instanceof JwtKeyError) exitOnConfigError(err);
    logger.fatal({ err }, 'manager failed to start');
    process.exit(1);
  }
  stopOnSignals(() => running.stop().then(() => tracing.shutdown()), { log: logger });
}

// Runs only as the `manager` binary (bin/manager.js imports this file); tests import startManager.
if (process.argv[1] !== undefined && /(?:^|[\\/])(?:manager|main)(?:\.[cm]?js)?$/.test(process.argv[1])) {
  await runCli(process.argv.slice(2));
}
