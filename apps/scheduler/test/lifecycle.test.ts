import * as grpc from '@grpc/grpc-js';
import { checkHealth, createHealthClient } from '@d7y/rpc';
import { grpcChannelCredentials } from '@d7y/tls';
import { describe, expect, it } from 'vitest';
import { Pki, SimDaemon, download, startScheduler } from './harness.js';

describe('scheduler lifecycle', () => {
  it('reports SERVING on grpc.health.v1, and on stop ends open AnnouncePeer streams with UNAVAILABLE at once', async () => {
    const pki = new Pki();
    const scheduler = await startScheduler(pki);
    const health = createHealthClient(scheduler.address, grpcChannelCredentials(pki.tls('client', 'ops')));
    expect(await checkHealth(health, '')).toBe('SERVING');
    expect(await checkHealth(health, 'scheduler.v2.Scheduler')).toBe('SERVING');
    health.close();

    const daemon = new SimDaemon(pki, scheduler.address, { hostname: 'peer-1' });
    await daemon.announceHost();
    const p = daemon.peer(download({ url: 'https://origin.example/long-download' }));
    p.register();
    await p.next();
    const started = performance.now();
    await scheduler.stop();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await p.status()).toEqual({ code: grpc.status.UNAVAILABLE, details: 'the scheduler is stopping' });
    daemon.close();
  });
});
