import { describe, expect, it } from 'vitest';
import { assertHostId, hostId, isHostId } from './host-id.js';
import { InvalidIdError } from './invalid-id-error.js';
import { assertPeerId, isPeerId, peerId } from './peer-id.js';

const UUID = '3f1c2b7e-9a4d-4c8e-8b1a-0d2e4f6a8c0b';

describe('hostId / peerId (upstream formats)', () => {
  it.each([
    ['localhost', '127.0.0.1', false, '127.0.0.1-localhost'],
    ['localhost', '127.0.0.1', true, '127.0.0.1-localhost-seed'],
    ['node-1.cluster.local', '10.0.0.7', false, '10.0.0.7-node-1.cluster.local'],
    ['MyMac', '::1', false, '::1-MyMac'],
  ])('hostId(%s, %s, seed=%s) = %s', (hostname, ip, seed, expected) => {
    expect(hostId(hostname, ip, seed)).toBe(expected);
    expect(isHostId(expected)).toBe(true);
  });

  it.each([
    [false, `127.0.0.1-localhost-${UUID}`],
    [true, `127.0.0.1-localhost-${UUID}-seed`],
  ])('peerId(seed=%s) = <ip>-<hostname>-<uuid>[-seed]', (seed, expected) => {
    expect(peerId('localhost', '127.0.0.1', seed, UUID)).toBe(expected);
    expect(isPeerId(expected)).toBe(true);
  });

  it('makes a fresh random uuid per peer', () => {
    const a = peerId('localhost', '127.0.0.1');
    const b = peerId('localhost', '127.0.0.1');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^127\.0\.0\.1-localhost-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it.each([
    ['bad ip', 'localhost', '999.1.1.1'],
    ['empty hostname', '', '127.0.0.1'],
    ['slash in hostname', 'a/b', '127.0.0.1'],
    ['dot-dot hostname', '..', '127.0.0.1'],
    ['space in hostname', 'a b', '127.0.0.1'],
  ])('hostId refuses %s', (_name, hostname, ip) => {
    expect(() => hostId(hostname, ip)).toThrow(InvalidIdError);
  });
});

describe('host ID validator', () => {
  it.each([
    ['empty', ''],
    ['no separator', '127.0.0.1'],
    ['short', '1-a'],
    ['no ip', 'localhost-foo'],
    ['path traversal', '127.0.0.1-../../etc'],
    ['slash', '127.0.0.1-a/b'],
    ['backslash', '127.0.0.1-a\\b'],
    ['NUL', '127.0.0.1-host\0'],
    ['whitespace', '127.0.0.1-host name'],
    ['newline', '127.0.0.1-host\n'],
    ['hostname starting with a dot', '127.0.0.1-.hidden'],
    ['hostname too long', `127.0.0.1-${'a'.repeat(254)}`],
    ['not a string', 7],
  ])('rejects %s', (_name, value) => {
    expect(isHostId(value)).toBe(false);
    expect(() => assertHostId(value)).toThrow(InvalidIdError);
  });
});

describe('peer ID validator', () => {
  it.each([
    ['empty', ''],
    ['host id only', '127.0.0.1-localhost'],
    ['upper-case uuid', `127.0.0.1-localhost-${UUID.toUpperCase()}`],
    ['uuid without host', UUID],
    ['short uuid', `127.0.0.1-localhost-${UUID.slice(0, -1)}`],
    ['bad suffix', `127.0.0.1-localhost-${UUID}-seeds`],
    ['path traversal', `127.0.0.1-../x-${UUID}`],
    ['NUL', `127.0.0.1-localhost\0-${UUID}`],
    ['whitespace', `127.0.0.1-local host-${UUID}`],
    ['bad ip', `1.2.3-localhost-${UUID}`],
  ])('rejects %s', (_name, value) => {
    expect(isPeerId(value)).toBe(false);
    expect(() => assertPeerId(value)).toThrow(InvalidIdError);
  });
});
