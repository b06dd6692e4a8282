import type { IncomingHttpHeaders } from 'node:http';
import { context, propagation, SpanKind, trace, type Context, type Span } from '@opentelemetry/api';
import { tracer } from './tracer.js';

/** Adds W3C trace context headers (traceparent, tracestate) of `ctx` to `headers`; returns them. */
export function injectTraceHeaders(headers: Record<string, string>, ctx: Context = context.active()): Record<string, string> {
  propagation.inject(ctx, headers);
  return headers;
}

/**
 * Starts a SERVER span for an incoming HTTP request, child of the trace context in its headers.
 * Returns the span and the context to run the handler in; the caller ends the span.
 */
export function startHttpServerSpan(name: string, headers: IncomingHttpHeaders, attributes: Record<string, string | number> = {}): { span: Span; ctx: Context } {
  const parent = propagation.extract(context.active(), headers);
  const span = tracer().startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
  return { span, ctx: trace.setSpan(parent, span) };
}
