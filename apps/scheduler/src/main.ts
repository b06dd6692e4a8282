import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { exitOnConfigError, loadConfig } from '@d7y/config';
import { stopOnSignals } from '@d7y/core';
import { createLogger } from '@d7y/logger';
import { startTracing } from '@d7y/telemetry';
import { TlsSource } from '@d7y/tls';
import { createSchedulerApp } from './app.js';
import { DEFAULT_CONFIG_PATH, schedulerConfigSchema } from './config/config.js';

const USAGE = `Usage: scheduler [--config ${DEFAULT_CONFIG_PATH}]

Runs the Dragonfly scheduler (gRPC scheduler.v2.Scheduler over mutual TLS).
  -c, --config <file>  scheduler.yaml (default ${DEFAULT_CONFIG_PATH}; missing default file = built-in defaults)
  -h, --help           this text
Environment: DRAGONFLY_SCHEDULER_<SECTION>__<KEY> overrides a config key (e.g. DRAGONFLY_SCHEDULER_SERVER__PORT=8002).`;

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({ options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const file = args.values.config ?? DEFAULT_CONFIG_PATH;
  let config;
  try {
    config = loadConfig(file, schedulerConfigSchema, { optional: args.values.config === undefined, env: { prefix: 'DRAGONFLY_SCHEDULER' } });
  } catch (err) {
    exitOnConfigError(err);
  }
  const logger = createLogger({ name: 'scheduler', level: config.server.logLevel });
  let tls: TlsSource;
  try {
    tls = TlsSource.fromDir(resolve(config.security.tlsDir), { logger, pollIntervalMs: config.security.reloadInterval });
  } catch (err) {
    process.stderr.write(`security.tlsDir: ${(err as Error).message}\n(create it with: dfcert init --dir <dir>, then point security.tlsDir at <dir>/scheduler)\n`);
    process.exit(1);
  }
  // before the app: its spans go through the SDK when tracing.endpoint is set
  const tracing = await startTracing({ serviceName: 'scheduler', config: config.tracing, logger });
  const app = createSchedulerApp(config, { logger, tls });
  stopOnSignals(() => app.stop().then(() => tracing.shutdown()), { log: logger });
  try {
    await app.start();
  } catch (err) {
    logger.fatal({ err }, 'scheduler failed to start');
    await app.stop().catch(() => undefined);
    process.exit(1);
  }
}

void main();
