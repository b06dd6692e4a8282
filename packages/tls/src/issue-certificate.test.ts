import { X509Certificate } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCertificateInfo } from './certificate-info.js';
import { createCa } from './create-ca.js';
import { bytesToIp, ipToBytes } from './ip-address.js';
import { CertificateIssuer, issueCertificate, type IssueCertificateOptions } from './issue-certificate.js';
import { identityFromCertificate } from './peer-identity.js';

const ca = createCa({ commonName: 'Unit CA', validityDays: 30 });
const dir = mkdtempSync(join(tmpdir(), 'd7y-cert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'ca.crt'), ca.certPem);

/** openssl's own verdict, including the TLS purpose check a peer applies. */
function opensslVerify(certPem: string, purpose: 'sslserver' | 'sslclient'): { ok: boolean; output: string } {
  const file = join(dir, `leaf-${Math.random().toString(36).slice(2)}.crt`);
  writeFileSync(file, certPem);
  const result = spawnSync('openssl', ['verify', '-CAfile', join(dir, 'ca.crt'), '-purpose', purpose, file], { encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

const base: IssueCertificateOptions = { commonName: 'host-1', role: 'dfdaemon', usage: 'dual', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] };

describe('createCa', () => {
  it('makes a CA certificate that may sign leaves only', () => {
    const info = readCertificateInfo(ca.certPem);
    expect(info.isCa).toBe(true);
    expect(info.subject).toBe('O=dragonfly, CN=Unit CA');
    expect(info.notAfter.getTime() - info.notBefore.getTime()).toBe(30 * 86_400_000);
    const x509 = new X509Certificate(ca.certPem);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(ca.keyPem).toMatch(/^-{5}BEGIN PRIVATE KEY-{5}/);
  });

  it.each([{ commonName: '' }, { validityDays: 0 }, { validityDays: -1 }, { notBefore: new Date('nope') }])('rejects %o', (opts) => {
    expect(() => createCa(opts)).toThrow(/createCa/);
  });
});

describe('issueCertificate', () => {
  it.each([
    { usage: 'server', sslserver: true, sslclient: false },
    { usage: 'client', sslserver: false, sslclient: true },
    { usage: 'dual', sslserver: true, sslclient: true },
  ] as const)('$usage certificates verify with openssl for exactly their purposes', ({ usage, sslserver, sslclient }) => {
    const leaf = issueCertificate(ca, { ...base, usage });
    const asServer = opensslVerify(leaf.certPem, 'sslserver');
    const asClient = opensslVerify(leaf.certPem, 'sslclient');
    expect(asServer.ok, asServer.output).toBe(sslserver);
    expect(asClient.ok, asClient.output).toBe(sslclient);
    if (!sslclient) expect(asClient.output).toMatch(/unsuitable certificate purpose/);
  });

  it('carries DNS, IPv4, IPv6 SANs and the role identity', () => {
    const leaf = issueCertificate(ca, { ...base, role: 'scheduler', dnsNames: ['localhost', 'sched.example.com'], ipAddresses: ['10.0.0.7', '::1', '2001:db8::8:1'] });
    const info = readCertificateInfo(leaf.certPem);
    expect(info.dnsNames).toEqual(['localhost', 'sched.example.com']);
    expect(info.ipAddresses).toEqual(['10.0.0.7', '::1', '2001:db8::8:1']);
    expect(info.uris).toEqual(['spiffe://dragonfly/scheduler/host-1']);
    expect(info.extKeyUsage).toEqual(['serverAuth', 'clientAuth']);
    expect(info.authorityKeyId).toEqual(readCertificateInfo(ca.certPem).subjectKeyId);
    // node's own parser agrees
    expect(new X509Certificate(leaf.certPem).subjectAltName).toBe(
      'DNS:localhost, DNS:sched.example.com, IP Address:10.0.0.7, IP Address:0:0:0:0:0:0:0:1, IP Address:2001:DB8:0:0:0:0:8:1, URI:spiffe://dragonfly/scheduler/host-1',
    );
    expect(identityFromCertificate(leaf.certPem)).toEqual({
      role: 'scheduler',
      hostname: 'host-1',
      commonName: 'host-1',
      dnsNames: ['localhost', 'sched.example.com'],
      ipAddresses: ['10.0.0.7', '::1', '2001:db8::8:1'],
      notAfter: info.notAfter,
    });
  });

  it('signs with RSA-2048 leaf keys too', () => {
    const leaf = issueCertificate(ca, { ...base, keyType: 'rsa-2048' });
    expect(opensslVerify(leaf.certPem, 'sslserver').ok).toBe(true);
    expect(new X509Certificate(leaf.certPem).publicKey.asymmetricKeyType).toBe('rsa');
  });

  it('never outlives its CA', () => {
    const leaf = issueCertificate(ca, { ...base, validityDays: 365 });
    expect(readCertificateInfo(leaf.certPem).notAfter).toEqual(readCertificateInfo(ca.certPem).notAfter);
  });

  it.each([
    [{ commonName: '' }, /commonName/],
    [{ commonName: '../etc' }, /commonName/],
    [{ commonName: 'a/b' }, /commonName/],
    [{ role: 'admin' }, /role must be one of/],
    [{ usage: 'both' }, /usage must be one of/],
    [{ dnsNames: ['bad name'] }, /dnsNames/],
    [{ dnsNames: 'localhost' }, /dnsNames must be an array/],
    [{ ipAddresses: ['300.1.1.1'] }, /ipAddresses/],
    [{ validityDays: 0 }, /validityDays/],
    [{ notBefore: new Date(), notAfter: new Date(Date.now() - 1000) }, /notAfter must be after notBefore/],
  ] as const)('rejects %o', (override, message) => {
    expect(() => issueCertificate(ca, { ...base, ...(override as object) } as IssueCertificateOptions)).toThrow(message);
  });

  it('refuses a CA key that does not match the CA certificate', () => {
    const other = createCa();
    expect(() => new CertificateIssuer({ certPem: ca.certPem, keyPem: other.keyPem })).toThrow(/does not belong/);
  });

  it('refuses to sign with a leaf certificate as CA', () => {
    const leaf = issueCertificate(ca, base);
    expect(() => new CertificateIssuer(leaf)).toThrow(/not a CA/);
  });

  it('gives distinct serial numbers and keys', () => {
    const issuer = new CertificateIssuer(ca);
    const a = issuer.issue(base);
    const b = issuer.issue(base);
    expect(readCertificateInfo(a.certPem).serialNumber).not.toBe(readCertificateInfo(b.certPem).serialNumber);
    expect(a.keyPem).not.toBe(b.keyPem);
  });
});

describe('identityFromCertificate', () => {
  it('has no identity for a CA or a foreign certificate', () => {
    expect(identityFromCertificate(ca.certPem)).toBeUndefined();
    expect(identityFromCertificate('garbage')).toBeUndefined();
  });
});

describe('IP address bytes', () => {
  it.each([
    ['127.0.0.1', '7f000001'],
    ['::1', '00000000000000000000000000000001'],
    ['fe80::1:2', 'fe800000000000000000000000010002'],
    ['::ffff:10.1.2.3', '00000000000000000000ffff0a010203'],
    ['2001:db8:0:0:1:0:0:1', '20010db8000000000001000000000001'],
  ])('%s', (ip, hex) => {
    expect(ipToBytes(ip).toString('hex')).toBe(hex);
  });

  it('formats IPv6 in the shortest form', () => {
    expect(bytesToIp(Buffer.from('20010db8000000000001000000000001', 'hex'))).toBe('2001:db8::1:0:0:1');
    expect(bytesToIp(Buffer.from('00000000000000000000000000000000', 'hex'))).toBe('::');
    expect(() => ipToBytes('nope')).toThrow(/not an IP/);
  });
});
