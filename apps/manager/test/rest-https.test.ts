import { writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { createCa, issueCertificate } from '@d7y/tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, startTestManager } from './manager-fixture.js';
import type { TestManager } from './manager-fixture.js';

function call(url: string, opts: { method: string; ca?: string; body?: unknown; token?: string }): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      u,
      {
        method: opts.method,
        ...(opts.ca === undefined ? {} : { ca: opts.ca }),
        headers: {
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...(opts.token === undefined ? {} : { authorization: `Bearer ${opts.token}` }),
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('REST over real HTTPS', () => {
  let t: TestManager;
  let caPem: string;
  let ca: ReturnType<typeof createCa>;
  let dir: string;

  beforeAll(async () => {
    ca = createCa({ commonName: 'test CA' });
    caPem = ca.certPem;
    const leaf = issueCertificate(ca, { commonName: 'localhost', role: 'manager', usage: 'server', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    dir = mkdtempSync(join(tmpdir(), 'd7y-rest-tls-'));
    writeFileSync(join(dir, 'tls.crt'), leaf.certPem);
    writeFileSync(join(dir, 'tls.key'), leaf.keyPem, { mode: 0o600 });
    t = await startTestManager({ restTlsReloadIntervalMs: 50, config: { server: { rest: { tls: { cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key') } } } } });
  });
  afterAll(() => t.stop());

  it('signs in and lists clusters over HTTPS with HSTS', async () => {
    expect(t.manager.restUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const signIn = await call(`${t.manager.restUrl}/api/v1/users/signin`, { method: 'POST', ca: caPem, body: { name: 'root', password: ROOT_PASSWORD } });
    expect(signIn.status).toBe(200);
    const { token } = JSON.parse(signIn.body) as { token: string };
    const list = await call(`${t.manager.restUrl}/api/v1/scheduler-clusters`, { method: 'GET', ca: caPem, token });
    expect(list.status).toBe(200);
    expect(JSON.parse(list.body)).toHaveLength(1);
    expect(list.headers['strict-transport-security']).toBe('max-age=31536000');
    const anonymous = await call(`${t.manager.restUrl}/api/v1/scheduler-clusters`, { method: 'GET', ca: caPem });
    expect(anonymous.status).toBe(401);
  });

  it('a client that does not trust the CA cannot connect; plain HTTP gets no answer', async () => {
    await expect(call(`${t.manager.restUrl}/healthy`, { method: 'GET' })).rejects.toThrow(/self.signed|unable to verify|certificate/i);
    const plain = call(t.manager.restUrl.replace('https:', 'http:') + '/healthy', { method: 'GET' });
    await expect(plain).rejects.toThrow();
  });

  it('picks up a renewed certificate from the files without a restart; a broken pair keeps the old one', async () => {
    const peerCn = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const u = new URL(t.manager.restUrl);
        const socket = tlsConnect({ host: u.hostname, port: Number(u.port), ca: caPem, servername: 'localhost' }, () => {
          const cn = socket.getPeerCertificate().subject.CN;
          socket.end();
          resolve(Array.isArray(cn) ? cn.join(',') : String(cn));
        });
        socket.on('error', reject);
      });
    expect(await peerCn()).toBe('localhost');
    // Half-written: a key that does not match the certificate is ignored.
    const renewed = issueCertificate(ca, { commonName: 'renewed', role: 'manager', usage: 'server', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    writeFileSync(join(dir, 'tls.crt'), renewed.certPem);
    // Watched over several reload intervals (50 ms each): the old certificate stays.
    for (let i = 0; i < 8; i++) {
      expect(await peerCn()).toBe('localhost');
      await new Promise((r) => setTimeout(r, 25));
    }
    writeFileSync(join(dir, 'tls.key'), renewed.keyPem, { mode: 0o600 });
    const deadline = Date.now() + 5000;
    while ((await peerCn()) !== 'renewed') {
      if (Date.now() > deadline) throw new Error('certificate not reloaded');
      await new Promise((r) => setTimeout(r, 25));
    }
  });
});
