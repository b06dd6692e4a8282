import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import type { manager } from '@d7y/rpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestManager, type TestManager } from '../../../apps/manager/test/manager-fixture.js';
import { TcpSwitch } from '../../../apps/manager/test/tcp-switch.js';
import { DynconfigCache } from '@d7y/config';
import { SeedPeerRegistration } from '../../../apps/dfdaemon/src/dynconfig/seed-peer-registration.js';
import { HostAnnouncer, type HostInfo } from '../../../apps/dfdaemon/src/scheduler/host-announcer.js';
import { ManagerDynconfig, parseCachedSchedulerList, type CachedSchedulerList } from '../../../apps/dfdaemon/src/scheduler/manager-dynconfig.js';
import { SchedulerPool } from '../../../apps/dfdaemon/src/scheduler/scheduler-pool.js';
import { startTestDaemon } from '../../../apps/dfdaemon/test/fixtures/daemon.js';
import { Pki, startScheduler } from '../../../apps/scheduler/test/harness.js';
import { testLogger } from '../../../apps/dfdaemon/test/fixtures/logger.js';
import { dfdaemonCredentials, dfdaemonManagerClient } from '../../../apps/dfdaemon/test/fixtures/manager-client.js';

// dfdaemon dynconfig against a real manager (in this process, mTLS gRPC): the scheduler list is
// refreshed, kept on disk, used when the manager is down at start, and followed when it returns;
// a seed dfdaemon is listed active by the manager while it lives and gone after a graceful stop.

const logger = testLogger();

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function unary<Req, Res>(fn: (req: Req, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Res) => void) => unknown, req: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    fn(req, { deadline: Date.now() + 5000 }, (err, res) => (err ? reject(err) : resolve(res as Res)));
  });
}

describe('dfdaemon dynconfig with a real manager', () => {
  let tm: TestManager;
  let root: string;
  const streams: grpc.ClientWritableStream<manager.KeepAliveRequest>[] = [];

  /** A scheduler row made active the way a scheduler does it: UpdateScheduler + an open KeepAlive stream. */
  async function registerScheduler(hostname: string, port: number): Promise<void> {
    const client = tm.grpcClient('scheduler', hostname);
    await unary(client.UpdateScheduler.bind(client), {
      source_type: 'SCHEDULER_SOURCE',
      hostname,
      scheduler_cluster_id: 1,
      ip: '127.0.0.1',
      port,
      features: ['schedule'],
      config: Buffer.from('{}'),
    });
    const stream = client.KeepAlive(() => undefined);
    stream.write({ source_type: 'SCHEDULER_SOURCE', hostname, cluster_id: 1, ip: '127.0.0.1' });
    streams.push(stream);
  }

  function peerClient(port: number): manager.ManagerClient {
    return dfdaemonManagerClient(tm.ca, 'peer-1', `127.0.0.1:${port}`);
  }

  function dynconfigFor(client: manager.ManagerClient, cachePath: string, refreshIntervalMs: number) {
    const host: HostInfo = {
      id: 'h',
      hostname: 'peer-1',
      ip: '127.0.0.1',
      port: 1,
      downloadPort: 1,
      isSeed: false,
      idc: '',
      location: '',
      schedulerClusterId: 1,
      disableShared: false,
      uploadBytesPerSecond: 1,
    };
    const pool = new SchedulerPool({ addrs: ['127.0.0.1:1'], credentials: dfdaemonCredentials(tm.ca, 'peer-1') });
    const announcer = new HostAnnouncer({ pool, host: () => host, logger, intervalMs: 60_000, callTimeoutMs: 200 });
    const cache = new DynconfigCache<CachedSchedulerList>({ path: cachePath, parse: parseCachedSchedulerList, logger });
    const dyn = new ManagerDynconfig({ client, pool, announcer, host: () => host, logger, refreshIntervalMs, cache, callTimeoutMs: 1000 });
    return { pool, dyn, cache };
  }

  beforeAll(async () => {
    tm = await startTestManager();
    root = await mkdtemp(join(tmpdir(), 'd7y-dyncfg-'));
  });
  afterAll(async () => {
    for (const s of streams) s.end();
    await tm.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('starts from the cached list while the manager is down and follows the manager when it returns', async () => {
    await registerScheduler('scheduler-a', 18002);
    const sw = new TcpSwitch({ host: '127.0.0.1', port: tm.manager.grpcPort });
    await sw.open();
    const cachePath = join(root, 'peer-1', 'dynconfig', 'schedulers.json');

    // 1. manager up: the listed scheduler replaces the static one and the answer is kept on disk
    const first = dynconfigFor(peerClient(sw.port), cachePath, 60_000);
    await first.dyn.start();
    expect(first.pool.addrs()).toEqual(['127.0.0.1:18002']);
    expect((await stat(cachePath)).mode & 0o777).toBe(0o600);
    expect((await stat(join(root, 'peer-1', 'dynconfig'))).mode & 0o777).toBe(0o700);
    await first.dyn.stop();
    first.pool.close();

    // 2. manager unreachable at start: the cached list is used, not the static 127.0.0.1:1
    await sw.cut();
    const second = dynconfigFor(peerClient(sw.port), cachePath, 100);
    await second.dyn.start();
    expect(second.pool.addrs()).toEqual(['127.0.0.1:18002']);
    const ringBefore = second.pool.pick('a'.repeat(64))?.addr;
    expect(ringBefore).toBe('127.0.0.1:18002');

    // 3. manager back with one more scheduler: the next refresh picks it up and the ring has both
    await registerScheduler('scheduler-b', 18003);
    await sw.open();
    await until(() => second.pool.addrs().length === 2);
    expect(second.pool.addrs().sort()).toEqual(['127.0.0.1:18002', '127.0.0.1:18003']);
    const picked = new Set(Array.from({ length: 64 }, (_, i) => second.pool.pick(i.toString(16).padStart(64, '0'))?.addr));
    expect(picked).toEqual(new Set(['127.0.0.1:18002', '127.0.0.1:18003']));
    await until(async () => (await second.cache.load())?.addrs.length === 2);
    await second.dyn.stop();
    second.pool.close();
    await sw.cut();
  });

  it('keeps only the listed schedulers that answer SERVING (grpc health over mTLS)', async () => {
    const live = await startScheduler(new Pki(tm.ca));
    try {
      await registerScheduler('scheduler-live', live.port);
      // scheduler-a and scheduler-b from the test above are listed active too, but nothing listens there
      const { pool, dyn } = dynconfigFor(peerClient(tm.manager.grpcPort), join(root, 'health', 'schedulers.json'), 60_000);
      await dyn.start();
      expect(pool.addrs()).toEqual([`127.0.0.1:${live.port}`]);
      await dyn.stop();
      pool.close();
    } finally {
      await live.stop();
    }
  });

  it('a corrupt cache is ignored: the static list stays', async () => {
    const cachePath = join(root, 'corrupt', 'schedulers.json');
    const cache = new DynconfigCache<CachedSchedulerList>({ path: cachePath, parse: parseCachedSchedulerList, logger });
    await cache.save({ addrs: ['not an address'], savedAt: 1 });
    expect(await cache.load()).toBeUndefined();
    const { pool, dyn } = dynconfigFor(peerClient(1), cachePath, 60_000);
    await dyn.start();
    expect(pool.addrs()).toEqual(['127.0.0.1:1']);
    await dyn.stop();
    pool.close();
  });

  it('a seed dfdaemon is listed active while it runs and is gone after a graceful stop', async () => {
    const operator = tm.grpcClient('client', 'operator');
    const seedPeers = async (): Promise<manager.SeedPeer__Output[]> =>
      (await unary<manager.ListSeedPeersRequest, manager.ListSeedPeersResponse__Output>(operator.ListSeedPeers.bind(operator), { source_type: 'PEER_SOURCE', hostname: 'operator', ip: '127.0.0.1', version: '', commit: '' })).seed_peers;
    const seed = await startTestDaemon({
      root,
      ca: tm.ca,
      hostname: 'seed-1',
      seed: true,
      schedulers: ['127.0.0.1:1'],
      config: { manager: { addr: `127.0.0.1:${tm.manager.grpcPort}` }, seedPeer: { keepaliveInterval: '200ms' } },
    });
    try {
      await until(async () => (await seedPeers()).some((p) => p.hostname === 'seed-1' && p.state === 'active'));
      const row = (await seedPeers()).find((p) => p.hostname === 'seed-1');
      expect([row?.port, row?.download_port, row?.type]).toEqual([seed.ports.uploadPort, seed.ports.piecePort, 'super']);
    } finally {
      await seed.stop();
    }
    expect((await seedPeers()).some((p) => p.hostname === 'seed-1')).toBe(false);
    // DeleteSeedPeer removed the row: the REST API, which shows inactive rows too, no longer has it
    const rows = (await tm.manager.rest.inject({ method: 'GET', url: '/api/v1/seed-peers?per_page=100', headers: bearer(await tm.rootToken()) })).json<{ host_name: string }[]>();
    expect(rows.some((r) => r.host_name === 'seed-1')).toBe(false);
  });

  it('a seed peer whose connection to the manager is lost turns inactive, and active again when it is back', async () => {
    // the REST API shows every row with its state (ListSeedPeers lists only active ones)
    const stateOf = async (hostname: string): Promise<string | undefined> => {
      const res = await tm.manager.rest.inject({ method: 'GET', url: '/api/v1/seed-peers?per_page=100', headers: bearer(await tm.rootToken()) });
      return res.json<{ host_name: string; state: string }[]>().find((p) => p.host_name === hostname)?.state;
    };
    const sw = new TcpSwitch({ host: '127.0.0.1', port: tm.manager.grpcPort });
    await sw.open();
    const host: HostInfo = { id: 'h', hostname: 'seed-2', ip: '127.0.0.1', port: 4000, downloadPort: 4005, isSeed: true, idc: '', location: '', schedulerClusterId: 1, disableShared: false, uploadBytesPerSecond: 1 };
    const reg = new SeedPeerRegistration({ client: dfdaemonManagerClient(tm.ca, 'seed-2', `127.0.0.1:${sw.port}`), host: () => host, type: 'super', clusterId: 1, keepAliveIntervalMs: 100, logger });
    try {
      await reg.start();
      await until(async () => (await stateOf('seed-2')) === 'active');
      await sw.cut(); // the connection dies without a goodbye (no DeleteSeedPeer)
      await until(async () => (await stateOf('seed-2')) === 'inactive');
      await sw.open();
      await until(async () => (await stateOf('seed-2')) === 'active');
    } finally {
      await reg.stop();
      await sw.cut();
    }
    expect(await stateOf('seed-2')).toBeUndefined();
  });
});
