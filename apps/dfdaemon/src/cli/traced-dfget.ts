import { createLogger } from '@d7y/logger';
import { context, SpanStatusCode, startTracing, trace, tracer, tracingClientOptions, tracingConfigSchema } from '@d7y/telemetry';
import { runDfget } from './run-dfget.js';

/** dfget as the root span of its download's trace, exported over OTLP/HTTP to `endpoint`. */
export async function runTracedDfget(
  argv: readonly string[],
  io: Parameters<typeof runDfget>[1],
  endpoint: string,
): Promise<number> {
  const tracingConfig = tracingConfigSchema.safeParse({ endpoint });
  if (!tracingConfig.success) {
    io.stderr.write(`dfget: DFGET_TRACING_ENDPOINT: ${tracingConfig.error.issues[0]?.message ?? 'invalid'}\n`);
    return 2;
  }
  const tracing = await startTracing({ serviceName: 'dfget', config: tracingConfig.data, logger: createLogger({ name: 'dfget', level: 'silent' }) });
  const span = tracer().startSpan('dfget');
  const code = await context.with(trace.setSpan(context.active(), span), () => runDfget(argv, io, { channelOptions: tracingClientOptions() }));
  if (code !== 0) span.setStatus({ code: SpanStatusCode.ERROR, message: `exit ${code}` });
  span.end();
  await tracing.shutdown();
  return code;
}
