import { createCa, issueCertificate, TlsSource } from '@d7y/tls';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** A CA, a server source and a client source (role dfdaemon) minted in memory. */
export function mintTls(): { ca: ReturnType<typeof createCa>; server: TlsSource; client: TlsSource; notAfter: Date } {
  const ca = createCa();
  const notAfter = new Date(Date.now() + 5 * 86_400_000);
  const srv = issueCertificate(ca, { commonName: 'srv', role: 'dfdaemon', usage: 'dual', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], notAfter });
  const cli = issueCertificate(ca, { commonName: 'cli', role: 'dfdaemon', usage: 'client' });
  return {
    ca,
    server: TlsSource.fromPem({ ca: ca.certPem, cert: srv.certPem, key: srv.keyPem }),
    client: TlsSource.fromPem({ ca: ca.certPem, cert: cli.certPem, key: cli.keyPem }),
    notAfter,
  };
}

/** Registers an in-memory tracing SDK globally for one test file; `stop()` restores the no-op API. */
export function inMemoryTracing(): { exporter: InMemorySpanExporter; stop: () => Promise<void> } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    exporter,
    async stop() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
