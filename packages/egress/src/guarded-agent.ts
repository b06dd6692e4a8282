import { Agent } from 'undici';
import { EgressPolicy } from './egress-policy.js';
import { egressTlsOptions } from './egress-tls.js';
import type { EgressTlsConfig } from './egress-tls.js';
import { guardedConnector } from './guarded-connector.js';
import type { LookupFn } from './guarded-connector.js';

export interface GuardedAgentOptions {
  allow?: readonly string[];
  tls?: EgressTlsConfig;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  connections?: number;
  lookup?: LookupFn;
}

/**
 * An undici Agent whose every connection goes through the egress policy, for components that keep
 * their own request code (e.g. a source client with ranged GETs). Compose redirects with undici's
 * `interceptors.redirect`: each hop to a new origin opens a new, judged connection. Scheme checks,
 * header checks and body caps are the caller's (EgressClient does all of them).
 */
export function guardedAgent(options: GuardedAgentOptions = {}): Agent {
  return new Agent({
    connect: guardedConnector({
      policy: new EgressPolicy({ allow: options.allow ?? [] }),
      tls: egressTlsOptions(options.tls),
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
    }),
    headersTimeout: options.headersTimeoutMs ?? 30_000,
    bodyTimeout: options.bodyTimeoutMs ?? 30_000,
    connections: options.connections ?? 64,
  });
}
