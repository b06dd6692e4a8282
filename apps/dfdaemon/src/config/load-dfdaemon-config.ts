import { loadConfig } from '@d7y/config';
import { DFDAEMON_ENV_PREFIX, dfdaemonConfigSchema, type DfdaemonConfig } from './dfdaemon-config.js';

/**
 * dfdaemon.yaml with environment overrides DRAGONFLY_DFDAEMON_<KEY>__<NESTED> applied over it
 * (the compose files keep the proxy password out of the file that way). `env` defaults to the
 * process environment. Throws ConfigError naming the file, key or variable at fault.
 */
export function loadDfdaemonConfig(file: string, opts: { optional: boolean; env?: Readonly<Record<string, string | undefined>> }): Readonly<DfdaemonConfig> {
  return loadConfig(file, dfdaemonConfigSchema, { optional: opts.optional, env: { prefix: DFDAEMON_ENV_PREFIX, ...(opts.env === undefined ? {} : { vars: opts.env }) } });
}
