import type { IncomingMessage, ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ProxyRuleConfig } from './proxy-config.js';
import { DEFAULT_RULE, rules, type RoutedHandler } from './proxy-rules.js';

type Call = { kind: string; url?: string; source?: string; rule?: string; host?: string; port?: number };

function harness(ruleList: ProxyRuleConfig[] = [DEFAULT_RULE], registryMirror = 'https://mirror.test') {
  const calls: Call[] = [];
  const routed: RoutedHandler = {
    p2p: (_q, _s, _c, route) => void calls.push({ kind: 'p2p', url: route.target.href, source: route.source.href, rule: route.rule.regex }),
    forward: (_q, _s, _c, target) => void calls.push({ kind: 'forward', url: target.href }),
    intercept: (_q, _s, _h, _c, t) => void calls.push({ kind: 'intercept', host: t.host, port: t.port }),
    tunnel: (_q, _s, _h, _c, t) => void calls.push({ kind: 'tunnel', host: t.host, port: t.port }),
  };
  const handler = rules({ rules: ruleList, registryMirror }, routed);
  const written: string[] = [];
  const socket = new Duplex({ read() {}, write(chunk, _e, cb) { written.push(String(chunk)); cb(); } });
  const fakeRes = { headersSent: false, writeHead: (s: number) => written.push(`status ${s}`), end: () => undefined, destroy: () => undefined };
  return {
    calls,
    written,
    request: (method: string, url: string, headers: Record<string, string> = {}) =>
      handler.request({ method, url, headers } as unknown as IncomingMessage, fakeRes as unknown as ServerResponse, { clientIp: '127.0.0.1' }),
    connect: (target: string) => handler.connect({ method: 'CONNECT', url: target, headers: {} } as unknown as IncomingMessage, socket, Buffer.alloc(0), { clientIp: '127.0.0.1' }),
  };
}

describe('rules: requests', () => {
  it.each([
    ['GET blob → p2p', 'GET', 'http://reg.test/v2/a/blobs/sha256:aa', {}, 'p2p'],
    ['HEAD blob → forward (only GET uses P2P)', 'HEAD', 'http://reg.test/v2/a/blobs/sha256:aa', {}, 'forward'],
    ['PUT blob → forward', 'PUT', 'http://reg.test/v2/a/blobs/sha256:aa', {}, 'forward'],
    ['GET manifest → forward', 'GET', 'http://reg.test/v2/a/manifests/latest', {}, 'forward'],
    ['rule matches the URL without its query only', 'GET', 'http://reg.test/x?p=blobs/sha256:aa', {}, 'forward'],
    ['X-Dragonfly-Use-P2P: true → p2p', 'GET', 'http://files.test/big.iso', { 'x-dragonfly-use-p2p': 'true' }, 'p2p'],
    ['X-Dragonfly-Use-P2P on a POST → forward', 'POST', 'http://files.test/big.iso', { 'x-dragonfly-use-p2p': 'true' }, 'forward'],
    ['X-Dragonfly-Use-P2P: false → forward', 'GET', 'http://files.test/big.iso', { 'x-dragonfly-use-p2p': 'false' }, 'forward'],
  ])('%s', async (_what, method, url, headers, kind) => {
    const h = harness();
    await h.request(method, url, headers);
    expect(h.calls).toEqual([expect.objectContaining({ kind, url })]);
  });

  it('first matching rule wins; useTLS and redirect shape the source URL, not the target', async () => {
    const h = harness([
      { regex: 'files\\.test/private', useTLS: false },
      { regex: 'files\\.test/.*\\.iso', useTLS: true, redirect: 'cdn.test:8443' },
    ]);
    await h.request('GET', 'http://files.test/big.iso?sig=1');
    expect(h.calls[0]).toEqual({ kind: 'p2p', url: 'http://files.test/big.iso?sig=1', source: 'https://cdn.test:8443/big.iso?sig=1', rule: 'files\\.test/.*\\.iso' });
  });

  it('a bad target is a 400 from the proxy', async () => {
    const h = harness();
    await h.request('GET', '*');
    expect(h.calls).toEqual([]);
    expect(h.written).toContain('status 400');
  });
});

describe('rules: CONNECT', () => {
  it.each([
    ['registry mirror host is intercepted', 'mirror.test:443', 'intercept'],
    ['other hosts on 443 are blind tunnels', 'github.test:443', 'tunnel'],
    ['the default rule names no host', 'reg.test:443', 'tunnel'],
  ])('%s', async (_what, target, kind) => {
    const h = harness();
    await h.connect(target);
    expect(h.calls.map((c) => c.kind)).toEqual([kind]);
  });

  it('hosts spelled out by a rule regex (whole names only) or matched by it are intercepted', async () => {
    const h = harness([{ regex: 'registry\\.example\\.test/v2/.*/blobs', useTLS: false }, { regex: '^https://[a-z0-9]+\\.flood\\.test/', useTLS: false }]);
    for (const t of ['registry.example.test:443', 'example.test:443', 'h1.flood.test:443', 'flood.test:443']) await h.connect(t);
    expect(h.calls.map((c) => `${c.host} ${c.kind}`)).toEqual([
      'registry.example.test intercept',
      'example.test tunnel',
      'h1.flood.test intercept',
      'flood.test tunnel',
    ]);
  });

  it.each(['mirror.test:22', 'github.test:25', 'github.test:8443', 'localhost:6379'])('refuses CONNECT to a port that is not allowed: %s', async (target) => {
    const h = harness();
    await h.connect(target);
    expect(h.calls).toEqual([]);
    expect(h.written.join('')).toMatch(/^HTTP\/1\.1 403 /);
  });

  it("allows the registry's own port", async () => {
    const h = harness([DEFAULT_RULE], 'https://reg.test:5000');
    await h.connect('reg.test:5000');
    await h.connect('other.test:5000');
    expect(h.calls.map((c) => `${c.host}:${c.port} ${c.kind}`)).toEqual(['reg.test:5000 intercept', 'other.test:5000 tunnel']);
  });
});
