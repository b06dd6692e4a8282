import { isIP } from 'node:net';
import { byteSize, z } from '@d7y/config';

// Upstream's keys (internals §5.4, security-internals §1.6–1.7). Ours where a comment says so.

const port = z.number().int().min(0).max(65535);

const basicAuthSchema = z.strictObject({
  /** Upstream's validator: 1–20 characters each. Ours allows longer passwords (up to 256). */
  username: z.string().min(1).max(64).refine((u) => !u.includes(':'), { message: 'username must not contain ":"' }),
  password: z.string().min(1).max(256),
});

const ruleSchema = z.strictObject({
  /** Matched against the request URL without its query. */
  regex: z.string().min(1).refine(isValidRegex, { message: 'regex must be a valid JavaScript regular expression' }),
  /** Fetch the P2P task over https even when the client spoke http. */
  useTLS: z.boolean().default(false),
  /** Replaces the authority (host[:port]) of the URL fetched through P2P. */
  redirect: z.string().min(1).optional(),
  /** Query parameters left out of the task ID; absent → the default list. */
  filteredQueryParams: z.array(z.string().min(1)).optional(),
});

const serverSchema = z
  .strictObject({
    /** Ours: loopback by default (upstream binds 0.0.0.0 with optional auth: an open proxy). */
    ip: z.string().refine((ip) => isIP(ip) !== 0, { message: 'ip must be an IPv4 or IPv6 address' }).default('127.0.0.1'),
    port: port.default(4001),
    /** PEM file paths of the interception CA; both or neither. Neither → a CA is generated once and persisted. */
    caCert: z.string().min(1).optional(),
    caKey: z.string().min(1).optional(),
    basicAuth: basicAuthSchema.optional(),
    /** Requests per second, whole proxy (upstream's code default). */
    requestRateLimit: z.number().int().positive().default(4000),
    /** Ours: requests per second per client IP. */
    requestRateLimitPerClient: z.number().int().positive().default(400),
  })
  .prefault({})
  .refine((s) => (s.caCert === undefined) === (s.caKey === undefined), { message: 'caCert and caKey must be set together' })
  .refine((s) => s.basicAuth !== undefined || isLoopback(s.ip), {
    message: 'a proxy listening beyond loopback needs proxy.server.basicAuth (it would be an open proxy)',
  });

const registryMirrorSchema = z
  .strictObject({
    addr: z
      .string()
      .default('https://index.docker.io')
      .refine((a) => /^https?:\/\/[^/?#]+\/?$/.test(a) && URL.canParse(a), { message: 'addr must be http(s)://host[:port]' }),
    /** PEM file of a CA trusted (besides the system roots) for upstream https. */
    cert: z.string().min(1).optional(),
    /** Skip certificate verification for the registry mirror host only (a warning is logged). */
    insecureSkipVerify: z.boolean().default(false),
  })
  .prefault({});

export const proxyConfigSchema = z
  .strictObject({
    server: serverSchema,
    rules: z.array(ruleSchema).default([{ regex: 'blobs/sha256.*', useTLS: false }]),
    registryMirror: registryMirrorSchema,
    disableBackToSource: z.boolean().default(false),
    /** On a ranged request, also fetch the whole task in the background (once per task). */
    prefetch: z.boolean().default(false),
    /** Bytes per second. Accepted for upstream compatibility; prefetches share the download limiter. */
    prefetchBandwidthLimit: byteSize().default(10_000_000_000),
  })
  .prefault({});

export type ProxyConfig = z.output<typeof proxyConfigSchema>;
export type ProxyRuleConfig = ProxyConfig['rules'][number];

function isValidRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.');
}
