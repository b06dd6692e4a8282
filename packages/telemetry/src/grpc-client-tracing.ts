import * as grpc from '@grpc/grpc-js';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { metadataSetter } from './grpc-metadata-carrier.js';
import { tracer } from './tracer.js';

/**
 * Client interceptor: a CLIENT span per call, child of the active context, and its context sent
 * as `traceparent` metadata. With no tracing SDK registered the span is the API's no-op and
 * nothing is added to the metadata.
 */
export const grpcClientTracing: grpc.Interceptor = (options, nextCall) => {
  const path = options.method_definition.path;
  const slash = path.lastIndexOf('/');
  const service = path.slice(1, slash);
  const method = path.slice(slash + 1);
  const parent = context.active();
  const span = tracer().startSpan(
    `${service}/${method}`,
    { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method } },
    parent,
  );
  const ctx = trace.setSpan(parent, span);
  return new grpc.InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      propagation.inject(ctx, metadata, metadataSetter);
      next(metadata, {
        onReceiveStatus(status, proceed) {
          span.setAttribute('rpc.grpc.status_code', status.code);
          if (status.code !== grpc.status.OK) span.setStatus({ code: SpanStatusCode.ERROR, message: status.details });
          span.end();
          proceed(status);
        },
      });
    },
  });
};

/** Channel options adding the tracing interceptor (merge into a client factory's options). */
export function tracingClientOptions(): { interceptors: grpc.Interceptor[] } {
  return { interceptors: [grpcClientTracing] };
}
