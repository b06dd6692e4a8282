import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../apps/manager/src/jobs/job-repository.js';
import type { RunningManager } from '../../../apps/manager/src/main.js';
import { startManagerWithCertDir } from '../../../apps/manager/test/jobs-fixture.js';
import { buildMultiArchLayout, hasCommands, nonLoopbackIPv4, pushWithSkopeo, startSelfSignedRegistry } from '../../../apps/manager/test/jobs-registry.js';
import type { BuiltImage, RunningRegistry } from '../../../apps/manager/test/jobs-registry.js';
import { E2eCluster } from '../harness/cluster.js';
import type { DfdaemonProcess } from '../harness/dfdaemon-process.js';
import { dfget } from '../harness/dfget.js';
import { assertBuilt } from '../harness/paths.js';

// The whole preheat path with real parts, registered as in production: the manager (in this
// process) resolves a multi-arch image on docker-registry behind a private CA and calls
// DfdaemonUpload.DownloadTask over mTLS (dfcert identities) on the BUILT seed dfdaemon, which
// registered itself with UpdateSeedPeer and fetches the blobs through the BUILT scheduler (registered
// with UpdateScheduler/KeepAlive); then another peer's dfget, and containerd pulling through a third peer's
// registry-mirror proxy, get the layers from the peers: the registry's access log shows no second
// fetch of any layer's content.

const MiB = 1024 * 1024;
const run = promisify(execFile);
// containerd (a Go client) treats loopback registries specially: the registry is addressed by a
// non-loopback address of this machine when there is one, which the manager then allow-lists.
const ip = nonLoopbackIPv4();
const host = ip ?? '127.0.0.1';
const PROXY_USER = 'puller';

/** Polls a condition another process brings about (registration over gRPC). */
async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
const PROXY_PASSWORD = 'e2e-proxy-pass';

describe('e2e: preheat warms the seed peer, later pulls come from it', () => {
  let cluster: E2eCluster;
  let registry: RunningRegistry;
  let image: BuiltImage;
  let seed: DfdaemonProcess;
  let peer: DfdaemonProcess;
  let registryCaFile: string;
  let manager: RunningManager;
  let token: string;
  const extraCaBefore = process.env.NODE_EXTRA_CA_CERTS;

  beforeAll(async () => {
    assertBuilt('dfdaemon', 'dfget', 'dfcert', 'scheduler');
    cluster = await E2eCluster.create('preheat');
    const dir = join(cluster.root, 'registry');
    const started = await startSelfSignedRegistry(dir, { listenHost: host });
    registry = started.registry;
    registryCaFile = started.caFile;
    cluster.onStop(() => registry.stop());
    image = buildMultiArchLayout(join(dir, 'layout'), 'v1', { layerBytes: 5 * MiB });
    await pushWithSkopeo({ layoutDir: image.layoutDir, tag: 'v1', destination: `${registry.host}/demo/app:v1`, certDir: started.skopeoCertDir });

    // Everything registers as in production: the manager first; the scheduler (UpdateScheduler +
    // KeepAlive) and the daemons (ListSchedulers; the seed peer with UpdateSeedPeer) find it.
    ({ manager, token } = await startManagerWithCertDir({
      dataDir: join(cluster.root, 'manager'),
      tlsDir: join(cluster.root, 'certs', 'manager'),
      caCertFile: started.caFile,
      allowList: [host],
      ...(process.env.D7Y_E2E_LOG ? { logLevel: 'info' } : {}),
    }));
    cluster.onStop(() => manager.stop());
    const managerAddr = `127.0.0.1:${manager.grpcPort}`;
    await cluster.scheduler('scheduler', { seedPeer: { healthCheckInterval: '1s' }, manager: { addr: managerAddr, keepAlive: { interval: '1s' } } });
    await until(async () => (await manager.database.db.selectFrom('schedulers').select('state').where('host_name', '=', 'scheduler').executeTakeFirst())?.state === 'active');
    // The daemons' own back-to-source trusts the registry's CA the way an operator configures node.
    process.env.NODE_EXTRA_CA_CERTS = started.caFile;
    const viaManager = { manager: { addr: managerAddr } };
    // preheat jobs (all_peers reaches peer-1 too) and the scheduler's seed triggers reach the
    // registry's address only because it is allow-listed
    const allowRegistry = { ...viaManager, download: { remoteSource: { allowList: [host] } } };
    seed = await cluster.dfdaemon({ hostname: 'seed-1', schedulers: [], seed: true, config: allowRegistry });
    peer = await cluster.dfdaemon({ hostname: 'peer-1', schedulers: [], config: allowRegistry });
    await until(async () => (await manager.database.db.selectFrom('seed_peers').select('port').where('host_name', '=', 'seed-1').executeTakeFirst())?.port === seed.ports.uploadPort);
  }, 120_000);

  afterAll(async () => {
    if (extraCaBefore === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
    else process.env.NODE_EXTRA_CA_CERTS = extraCaBefore;
    await cluster?.stop();
  });

  it('follows the job to SUCCESS, then a peer gets every blob and the registry serves none again', async () => {
    const created = await manager.rest.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      headers: { authorization: `Bearer ${token}` },
      payload: { type: 'preheat', args: { type: 'image', url: `https://${registry.host}/v2/demo/app/manifests/v1`, platform: 'linux/amd64' } },
    });
    expect(created.statusCode, created.body).toBe(201);
    let job = created.json<Job>();
    const deadline = Date.now() + 60_000;
    while (job.state === 'PENDING' || job.state === 'RUNNING') {
      if (Date.now() > deadline) throw new Error(`job still ${job.state}: ${JSON.stringify(job.result)}`);
      await new Promise((r) => setTimeout(r, 100)); // following the job through the API, as an operator does
      job = (await manager.rest.inject({ method: 'GET', url: `/api/v1/jobs/${job.id}`, headers: { authorization: `Bearer ${token}` } })).json<Job>();
    }
    expect(job.state, JSON.stringify(job.result)).toBe('SUCCESS');
    const blobs = image.platforms['linux/amd64']?.blobs ?? [];
    expect(job.result.peers).toEqual([expect.objectContaining({ hostname: 'seed-1', state: 'SUCCESS', finished_tasks: blobs.length })]);

    const contentGets = () => registry.blobGets().filter((g) => g.bytes > 1 && blobs.includes(g.digest));
    const afterPreheat = contentGets();
    // Each blob's content left the registry for the seed peer during the preheat.
    for (const d of blobs) expect(afterPreheat.some((g) => g.digest === d), d).toBe(true);

    for (const [i, digest] of blobs.entries()) {
      const out = join(cluster.root, `blob-${i}`);
      const r = await dfget(peer.socketPath, [`https://${registry.host}/v2/demo/app/blobs/${digest}`, '-O', out, '--no-progress']);
      expect(r.code, r.stderr).toBe(0);
      expect(`sha256:${createHash('sha256').update(readFileSync(out)).digest('hex')}`).toBe(digest);
    }
    // Range probes (bytes=0-0) cost one byte each. No blob's content was served again, the config
    // blob (a few hundred bytes) included: the peer got every one from the seed peer.
    const blobGets = (gets: { digest: string }[]) => gets.filter((g) => blobs.includes(g.digest));
    expect(blobGets(contentGets()).length).toBeGreaterThanOrEqual(blobs.length);
    expect(blobGets(contentGets())).toEqual(blobGets(afterPreheat));
  }, 90_000);

  it('scope all_peers reaches every host the scheduler lists (ListHosts over mTLS)', async () => {
    const created = await manager.rest.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      headers: { authorization: `Bearer ${token}` },
      payload: { type: 'preheat', args: { type: 'image', url: `https://${registry.host}/v2/demo/app/manifests/v1`, platform: 'linux/arm64', scope: 'all_peers' } },
    });
    expect(created.statusCode, created.body).toBe(201);
    let job = created.json<Job>();
    const deadline = Date.now() + 60_000;
    while (job.state === 'PENDING' || job.state === 'RUNNING') {
      if (Date.now() > deadline) throw new Error(`job still ${job.state}: ${JSON.stringify(job.result)}`);
      await new Promise((r) => setTimeout(r, 100)); // following the job through the API
      job = (await manager.rest.inject({ method: 'GET', url: `/api/v1/jobs/${job.id}`, headers: { authorization: `Bearer ${token}` } })).json<Job>();
    }
    expect(job.state, JSON.stringify(job.result)).toBe('SUCCESS');
    expect(job.result.peers.map((p) => [p.hostname, p.state, p.finished_tasks]).sort()).toEqual([
      ['peer-1', 'SUCCESS', 3],
      ['seed-1', 'SUCCESS', 3],
    ]);
  }, 90_000);
  it.skipIf(ip === undefined || !hasCommands('containerd', 'ctr'))('containerd pulling through a fresh peer\'s registry mirror gets the blobs from the peers, not the registry', async () => {
    const blobs = image.platforms['linux/amd64']?.blobs ?? [];
    const layers = blobs; // config and layers alike
    const layerGets = () => registry.blobGets().filter((g) => g.bytes > 1 && layers.includes(g.digest));
    const before = layerGets();
    expect(before.length).toBeGreaterThan(0); // the preheat above fetched them (once)

    const proxy = { server: { port: 0, basicAuth: { username: PROXY_USER, password: PROXY_PASSWORD } }, registryMirror: { addr: `https://${registry.host}`, cert: registryCaFile } };
    const mirror = await cluster.dfdaemon({ hostname: 'peer-2', schedulers: [], config: { proxy, manager: { addr: `127.0.0.1:${manager.grpcPort}` } } });
    const line = await mirror.proc.waitForLine((l) => l.includes('"proxy listening"'));
    const proxyPort = (JSON.parse(line) as { port: number }).port;

    const dir = join(cluster.root, 'containerd');
    const sock = join(dir, 'containerd.sock');
    mkdirSync(join(dir, 'hosts', registry.host), { recursive: true });
    const basic = Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64');
    writeFileSync(
      join(dir, 'hosts', registry.host, 'hosts.toml'),
      `server = "https://${registry.host}"\n[host."http://127.0.0.1:${proxyPort}"]\n  capabilities = ["pull", "resolve"]\n  [host."http://127.0.0.1:${proxyPort}".header]\n    Proxy-Authorization = ["Basic ${basic}"]\n`,
    );
    writeFileSync(join(dir, 'config.toml'), 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n');
    const containerd = spawn('containerd', ['--config', join(dir, 'config.toml'), '--root', join(dir, 'root'), '--state', join(dir, 'state'), '--address', sock], { stdio: 'ignore' });
    cluster.onStop(async () => {
      if (containerd.exitCode !== null) return;
      const exited = new Promise((r) => containerd.once('exit', r));
      containerd.kill('SIGTERM');
      await exited;
    });
    const deadline = Date.now() + 15_000;
    while (!(await run('ctr', ['--address', sock, 'version']).then(() => true, () => false))) {
      if (Date.now() > deadline || containerd.exitCode !== null) throw new Error('containerd did not start');
      await new Promise((r) => setTimeout(r, 100)); // polling containerd's socket until it answers
    }
    await run('ctr', ['--address', sock, 'images', 'pull', '--platform', 'linux/amd64', '--snapshotter', 'native', '--hosts-dir', join(dir, 'hosts'), `${registry.host}/demo/app:v1`], { timeout: 60_000 });
    const { stdout } = await run('ctr', ['--address', sock, 'content', 'ls', '-q']);
    for (const d of blobs) expect(stdout).toContain(d);
    expect(layerGets()).toEqual(before);
  }, 90_000);

});
