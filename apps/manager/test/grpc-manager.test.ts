import * as grpc from '@grpc/grpc-js';
import type { manager } from '@d7y/rpc';
import { createCa } from '@d7y/tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestManager } from './manager-fixture.js';
import type { TestManager } from './manager-fixture.js';

type Callback<Res> = (err: grpc.ServiceError | null, res?: Res) => void;

function call<Res>(invoke: (options: grpc.CallOptions, cb: Callback<Res>) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => {
    invoke({ deadline: Date.now() + 5000 }, (err, res) => (err ? reject(err) : resolve(res as Res)));
  });
}

const codeOf = (p: Promise<unknown>): Promise<number | undefined> =>
  p.then(
    () => undefined,
    (err: unknown) => (err as grpc.ServiceError).code,
  );

async function eventually(fn: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const schedulerConfig = Buffer.from(JSON.stringify({ manager_keep_alive_interval: 5_000_000_000 }));

describe('manager.v2.Manager over mutual TLS', () => {
  let t: TestManager;
  let root: string;

  beforeAll(async () => {
    t = await startTestManager();
    root = await t.rootToken();
  });
  afterAll(() => t.stop());

  const stateOf = async (hostname: string): Promise<string | undefined> => {
    const res = await t.manager.rest.inject({ method: 'GET', url: `/api/v1/schedulers?host_name=${hostname}`, headers: bearer(root) });
    return (res.json() as { state: string }[])[0]?.state;
  };

  it('a scheduler registers, keeps alive (active), is listed to a dfdaemon, and goes inactive when its stream ends', async () => {
    const scheduler = t.grpcClient('scheduler', 'scheduler-1');
    const registered = await call<manager.Scheduler__Output>((o, cb) => scheduler.UpdateScheduler({
      source_type: 'SCHEDULER_SOURCE',
      hostname: 'scheduler-1',
      ip: '127.0.0.1',
      port: 8002,
      scheduler_cluster_id: 1,
      idc: 'idc-a',
      features: ['schedule', 'preheat'],
      config: schedulerConfig,
    }, o, cb));
    expect(registered).toMatchObject({ hostname: 'scheduler-1', ip: '127.0.0.1', port: 8002, state: 'inactive', scheduler_cluster_id: 1, idc: 'idc-a' });
    expect(JSON.parse(registered.features.toString())).toEqual(['schedule', 'preheat']);
    expect(JSON.parse(registered.scheduler_cluster?.config.toString() ?? '{}')).toMatchObject({ candidate_parent_limit: 4, filter_parent_limit: 15 });

    // Registering again updates the same row.
    const again = await call<manager.Scheduler__Output>((o, cb) => scheduler.UpdateScheduler({ hostname: 'scheduler-1', ip: '127.0.0.1', port: 8003, scheduler_cluster_id: 1, features: ['schedule'], config: schedulerConfig }, o, cb));
    expect(again.id).toBe(registered.id);
    expect(again.port).toBe(8003);

    const dfdaemon = t.grpcClient('dfdaemon', 'peer-1');
    const before = await call<manager.ListSchedulersResponse__Output>((o, cb) => dfdaemon.ListSchedulers({ source_type: 'PEER_SOURCE', hostname: 'peer-1', ip: '127.0.0.1', version: '', commit: '' }, o, cb));
    expect(before.schedulers).toEqual([]);

    const stream = scheduler.KeepAlive((_err) => undefined);
    stream.write({ source_type: 'SCHEDULER_SOURCE', hostname: 'scheduler-1', ip: '127.0.0.1', cluster_id: 1 });
    await eventually(async () => (await stateOf('scheduler-1')) === 'active');
    stream.write({ source_type: 'SCHEDULER_SOURCE', hostname: 'scheduler-1', ip: '127.0.0.1', cluster_id: 1 });

    const listed = await call<manager.ListSchedulersResponse__Output>((o, cb) => dfdaemon.ListSchedulers({ source_type: 'PEER_SOURCE', hostname: 'peer-1', ip: '127.0.0.1', version: '', commit: '' }, o, cb));
    expect(listed.schedulers.map((s) => [s.hostname, s.ip, s.port, s.state])).toEqual([['scheduler-1', '127.0.0.1', 8003, 'active']]);
    expect(JSON.parse(listed.schedulers[0]?.scheduler_cluster?.client_config.toString() ?? '{}')).toEqual({ load_limit: 200 });

    const got = await call<manager.Scheduler__Output>((o, cb) => scheduler.GetScheduler({ source_type: 'SCHEDULER_SOURCE', hostname: 'scheduler-1', ip: '127.0.0.1', scheduler_cluster_id: 1 }, o, cb));
    expect(got.state).toBe('active');

    stream.end();
    await eventually(async () => (await stateOf('scheduler-1')) === 'inactive');
    const after = await call<manager.ListSchedulersResponse__Output>((o, cb) => dfdaemon.ListSchedulers({ source_type: 'PEER_SOURCE', hostname: 'peer-1', ip: '127.0.0.1', version: '', commit: '' }, o, cb));
    expect(after.schedulers).toEqual([]);
  });

  it('a scheduler whose connection dies goes inactive soon after', async () => {
    const scheduler = t.grpcClient('scheduler', 'scheduler-2');
    await call<manager.Scheduler__Output>((o, cb) => scheduler.UpdateScheduler({ hostname: 'scheduler-2', ip: '127.0.0.2', port: 8002, scheduler_cluster_id: 1, features: ['schedule'], config: schedulerConfig }, o, cb));
    const stream = scheduler.KeepAlive((_err) => undefined);
    stream.write({ source_type: 'SCHEDULER_SOURCE', hostname: 'scheduler-2', ip: '127.0.0.2', cluster_id: 1 });
    await eventually(async () => (await stateOf('scheduler-2')) === 'active');
    stream.cancel();
    scheduler.close();
    await eventually(async () => (await stateOf('scheduler-2')) === 'inactive');
  });

  it('ranks clusters for a peer by the searcher (CIDR, hostname, IDC, location) and honours a cluster id', async () => {
    const created = await t.manager.rest.inject({
      method: 'POST',
      url: '/api/v1/scheduler-clusters',
      headers: bearer(root),
      payload: { name: 'cluster-near', config: { candidate_parent_limit: 4, filter_parent_limit: 15 }, client_config: { load_limit: 7 }, scopes: { cidrs: ['10.20.0.0/16'], location: 'cn|zj' } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const nearId = (created.json() as { id: number }).id;
    const streams: grpc.ClientWritableStream<manager.KeepAliveRequest>[] = [];
    for (const [hostname, ip, clusterId] of [
      ['sched-default', '127.0.1.1', 1],
      ['sched-near', '127.0.1.2', nearId],
    ] as const) {
      const c = t.grpcClient('scheduler', hostname);
      await call<manager.Scheduler__Output>((o, cb) => c.UpdateScheduler({ hostname, ip, port: 8002, scheduler_cluster_id: clusterId, features: ['schedule'], config: schedulerConfig }, o, cb));
      const s = c.KeepAlive((_err) => undefined);
      s.write({ source_type: 'SCHEDULER_SOURCE', hostname, ip, cluster_id: clusterId });
      streams.push(s);
      await eventually(async () => (await stateOf(hostname)) === 'active');
    }
    const dfdaemon = t.grpcClient('dfdaemon', 'peer-2');
    const near = await call<manager.ListSchedulersResponse__Output>((o, cb) => dfdaemon.ListSchedulers({ hostname: 'peer-2', ip: '10.20.3.4', version: '', commit: '' }, o, cb));
    expect(near.schedulers.map((s) => s.hostname)).toEqual(['sched-near', 'sched-default']);
    const elsewhere = await call<manager.ListSchedulersResponse__Output>((o, cb) => dfdaemon.ListSchedulers({ hostname: 'peer-2', ip: '192.168.1.1', version: '', commit: '' }, o, cb));
    expect(elsewhere.schedulers.map((s) => s.hostname)).toEqual(['sched-default', 'sched-near']);
    const byLocation = await call<manager.ListSchedulersResponse__Output>((o, cb) => dfdaemon.ListSchedulers({ hostname: 'peer-2', ip: '192.168.1.1', location: 'cn|zj|hz', version: '', commit: '' }, o, cb));
    expect(byLocation.schedulers[0]?.hostname).toBe('sched-near');
    const pinned = await call<manager.ListSchedulersResponse__Output>((o, cb) => dfdaemon.ListSchedulers({ hostname: 'peer-2', ip: '10.20.3.4', scheduler_cluster_id: 1, version: '', commit: '' }, o, cb));
    expect(pinned.schedulers.map((s) => s.hostname)).toEqual(['sched-default']);
    for (const s of streams) s.end();
  });

  it('serves applications and seed peers', async () => {
    const app = await t.manager.rest.inject({ method: 'POST', url: '/api/v1/applications', headers: bearer(root), payload: { name: 'grpc-app', priority: { value: 4, urls: [{ regex: '^https://x/', value: 6 }] } } });
    expect(app.statusCode).toBe(201);
    const scheduler = t.grpcClient('scheduler', 'scheduler-apps');
    const apps = await call<manager.ListApplicationsResponse__Output>((o, cb) => scheduler.ListApplications({ source_type: 'SCHEDULER_SOURCE', hostname: 'scheduler-apps', ip: '127.0.0.9' }, o, cb));
    expect(apps.applications.find((a) => a.name === 'grpc-app')?.priority).toEqual({ value: 'LEVEL4', urls: [{ regex: '^https://x/', value: 'LEVEL6' }] });

    const seed = t.grpcClient('dfdaemon', 'seed-1');
    const sp = await call<manager.SeedPeer__Output>((o, cb) => seed.UpdateSeedPeer({ source_type: 'SEED_PEER_SOURCE', hostname: 'seed-1', type: 'super', ip: '127.0.0.5', port: 4000, download_port: 4005, seed_peer_cluster_id: 1 }, o, cb));
    expect(sp).toMatchObject({ hostname: 'seed-1', type: 'super', port: 4000, download_port: 4005, seed_peer_cluster_id: 1 });
    const s = t.grpcClient('scheduler', 'scheduler-seeds');
    const reg = await call<manager.Scheduler__Output>((o, cb) => s.UpdateScheduler({ hostname: 'scheduler-seeds', ip: '127.0.0.6', port: 8002, scheduler_cluster_id: 1, features: ['schedule'], config: schedulerConfig }, o, cb));
    expect(reg.seed_peers.map((p) => [p.hostname, p.download_port])).toEqual([['seed-1', 4005]]);
  });

  it.each([
    ['a scheduler naming another host', 'scheduler', 'scheduler-x', { hostname: 'scheduler-y' }, grpc.status.PERMISSION_DENIED],
    ['a dfdaemon registering a scheduler', 'dfdaemon', 'scheduler-z', { hostname: 'scheduler-z' }, grpc.status.PERMISSION_DENIED],
    ['an operator registering a scheduler', 'client', 'ops', { hostname: 'ops' }, grpc.status.PERMISSION_DENIED],
    ['a bad ip', 'scheduler', 'scheduler-v', { hostname: 'scheduler-v', ip: 'nope' }, grpc.status.INVALID_ARGUMENT],
    ['an unknown feature', 'scheduler', 'scheduler-v', { hostname: 'scheduler-v', features: ['mine-bitcoin'] }, grpc.status.INVALID_ARGUMENT],
    ['a config that is not JSON', 'scheduler', 'scheduler-v', { hostname: 'scheduler-v', config: Buffer.from('{nope') }, grpc.status.INVALID_ARGUMENT],
    ['a missing cluster', 'scheduler', 'scheduler-v', { hostname: 'scheduler-v', scheduler_cluster_id: 999 }, grpc.status.INVALID_ARGUMENT],
  ] as const)('UpdateScheduler refuses %s', async (_name, role, certHost, override, code) => {
    const c = t.grpcClient(role, certHost);
    const req = { ip: '127.0.0.1', port: 8002, scheduler_cluster_id: 1, features: ['schedule'], config: schedulerConfig, ...override } as manager.UpdateSchedulerRequest;
    expect(await codeOf(call<manager.Scheduler__Output>((o, cb) => c.UpdateScheduler(req, o, cb)))).toBe(code);
  });

  it('KeepAlive refuses an unknown scheduler and a host switch mid-stream', async () => {
    const c = t.grpcClient('scheduler', 'ghost');
    const unknown = await new Promise<number | undefined>((resolve) => {
      const s = c.KeepAlive((err) => resolve(err?.code));
      s.write({ source_type: 'SCHEDULER_SOURCE', hostname: 'ghost', ip: '127.0.0.1', cluster_id: 1 });
    });
    expect(unknown).toBe(grpc.status.NOT_FOUND);
    const d = t.grpcClient('scheduler', 'scheduler-1');
    const switched = await new Promise<number | undefined>((resolve) => {
      const s = d.KeepAlive((err) => resolve(err?.code));
      s.write({ source_type: 'SCHEDULER_SOURCE', hostname: 'scheduler-1', ip: '127.0.0.1', cluster_id: 1 });
      s.write({ source_type: 'SCHEDULER_SOURCE', hostname: 'scheduler-1', ip: '127.0.0.99', cluster_id: 1 });
    });
    expect(switched).toBe(grpc.status.INVALID_ARGUMENT);
    await eventually(async () => (await stateOf('scheduler-1')) === 'inactive');
  });

  it('a seed peer keeps itself alive with SEED_PEER_SOURCE; a scheduler cannot keep a seed peer alive', async () => {
    const seed = t.grpcClient('dfdaemon', 'seed-2');
    await call<manager.SeedPeer__Output>((o, cb) => seed.UpdateSeedPeer({ hostname: 'seed-2', type: 'super', ip: '127.0.0.7', port: 4000, download_port: 4005, seed_peer_cluster_id: 1 }, o, cb));
    const seedState = async (): Promise<string | undefined> => {
      const res = await t.manager.rest.inject({ method: 'GET', url: '/api/v1/seed-peers?host_name=seed-2', headers: bearer(root) });
      return (res.json() as { state: string }[])[0]?.state;
    };
    expect(await seedState()).toBe('inactive');
    const stream = seed.KeepAlive((_err) => undefined);
    stream.write({ source_type: 'SEED_PEER_SOURCE', hostname: 'seed-2', ip: '127.0.0.7', cluster_id: 1 });
    await eventually(async () => (await seedState()) === 'active');
    const listed = await call<manager.ListSeedPeersResponse__Output>((o, cb) => seed.ListSeedPeers({ hostname: 'seed-2', ip: '127.0.0.7', version: '', commit: '' }, o, cb));
    expect(listed.seed_peers.map((p) => p.hostname)).toContain('seed-2');
    stream.end();
    await eventually(async () => (await seedState()) === 'inactive');

    const impostor = t.grpcClient('scheduler', 'seed-2');
    const code = await new Promise<number | undefined>((resolve) => {
      const s = impostor.KeepAlive((err) => resolve(err?.code));
      s.write({ source_type: 'SEED_PEER_SOURCE', hostname: 'seed-2', ip: '127.0.0.7', cluster_id: 1 });
    });
    expect(code).toBe(grpc.status.PERMISSION_DENIED);
  });

  it('serves grpc.health.v1 for the manager service over the same mTLS', async () => {
    const { checkHealth, createHealthClient } = await import('@d7y/rpc');
    const { TlsSource, grpcChannelCredentials, issueCertificate } = await import('@d7y/tls');
    const leaf = issueCertificate(t.ca, { commonName: 'ops', role: 'client', usage: 'client' });
    const health = createHealthClient(`127.0.0.1:${t.manager.grpcPort}`, grpcChannelCredentials(TlsSource.fromPem({ ca: t.ca.certPem, cert: leaf.certPem, key: leaf.keyPem }), { serverName: 'localhost' }));
    try {
      expect(await checkHealth(health, 'manager.v2.Manager')).toBe('SERVING');
    } finally {
      health.close();
    }
  });

  it('refuses clients without a certificate of the cluster CA', async () => {
    const stranger = t.grpcClient('dfdaemon', 'peer-1', { ca: createCa({ commonName: 'other CA' }) });
    expect(await codeOf(call<manager.ListSchedulersResponse__Output>((o, cb) => stranger.ListSchedulers({ hostname: 'peer-1', ip: '127.0.0.1', version: '', commit: '' }, o, cb)))).toBe(grpc.status.UNAVAILABLE);
    const { createManagerClient } = await import('@d7y/rpc');
    const noCert = createManagerClient(`127.0.0.1:${t.manager.grpcPort}`, grpc.credentials.createSsl(Buffer.from(t.ca.certPem)), { 'grpc.ssl_target_name_override': 'localhost' });
    try {
      expect(await codeOf(call<manager.ListSchedulersResponse__Output>((o, cb) => noCert.ListSchedulers({ hostname: 'peer-1', ip: '127.0.0.1', version: '', commit: '' }, o, cb)))).toBe(grpc.status.UNAVAILABLE);
    } finally {
      noCert.close();
    }
    const insecure = createManagerClient(`127.0.0.1:${t.manager.grpcPort}`, grpc.credentials.createInsecure());
    try {
      expect(await codeOf(call<manager.ListSchedulersResponse__Output>((o, cb) => insecure.ListSchedulers({ hostname: 'peer-1', ip: '127.0.0.1', version: '', commit: '' }, o, cb)))).toBe(grpc.status.UNAVAILABLE);
    } finally {
      insecure.close();
    }
  });
});
