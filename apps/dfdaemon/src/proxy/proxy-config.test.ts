import { parseConfig } from '@d7y/config';
import { describe, expect, it } from 'vitest';
import { proxyConfigSchema } from './proxy-config.js';

describe('proxyConfigSchema', () => {
  it('fills upstream defaults (loopback bind is ours)', () => {
    const c = parseConfig('{}', proxyConfigSchema);
    expect(c.server).toMatchObject({ ip: '127.0.0.1', port: 4001, requestRateLimit: 4000, requestRateLimitPerClient: 400 });
    expect(c.rules).toEqual([{ regex: 'blobs/sha256.*', useTLS: false }]);
    expect(c.registryMirror).toEqual({ addr: 'https://index.docker.io', insecureSkipVerify: false });
    expect(c).toMatchObject({ disableBackToSource: false, prefetch: false, prefetchBandwidthLimit: 10_000_000_000 });
  });

  it('reads upstream keys', () => {
    const c = parseConfig(
      `
server: { ip: 0.0.0.0, port: 65001, caCert: /x/ca.crt, caKey: /x/ca.key, basicAuth: { username: admin, password: dragonfly }, requestRateLimit: 400 }
rules:
  - { regex: 'blobs/sha256.*', useTLS: true, redirect: 'mirror.test:5000', filteredQueryParams: [X-Amz-Signature] }
registryMirror: { addr: 'https://reg.test:5000', cert: /x/reg.crt, insecureSkipVerify: true }
disableBackToSource: true
prefetch: true
prefetchBandwidthLimit: 1GB
`,
      proxyConfigSchema,
    );
    expect(c.server.basicAuth).toEqual({ username: 'admin', password: 'dragonfly' });
    expect(c.rules[0]).toEqual({ regex: 'blobs/sha256.*', useTLS: true, redirect: 'mirror.test:5000', filteredQueryParams: ['X-Amz-Signature'] });
    expect(c.prefetchBandwidthLimit).toBe(1_000_000_000);
  });

  it.each([
    ['an open proxy beyond loopback', 'server: { ip: 0.0.0.0 }', /basicAuth/],
    ['caCert without caKey', 'server: { caCert: /x }', /caCert and caKey/],
    ['an invalid regex', "rules: [{ regex: '(' }]", /regular expression/],
    ['an unknown key', 'server: { hijackHTTPS: true }', /hijackHTTPS/],
    ['a registry with a path', "registryMirror: { addr: 'https://reg.test/v2' }", /addr/],
    ['a username with a colon', "server: { basicAuth: { username: 'a:b', password: x } }", /":"/],
    ['an empty password', "server: { basicAuth: { username: a, password: '' } }", /password/],
    ['a bad ip', 'server: { ip: localhost }', /ip/],
  ])('refuses %s with a clear message', (_what, yaml, message) => {
    expect(() => parseConfig(yaml, proxyConfigSchema)).toThrow(message);
  });
});
