import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCertificateInfo } from '../certificate-info.js';
import { tlsClientOptions } from '../https-options.js';
import { captureLogger, httpsGet, startHttpsServer, waitFor } from '../mtls.fixture.js';
import { certificateDers } from '../pem.js';
import { TlsSource } from '../tls-source.js';
import { EXIT, runDfcert, type DfcertIo } from './run-dfcert.js';

const root = mkdtempSync(join(tmpdir(), 'd7y-dfcert-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshDir = (): string => join(root, `certs-${++counter}`);
const DAY_MS = 86_400_000;
const SERVICES = ['client', 'dfdaemon', 'manager', 'scheduler'];

async function dfcert(argv: string[], io: Partial<DfcertIo> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runDfcert(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), ...io });
  return { code, stdout, stderr };
}

function openssl(args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const serial = (path: string): string => readCertificateInfo(readFileSync(path)).serialNumber;

describe('dfcert init', () => {
  it('makes a CA and per-service certificates that openssl verifies, keys 0600', async () => {
    const dir = freshDir();
    const result = await dfcert(['init', '--dir', dir, '--hosts', 'localhost,node1.example', '--ips', '127.0.0.1,10.1.2.3']);
    expect(result).toMatchObject({ code: EXIT.ok, stderr: '' });
    const verify = openssl(['verify', '-CAfile', 'ca.crt', ...SERVICES.map((name) => `${name}/tls.crt`)], dir);
    expect(verify.output).toBe(SERVICES.map((name) => `${name}/tls.crt: OK\n`).join(''));
    expect(verify.status).toBe(0);
    expect(statSync(join(dir, 'ca.key')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const name of SERVICES) expect(statSync(join(dir, name, 'tls.key')).mode & 0o777).toBe(0o600);
    const scheduler = readCertificateInfo(readFileSync(join(dir, 'scheduler', 'tls.crt')));
    expect(scheduler).toMatchObject({
      dnsNames: ['localhost', 'node1.example'],
      ipAddresses: ['127.0.0.1', '10.1.2.3'],
      uris: ['spiffe://dragonfly/scheduler/scheduler'],
      extKeyUsage: ['serverAuth', 'clientAuth'],
    });
    expect(readCertificateInfo(readFileSync(join(dir, 'client', 'tls.crt')))).toMatchObject({ extKeyUsage: ['clientAuth'], commonName: 'operator' });
    // the operator certificate may not act as a server
    expect(openssl(['verify', '-CAfile', 'ca.crt', '-purpose', 'sslserver', 'client/tls.crt'], dir).status).not.toBe(0);
  });

  it('refuses to overwrite an existing CA without --force', async () => {
    const dir = freshDir();
    await dfcert(['init', '--dir', dir]);
    const before = readFileSync(join(dir, 'ca.key'), 'utf8');
    const again = await dfcert(['init', '--dir', dir]);
    expect(again.code).toBe(EXIT.failure);
    expect(again.stderr).toMatch(/ca\.key already exists/);
    expect(readFileSync(join(dir, 'ca.key'), 'utf8')).toBe(before);
    expect((await dfcert(['init', '--dir', dir, '--force'])).code).toBe(EXIT.ok);
    expect(readFileSync(join(dir, 'ca.key'), 'utf8')).not.toBe(before);
  });
});

describe('dfcert usage', () => {
  it.each([
    [['init'], /--dir is required/],
    [['init', '--dir', 'x', '--ips', '1.2.3'], /--ips: "1.2.3" is not an IP address/],
    [['init', '--dir', 'x', '--hosts', 'bad host'], /--hosts: "bad host" is not a DNS name/],
    [['init', '--dir', 'x', '--days=-3'], /--days must be a number of days/],
    [['init', '--dir', 'x', '--bogus'], /Unknown option '--bogus'/],
    [['issue', '--dir', 'x', '--name', 'n', '--role', 'admin'], /--role must be one of/],
    [['issue', '--dir', 'x', '--name', '../n', '--role', 'dfdaemon'], /--name must match/],
    [['renew', '--dir', 'x', '--interval', 'soon'], /--interval: not a duration/],
    [['inspect'], /give --dir DIR or certificate files/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('%j exits 2 with a clear message', async (argv, message) => {
    const result = await dfcert(argv);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints help for every command', async () => {
    expect((await dfcert(['--help'])).stdout).toMatch(/Commands:/);
    for (const command of ['init', 'issue', 'renew', 'inspect']) {
      const result = await dfcert([command, '--help']);
      expect(result.code).toBe(EXIT.ok);
      expect(result.stdout).toMatch(new RegExp(`^Usage: dfcert ${command}`));
    }
    expect((await dfcert([])).code).toBe(EXIT.usage);
  });

  it('reports a missing CA as a failure (exit 1)', async () => {
    const result = await dfcert(['renew', '--dir', join(root, 'nope')]);
    expect(result.code).toBe(EXIT.failure);
    expect(result.stderr).toMatch(/has no ca\.crt and ca\.key; run `dfcert init/);
  });
});

describe('dfcert issue and inspect', () => {
  it('issues a certificate for another host and inspect shows subjects, SANs and expiry', async () => {
    const dir = freshDir();
    await dfcert(['init', '--dir', dir]);
    const issued = await dfcert(['issue', '--dir', dir, '--name', 'peer-7', '--role', 'dfdaemon', '--hosts', 'peer7.example', '--ips', '10.0.0.7', '--days', '30']);
    expect(issued.code).toBe(EXIT.ok);
    expect(openssl(['verify', '-CAfile', 'ca.crt', 'peer-7/tls.crt'], dir).status).toBe(0);
    expect((await dfcert(['issue', '--dir', dir, '--name', 'peer-7', '--role', 'dfdaemon'])).stderr).toMatch(/already exists/);

    const inspect = await dfcert(['inspect', '--dir', dir]);
    expect(inspect.code).toBe(EXIT.ok);
    expect(inspect.stdout).toContain(`${join(dir, 'peer-7', 'tls.crt')}\n  subject:  O=dragonfly, OU=dfdaemon, CN=peer-7`);
    expect(inspect.stdout).toMatch(/DNS: {6}peer7\.example\n {2}IP: {7}10\.0\.0\.7\n {2}URI: {6}spiffe:\/\/dragonfly\/dfdaemon\/peer-7/);
    expect(inspect.stdout).toMatch(/expires in 30\.0 days/);
    expect(inspect.stdout).toMatch(/subject: {2}O=dragonfly, CN=Dragonfly CA/);
    expect(inspect.stdout).toMatch(/role: {5}client {3}usage: client/);
  });

  it('inspect exits 1 on a mismatched key, a readable key and an expired certificate', async () => {
    const dir = freshDir();
    await dfcert(['init', '--dir', dir]);
    writeFileSync(join(dir, 'manager', 'tls.key'), readFileSync(join(dir, 'scheduler', 'tls.key')), { mode: 0o644 });
    const broken = await dfcert(['inspect', '--dir', dir]);
    expect(broken.code).toBe(EXIT.failure);
    expect(broken.stderr).toMatch(/manager\/tls\.key does not belong to/);
    const expired = await dfcert(['inspect', join(dir, 'scheduler', 'tls.crt')], { now: () => Date.now() + 100 * DAY_MS });
    expect(expired.code).toBe(EXIT.failure);
    expect(expired.stdout).toMatch(/EXPIRED/);
    expect(expired.stderr).toMatch(/expired at/);
  });
});

describe('dfcert renew', () => {
  it('leaves certificates alone until 2/3 of their validity has passed, then renews them', async () => {
    const dir = freshDir();
    await dfcert(['init', '--dir', dir, '--days', '90']);
    const before = serial(join(dir, 'scheduler', 'tls.crt'));
    const caBefore = readFileSync(join(dir, 'ca.crt'), 'utf8');
    // 59 days in: not yet (due at 60)
    const early = await dfcert(['renew', '--dir', dir], { now: () => Date.now() + 59 * DAY_MS });
    expect(early.stdout).toMatch(/nothing due/);
    expect(serial(join(dir, 'scheduler', 'tls.crt'))).toBe(before);
    const due = await dfcert(['renew', '--dir', dir], { now: () => Date.now() + 61 * DAY_MS });
    expect(due.code).toBe(EXIT.ok);
    expect(due.stdout.match(/^renewed /gm)).toHaveLength(4);
    const after = readCertificateInfo(readFileSync(join(dir, 'scheduler', 'tls.crt')));
    expect(after.serialNumber).not.toBe(before);
    expect(after).toMatchObject({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'], uris: ['spiffe://dragonfly/scheduler/scheduler'] });
    expect(Math.round((after.notAfter.getTime() - after.notBefore.getTime()) / DAY_MS)).toBe(90);
    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toBe(caBefore);
    expect(statSync(join(dir, 'scheduler', 'tls.key')).mode & 0o777).toBe(0o600);
  });

  it('rotates the CA at 2/3 of its validity with a new+old bundle', async () => {
    const dir = freshDir();
    await dfcert(['init', '--dir', dir, '--ca-days', '30', '--days', '10']);
    const oldCa = certificateDers(readFileSync(join(dir, 'ca.crt')))[0]!;
    const oldClient = readFileSync(join(dir, 'client', 'tls.crt'));
    const result = await dfcert(['renew', '--dir', dir, '--grace', '0s'], { now: () => Date.now() + 21 * DAY_MS });
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toMatch(/rotated the CA/);
    const bundle = certificateDers(readFileSync(join(dir, 'ca.crt')));
    expect(bundle).toHaveLength(2);
    expect(bundle[1]!.equals(oldCa)).toBe(true);
    expect(bundle[0]!.equals(oldCa)).toBe(false);
    for (const name of SERVICES) {
      expect(readFileSync(join(dir, name, 'ca.crt'))).toEqual(readFileSync(join(dir, 'ca.crt')));
      const leaf = new X509Certificate(readFileSync(join(dir, name, 'tls.crt')));
      expect(leaf.verify(new X509Certificate(bundle[0]!).publicKey)).toBe(true);
    }
    // a peer still holding a certificate from the old CA is trusted by the new bundle
    writeFileSync(join(dir, 'old-client.crt'), oldClient);
    expect(openssl(['verify', '-CAfile', 'scheduler/ca.crt', 'old-client.crt', 'scheduler/tls.crt'], dir).status).toBe(0);
    // the signing key moved to the new CA
    expect(new X509Certificate(bundle[0]!).checkPrivateKey(await import('node:crypto').then((c) => c.createPrivateKey(readFileSync(join(dir, 'ca.key')))))).toBe(true);
  });

  it('--rotate-ca under live services: every request before, during and after the rotation succeeds', async () => {
    const dir = freshDir();
    await dfcert(['init', '--dir', dir]);
    const logger = captureLogger();
    const serverSrc = TlsSource.fromDir(join(dir, 'scheduler'), { logger, pollIntervalMs: 25 });
    // the client reloads slowly: without the grace period it would meet the server's new
    // certificate before trusting the new CA
    const clientSrc = TlsSource.fromDir(join(dir, 'dfdaemon'), { logger, pollIntervalMs: 400 });
    serverSrc.start();
    clientSrc.start();
    const server = await startHttpsServer(serverSrc);
    try {
      let ok = 0;
      const failures: string[] = [];
      let stop = false;
      const traffic = (async () => {
        while (!stop) {
          try {
            const res = await httpsGet(server.port, tlsClientOptions(clientSrc, { servername: 'localhost' }));
            if (res.status === 200) ok++;
            else failures.push(`status ${res.status}`);
          } catch (err) {
            failures.push((err as Error).message);
          }
        }
      })();
      await waitFor(() => ok > 3, 5000, 'traffic');
      const oldServerSerial = serverSrc.certificate().serialNumber;
      const result = await dfcert(['renew', '--dir', dir, '--rotate-ca', '--grace', '2s']);
      expect(result.code).toBe(EXIT.ok);
      const newSerial = serial(join(dir, 'scheduler', 'tls.crt'));
      expect(newSerial).not.toBe(oldServerSerial);
      await waitFor(() => serverSrc.certificate().serialNumber === newSerial && clientSrc.certificate().serialNumber === serial(join(dir, 'dfdaemon', 'tls.crt')), 5000, 'both sides to load the renewed certificates');
      const okAtSwitch = ok;
      await waitFor(() => ok > okAtSwitch + 3, 5000, 'traffic after the rotation');
      stop = true;
      await traffic;
      expect(failures).toEqual([]);
    } finally {
      await server.stop();
      await serverSrc.stop();
      await clientSrc.stop();
    }
  });

  it('--watch renews on every due pass until stopped', async () => {
    const dir = freshDir();
    await dfcert(['init', '--dir', dir]);
    const controller = new AbortController();
    let stdout = '';
    const run = runDfcert(['renew', '--dir', dir, '--watch', '--interval', '20ms'], {
      stdout: (text) => {
        stdout += text;
        if ((stdout.match(/^renewed scheduler/gm) ?? []).length >= 2) controller.abort();
      },
      stderr: () => undefined,
      now: () => Date.now() + 61 * DAY_MS,
      signal: controller.signal,
    });
    expect(await run).toBe(EXIT.ok);
    expect(stdout).toMatch(/stopped\n$/);
    expect(openssl(['verify', '-CAfile', 'ca.crt', 'scheduler/tls.crt'], dir).status).toBe(0);
  });
});
