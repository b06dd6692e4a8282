import { trace, type Tracer } from '@opentelemetry/api';

/** Instrumentation scope of every span this project makes. */
export const TRACER_NAME = 'dragonfly';

/**
 * The tracer of the globally registered provider. Without `startTracing` (no tracing.endpoint)
 * this is the API's no-op tracer: spans are non-recording and nothing is exported.
 */
export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}
