import { createLogger } from '@d7y/logger';
import { context, SpanStatusCode, startTracing, trace, tracer, tracingConfigSchema } from '@d7y/telemetry';
import { runDfget } from './run-dfget.js';

// The dfget binary (bin/dfget.js imports this module).
// DFGET_TRACING_ENDPOINT=host:port exports this download's trace over OTLP/HTTP (dfget is the
// root span; dfdaemon, scheduler and parents continue it). Unset: no tracing SDK is loaded.
const tracingConfig = tracingConfigSchema.safeParse({ endpoint: process.env.DFGET_TRACING_ENDPOINT ?? '' });
if (!tracingConfig.success) {
  process.stderr.write(`dfget: DFGET_TRACING_ENDPOINT: ${tracingConfig.error.issues[0]?.message ?? 'invalid'}\n`);
  process.exit(2);
}
const tracing = await startTracing({ serviceName: 'dfget', config: tracingConfig.data, logger: createLogger({ name: 'dfget', level: 'silent' }) });
const span = tracer().startSpan('dfget');
const code = await context.with(trace.setSpan(context.active(), span), () =>
  runDfget(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }),
);
if (code !== 0) span.setStatus({ code: SpanStatusCode.ERROR, message: `exit ${code}` });
span.end();
await tracing.shutdown();
process.exitCode = code;
