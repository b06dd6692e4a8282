import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRegistry, hasCommands, makeOciImage, nonLoopbackIPv4, writeIn, type OciImage } from '../../apps/dfdaemon/test/proxy/fixtures/docker-registry.js';
import { originCertificates } from '../../apps/dfdaemon/test/proxy/fixtures/origin-certificates.js';
import { E2eCluster } from './harness/cluster.js';
import type { DfdaemonProcess } from './harness/dfdaemon-process.js';
import { assertBuilt } from './harness/paths.js';
import { startScheduler } from './harness/scheduler-under-test.js';

const run = promisify(execFile);
const ip = nonLoopbackIPv4();
const tools = hasCommands('docker-registry', 'skopeo', 'curl', 'containerd', 'ctr');
const USER = 'puller';
const PASSWORD = 'e2e-proxy-pass';
const sha256File = (p: string): string => `sha256:${createHash('sha256').update(readFileSync(p)).digest('hex')}`;

async function proxyPort(d: DfdaemonProcess): Promise<number> {
  const line = await d.proc.waitForLine((l) => l.includes('"proxy listening"'));
  return (JSON.parse(line) as { port: number }).port;
}

describe.skipIf(!tools || ip === undefined)('e2e: two dfdaemons as registry proxies in front of docker-registry (real clients)', () => {
  let cluster: E2eCluster;
  const certs = originCertificates(ip === undefined ? [] : [ip]);
  let registry: DockerRegistry;
  let image: OciImage;
  let ref: string;
  let daemons: { d: DfdaemonProcess; port: number; caDir: string }[] = [];

  beforeAll(async () => {
    assertBuilt('dfdaemon', 'dfcert');
    cluster = await E2eCluster.create('proxy');
    registry = new DockerRegistry({ dir: join(cluster.root, 'registry'), tls: certs });
    await registry.start();
    cluster.onStop(() => registry.stop());
    ref = `${ip}:${registry.port}`;
    const registryCaDir = join(cluster.root, 'registry-ca');
    mkdirSync(registryCaDir);
    const registryCa = writeIn(registryCaDir, 'ca.crt', certs.caPem, 0o644);
    // layers above one piece (4 MiB) go through the scheduler; smaller blobs go to the source directly
    image = makeOciImage(join(cluster.root, 'image'), [6, 9]);
    await run('skopeo', ['copy', '--dest-cert-dir', registryCaDir, `oci:${image.dir}:v1`, `docker://${ref}/e2e/app:v1`]);
    // the daemons' back-to-source client trusts the registry's self-signed CA this way
    process.env.NODE_EXTRA_CA_CERTS = registryCa;
    const scheduler = await startScheduler(cluster);
    const proxy = { server: { port: 0, basicAuth: { username: USER, password: PASSWORD } }, registryMirror: { addr: `https://${ref}`, cert: registryCa } };
    for (const hostname of ['peer-1', 'peer-2']) {
      const d = await cluster.dfdaemon({ hostname, schedulers: [scheduler.address], config: { proxy } });
      const caDir = join(cluster.root, `${hostname}-proxy-ca`);
      mkdirSync(caDir);
      writeIn(caDir, 'ca.crt', readFileSync(join(cluster.root, hostname, 'data', 'proxy-ca', 'ca.crt'), 'utf8'), 0o644);
      daemons.push({ d, port: await proxyPort(d), caDir });
    }
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
    daemons = [];
  });

  it('skopeo through node 1, then containerd through node 2: layers fetched from the registry once, digests match', async () => {
    const [one, two] = daemons as [(typeof daemons)[number], (typeof daemons)[number]];
    const out = join(cluster.root, 'skopeo-out');
    await run('skopeo', ['copy', '--src-cert-dir', one.caDir, `docker://${ref}/e2e/app:v1`, `oci:${out}:v1`], {
      env: { ...process.env, HTTPS_PROXY: `http://${USER}:${PASSWORD}@127.0.0.1:${one.port}`, NO_PROXY: '' },
    });
    for (const l of image.layers) expect(sha256File(join(out, 'blobs', 'sha256', l.digest.slice(7)))).toBe(l.digest);

    const dir = join(cluster.root, 'containerd');
    const sock = join(dir, 'containerd.sock');
    mkdirSync(join(dir, 'hosts', ref), { recursive: true });
    const basic = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    writeIn(
      join(dir, 'hosts', ref),
      'hosts.toml',
      `server = "https://${ref}"\n[host."http://127.0.0.1:${two.port}"]\n  capabilities = ["pull", "resolve"]\n  [host."http://127.0.0.1:${two.port}".header]\n    Proxy-Authorization = ["Basic ${basic}"]\n`,
    );
    const config = writeIn(dir, 'config.toml', 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n');
    const { spawn } = await import('node:child_process');
    const containerd = spawn('containerd', ['--config', config, '--root', join(dir, 'root'), '--state', join(dir, 'state'), '--address', sock], { stdio: 'ignore' });
    cluster.onStop(async () => {
      if (containerd.exitCode === null) {
        const exited = new Promise((r) => containerd.once('exit', r));
        containerd.kill('SIGTERM');
        await exited;
      }
    });
    const deadline = Date.now() + 15_000;
    while (!(await run('ctr', ['--address', sock, 'version']).then(() => true, () => false))) {
      if (Date.now() > deadline) throw new Error('containerd did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    await run('ctr', ['--address', sock, 'images', 'pull', '--snapshotter', 'native', '--hosts-dir', join(dir, 'hosts'), `${ref}/e2e/app:v1`], { timeout: 60_000 });
    const { stdout } = await run('ctr', ['--address', sock, 'content', 'ls', '-q']);
    for (const l of image.layers) {
      expect(stdout).toContain(l.digest);
      // once in total across both nodes: node 2 got the layers from node 1 (plus one 1-byte probe per node)
      const served = registry.blobBytesServed(l.digest);
      expect(served).toBeGreaterThanOrEqual(l.size);
      expect(served).toBeLessThanOrEqual(l.size + 2);
    }
  }, 120_000);

  it('curl -x through node 2 with --proxy-user gets a layer with its task ID; without credentials 407', async () => {
    const two = daemons[1] as (typeof daemons)[number];
    const layer = image.layers[0] as OciImage['layers'][number];
    const out = join(cluster.root, 'curl-layer');
    const ok = await run('curl', ['-sS', '-D', '-', '-o', out, '-x', `http://127.0.0.1:${two.port}`, '--proxy-user', `${USER}:${PASSWORD}`, '--cacert', join(two.caDir, 'ca.crt'), `https://${ref}/v2/e2e/app/blobs/${layer.digest}`]);
    expect(ok.stdout).toMatch(/x-dragonfly-task-id: [0-9a-f]{64}/i);
    expect(ok.stdout).toMatch(/x-dragonfly-task-download-finished: true/i);
    expect(sha256File(out)).toBe(layer.digest);
    const refused = await run('curl', ['-sS', '-x', `http://127.0.0.1:${two.port}`, '--cacert', join(two.caDir, 'ca.crt'), `https://${ref}/v2/`]).catch((e: Error) => e);
    expect(String((refused as { stderr?: string }).stderr)).toMatch(/407/);
  });
});
