import type { Logger } from '@d7y/logger';
import type { TracingConfig } from './tracing-config.js';

export interface TracingDeps {
  /** `service.name` of the exported spans (manager, scheduler, dfdaemon, dfget). */
  serviceName: string;
  config: TracingConfig;
  logger: Logger;
  /** Extra resource attributes, e.g. `host.name` (tells the spans of two dfdaemons apart). */
  resourceAttributes?: Record<string, string>;
}

export interface Tracing {
  /** False when no endpoint is configured: no SDK was loaded, the API stays a no-op. */
  readonly enabled: boolean;
  /** Exports what is buffered and stops (await before the process exits). */
  shutdown(): Promise<void>;
}

/** Span batches leave at most this often (ms); a short-lived dfget flushes on shutdown anyway. */
const EXPORT_DELAY_MS = 1000;

/**
 * Turns tracing on when `config.endpoint` is set: loads the OpenTelemetry SDK (dynamic import, so
 * a service without tracing never loads it), registers a Node tracer provider globally (W3C trace
 * context propagation, AsyncLocalStorage context) exporting over OTLP/HTTP (protobuf-free JSON) to
 * `<protocol>://<endpoint><path>`. Without an endpoint: nothing is loaded and nothing costs.
 */
export async function startTracing(deps: TracingDeps): Promise<Tracing> {
  const { config } = deps;
  if (config.endpoint === '') return { enabled: false, shutdown: () => Promise.resolve() };
  const [{ NodeTracerProvider }, { BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const url = tracingUrl(config);
  const exporter = new OTLPTraceExporter({ url, headers: { ...config.headers } });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ ...deps.resourceAttributes, 'service.name': deps.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: EXPORT_DELAY_MS })],
  });
  provider.register();
  // headers may carry credentials: log only where spans go
  deps.logger.info({ component: 'tracing', url }, 'exporting traces over OTLP/HTTP');
  return {
    enabled: true,
    async shutdown() {
      try {
        await provider.shutdown();
      } catch (err) {
        deps.logger.warn({ component: 'tracing', err }, 'could not flush traces');
      }
    },
  };
}

export function tracingUrl(config: TracingConfig): string {
  return `${config.protocol}://${config.endpoint}${config.path}`;
}
