import { hostname as osHostname, networkInterfaces } from 'node:os';
import { byteSize, duration, z } from '@d7y/config';
import { EgressPolicy } from '@d7y/egress';
import { tracingConfigSchema } from '@d7y/telemetry';
import { proxyConfigSchema } from '../proxy/proxy-config.js';

// Upstream's code defaults (internals §5.1) unless a comment says otherwise. Durations are
// milliseconds and sizes bytes after parsing ("30s", "50GB" in YAML).

const requestRateLimit = z.number().int().positive();

const tlsDir = z.string().min(1);

const allowListEntry = z.string().superRefine((entry, ctx) => {
  const problem = EgressPolicy.entryProblem(entry);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/** Certificates of this daemon, in `dfcert` layout: a directory with ca.crt, tls.crt, tls.key. */
const DEFAULT_TLS_DIR = '/etc/dragonfly/certs/dfdaemon';

const hostSchema = z
  .strictObject({
    /** Must equal the hostname in this daemon's certificate (the scheduler checks). */
    hostname: z.string().min(1).default(() => osHostname()),
    /** Address other peers dial; default the first non-internal IPv4, else 127.0.0.1. */
    ip: z.ipv4().or(z.ipv6()).default(() => defaultIp()),
    idc: z.string().default(''),
    location: z.string().default(''),
    schedulerClusterID: z.number().int().nonnegative().default(1),
  })
  .default(() => ({ hostname: osHostname(), ip: defaultIp(), idc: '', location: '', schedulerClusterID: 1 }));

const downloadSchema = z
  .strictObject({
    server: z
      .strictObject({
        socketPath: z.string().min(1).default('/var/run/dragonfly/dfdaemon.sock'),
        requestRateLimit: requestRateLimit.default(400),
        /** Accepted for upstream compatibility; excess requests are refused at once, never queued. */
        requestBufferSize: z.number().int().nonnegative().default(50),
      })
      .prefault({}),
    protocol: z.enum(['tcp']).default('tcp'),
    bandwidthLimit: byteSize().default(50_000_000_000),
    backToSourceBandwidthLimit: byteSize().default(50_000_000_000),
    pieceTimeout: duration().default(360_000),
    /** Ours is shorter than upstream's 360 s: an idle parent is given up in a minute. */
    collectedPieceTimeout: duration().default(60_000),
    concurrentPieceCount: z.number().int().min(1).max(64).default(8),
    /**
     * Ours: downloads asked for over the network (scheduler seed triggers, manager preheat jobs)
     * reach only public addresses, plus what allowList admits: CIDRs ("10.0.0.0/8", "127.0.0.1",
     * "fd00::/8") or host names ("registry.corp", "*.corp"). dfget and proxy requests of this
     * node's own users are not restricted.
     */
    remoteSource: z.strictObject({ allowList: z.array(allowListEntry).default([]) }).prefault({}),
  })
  .prefault({});

const uploadSchema = z
  .strictObject({
    server: z
      .strictObject({
        ip: z.string().default('0.0.0.0'),
        port: z.number().int().min(0).max(65535).default(4000),
        requestRateLimit: requestRateLimit.default(400),
        /** Per client IP (ours; upstream has only the global limit). */
        requestRateLimitPerClient: requestRateLimit.default(200),
        requestBufferSize: z.number().int().nonnegative().default(50),
        /** This daemon's server identity for :4000 and the piece server. */
        tlsDir: tlsDir.default(DEFAULT_TLS_DIR),
      })
      .prefault({}),
    client: z
      .strictObject({
        /** Identity presented to parents' servers and to the scheduler. */
        tlsDir: tlsDir.default(DEFAULT_TLS_DIR),
      })
      .prefault({}),
    disableShared: z.boolean().default(false),
    bandwidthLimit: byteSize().default(50_000_000_000),
  })
  .prefault({});

const schedulerSchema = z
  .strictObject({
    /** Static scheduler list (no manager); several → consistent hashing on the task ID. */
    addrs: z.array(z.string().min(1)).default(['127.0.0.1:8002']),
    announceInterval: duration().default(300_000),
    /** Wait for each scheduler answer; ours is seconds, upstream's 3 h stalls downloads. */
    scheduleTimeout: duration().default(10_000),
    maxScheduleCount: z.number().int().min(1).default(5),
    enableBackToSource: z.boolean().default(true),
    /** Client identity for the scheduler; default upload.client.tlsDir. */
    tlsDir: tlsDir.optional(),
  })
  .prefault({});

const managerSchema = z
  .strictObject({
    /** Manager gRPC address ("host:port"): schedulers then come from ListSchedulers. Empty = static scheduler.addrs. */
    addr: z.string().default(''),
    /** Client identity for the manager; default upload.client.tlsDir. */
    tlsDir: tlsDir.optional(),
  })
  .prefault({});

const dynconfigSchema = z
  .strictObject({
    refreshInterval: duration().default(60_000),
  })
  .prefault({});

const seedPeerSchema = z
  .strictObject({
    enable: z.boolean().default(false),
    type: z.enum(['super', 'strong', 'weak']).default('super'),
    /** The manager's seed peer cluster this seed registers in (UpdateSeedPeer). */
    clusterID: z.number().int().min(1).default(1),
    /** KeepAlive message period to the manager (upstream seed_peer.keepalive_interval). */
    keepaliveInterval: duration().default(15_000),
  })
  .prefault({});

const storageSchema = z
  .strictObject({
    server: z
      .strictObject({
        ip: z.string().default('0.0.0.0'),
        tcpPort: z.number().int().min(0).max(65535).default(4005),
      })
      .prefault({}),
    dir: z.string().min(1).default('/var/lib/dragonfly'),
    keep: z.boolean().default(false),
    /** Piece bytes are gathered into positional writes of this size. Ours: 4 MiB (measured). */
    writeBufferSize: byteSize().default(4 * 1024 * 1024),
    readBufferSize: byteSize().default(1024 * 1024),
    /**
     * Ours: back-to-source pieces go to disk with O_DIRECT (no copy into the page cache; the
     * hashing thread reads them in memory). false: buffered writes, which leave fresh pieces in
     * the page cache for serving (worth it where reads from the disk are slow).
     */
    directIO: z.boolean().default(true),
  })
  .prefault({});

const gcSchema = z
  .strictObject({
    interval: duration().default(900_000),
    policy: z
      .strictObject({
        taskTTL: duration().default(720 * 3_600_000),
        /** Logical capacity (bytes) used instead of the disk size; 0 = the real disk. */
        diskThreshold: byteSize().default(0),
        diskHighThresholdPercent: z.number().min(1).max(100).default(80),
        diskLowThresholdPercent: z.number().min(0).max(100).default(60),
      })
      .prefault({})
      .refine((p) => p.diskLowThresholdPercent < p.diskHighThresholdPercent, {
        message: 'diskLowThresholdPercent must be below diskHighThresholdPercent',
      }),
  })
  .prefault({});

const healthSchema = z
  .strictObject({
    server: z.strictObject({ ip: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(4003) }).prefault({}),
  })
  .prefault({});

/** Prometheus /metrics (upstream :4002); off unless enabled, loopback unless configured. */
const metricsSchema = z
  .strictObject({
    enable: z.boolean().default(false),
    server: z.strictObject({ ip: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(4002) }).prefault({}),
  })
  .prefault({});

export const dfdaemonConfigSchema = z.strictObject({
  host: hostSchema,
  download: downloadSchema,
  upload: uploadSchema,
  scheduler: schedulerSchema,
  manager: managerSchema,
  dynconfig: dynconfigSchema,
  seedPeer: seedPeerSchema,
  storage: storageSchema,
  gc: gcSchema,
  health: healthSchema,
  metrics: metricsSchema,
  /** OpenTelemetry export (OTLP/HTTP); off while tracing.endpoint is empty. */
  tracing: tracingConfigSchema,
  /** HTTP(S) proxy and registry mirror (:4001). */
  proxy: proxyConfigSchema,
});

export type DfdaemonConfig = z.output<typeof dfdaemonConfigSchema>;

/** Environment overrides: DRAGONFLY_DFDAEMON_<KEY>__<NESTED> (e.g. ..._PROXY__SERVER__BASIC_AUTH__PASSWORD). */
export const DFDAEMON_ENV_PREFIX = 'DRAGONFLY_DFDAEMON';

function defaultIp(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}
