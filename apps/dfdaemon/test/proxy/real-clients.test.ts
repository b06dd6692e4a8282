import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createCa, issueCertificate } from '@d7y/tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRegistry, hasCommands, makeOciImage, nonLoopbackIPv4, writeIn, type OciImage } from './fixtures/docker-registry.js';
import { startProxyStack, type ProxyStack } from './fixtures/proxy-stack.js';

const run = promisify(execFile);
const ip = nonLoopbackIPv4();
const tools = hasCommands('docker-registry', 'skopeo', 'curl', 'containerd', 'ctr');
if (!tools || ip === undefined) console.warn('real-client proxy tests skipped: need docker-registry, skopeo, curl, containerd and a non-loopback IPv4');

const USER = 'alice';
const PASSWORD = 'pr0xy-secret';
/** The registry sent the blob's bytes once (plus the 1-byte `Range: bytes=0-0` probe), not twice. */
function expectFetchedOnce(registry: DockerRegistry, blob: { digest: string; size: number }): void {
  const served = registry.blobBytesServed(blob.digest);
  expect(served).toBeGreaterThanOrEqual(blob.size);
  expect(served).toBeLessThanOrEqual(blob.size + 1);
}

const sha256File = (p: string): string => `sha256:${createHash('sha256').update(readFileSync(p)).digest('hex')}`;

describe.skipIf(!tools || ip === undefined)('real clients through the proxy (docker-registry, skopeo, curl, containerd)', () => {
  const root = mkdtempSync(join(tmpdir(), 'd7y-proxy-clients-'));
  const registryCa = createCa({ commonName: 'registry self-signed CA' });
  const registryLeaf = issueCertificate(registryCa, { commonName: 'registry', role: 'client', usage: 'server', dnsNames: ['localhost'], ipAddresses: [ip ?? '127.0.0.1', '127.0.0.1'] });
  const secure = new DockerRegistry({ dir: join(root, 'registry-tls'), tls: { ...registryLeaf, caPem: registryCa.certPem } });
  const plain = new DockerRegistry({ dir: join(root, 'registry-plain') });
  let image: OciImage;
  let stack: ProxyStack;
  let proxyCaDir: string;
  let secureRef: string;
  let plainHost: string;

  beforeAll(async () => {
    await Promise.all([secure.start(), plain.start()]);
    secureRef = `${ip}:${secure.port}`;
    plainHost = `${ip}:${plain.port}`;
    image = makeOciImage(join(root, 'image'), [1, 2, 3]);
    const registryCaDir = join(root, 'registry-ca');
    mkdirSync(registryCaDir);
    writeIn(registryCaDir, 'ca.crt', registryCa.certPem);
    await run('skopeo', ['copy', '--dest-cert-dir', registryCaDir, `oci:${image.dir}:v1`, `docker://${secureRef}/test/app:v1`]);
    await run('skopeo', ['copy', '--dest-tls-verify=false', `oci:${image.dir}:v1`, `docker://${plainHost}/test/app:v1`]);
    stack = await startProxyStack({
      config: {
        server: { basicAuth: { username: USER, password: PASSWORD } },
        registryMirror: { addr: `https://${secureRef}`, cert: join(registryCaDir, 'ca.crt') },
      },
      sourceCaPem: registryCa.certPem,
    });
    proxyCaDir = join(root, 'proxy-ca');
    mkdirSync(proxyCaDir);
    writeIn(proxyCaDir, 'ca.crt', readFileSync(stack.caCertPath, 'utf8'));
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
    await Promise.all([secure.stop(), plain.stop()]);
    rmSync(root, { recursive: true, force: true });
  });

  const proxyUrl = (auth: boolean): string => `http://${auth ? `${USER}:${PASSWORD}@` : ''}127.0.0.1:${stack.port}`;

  it('skopeo copy with HTTPS_PROXY and the proxy CA trusted: every layer through P2P, digests match', async () => {
    const out = join(root, 'skopeo-out');
    const env = { ...process.env, HTTPS_PROXY: proxyUrl(true), NO_PROXY: '' };
    await run('skopeo', ['copy', '--src-cert-dir', proxyCaDir, `docker://${secureRef}/test/app:v1`, `oci:${out}:v1`], { env });
    for (const blob of [...image.layers, image.config]) {
      const file = join(out, 'blobs', 'sha256', blob.digest.slice('sha256:'.length));
      expect(sha256File(file)).toBe(blob.digest);
      expectFetchedOnce(secure, blob);
    }
    // the blobs are tasks in the daemon's storage, verified against their digests
    const finished = stack.storage.list().filter((t) => t.isFinished).map((t) => t.meta.url);
    for (const l of image.layers) expect(finished).toContain(`https://${secureRef}/v2/test/app/blobs/${l.digest}`);
  });

  it('skopeo without proxy credentials is refused (407 on CONNECT)', async () => {
    const env = { ...process.env, HTTPS_PROXY: proxyUrl(false), NO_PROXY: '' };
    const err = await run('skopeo', ['inspect', '--raw', '--cert-dir', proxyCaDir, `docker://${secureRef}/test/app:v1`], { env }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as { stderr?: string }).stderr)).toMatch(/407|Proxy Authentication Required/);
  });

  it('curl -x with --proxy-user through the interception (HTTPS) and as a plain HTTP proxy; refused without', async () => {
    const layer = image.layers[1] as OciImage['layers'][number];
    const https = await run('curl', ['-sS', '-D', '-', '-o', join(root, 'curl-https'), '-x', `http://127.0.0.1:${stack.port}`, '--proxy-user', `${USER}:${PASSWORD}`, '--cacert', join(proxyCaDir, 'ca.crt'), `https://${secureRef}/v2/test/app/blobs/${layer.digest}`]);
    expect(https.stdout).toMatch(/x-dragonfly-task-id: [0-9a-f]{64}/i);
    expect(sha256File(join(root, 'curl-https'))).toBe(layer.digest);
    expectFetchedOnce(secure, layer); // still once: served from the daemon

    const plainOut = join(root, 'curl-plain');
    const viaPlain = await run('curl', ['-sS', '-D', '-', '-o', plainOut, '-x', `http://127.0.0.1:${stack.port}`, '--proxy-user', `${USER}:${PASSWORD}`, `http://${plainHost}/v2/test/app/blobs/${layer.digest}`]);
    expect(viaPlain.stdout).toMatch(/x-dragonfly-task-id: [0-9a-f]{64}/i);
    expect(sha256File(plainOut)).toBe(layer.digest);
    expectFetchedOnce(plain, layer);

    const refusedPlain = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-x', `http://127.0.0.1:${stack.port}`, `http://${plainHost}/v2/`]);
    expect(refusedPlain.stdout).toBe('407');
    const wrong = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-x', `http://127.0.0.1:${stack.port}`, '--proxy-user', `${USER}:wrong`, `http://${plainHost}/v2/`]);
    expect(wrong.stdout).toBe('407');
    const refusedTls = await run('curl', ['-sS', '-x', `http://127.0.0.1:${stack.port}`, '--cacert', join(proxyCaDir, 'ca.crt'), `https://${secureRef}/v2/`]).catch((e: Error) => e);
    expect(String((refusedTls as { stderr?: string }).stderr)).toMatch(/407/);
  });

  it('containerd pulls through a hosts.toml mirror pointing at the proxy; layers come from the daemon', async () => {
    const dir = join(root, 'containerd');
    const sock = join(dir, 'containerd.sock');
    mkdirSync(dir, { recursive: true });
    const config = writeIn(dir, 'config.toml', 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n');
    const daemon: ChildProcess = spawn('containerd', ['--config', config, '--root', join(dir, 'root'), '--state', join(dir, 'state'), '--address', sock], { stdio: 'ignore' });
    try {
      const deadline = Date.now() + 15_000;
      while (!(existsSync(sock) && (await run('ctr', ['--address', sock, 'version']).then(() => true, () => false)))) {
        if (Date.now() > deadline || daemon.exitCode !== null) throw new Error('containerd did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
      const hostsDir = join(dir, 'hosts');
      mkdirSync(join(hostsDir, secureRef), { recursive: true });
      const basic = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
      writeIn(
        join(hostsDir, secureRef),
        'hosts.toml',
        [
          `server = "https://${secureRef}"`,
          `[host."http://127.0.0.1:${stack.port}"]`,
          '  capabilities = ["pull", "resolve"]',
          `  [host."http://127.0.0.1:${stack.port}".header]`,
          `    Proxy-Authorization = ["Basic ${basic}"]`,
          '',
        ].join('\n'),
      );

      await run('ctr', ['--address', sock, 'images', 'pull', '--snapshotter', 'native', '--hosts-dir', hostsDir, `${secureRef}/test/app:v1`], { timeout: 60_000 });
      const { stdout } = await run('ctr', ['--address', sock, 'content', 'ls', '-q']);
      for (const blob of [...image.layers, image.config]) {
        expect(stdout).toContain(blob.digest);
        // the layers were already in the daemon (from skopeo): the registry was not asked again
        expectFetchedOnce(secure, blob);
      }
    } finally {
      const exited = new Promise((r) => daemon.once('exit', r));
      daemon.kill('SIGTERM');
      await exited;
    }
  });
});
