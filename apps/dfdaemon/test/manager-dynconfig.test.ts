import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { managerServiceDefinition, serverOptions, type manager } from '@d7y/rpc';
import { grpcServerCredentials } from '@d7y/tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dfdaemon } from '../src/dfdaemon.js';
import { startTestDaemon } from './fixtures/daemon.js';
import { FakeScheduler } from './fixtures/fake-scheduler.js';
import { randomBytesSeeded, TestOrigin } from './fixtures/origin.js';
import { TestPki } from './fixtures/tls.js';

/** FakeManager: a real gRPC server answering ListSchedulers with a scripted list and recording UpdateSeedPeer. */
function fakeManager(pki: TestPki, schedulers: () => { ip: string; port: number }[]) {
  const seedPeers: manager.UpdateSeedPeerRequest__Output[] = [];
  const listed: manager.ListSchedulersRequest__Output[] = [];
  const server = new grpc.Server(serverOptions());
  const handlers: Partial<manager.ManagerHandlers> = {
    ListSchedulers: (call, cb) => {
      listed.push(call.request);
      cb(null, { schedulers: schedulers().map((s, i) => ({ id: i + 1, hostname: `scheduler-${i}`, ip: s.ip, port: s.port, state: 'active', scheduler_cluster_id: 1, seed_peers: [], features: Buffer.alloc(0) })) });
    },
    UpdateSeedPeer: (call, cb) => {
      seedPeers.push(call.request);
      cb(null, { id: 1, hostname: call.request.hostname, type: 'super', ip: call.request.ip, port: call.request.port, download_port: call.request.download_port, state: 'active', seed_peer_cluster_id: 1 });
    },
  };
  server.addService(managerServiceDefinition, handlers as grpc.UntypedServiceImplementation);
  return {
    seedPeers,
    listed,
    start: () =>
      new Promise<number>((resolve, reject) =>
        server.bindAsync('127.0.0.1:0', grpcServerCredentials(pki.source('manager-1', 'manager')), (err, port) => (err ? reject(err) : resolve(port))),
      ),
    stop: () => server.forceShutdown(),
  };
}

describe('schedulers from the manager (FakeManager + FakeScheduler)', () => {
  const pki = new TestPki();
  const origin = new TestOrigin();
  const scheduler = new FakeScheduler({ tls: pki.source('scheduler-1', 'scheduler') });
  let list: { ip: string; port: number }[] = [];
  const mgr = fakeManager(pki, () => list);
  let root: string;
  const daemons: Dfdaemon[] = [];
  let managerPort = 0;

  beforeAll(async () => {
    origin.files.set('/f', { body: randomBytesSeeded(9 * 1024 * 1024, 3) });
    await origin.start();
    await scheduler.start();
    managerPort = await mgr.start();
    root = await mkdtemp(join(tmpdir(), 'd7y-dyn-'));
  });
  afterAll(async () => {
    for (const d of daemons) await d.stop();
    mgr.stop();
    scheduler.kill();
    await origin.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('uses the schedulers the manager lists instead of the static ones, and registers a seed peer', async () => {
    list = [{ ip: '127.0.0.1', port: Number(scheduler.address.split(':')[1]) }];
    const seed = await startTestDaemon({
      root,
      ca: pki.ca,
      hostname: 'seed-1',
      seed: true,
      schedulers: ['127.0.0.1:1'],
      config: { manager: { addr: `127.0.0.1:${managerPort}` } },
    });
    daemons.push(seed);
    expect(mgr.seedPeers.map((s) => [s.hostname, s.port, s.download_port])).toEqual([['seed-1', seed.ports.uploadPort, seed.ports.piecePort]]);
    expect(mgr.listed.at(-1)?.source_type).toBe('SEED_PEER_SOURCE');
    const t = await seed.tasks.download({ url: origin.url('/f'), requestHeader: {}, priority: 6, disableBackToSource: false, needBackToSource: false });
    expect(t.isFinished).toBe(true);
    // The download went through the listed scheduler (the static 127.0.0.1:1 is dead).
    expect(scheduler.requests.some((r) => r.kind === 'register_peer_request' && r.req.host_id.endsWith('seed-1-seed'))).toBe(true);
    expect(scheduler.hosts.has(seed.host?.id as string)).toBe(true);
  });
});
