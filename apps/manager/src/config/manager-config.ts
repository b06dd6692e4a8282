import { byteSize, duration, z } from '@d7y/config';
import { EgressPolicy } from '@d7y/egress';
import { tracingConfigSchema } from '@d7y/telemetry';

// manager.yaml: upstream's keys (internals §4.9) and defaults unless a comment says otherwise.
// Durations are milliseconds and sizes bytes after parsing ("48h", "1MiB" in YAML).

const port = z.number().int().min(0).max(65535);
const rate = z.number().int().positive();

const restSchema = z
  .strictObject({
    /** host:port or :port. */
    addr: z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):\d{1,5}$/, 'an address like ":8080" or "127.0.0.1:8080"').default(':8080'),
    /** PEM files; both set → HTTPS. */
    tls: z
      .strictObject({ cert: z.string().default(''), key: z.string().default('') })
      .refine((t) => (t.cert === '') === (t.key === ''), { message: 'set both cert and key, or neither' })
      .prefault({}),
    /** Ours: largest request body (upstream has none). */
    bodyLimit: byteSize().default(1024 * 1024),
    /** Ours: requests per second for all clients, and per client IP; excess → 429 at once. */
    requestRateLimit: rate.default(4000),
    requestRateLimitPerClient: rate.default(200),
    /** Ours: origins granted CORS; none by default (upstream echoes any origin). */
    cors: z.strictObject({ allowedOrigins: z.array(z.url()).default([]) }).prefault({}),
  })
  .prefault({});

const grpcSchema = z
  .strictObject({
    advertiseIP: z.string().default(''),
    listenIP: z.string().default('0.0.0.0'),
    port: z.strictObject({ start: port.default(65003), end: port.default(65003) }).prefault({}),
    /** Server identity in dfcert layout (ca.crt, tls.crt, tls.key); clients must present a certificate of this CA. */
    tlsDir: z.string().min(1).default('/etc/dragonfly/certs/manager'),
    requestRateLimit: rate.default(4000),
    requestRateLimitPerClient: rate.default(400),
  })
  .prefault({});

const serverSchema = z
  .strictObject({
    name: z.string().default('d7y/manager'),
    /** Ours: where the SQLite file and the generated JWT key live (mode 0700). */
    dataDir: z.string().min(1).default('/var/lib/dragonfly/manager'),
    logDir: z.string().default(''),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    rest: restSchema,
    grpc: grpcSchema,
  })
  .prefault({});

const authSchema = z
  .strictObject({
    jwt: z
      .strictObject({
        realm: z.string().min(1).default('Dragonfly'),
        /** Used literally as the HMAC-SHA256 secret. Empty → generated and kept in <dataDir>/jwt.key. */
        key: z.string().default(''),
        /** Docs/Helm default 48h (upstream code: 14 days). */
        timeout: duration().default(48 * 3_600_000),
        /** Upstream code default: 7 days. */
        maxRefresh: duration().default(7 * 24 * 3_600_000),
      })
      .prefault({}),
  })
  .prefault({});

const sqlServer = (defaultPort: number) => ({
  user: z.string().default('dragonfly'),
  password: z.string().default(''),
  host: z.string().default('127.0.0.1'),
  port: port.default(defaultPort),
  dbname: z.string().regex(/^[A-Za-z0-9_]+$/, 'letters, digits and _').default('manager'),
  /** Accepted as upstream; migrations always run at start (they are versioned and idempotent). */
  migrate: z.boolean().default(true),
});

const databaseSchema = z
  .strictObject({
    /** Ours: sqlite is the default (a file under server.dataDir); mysql/mariadb/postgres as upstream. */
    type: z.enum(['sqlite', 'mysql', 'mariadb', 'postgres']).default('sqlite'),
    sqlite: z.strictObject({ path: z.string().default('') }).prefault({}),
    mysql: z.strictObject({ ...sqlServer(3306), tls: z.boolean().default(false) }).prefault({}),
    postgres: z
      .strictObject({ ...sqlServer(5432), sslMode: z.enum(['disable', 'require', 'verify-full']).default('disable'), timezone: z.string().default('UTC') })
      .prefault({}),
    /** Accepted for upstream compatibility; preheat jobs (not Redis) use it later. */
    redis: z
      .strictObject({
        addrs: z.array(z.string()).default([]),
        masterName: z.string().default(''),
        username: z.string().default(''),
        password: z.string().default(''),
        db: z.number().int().nonnegative().default(0),
        brokerDB: z.number().int().nonnegative().default(1),
        backendDB: z.number().int().nonnegative().default(2),
      })
      .prefault({}),
  })
  .prefault({});

const allowListEntry = z.string().superRefine((entry, ctx) => {
  const problem = EgressPolicy.entryProblem(entry);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

const jobSchema = z
  .strictObject({
    /** Ours: most peers one job may drive (more → 400, or the job fails). */
    maxPeers: z.number().int().positive().max(100_000).default(1000),
    /** Ours: jobs run at once; later ones wait in order. */
    concurrency: z.number().int().positive().max(64).default(4),
    preheat: z
      .strictObject({
        registryTimeout: duration().default(60_000),
        tls: z.strictObject({ insecureSkipVerify: z.boolean().default(false), caCert: z.string().default('') }).prefault({}),
        /** Ours: most blobs an image (or URLs a file preheat) may have. */
        maxBlobs: z.number().int().positive().max(100_000).default(256),
        /** Ours: image platform when a job names none (upstream: the manager's own). */
        platform: z.string().regex(/^[a-z0-9_.-]+\/[a-z0-9_.-]+(\/[a-z0-9_.-]+)?$/, 'os/arch[/variant], e.g. linux/amd64').default('linux/amd64'),
        /** Ours: non-public destinations preheat may reach (CIDRs, host names, "*.corp"); none by default. */
        allowList: z.array(allowListEntry).default([]),
        /** Ours: redirects followed per registry request. */
        maxRedirects: z.number().int().min(0).max(20).default(5),
        /** Ours: a preheat job's default timeout (upstream 60 min). */
        timeout: duration().default(3_600_000),
      })
      .prefault({}),
    gc: z.strictObject({ interval: duration().default(3 * 3_600_000), ttl: duration().default(6 * 3_600_000) }).prefault({}),
  })
  .prefault({});

export const managerConfigSchema = z.strictObject({
  server: serverSchema,
  auth: authSchema,
  database: databaseSchema,
  job: jobSchema,
  /** Prometheus /metrics (upstream :8000, off by default); loopback unless configured. */
  metrics: z.strictObject({ enable: z.boolean().default(false), addr: z.string().default('127.0.0.1:8000') }).prefault({}),
  /** OpenTelemetry export (OTLP/HTTP); off while tracing.endpoint is empty. */
  tracing: tracingConfigSchema,
  network: z.strictObject({ enableIPv6: z.boolean().default(false) }).prefault({}),
});

export type ManagerConfig = z.output<typeof managerConfigSchema>;
export const DEFAULT_CONFIG_PATH = '/etc/dragonfly/manager.yaml';
