import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { createLogger } from '@d7y/logger';
import { createManagerClient } from '@d7y/rpc';
import type { manager } from '@d7y/rpc';
import { TlsSource, grpcChannelCredentials } from '@d7y/tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2eCluster } from '../../../test/e2e/harness/cluster.js';
import { freePort } from '../../../test/e2e/harness/free-port.js';
import { REPO_ROOT, assertBuilt } from '../../../test/e2e/harness/paths.js';
import type { SchedulerProcess } from '../../../test/e2e/harness/scheduler-process.js';
import { ServiceProcess } from '../../../test/e2e/harness/service-process.js';

const MANAGER_BIN = join(REPO_ROOT, 'apps', 'manager', 'bin', 'manager.js');
const ROOT_PASSWORD = 'e2e-root-password';

async function eventually(fn: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('e2e: a real scheduler process registers with the built manager, keeps alive and is listed to a dfdaemon', () => {
  let cluster: E2eCluster;
  let managerProc: ServiceProcess;
  let restUrl: string;
  let grpcAddr: string;
  let scheduler: SchedulerProcess;
  let dfdaemon: manager.ManagerClient;
  let token: string;

  beforeAll(async () => {
    assertBuilt('scheduler', 'dfcert');
    if (!existsSync(join(REPO_ROOT, 'apps', 'manager', 'dist', 'main.js'))) throw new Error('apps/manager/dist/main.js is missing: run `pnpm build` before the e2e tests');
    cluster = await E2eCluster.create('manager');
    const home = join(cluster.root, 'manager');
    await mkdir(home, { recursive: true });
    const [restPort, grpcPort] = [await freePort(), await freePort()];
    const config = {
      server: {
        dataDir: join(home, 'data'),
        rest: { addr: `127.0.0.1:${restPort}` },
        grpc: { listenIP: '127.0.0.1', port: { start: grpcPort, end: grpcPort }, tlsDir: join(cluster.certs.dir, 'manager') },
      },
    };
    await writeFile(join(home, 'manager.yaml'), JSON.stringify(config));
    managerProc = new ServiceProcess({
      name: 'manager',
      command: process.execPath,
      args: [MANAGER_BIN, '--config', join(home, 'manager.yaml')],
      env: { DRAGONFLY_INITIAL_ROOT_PASSWORD: ROOT_PASSWORD },
    });
    await managerProc.waitForLine((l) => l.includes('manager REST API listening'));
    restUrl = `http://127.0.0.1:${restPort}`;
    grpcAddr = `127.0.0.1:${grpcPort}`;

    const signIn = await fetch(`${restUrl}/api/v1/users/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'root', password: ROOT_PASSWORD }) });
    token = ((await signIn.json()) as { token: string }).token;

    scheduler = await cluster.scheduler('scheduler', { manager: { addr: grpcAddr, schedulerClusterID: 1, keepAlive: { interval: '1s' } } });
    const peerTls = TlsSource.fromDir(await cluster.certs.issue('peer-1', 'dfdaemon'), { logger: createLogger({ level: 'silent' }) });
    dfdaemon = createManagerClient(grpcAddr, grpcChannelCredentials(peerTls));
  }, 90_000);

  afterAll(async () => {
    dfdaemon?.close();
    await cluster?.stop();
    await managerProc?.stop();
  });

  const listSchedulers = (): Promise<manager.ListSchedulersResponse__Output> =>
    new Promise((resolve, reject) => {
      dfdaemon.ListSchedulers(
        { source_type: 'PEER_SOURCE', hostname: 'peer-1', ip: '127.0.0.1', version: '', commit: '' },
        { deadline: Date.now() + 5000 },
        (err: grpc.ServiceError | null, res?: manager.ListSchedulersResponse__Output) => (err ? reject(err) : resolve(res as manager.ListSchedulersResponse__Output)),
      );
    });

  const restSchedulers = async (): Promise<{ host_name: string; state: string; port: number }[]> => {
    const res = await fetch(`${restUrl}/api/v1/schedulers`, { headers: { authorization: `Bearer ${token}` } });
    return (await res.json()) as { host_name: string; state: string; port: number }[];
  };

  it('lists the live scheduler, then drops it soon after the process dies', async () => {
    await eventually(async () => (await listSchedulers()).schedulers.length === 1);
    const [listed] = (await listSchedulers()).schedulers;
    expect(listed).toMatchObject({ hostname: 'scheduler', ip: '127.0.0.1', port: scheduler.port, state: 'active', scheduler_cluster_id: 1 });
    expect(JSON.parse(listed?.scheduler_cluster?.config.toString() ?? '{}')).toMatchObject({ candidate_parent_limit: 4 });
    expect((await restSchedulers()).map((s) => [s.host_name, s.state])).toEqual([['scheduler', 'active']]);

    await scheduler.kill('SIGKILL');
    await eventually(async () => (await listSchedulers()).schedulers.length === 0);
    expect((await restSchedulers()).map((s) => [s.host_name, s.state])).toEqual([['scheduler', 'inactive']]);
  });
});
