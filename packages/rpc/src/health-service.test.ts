import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { addHealthService, checkHealth, createHealthClient, HealthReporter, RpcError, serverOptions } from './index.js';
import type { health } from './index.js';
import { insecure, TestServers } from './test-server.fixture.js';

const servers = new TestServers();
afterEach(() => servers.closeAll());

async function start(): Promise<{ reporter: HealthReporter; client: health.HealthClient }> {
  const server = new grpc.Server(serverOptions());
  const reporter = addHealthService(server);
  const address = await servers.listen(server);
  return { reporter, client: servers.client(createHealthClient(address, insecure())) };
}

/** Collects Watch updates; `next()` resolves with the next one (no sleeping). */
function watch(client: health.HealthClient, service: string) {
  const call = client.Watch({ service });
  const queue: string[] = [];
  const waiting: ((s: string) => void)[] = [];
  call.on('data', (res: health.HealthCheckResponse__Output) => {
    const w = waiting.shift();
    if (w) w(res.status);
    else queue.push(res.status);
  });
  const ended = new Promise<void>((resolve) => call.on('end', resolve));
  call.on('error', () => undefined);
  return {
    next: () => new Promise<string>((resolve) => (queue.length > 0 ? resolve(queue.shift() as string) : waiting.push(resolve))),
    ended,
    cancel: () => call.cancel(),
  };
}

describe('grpc.health.v1', () => {
  it('Check answers the overall status, per-service statuses and NOT_FOUND for unknown services', async () => {
    const { reporter, client } = await start();
    expect(await checkHealth(client)).toBe('SERVING');
    expect(await checkHealth(client, 'scheduler.v2.Scheduler')).toBe('SERVICE_UNKNOWN');
    reporter.setStatus('scheduler.v2.Scheduler', 'NOT_SERVING');
    expect(await checkHealth(client, 'scheduler.v2.Scheduler')).toBe('NOT_SERVING');
    reporter.setStatus('scheduler.v2.Scheduler', 'SERVING');
    expect(await checkHealth(client, 'scheduler.v2.Scheduler')).toBe('SERVING');
    const raw = await new Promise<grpc.ServiceError | null>((resolve) => client.Check({ service: 'nope' }, (err) => resolve(err)));
    expect(raw?.code).toBe(grpc.status.NOT_FOUND);
  });

  it('Watch sends the current status, then every change, and ends on shutdown', async () => {
    const { reporter, client } = await start();
    const w = watch(client, 'dfdaemon.v2.DfdaemonUpload');
    expect(await w.next()).toBe('SERVICE_UNKNOWN');
    reporter.setStatus('dfdaemon.v2.DfdaemonUpload', 'SERVING');
    expect(await w.next()).toBe('SERVING');
    reporter.setStatus('dfdaemon.v2.DfdaemonUpload', 'SERVING'); // unchanged: nothing sent
    reporter.setStatus('dfdaemon.v2.DfdaemonUpload', 'NOT_SERVING');
    expect(await w.next()).toBe('NOT_SERVING');
    reporter.setStatus('dfdaemon.v2.DfdaemonUpload', 'SERVING');
    expect(await w.next()).toBe('SERVING');
    reporter.shutdown();
    expect(await w.next()).toBe('NOT_SERVING');
    await w.ended;
    expect(await checkHealth(client)).toBe('NOT_SERVING');
    reporter.setStatus('', 'SERVING'); // refused after shutdown
    expect(await checkHealth(client)).toBe('NOT_SERVING');
  });

  it('List returns every status', async () => {
    const { reporter, client } = await start();
    reporter.setStatus('manager.v2.Manager', 'NOT_SERVING');
    const res = await new Promise<health.HealthListResponse__Output | undefined>((resolve, reject) =>
      client.List({}, (err, r) => (err ? reject(err) : resolve(r))),
    );
    expect(res?.statuses).toEqual({ '': { status: 'SERVING' }, 'manager.v2.Manager': { status: 'NOT_SERVING' } });
  });

  it('rejects statuses other than SERVING / NOT_SERVING', () => {
    const reporter = new HealthReporter();
    expect(() => reporter.setStatus('x', 'UNKNOWN' as 'SERVING')).toThrow(/SERVING or NOT_SERVING/);
  });

  it('checkHealth rejects with an RpcError when nothing listens', async () => {
    const server = new grpc.Server();
    const address = await servers.listen(server);
    server.forceShutdown(); // the port is now closed
    const client = servers.client(createHealthClient(address, insecure()));
    const err = await checkHealth(client, '', { timeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).code).toBe(grpc.status.UNAVAILABLE);
  });
});
