import { hostname as osHostname } from 'node:os';
import { isIP } from 'node:net';
import { byteSize, duration, z } from '@d7y/config';
import { tracingConfigSchema } from '@d7y/telemetry';

// scheduler.yaml, with upstream's keys (internals §3.7) where upstream has them. Units: durations
// are written "500ms"/"30s"/"1h" and held in milliseconds; sizes "4MiB" and held in bytes.

const ip = z.string().refine((v) => isIP(v) !== 0, { message: 'expected an IPv4 or IPv6 address' });
const port = z.number().int().min(0).max(65535);
const positiveInt = z.number().int().min(1);

const server = z
  .object({
    /** gRPC port (upstream 8002); 0 picks a free port. */
    port: port.default(8002),
    /** Address the gRPC server binds. */
    listenIP: ip.default('0.0.0.0'),
    /** Address announced to the manager (what daemons dial). */
    advertiseIP: ip.default('127.0.0.1'),
    /** Port announced to the manager; defaults to `port`. */
    advertisePort: port.optional(),
    /** This scheduler's hostname as announced to the manager; defaults to the OS hostname. */
    host: z.string().min(1).max(253).optional(),
    /** RPC calls per second accepted from all clients together (upstream 4000). */
    requestRateLimit: positiveInt.default(4000),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Holds the manager's last good dynconfig answer (dynconfig.json, 0600; the directory 0700). Upstream's data dir; systemd's StateDirectory. */
    dataDir: z.string().min(1).default('/var/lib/dragonfly/scheduler'),
  })
  .prefault({});

/** Upstream's dynConfig: how often the manager's cluster config is read again (GetScheduler). */
const dynConfig = z
  .object({
    refreshInterval: duration().prefault('1m'),
  })
  .prefault({});

const gc = z
  .object({
    pieceDownloadTimeout: duration().prefault('30m'),
    peerGCInterval: duration().prefault('10s'),
    peerTTL: duration().prefault('24h'),
    taskGCInterval: duration().prefault('30m'),
    hostGCInterval: duration().prefault('5m'),
    hostTTL: duration().prefault('1h'),
  })
  .prefault({});

const scheduler = z
  .object({
    /** Only the default (load-aware) evaluator exists here; upstream's Go plugins do not apply. */
    algorithm: z.enum(['default']).default('default'),
    /** Peers of one task allowed at the source at once (upstream 200). */
    backToSourceCount: z.number().int().min(0).default(200),
    /** Scheduling rounds before a peer is sent to the source (upstream 4). */
    retryBackToSourceLimit: z.number().int().min(0).max(100).default(4),
    /** Scheduling rounds before giving up with FailedPrecondition (upstream 5). */
    retryLimit: z.number().int().min(1).max(100).default(5),
    /** Wait between rounds, ±25 % jitter (upstream 500ms). */
    retryInterval: duration().prefault('500ms'),
    /** Wait for a triggered seed peer before rounds count against the limits above (not upstream). */
    seedPeerWait: duration().prefault('5s'),
    /** Parents per NormalTaskResponse (upstream cluster config candidate_parent_limit, 1–20). */
    candidateParentLimit: z.number().int().min(1).max(20).default(3),
    /** Peers sampled per scheduling round (upstream filter_parent_limit, 10–1000). */
    filterParentLimit: z.number().int().min(1).max(1000).default(15),
    /** Children a normal host serves at once (upstream client load_limit 200). */
    peerLoadLimit: z.number().int().min(1).max(100_000).default(200),
    gc,
  })
  .prefault({});

const seedPeer = z
  .object({
    /** Trigger seed peers (hosts announced as type super) for first downloads. */
    enable: z.boolean().default(true),
    /** Children a seed host serves at once (upstream 2000). */
    loadLimit: z.number().int().min(1).max(100_000).default(2000),
    /** Health-check period of seed hosts (upstream 30s). */
    healthCheckInterval: duration().prefault('30s'),
    /** After a seed failed a task, peers go to the source for this long (upstream 30m). */
    failedTimeout: duration().prefault('30m'),
    /** Longest a triggered seed download may run (upstream 10h). */
    taskDownloadTimeout: duration().prefault('10h'),
  })
  .prefault({});

const manager = z
  .object({
    /** host:port of the manager's gRPC; empty = standalone (no registration). */
    addr: z.string().default(''),
    schedulerClusterID: z.number().int().min(1).default(1),
    keepAlive: z.object({ interval: duration().prefault('5s') }).prefault({}),
  })
  .prefault({});

const security = z
  .object({
    /** Directory with ca.crt, tls.crt, tls.key (as `dfcert` writes it); re-read when files change. */
    tlsDir: z.string().min(1).default('/etc/dragonfly/certs/scheduler'),
    /** How often tlsDir is checked for rotated files. */
    reloadInterval: duration().prefault('5s'),
  })
  .prefault({});

const host = z
  .object({
    idc: z.string().max(256).default(''),
    location: z.string().max(256).default(''),
  })
  .prefault({});

/** Per-identity limits (an identity is the role and hostname of a client certificate). */
const limits = z
  .object({
    hostsPerIdentity: positiveInt.default(16),
    peersPerIdentity: positiveInt.default(20_000),
    /** Tasks held at once, all identities together. */
    maxTasks: positiveInt.default(100_000),
    /** Calls plus AnnouncePeer messages per second per identity. */
    requestRateLimitPerIdentity: positiveInt.default(2000),
    requestBurstPerIdentity: positiveInt.default(4000),
    /** Largest gRPC message accepted. */
    maxMessageSize: byteSize().prefault('4MiB'),
    /** AnnouncePeer messages queued on one stream before it is paused. */
    maxQueuedMessagesPerStream: positiveInt.default(64),
  })
  .prefault({});

const metrics = z
  .object({
    enable: z.boolean().default(false),
    /** host:port of the Prometheus /metrics endpoint (plain HTTP). */
    addr: z.string().default('127.0.0.1:8000'),
  })
  .prefault({});

export const schedulerConfigSchema = z.object({ server, scheduler, seedPeer, manager, dynConfig, security, host, limits, metrics, tracing: tracingConfigSchema });

export type SchedulerConfig = z.output<typeof schedulerConfigSchema>;

export const DEFAULT_CONFIG_PATH = '/etc/dragonfly/scheduler.yaml';

/** The scheduler's hostname: server.host, else the OS hostname. */
export function schedulerHostname(config: SchedulerConfig): string {
  return config.server.host ?? osHostname();
}
