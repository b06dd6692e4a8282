import { mkdtempSync, readFileSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JWT_KEY_FILE, JwtKeyError, resolveJwtKey } from './jwt-key.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'd7y-jwt-key-'));

describe('resolveJwtKey', () => {
  it.each([
    ['upstream docs/Helm default', 'ZHJhZ29uZmx5Cg=='],
    ['upstream old hard-coded key', 'Secret Key'],
    ['the decoded default', 'dragonfly'],
  ])('refuses the %s with a clear message', (_name, key) => {
    expect(() => resolveJwtKey({ configuredKey: key, dataDir: dir() })).toThrow(JwtKeyError);
    expect(() => resolveJwtKey({ configuredKey: key, dataDir: dir() })).toThrow(/published default key/);
  });

  it('refuses a key shorter than 32 bytes, naming its length', () => {
    expect(() => resolveJwtKey({ configuredKey: 'x'.repeat(31), dataDir: dir() })).toThrow(/31 bytes long; it must be at least 32 bytes/);
    expect(resolveJwtKey({ configuredKey: 'x'.repeat(32), dataDir: dir() })).toEqual({ key: 'x'.repeat(32), source: 'config' });
  });

  it('generates a random key once, keeps it in a 0600 file and reuses it', () => {
    const d = dir();
    const first = resolveJwtKey({ configuredKey: '', dataDir: d });
    expect(first.source).toBe('generated');
    expect(Buffer.byteLength(first.key)).toBeGreaterThanOrEqual(64);
    expect(statSync(join(d, JWT_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(d, JWT_KEY_FILE), 'utf8').trim()).toBe(first.key);
    const second = resolveJwtKey({ configuredKey: undefined, dataDir: d });
    expect(second).toEqual({ key: first.key, source: 'file' });
    expect(resolveJwtKey({ configuredKey: '', dataDir: dir() }).key).not.toBe(first.key);
  });

  it('refuses a key file others can read', () => {
    const d = dir();
    resolveJwtKey({ configuredKey: '', dataDir: d });
    chmodSync(join(d, JWT_KEY_FILE), 0o644);
    expect(() => resolveJwtKey({ configuredKey: '', dataDir: d })).toThrow(/readable by others/);
  });
});
