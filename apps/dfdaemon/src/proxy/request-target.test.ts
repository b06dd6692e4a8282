import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { BadTargetError, parseConnectTarget, requestTarget } from './request-target.js';

const req = (url: string, headers: Record<string, string> = {}): IncomingMessage => ({ url, headers }) as unknown as IncomingMessage;
const MIRROR = 'https://mirror.test';

describe('requestTarget', () => {
  it.each([
    ['absolute-form http', req('http://a.test/x?y=1'), {}, 'http://a.test/x?y=1'],
    ['absolute-form https', req('https://a.test:8443/x'), {}, 'https://a.test:8443/x'],
    ['mirror mode: default registry', req('/v2/lib/blobs/sha256:ab'), {}, 'https://mirror.test/v2/lib/blobs/sha256:ab'],
    ['mirror mode: X-Dragonfly-Registry', req('/v2/x', { 'x-dragonfly-registry': 'http://reg.test:5000' }), {}, 'http://reg.test:5000/v2/x'],
    ['mirror mode: containerd ns', req('/v2/x/manifests/1?ns=reg.test:5000'), {}, 'https://reg.test:5000/v2/x/manifests/1'],
    ['mirror mode: other query parameters stay', req('/v2/x?a=1&ns=reg.test&b=2'), {}, 'https://reg.test/v2/x?a=1&b=2'],
    ['mirror mode: ns docker.io', req('/v2/x?ns=docker.io'), {}, 'https://registry-1.docker.io/v2/x'],
    ['tunnel: CONNECT authority wins over Host', req('/v2/x', { host: 'evil.test' }), { tunnel: { host: 'reg.test', port: 443 } }, 'https://reg.test/v2/x'],
    ['tunnel on another port', req('/v2/x'), { tunnel: { host: 'reg.test', port: 5000 } }, 'https://reg.test:5000/v2/x'],
    ['tunnel with absolute-form inside', req('https://other.test/y'), { tunnel: { host: 'reg.test', port: 443 } }, 'https://reg.test/y'],
  ])('%s', (_what, r, ctx, expected) => {
    expect(requestTarget(r, { clientIp: '127.0.0.1', ...ctx }, MIRROR).href).toBe(expected);
  });

  it.each([
    ['asterisk-form', req('*')],
    ['credentials in URL', req('http://u:p@a.test/')],
    ['registry header with a path', req('/v2/', { 'x-dragonfly-registry': 'https://reg.test/evil' })],
    ['registry header not http', req('/v2/', { 'x-dragonfly-registry': 'file:///etc' })],
    ['ns with junk', req('/v2/?ns=a.test/../x')],
  ])('refuses %s', (_what, r) => {
    expect(() => requestTarget(r, { clientIp: '127.0.0.1' }, MIRROR)).toThrow(BadTargetError);
  });
});

describe('parseConnectTarget', () => {
  it.each([
    ['reg.test:443', { host: 'reg.test', port: 443 }],
    ['REG.test:5000', { host: 'reg.test', port: 5000 }],
    ['[::1]:443', { host: '::1', port: 443 }],
    ['127.0.0.1:8443', { host: '127.0.0.1', port: 8443 }],
  ])('%s', (raw, target) => {
    expect(parseConnectTarget(raw)).toEqual(target);
  });
  it.each([undefined, 'reg.test', 'reg.test:0', 'reg.test:70000', 'a b:443', '/x:443', 'user@h:443'])('refuses %s', (raw) => {
    expect(() => parseConnectTarget(raw)).toThrow(BadTargetError);
  });
});
