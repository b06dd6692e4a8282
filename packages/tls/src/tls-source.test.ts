import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureLogger, makePki } from './mtls.fixture.js';
import { TlsMaterialError } from './tls-material.js';
import { TlsSource } from './tls-source.js';
import { writeTlsDir } from './write-tls-dir.js';

const pki = makePki();
const good = { ca: pki.ca.certPem, cert: pki.server.certPem, key: pki.server.keyPem };
const root = mkdtempSync(join(tmpdir(), 'd7y-src-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('TlsSource.fromPem', () => {
  it('serves the material as buffers', () => {
    const src = TlsSource.fromPem(good);
    expect(src.current().cert.toString()).toBe(pki.server.certPem);
    expect(src.certificate().commonName).toBe('scheduler-1');
    expect(src.caCertificates()).toHaveLength(1);
  });

  it.each([
    ['a garbage certificate', { ...good, cert: 'hello' }, /tls\.crt holds no PEM CERTIFICATE/],
    ['a garbage CA', { ...good, ca: 'hello' }, /ca\.crt holds no PEM CERTIFICATE/],
    ['a leaf as CA', { ...good, ca: pki.client.certPem }, /is not a CA/],
    ['a garbage key', { ...good, key: 'hello' }, /tls\.key does not parse/],
    ['a key of another certificate', { ...good, key: pki.client.keyPem }, /tls\.key does not belong/],
    ['a certificate of another CA', { ...good, cert: pki.otherCaClient.certPem, key: pki.otherCaClient.keyPem }, /not signed by any CA/],
    ['an expired certificate', { ...good, cert: pki.expired.certPem, key: pki.expired.keyPem }, /expired at/],
  ])('refuses %s', (_name, material, message) => {
    expect(() => TlsSource.fromPem(material)).toThrow(TlsMaterialError);
    expect(() => TlsSource.fromPem(material)).toThrow(message);
  });

  it('accepts a CA bundle (rotation: new CA first, old CA second)', () => {
    const src = TlsSource.fromPem({ ...good, ca: pki.otherCa.certPem + pki.ca.certPem });
    expect(src.caCertificates().map((ca) => ca.commonName)).toEqual(['Other CA', 'Test CA']);
  });

  it('replace() applies valid material, notifies, and keeps the old one when invalid', () => {
    const src = TlsSource.fromPem(good);
    const seen: string[] = [];
    const unsubscribe = src.onChange((material) => seen.push(material.cert.toString()));
    src.replace({ ...good, cert: pki.client.certPem, key: pki.client.keyPem });
    expect(seen).toEqual([pki.client.certPem]);
    expect(() => src.replace({ ...good, key: pki.client.keyPem })).toThrow(/does not belong/);
    expect(src.current().cert.toString()).toBe(pki.client.certPem);
    unsubscribe();
    src.replace(good);
    expect(seen).toHaveLength(1);
  });
});

describe('TlsSource.fromDir', () => {
  it('names the missing file', () => {
    const dir = join(root, 'empty');
    expect(() => TlsSource.fromDir(dir, { logger: captureLogger() })).toThrow(/cannot read .*ca\.crt: ENOENT/);
  });

  it('requires a logger and a sane poll interval', () => {
    const dir = join(root, 'ok');
    writeTlsDir(dir, { caPem: good.ca, certPem: good.cert, keyPem: good.key });
    expect(() => TlsSource.fromDir(dir, {} as never)).toThrow(/logger is required/);
    expect(() => TlsSource.fromDir(dir, { logger: captureLogger(), pollIntervalMs: 0 })).toThrow(/pollIntervalMs/);
    expect(TlsSource.fromDir(dir, { logger: captureLogger() }).certificate().commonName).toBe('scheduler-1');
  });

  it('checkNow() applies a valid change and logs a bad one only once it is stable', async () => {
    const dir = join(root, 'check');
    writeTlsDir(dir, { caPem: good.ca, certPem: good.cert, keyPem: good.key });
    const logger = captureLogger();
    const src = TlsSource.fromDir(dir, { logger });
    expect(await src.checkNow()).toBe(false);
    writeTlsDir(dir, { caPem: good.ca, certPem: pki.client.certPem, keyPem: pki.client.keyPem });
    expect(await src.checkNow()).toBe(true);
    expect(src.certificate().commonName).toBe('peer-1');
    writeTlsDir(dir, { caPem: good.ca, certPem: pki.server.certPem, keyPem: pki.client.keyPem });
    expect(await src.checkNow()).toBe(false);
    expect(logger.lines.filter((line) => line.level === 'warn')).toHaveLength(0);
    expect(await src.checkNow()).toBe(false);
    expect(await src.checkNow()).toBe(false);
    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0])).not.toContain('PRIVATE KEY');
    expect(src.certificate().commonName).toBe('peer-1');
  });
});

describe('writeTlsDir', () => {
  it('writes the key 0600, the directory 0700, and leaves no temp files', () => {
    const dir = join(root, 'perm', 'svc');
    writeTlsDir(dir, { caPem: good.ca, certPem: good.cert, keyPem: good.key });
    writeTlsDir(dir, { caPem: good.ca, certPem: good.cert, keyPem: good.key });
    expect(statSync(join(dir, 'tls.key')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir).sort()).toEqual(['ca.crt', 'tls.crt', 'tls.key']);
  });

  it('validates its input', () => {
    expect(() => writeTlsDir('', { caPem: 'a', certPem: 'b', keyPem: 'c' })).toThrow(/dir/);
    expect(() => writeTlsDir(join(root, 'x'), { caPem: 'a', certPem: '', keyPem: 'c' })).toThrow(/certPem/);
  });
});
