import { mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { readCertificateInfo } from './certificate-info.js';
import { grpcChannelCredentials } from './grpc-credentials.js';
import { issueCertificate } from './issue-certificate.js';
import { tlsClientOptions } from './https-options.js';
import { EchoClient, captureLogger, echoService, httpsGet, makePki, startEchoServer, startHttpsServer, waitFor, whoAmI } from './mtls.fixture.js';
import { TlsSource } from './tls-source.js';
import { writeTlsDir } from './write-tls-dir.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'd7y-tls-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const normalSerial = (serial: string): string => serial.toLowerCase().replace(/^0+/, '');

/** Serial number of the certificate a fresh handshake with the server presents. */
function presentedSerial(port: number, client: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ ...client, host: '127.0.0.1', port, ALPNProtocols: ['h2'] }, () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.destroy();
      resolve(normalSerial(serial));
    });
    socket.once('error', reject);
  });
}

describe('TlsSource hot reload under live servers', () => {
  it('new handshakes get the new certificate, an open stream keeps working, a corrupt file is ignored', async () => {
    const pki = makePki();
    const dir = tempDir();
    const logger = captureLogger();
    writeTlsDir(dir, { caPem: pki.ca.certPem, certPem: pki.server.certPem, keyPem: pki.server.keyPem });
    const src = TlsSource.fromDir(dir, { logger, pollIntervalMs: 50 });
    src.start();
    cleanups.push(() => src.stop());
    const grpcServer = await startEchoServer(src);
    cleanups.push(() => grpcServer.stop());
    const httpsServer = await startHttpsServer(src);
    cleanups.push(() => httpsServer.stop());

    const clientSrc = TlsSource.fromPem({ ca: pki.ca.certPem, cert: pki.client.certPem, key: pki.client.keyPem });
    const clientOptions = tlsClientOptions(clientSrc, { servername: 'localhost' });
    const client = new EchoClient(`127.0.0.1:${grpcServer.port}`, grpcChannelCredentials(clientSrc));
    cleanups.push(() => client.close());

    const received: unknown[] = [];
    const stream = client.makeServerStreamRequest(
      echoService.watch.path,
      echoService.watch.requestSerialize,
      echoService.watch.responseDeserialize,
      {},
    );
    let streamError: Error | undefined;
    stream.on('data', (message: unknown) => received.push(message));
    stream.on('error', (err: Error) => (streamError = err));
    cleanups.push(() => stream.cancel());
    await waitFor(() => received.length === 1, 5000, 'first stream message');

    const oldSerial = normalSerial(readCertificateInfo(pki.server.certPem).serialNumber);
    expect(await presentedSerial(grpcServer.port, clientOptions)).toBe(oldSerial);
    expect((await httpsGet(httpsServer.port, clientOptions)).peerSerial.toLowerCase().replace(/^0+/, '')).toBe(oldSerial);

    // rotate: atomic rename of each file, as writeTlsDir does
    const next = issueCertificate(pki.ca, { commonName: 'scheduler-1', role: 'scheduler', usage: 'dual', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const newSerial = normalSerial(readCertificateInfo(next.certPem).serialNumber);
    writeTlsDir(dir, { caPem: pki.ca.certPem, certPem: next.certPem, keyPem: next.keyPem });
    await waitFor(async () => (await presentedSerial(grpcServer.port, clientOptions)) === newSerial, 5000, 'gRPC server to present the new certificate');
    await waitFor(async () => normalSerial((await httpsGet(httpsServer.port, clientOptions)).peerSerial) === newSerial, 5000, 'https server to present the new certificate');

    // the stream opened before the rotation is still alive
    grpcServer.push({ after: 'rotation' });
    await waitFor(() => received.length === 2, 5000, 'stream message after rotation');
    expect(received[1]).toEqual({ after: 'rotation' });
    expect(streamError).toBeUndefined();
    // and a fresh gRPC call over a new connection works
    const fresh = new EchoClient(`127.0.0.1:${grpcServer.port}`, grpcChannelCredentials(clientSrc));
    cleanups.push(() => fresh.close());
    await expect(whoAmI(fresh)).resolves.toMatchObject({ identity: { role: 'dfdaemon' } });

    // corrupt replacement: ignored, logged once, old (= current) certificate stays
    writeFileSync(join(dir, 'tls.crt'), '-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n');
    await waitFor(() => logger.lines.some((line) => line.level === 'warn'), 5000, 'a warning about the corrupt file');
    const warning = logger.lines.find((line) => line.level === 'warn')!;
    expect(warning.obj).toMatchObject({ dir, reason: expect.stringMatching(/tls\.crt/) });
    expect(await presentedSerial(grpcServer.port, clientOptions)).toBe(newSerial);
    expect(src.certificate().serialNumber).toBe(readCertificateInfo(next.certPem).serialNumber);
    grpcServer.push({ after: 'corrupt' });
    await waitFor(() => received.length === 3, 5000, 'stream message after the corrupt file');
    expect(logger.lines.filter((line) => line.level === 'warn')).toHaveLength(1);
  });

  it('follows a Kubernetes-style ..data symlink swap and refuses a mismatched key', async () => {
    const pki = makePki();
    const dir = tempDir();
    const logger = captureLogger();
    const writeVersion = (name: string, files: { ca: string; cert: string; key: string }): void => {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'ca.crt'), files.ca);
      writeFileSync(join(dir, name, 'tls.crt'), files.cert);
      writeFileSync(join(dir, name, 'tls.key'), files.key, { mode: 0o600 });
      // kubelet: new timestamped dir, ..data_tmp -> it, rename over ..data
      symlinkSync(name, join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    };
    writeVersion('..v1', { ca: pki.ca.certPem, cert: pki.server.certPem, key: pki.server.keyPem });
    for (const file of ['ca.crt', 'tls.crt', 'tls.key']) symlinkSync(join('..data', file), join(dir, file));

    const src = TlsSource.fromDir(dir, { logger, pollIntervalMs: 50 });
    const changes: string[] = [];
    src.onChange(() => changes.push(src.certificate().serialNumber));
    src.start();
    cleanups.push(() => src.stop());
    const server = await startHttpsServer(src);
    cleanups.push(() => server.stop());
    const clientOptions = tlsClientOptions(TlsSource.fromPem({ ca: pki.ca.certPem, cert: pki.client.certPem, key: pki.client.keyPem }), {
      servername: 'localhost',
    });

    const next = issueCertificate(pki.ca, { commonName: 'scheduler-2', role: 'scheduler', usage: 'server', dnsNames: ['localhost'] });
    writeVersion('..v2', { ca: pki.ca.certPem, cert: next.certPem, key: next.keyPem });
    const newSerial = normalSerial(readCertificateInfo(next.certPem).serialNumber);
    await waitFor(async () => normalSerial((await httpsGet(server.port, clientOptions)).peerSerial) === newSerial, 5000, 'the swapped certificate');
    expect(changes).toHaveLength(1);

    // a key that belongs to another certificate is refused with a reason
    const other = issueCertificate(pki.ca, { commonName: 'scheduler-3', role: 'scheduler', usage: 'server', dnsNames: ['localhost'] });
    writeVersion('..v3', { ca: pki.ca.certPem, cert: other.certPem, key: next.keyPem });
    await waitFor(() => logger.lines.some((line) => line.level === 'warn'), 5000, 'a warning about the mismatched key');
    expect(logger.lines.find((line) => line.level === 'warn')!.obj).toMatchObject({ reason: expect.stringMatching(/tls\.key does not belong/) });
    expect(normalSerial((await httpsGet(server.port, clientOptions)).peerSerial)).toBe(newSerial);
    expect(changes).toHaveLength(1);
  });
});

