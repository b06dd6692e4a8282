import { readFileSync } from 'node:fs';
import { createCa, issueCertificate } from '@d7y/tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobOrigin } from './fixtures/blob-origin.js';
import { getOver, tunnelTls, viaProxy } from './fixtures/proxy-client.js';
import { startProxyStack, type ProxyStack } from './fixtures/proxy-stack.js';

describe('upstream certificates are verified', () => {
  const selfSigned = createCa({ commonName: 'registry self-signed CA' });
  const origin = new BlobOrigin(issueCertificate(selfSigned, { commonName: 'localhost', role: 'client', usage: 'server', dnsNames: ['localhost'] }));
  const stacks: ProxyStack[] = [];

  beforeAll(async () => {
    origin.files.set('/v2/', { body: Buffer.from('{}') });
    await origin.start();
  });
  afterAll(async () => {
    for (const s of stacks) await s.stop();
    await origin.stop();
  });

  async function stack(registryMirror: Record<string, unknown>): Promise<ProxyStack> {
    const s = await startProxyStack({ config: { registryMirror: { addr: `https://localhost:${origin.port}`, ...registryMirror } } });
    stacks.push(s);
    return s;
  }

  it('an untrusted registry certificate fails with 502 (mirror mode and inside an intercepted tunnel)', async () => {
    const s = await stack({});
    const mirror = await viaProxy(s.port, '/v2/');
    expect(mirror.status).toBe(502);
    expect(mirror.headers['x-dragonfly-error-type']).toBe('proxy');
    expect(mirror.body.toString()).toMatch(/certificate not trusted/);
    const t = await tunnelTls(s.port, `localhost:${origin.port}`, { ca: readFileSync(s.caCertPath, 'utf8') });
    expect((await getOver(t, '/v2/', 'localhost')).status).toBe(502);
    expect(origin.log).toHaveLength(0);
  });

  it('insecureSkipVerify skips verification for the registry mirror host', async () => {
    const s = await stack({ insecureSkipVerify: true });
    const r = await viaProxy(s.port, '/v2/');
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('{}');
  });
});
