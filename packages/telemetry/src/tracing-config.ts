import { z } from '@d7y/config';

/**
 * `tracing:` section shared by manager, scheduler and dfdaemon configs (upstream keys: protocol,
 * endpoint, path, headers). Only OTLP over HTTP(S) is supported; upstream's `grpc` protocol is
 * refused with a message saying so.
 */
export const tracingConfigSchema = z
  .strictObject({
    /** OTLP transport: http or https (OTLP/HTTP JSON). */
    protocol: z.enum(['http', 'https'], { message: 'expected http or https (OTLP over gRPC is not supported)' }).default('http'),
    /** host:port of the OTLP receiver; empty = tracing off (no SDK loaded). */
    endpoint: z
      .string()
      .regex(/^$|^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, { message: 'expected host:port (without a scheme)' })
      .default(''),
    /** URL path of the traces endpoint. */
    path: z.string().startsWith('/', { message: 'expected a path starting with /' }).default('/v1/traces'),
    /** Extra headers sent to the receiver (e.g. an authorization token; never logged). */
    headers: z.record(z.string(), z.string()).default({}),
  })
  .prefault({});

export type TracingConfig = z.output<typeof tracingConfigSchema>;
