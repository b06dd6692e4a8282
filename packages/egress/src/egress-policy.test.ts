import { describe, expect, it } from 'vitest';
import { EgressPolicy } from './egress-policy.js';
import { parseIp } from './ip-address.js';

const ip = (t: string) => {
  const p = parseIp(t);
  if (p === undefined) throw new Error(t);
  return p;
};

describe('EgressPolicy', () => {
  it('admits public addresses and refuses the rest by default, naming host, address and kind', () => {
    const p = new EgressPolicy();
    expect(p.check('example.com', ip('93.184.215.14')).allowed).toBe(true);
    const refused = p.check('evil.example', ip('169.254.169.254'));
    expect(refused.allowed).toBe(false);
    expect(refused).toMatchObject({ kind: 'link-local' });
    if (!refused.allowed) expect(refused.reason).toMatch(/evil\.example resolves to 169\.254\.169\.254, a link-local address/);
    const mapped = p.check('x', ip('::ffff:127.0.0.1'));
    if (!mapped.allowed) expect(mapped.reason).toContain('IPv4 127.0.0.1');
    expect(mapped.allowed).toBe(false);
  });

  it('admits by CIDR, bare IP, IPv6 CIDR and the IPv4 inside mapped forms', () => {
    const p = new EgressPolicy({ allow: ['10.20.0.0/16', '127.0.0.2', 'fd00:1::/32'] });
    expect(p.check('r', ip('10.20.3.4')).allowed).toBe(true);
    expect(p.check('r', ip('10.21.0.1')).allowed).toBe(false);
    expect(p.check('r', ip('127.0.0.2')).allowed).toBe(true);
    expect(p.check('r', ip('127.0.0.1')).allowed).toBe(false);
    expect(p.check('r', ip('::ffff:10.20.0.9')).allowed).toBe(true);
    expect(p.check('r', ip('fd00:1:2::3')).allowed).toBe(true);
    expect(p.check('r', ip('fd00:2::3')).allowed).toBe(false);
  });

  it('admits by host name, exactly or as a subdomain wildcard, case-insensitively', () => {
    const p = new EgressPolicy({ allow: ['Registry.Corp', '*.internal.example'] });
    expect(p.check('registry.corp', ip('10.0.0.5')).allowed).toBe(true);
    expect(p.check('REGISTRY.CORP.', ip('10.0.0.5')).allowed).toBe(true);
    expect(p.check('other.corp', ip('10.0.0.5')).allowed).toBe(false);
    expect(p.check('a.b.internal.example', ip('192.168.1.1')).allowed).toBe(true);
    expect(p.check('internal.example', ip('192.168.1.1')).allowed).toBe(false);
    expect(p.check('evilinternal.example', ip('192.168.1.1')).allowed).toBe(false);
  });

  it('never admits unspecified, multicast or broadcast, whatever the allow-list says', () => {
    const p = new EgressPolicy({ allow: ['0.0.0.0/0', '::/0', 'any.host'] });
    expect(p.check('any.host', ip('0.0.0.0')).allowed).toBe(false);
    expect(p.check('any.host', ip('::')).allowed).toBe(false);
    expect(p.check('any.host', ip('224.0.0.1')).allowed).toBe(false);
    expect(p.check('any.host', ip('255.255.255.255')).allowed).toBe(false);
    expect(p.check('any.host', ip('127.0.0.1')).allowed).toBe(true);
  });

  it.each(['10.0.0.0/33', '::/129', '10.0.0.0/x', 'not a host', 'http://x', '10.0.0.0/8/1', '-bad.example', ''])('refuses the allow-list entry %j', (entry) => {
    expect(() => new EgressPolicy({ allow: [entry] })).toThrow(/allow-list entry/);
  });
});
