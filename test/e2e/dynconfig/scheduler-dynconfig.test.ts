import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestManager, type TestManager } from '../../../apps/manager/test/manager-fixture.js';
import { TcpSwitch } from '../../../apps/manager/test/tcp-switch.js';
import { Pki, startScheduler, type RunningScheduler } from '../../../apps/scheduler/test/harness.js';

// Scheduler dynconfig against a real manager (in this process, mTLS gRPC) behind a TCP switch that
// cuts it off: the cluster's limits and seed peers are applied, kept on disk, used when the manager
// is down at start, and changes made through the manager's REST API are picked up when it returns.

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('scheduler dynconfig with a real manager', () => {
  let tm: TestManager;
  let sw: TcpSwitch;
  let pki: Pki;
  let dataDir: string;
  const running: RunningScheduler[] = [];

  async function patchClusterConfig(config: { candidate_parent_limit: number; filter_parent_limit: number }): Promise<void> {
    const res = await tm.manager.rest.inject({ method: 'PATCH', url: '/api/v1/scheduler-clusters/1', headers: bearer(await tm.rootToken()), payload: { config } });
    expect(res.statusCode, res.body).toBe(200);
  }

  async function start(): Promise<RunningScheduler> {
    const s = await startScheduler(pki, {
      server: { host: 'scheduler-1', advertiseIP: '127.0.0.1', dataDir },
      manager: { addr: `127.0.0.1:${sw.port}`, keepAlive: { interval: '200ms' } },
      dynConfig: { refreshInterval: '100ms' },
    });
    running.push(s);
    return s;
  }

  beforeAll(async () => {
    tm = await startTestManager();
    pki = new Pki(tm.ca);
    sw = new TcpSwitch({ host: '127.0.0.1', port: tm.manager.grpcPort });
    await sw.open();
    dataDir = join(await mkdtemp(join(tmpdir(), 'd7y-sched-dyn-')), 'data');
  });
  afterAll(async () => {
    for (const s of running) await s.stop().catch(() => undefined);
    await sw.cut();
    await tm.stop();
    await rm(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('applies the cluster config, starts from the cache while the manager is down, and picks up changes when it returns', async () => {
    // 1. manager up: a changed cluster config reaches the scheduling limits and the disk
    const first = await start();
    // the manager's default cluster config (candidate_parent_limit 4) replaced scheduler.yaml's 3 at start
    expect(first.config.scheduler.candidateParentLimit).toBe(3);
    expect(first.app.schedulingConfig.candidateParentLimit).toBe(4);
    await patchClusterConfig({ candidate_parent_limit: 7, filter_parent_limit: 40 });
    await until(() => first.app.schedulingConfig.candidateParentLimit === 7);
    expect(first.app.schedulingConfig.filterParentLimit).toBe(40);
    await until(() => first.app.dynconfig?.current()?.candidateParentLimit === 7);
    const file = join(dataDir, 'dynconfig.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    await first.stop();

    // 2. manager unreachable at start: the cached limits apply at once
    await sw.cut();
    const second = await start();
    expect(second.app.dynconfig?.current()?.candidateParentLimit).toBe(7);
    expect(second.app.schedulingConfig.candidateParentLimit).toBe(7);
    expect(second.app.schedulingConfig.filterParentLimit).toBe(40);

    // 3. meanwhile the cluster changes and a seed peer registers; the manager comes back
    await patchClusterConfig({ candidate_parent_limit: 9, filter_parent_limit: 60 });
    const seedClient = tm.grpcClient('dfdaemon', 'seed-9');
    await new Promise<void>((resolve, reject) =>
      seedClient.UpdateSeedPeer(
        { source_type: 'SEED_PEER_SOURCE', hostname: 'seed-9', type: 'super', ip: '127.0.0.9', port: 4000, download_port: 4005, seed_peer_cluster_id: 1 },
        (err: grpc.ServiceError | null) => (err ? reject(err) : resolve()),
      ),
    );
    const app = await tm.manager.rest.inject({ method: 'POST', url: '/api/v1/applications', headers: bearer(await tm.rootToken()), payload: { name: 'images', priority: { value: 5, urls: [{ regex: '^https://cdn\\.example/', value: 3 }] } } });
    expect(app.statusCode, app.body).toBe(201);
    expect(second.app.schedulingConfig.candidateParentLimit).toBe(7);
    await sw.open();
    await until(() => second.app.schedulingConfig.candidateParentLimit === 9 && (second.app.dynconfig?.current()?.seedPeers.some((p) => p.hostname === 'seed-9') ?? false));
    expect(second.app.schedulingConfig.filterParentLimit).toBe(60);
    expect(second.app.dynconfig?.current()?.seedPeers.find((p) => p.hostname === 'seed-9')).toMatchObject({ ip: '127.0.0.9', port: 4000, downloadPort: 4005 });
    await until(() => second.app.dynconfig?.current()?.applications?.some((a) => a.name === 'images') ?? false);
    expect(second.app.dynconfig?.current()?.applications?.find((a) => a.name === 'images')).toEqual({ name: 'images', priority: 5, urls: [{ regex: '^https://cdn\\.example/', priority: 3 }] });
  });
});
