import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { createDfdaemonUploadClient, type dfdaemon } from '@d7y/rpc';
import { createCa, grpcChannelCredentials, issueCertificate } from '@d7y/tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dfdaemon } from '../src/dfdaemon.js';
import { startTestDaemon } from './fixtures/daemon.js';
import { randomBytesSeeded, TestOrigin } from './fixtures/origin.js';
import { TestPki } from './fixtures/tls.js';

// Downloads the network asks for (DfdaemonUpload.DownloadTask from the manager or a scheduler)
// reach only public addresses unless download.remoteSource.allowList admits them, and trust the
// registry CA the manager sends in Download.certificate_chain. The node's own users (dfget) are
// not restricted. Real daemon, real mTLS gRPC, real HTTP(S) origins on loopback.

type Response = dfdaemon.DownloadTaskResponse__Output;

function collect(call: grpc.ClientReadableStream<Response>): Promise<{ items: Response[]; err?: grpc.ServiceError }> {
  return new Promise((resolve) => {
    const items: Response[] = [];
    call.on('data', (r: Response) => items.push(r));
    call.on('error', (err: grpc.ServiceError) => resolve({ items, err }));
    call.on('end', () => resolve({ items }));
  });
}

/** An HTTPS origin whose certificate comes from a private CA (no system root trusts it). */
async function startPrivateCaOrigin(body: Buffer): Promise<{ server: Server; url: string; caDer: Buffer }> {
  const ca = createCa({ commonName: 'private registry CA' });
  const leaf = issueCertificate(ca, { commonName: 'registry', role: 'client', usage: 'server', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const server = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (req, res) => {
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (m === null) {
      res.writeHead(200, { 'content-length': body.length }).end(body);
      return;
    }
    const start = Number(m[1]);
    const end = Math.min(Number(m[2]), body.length - 1);
    res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': end - start + 1 }).end(body.subarray(start, end + 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/blob`, caDer: new X509Certificate(ca.certPem).raw };
}

describe('remote-triggered downloads: egress policy and certificate_chain', () => {
  const pki = new TestPki();
  const origin = new TestOrigin();
  const body = randomBytesSeeded(3 * 1024 * 1024, 11);
  let root: string;
  let strict: Dfdaemon;
  let allowing: Dfdaemon;
  let https: Awaited<ReturnType<typeof startPrivateCaOrigin>>;

  const managerCall = (d: Dfdaemon, url: string, extra: Partial<dfdaemon.DownloadTaskRequest['download']> = {}) => {
    const c = createDfdaemonUploadClient(`127.0.0.1:${d.ports.uploadPort}`, grpcChannelCredentials(pki.source('manager-1', 'manager')));
    return collect(c.DownloadTask({ download: { url, type: 'STANDARD', request_header: {}, need_back_to_source: true, ...extra } }));
  };

  beforeAll(async () => {
    origin.files.set('/f', { body });
    await origin.start();
    https = await startPrivateCaOrigin(body);
    root = await mkdtemp(join(tmpdir(), 'd7y-egress-'));
    // no allow-list: only public addresses for the network's downloads
    strict = await startTestDaemon({ root, ca: pki.ca, hostname: 'strict-1', schedulers: [], config: { download: { remoteSource: { allowList: [] } } } });
    allowing = await startTestDaemon({ root, ca: pki.ca, hostname: 'allowing-1', schedulers: [], config: { download: { remoteSource: { allowList: ['127.0.0.1'] } } } });
  });
  afterAll(async () => {
    await strict?.stop();
    await allowing?.stop();
    await origin.stop();
    https?.server.closeAllConnections();
    await new Promise<void>((resolve) => (https === undefined ? resolve() : https.server.close(() => resolve())));
    await rm(root, { recursive: true, force: true });
  });

  it('refuses a loopback origin for the manager, with a clear error, and the origin sees no request', async () => {
    const before = origin.log.length;
    const r = await managerCall(strict, origin.url('/f'));
    expect(r.err?.code).toBe(status.PERMISSION_DENIED);
    expect(r.err?.details).toMatch(/^DF_ERR_SOURCE_REFUSED: refused to fetch http:\/\/127\.0\.0\.1:\d+ \(redirects included\) for a download requested over the network: .*loopback.*allow-list/);
    expect(origin.log.length).toBe(before);
  });

  it('refuses the metadata address and private ranges in other spellings', async () => {
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[::ffff:a9fe:a9fe]/x', 'http://10.1.2.3:1/x', 'http://2130706433:1/x']) {
      const r = await managerCall(strict, url);
      expect(r.err?.code, url).toBe(status.PERMISSION_DENIED);
      expect(r.err?.details, url).toMatch(/DF_ERR_SOURCE_REFUSED/);
    }
  });

  it('fetches an allow-listed loopback origin for the manager', async () => {
    const r = await managerCall(allowing, origin.url('/f'));
    expect(r.err).toBeUndefined();
    expect(r.items.length).toBeGreaterThan(1);
    const task = allowing.storage.get(r.items[0]?.task_id as string);
    expect(task?.isFinished).toBe(true);
  });

  it('judges every redirect hop: an allow-listed origin redirecting to a loopback address that is not allow-listed is refused', async () => {
    const target = `http://127.0.0.2:${origin.port}/f`;
    const redirector = createHttpServer((_req, res) => res.writeHead(302, { location: target }).end());
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      const r = await managerCall(allowing, `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/go`);
      expect(r.err?.code).toBe(status.PERMISSION_DENIED);
      expect(r.err?.details).toMatch(/DF_ERR_SOURCE_REFUSED: refused to fetch http:\/\/127\.0\.0\.1:\d+ \(redirects included\) for a download requested over the network: 127\.0\.0\.2 resolves to 127\.0\.0\.2, a loopback address/);
    } finally {
      redirector.closeAllConnections();
      await new Promise<void>((resolve) => redirector.close(() => resolve()));
    }
  });

  it('leaves the node’s own users unrestricted (dfget path): a loopback origin works on the strict daemon', async () => {
    const t = await strict.tasks.download({ url: origin.url('/f?local=1'), requestHeader: {}, priority: 6, disableBackToSource: false, needBackToSource: false });
    expect(t.isFinished).toBe(true);
  });

  it('trusts the registry CA sent in certificate_chain (and only then), without NODE_EXTRA_CA_CERTS', async () => {
    // the CA is minted here: neither node's roots nor any NODE_EXTRA_CA_CERTS file hold it, as this first call proves
    const without = await managerCall(allowing, `${https.url}?try=1`);
    expect(without.err?.code).toBe(status.UNAVAILABLE);
    expect(without.err?.details).toMatch(/DF_ERR_SOURCE_UNREACHABLE.*(certificate|self.signed|issuer)/i);

    const withChain = await managerCall(allowing, `${https.url}?try=2`, { certificate_chain: [https.caDer] });
    expect(withChain.err).toBeUndefined();
    const task = allowing.storage.get(withChain.items[0]?.task_id as string);
    expect(task?.isFinished).toBe(true);

    const garbage = await managerCall(allowing, `${https.url}?try=3`, { certificate_chain: [Buffer.from('not a certificate')] });
    expect(garbage.err?.code).toBe(status.INVALID_ARGUMENT);
    expect(garbage.err?.details).toMatch(/certificate_chain\[0\] is not a DER-encoded X\.509 certificate/);
  });

  it('the egress policy still applies with a certificate_chain: strict daemon refuses the private-CA loopback origin', async () => {
    const r = await managerCall(strict, `${https.url}?try=4`, { certificate_chain: [https.caDer] });
    expect(r.err?.code).toBe(status.PERMISSION_DENIED);
  });
});
