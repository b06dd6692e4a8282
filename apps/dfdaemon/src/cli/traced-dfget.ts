import { GrpcCallError, GrpcStatus } from '@d7y/rpc/dfdaemon-download-h2';
import { createLogger } from '@d7y/logger';
import { context, injectTraceHeaders, SpanKind, SpanStatusCode, startTracing, trace, tracer, tracingConfigSchema } from '@d7y/telemetry';
import { runDfget, type CallWrapper } from './run-dfget.js';

const SERVICE = 'dfdaemon.v2.DfdaemonDownload';
const METHOD = 'DownloadTask';

/** The call to the daemon as a CLIENT span under the active one, its context sent as `traceparent`. */
const tracedCall: CallWrapper = async (call) => {
  const span = tracer().startSpan(`${SERVICE}/${METHOD}`, {
    kind: SpanKind.CLIENT,
    attributes: { 'rpc.system': 'grpc', 'rpc.service': SERVICE, 'rpc.method': METHOD },
  });
  try {
    const result = await call(injectTraceHeaders({}, trace.setSpan(context.active(), span)));
    span.setAttribute('rpc.grpc.status_code', GrpcStatus.OK);
    return result;
  } catch (err) {
    span.setAttribute('rpc.grpc.status_code', err instanceof GrpcCallError ? err.code : GrpcStatus.UNKNOWN);
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof GrpcCallError ? err.details : String(err) });
    throw err;
  } finally {
    span.end();
  }
};

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
  const code = await context.with(trace.setSpan(context.active(), span), () => runDfget(argv, io, { wrapCall: tracedCall }));
  if (code !== 0) span.setStatus({ code: SpanStatusCode.ERROR, message: `exit ${code}` });
  span.end();
  await tracing.shutdown();
  return code;
}
