import * as grpc from '@grpc/grpc-js';
import { addHealthService, createHealthClient, requestRateLimiter } from '@d7y/rpc';
import { context, trace } from '@opentelemetry/api';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { grpcClientTracing } from './grpc-client-tracing.js';
import { GrpcServerMetrics } from './grpc-server-metrics.js';
import { inMemoryTracing } from './telemetry.fixture.js';

const tracing = inMemoryTracing();
afterAll(() => tracing.stop());

function check(client: ReturnType<typeof createHealthClient>): Promise<grpc.ServiceError | null> {
  return new Promise((resolve) => client.Check({ service: '' }, (err) => resolve(err)));
}

describe('GrpcServerMetrics', () => {
  it('counts calls by code, times them, counts rate-limit refusals and continues the caller trace', async () => {
    const registry = new Registry();
    const metrics = new GrpcServerMetrics({ registry, prefix: 't_' });
    const server = new grpc.Server({
      interceptors: [metrics.interceptor({ server: 'test' }), requestRateLimiter({ global: { rps: 0.001, burst: 2 } }).interceptor],
    });
    addHealthService(server);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    const client = createHealthClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { interceptors: [grpcClientTracing] });
    try {
      const root = trace.getTracer('test').startSpan('root');
      const errors = await context.with(trace.setSpan(context.active(), root), async () => [await check(client), await check(client), await check(client)]);
      root.end();
      expect(errors.map((e) => e?.code ?? 0)).toEqual([0, 0, grpc.status.RESOURCE_EXHAUSTED]);

      const text = await registry.metrics();
      expect(text).toContain('t_grpc_server_handled_total{server="test",grpc_service="grpc.health.v1.Health",grpc_method="Check",grpc_code="OK"} 2');
      expect(text).toContain('t_grpc_server_handled_total{server="test",grpc_service="grpc.health.v1.Health",grpc_method="Check",grpc_code="RESOURCE_EXHAUSTED"} 1');
      expect(text).toContain('t_grpc_rate_limited_total{server="test",grpc_service="grpc.health.v1.Health",grpc_method="Check"} 1');
      expect(text).toMatch(/t_grpc_server_handling_seconds_count\{server="test",grpc_service="grpc.health.v1.Health",grpc_method="Check",grpc_code="OK"\} 2/);

      const spans = tracing.exporter.getFinishedSpans();
      const servers = spans.filter((s) => s.name === 'grpc.health.v1.Health/Check' && s.kind === 1);
      const clients = spans.filter((s) => s.name === 'grpc.health.v1.Health/Check' && s.kind === 2);
      expect(servers).toHaveLength(3);
      expect(clients).toHaveLength(3);
      for (const s of [...servers, ...clients]) expect(s.spanContext().traceId).toBe(root.spanContext().traceId);
      // each server span is the child of a client span
      const clientIds = new Set(clients.map((c) => c.spanContext().spanId));
      for (const s of servers) expect(clientIds.has(s.parentSpanContext?.spanId ?? '')).toBe(true);
    } finally {
      client.close();
      server.forceShutdown();
    }
  });

  it('counts calls served outside grpc-js, by the code they ended with', async () => {
    const registry = new Registry();
    const metrics = new GrpcServerMetrics({ registry, prefix: 'd_' });
    const path = '/scheduler.v2.Scheduler/AnnouncePeer';
    const observer = metrics.callObserver('scheduler', path);
    const first = observer.started();
    const second = observer.started();
    observer.started(); // still open
    observer.ended(first, grpc.status.OK);
    observer.ended(second, grpc.status.RESOURCE_EXHAUSTED);
    const text = await registry.metrics();
    const labels = 'server="scheduler",grpc_service="scheduler.v2.Scheduler",grpc_method="AnnouncePeer"';
    expect(text).toContain(`d_grpc_server_started_total{${labels}} 3`);
    expect(text).toContain(`d_grpc_server_handled_total{${labels},grpc_code="OK"} 1`);
    expect(text).toContain(`d_grpc_server_handled_total{${labels},grpc_code="RESOURCE_EXHAUSTED"} 1`);
    expect(text).toContain(`d_grpc_rate_limited_total{${labels}} 1`);
  });
});
