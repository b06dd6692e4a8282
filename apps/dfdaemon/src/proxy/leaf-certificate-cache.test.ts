import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { TLSSocket, connect as tlsConnect } from 'node:tls';
import { createCa } from '@d7y/tls';
import { describe, expect, it } from 'vitest';
import { LeafCertificateCache } from './leaf-certificate-cache.js';

const ca = createCa({ commonName: 'test proxy CA' });

/** Completes a real TLS handshake against a server using `cache.get(host)` and returns the peer certificate. */
async function handshake(cache: LeafCertificateCache, host: string): Promise<X509Certificate> {
  const server = createServer((raw) => {
    const t = new TLSSocket(raw, { isServer: true, secureContext: cache.get(host) });
    t.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const socket = tlsConnect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', servername: /^[\d.]+$/.test(host) ? undefined : host, ca: ca.certPem, checkServerIdentity: () => undefined });
    await once(socket, 'secureConnect');
    const cert = socket.getPeerX509Certificate();
    socket.destroy();
    if (cert === undefined) throw new Error('no certificate');
    return cert;
  } finally {
    server.close();
  }
}

describe('LeafCertificateCache', () => {
  it('issues a leaf for the host, signed by the proxy CA and valid for that name only', async () => {
    const cache = new LeafCertificateCache({ ca });
    const cert = await handshake(cache, 'registry.example.test');
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(cert.checkHost('registry.example.test')).toBe('registry.example.test');
    expect(cert.checkHost('other.example.test')).toBeUndefined();
    const ipCert = await handshake(cache, '127.0.0.1');
    expect(ipCert.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });

  it('reuses a cached leaf and stays bounded (LRU)', () => {
    const cache = new LeafCertificateCache({ ca, maxEntries: 3 });
    const a = cache.get('a.test');
    expect(cache.get('A.TEST')).toBe(a);
    cache.get('b.test');
    cache.get('c.test');
    cache.get('a.test'); // a is now most recent
    cache.get('d.test'); // evicts b
    expect(cache.size).toBe(3);
    expect(cache.issued).toBe(4);
    expect(cache.get('a.test')).toBe(a);
    cache.get('b.test');
    expect(cache.issued).toBe(5);
  });

  it('re-issues after half the validity', () => {
    let now = Date.now();
    const cache = new LeafCertificateCache({ ca, validityDays: 2, now: () => now });
    const first = cache.get('a.test');
    now += 86_400_000 + 1;
    expect(cache.get('a.test')).not.toBe(first);
  });

  it('refuses names that are not host names', () => {
    const cache = new LeafCertificateCache({ ca });
    expect(() => cache.get('bad host')).toThrow();
    expect(cache.size).toBe(0);
  });

  it('issues hundreds of distinct leaves quickly (P-256, node crypto)', () => {
    const cache = new LeafCertificateCache({ ca, maxEntries: 100 });
    const t0 = performance.now();
    for (let i = 0; i < 300; i++) cache.get(`h${i}.flood.test`);
    const msPerLeaf = (performance.now() - t0) / 300;
    expect(cache.size).toBe(100);
    // measured ~2.5 ms here including createSecureContext; generous bound for loaded CI machines
    expect(msPerLeaf).toBeLessThan(10);
  });
});
