import { parseArgs } from 'node:util';
import { ConfigError, exitOnConfigError } from '@d7y/config';
import { stopOnSignals } from '@d7y/core';
import { createLogger, LOG_LEVELS } from '@d7y/logger';
import { startTracing, type Tracing } from '@d7y/telemetry';
import { loadDfdaemonConfig } from './config/load-dfdaemon-config.js';
import { Dfdaemon } from './dfdaemon.js';

const DEFAULT_CONFIG = '/etc/dragonfly/dfdaemon.yaml';

const USAGE = `Usage: dfdaemon [--config ${DEFAULT_CONFIG}] [--log-level info]

The Dragonfly peer: downloads through P2P, serves pieces to other peers, and answers dfget on a
unix socket. Without --config, ${DEFAULT_CONFIG} is read if it exists, else built-in defaults apply.
Environment variables DRAGONFLY_DFDAEMON_<KEY>__<NESTED> override keys of the file, e.g.
DRAGONFLY_DFDAEMON_PROXY__SERVER__BASIC_AUTH__PASSWORD.
`;

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        config: { type: 'string', short: 'c' },
        'log-level': { type: 'string', short: 'l', default: 'info' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    process.stderr.write(`dfdaemon: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.values.help === true) {
    process.stdout.write(USAGE);
    return;
  }
  const level = args.values['log-level'] as string;
  if (!LOG_LEVELS.includes(level)) {
    process.stderr.write(`dfdaemon: --log-level must be one of ${LOG_LEVELS.join(', ')}\n`);
    process.exit(2);
  }
  const file = args.values.config ?? DEFAULT_CONFIG;
  let config;
  try {
    // DRAGONFLY_DFDAEMON_<KEY>__<NESTED> overrides the file (secrets such as the proxy password stay out of it)
    config = loadDfdaemonConfig(file, { optional: args.values.config === undefined });
  } catch (err) {
    if (err instanceof ConfigError) exitOnConfigError(err);
    throw err;
  }
  const logger = createLogger({ name: 'dfdaemon', level });
  let daemon: Dfdaemon;
  let tracing: Tracing;
  try {
    // first: spans of everything below go through the SDK when tracing.endpoint is set
    tracing = await startTracing({ serviceName: 'dfdaemon', config: config.tracing, logger, resourceAttributes: { 'host.name': config.host.hostname } });
    daemon = new Dfdaemon({ config, logger });
    await daemon.start();
  } catch (err) {
    logger.fatal({ err }, 'dfdaemon failed to start');
    process.stderr.write(`dfdaemon: cannot start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  stopOnSignals(() => daemon.stop().then(() => tracing.shutdown()), { log: logger });
}

void main();
