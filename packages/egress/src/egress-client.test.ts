import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, issueCertificate } from '@d7y/tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EgressClient } from './egress-client.js';
import type { EgressClientOptions } from './egress-client.js';
import type { EgressErrorCode } from './egress-error.js';
import type { LookupFn } from './guarded-connector.js';

// Real servers on loopback. 127.0.0.2 and 127.0.0.3 stand in for an allow-listed on-prem host;
// 127.0.0.1 stands for a host the policy must refuse (any loopback/private target).

interface Recorded {
  hits: { url: string; headers: IncomingMessage['headers'] }[];
  server: Server;
  port: number;
  origin: string;
}

async function listen(host: string, handler: (req: IncomingMessage, res: ServerResponse, self: Recorded) => void, tls?: { cert: string; key: string }): Promise<Recorded> {
  const rec = { hits: [] } as unknown as Recorded;
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    rec.hits.push({ url: req.url ?? '', headers: req.headers });
    handler(req, res, rec);
  };
  const server = tls === undefined ? createHttpServer(onRequest) : createHttpsServer({ cert: tls.cert, key: tls.key }, onRequest);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  rec.server = server;
  rec.port = (server.address() as AddressInfo).port;
  rec.origin = `${tls === undefined ? 'http' : 'https'}://${host}:${rec.port}`;
  return rec;
}

const close = (r: Recorded) =>
  new Promise<void>((resolve) => {
    r.server.closeAllConnections();
    r.server.close(() => resolve());
  });

async function refusal(p: Promise<unknown>): Promise<{ code: EgressErrorCode; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code: EgressErrorCode; message: string };
  }
  throw new Error('expected a refusal');
}

describe('EgressClient against real servers', () => {
  let target: Recorded; // 127.0.0.1: refused unless allow-listed
  let allowed: Recorded; // 127.0.0.2: allow-listed
  let other: Recorded; // 127.0.0.3: allow-listed, another origin
  let tlsServer: Recorded;
  let caPem: string;
  let dir: string;
  const clients: EgressClient[] = [];
  const client = (options: EgressClientOptions = {}, extra: { lookup?: LookupFn; logger?: { warn(o: object, m: string): void } } = {}) => {
    const c = new EgressClient({ options: { allow: ['127.0.0.2', '127.0.0.3'], ...options }, ...extra });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'egress-'));
    target = await listen('127.0.0.1', (_req, res) => res.end('secret'));
    other = await listen('127.0.0.3', (_req, res) => res.end('other'));
    allowed = await listen('127.0.0.2', (req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      const redirect = (to: string) => res.writeHead(302, { location: to }).end();
      switch (u.pathname) {
        case '/ok':
          return res.end('hello');
        case '/json':
          return res.setHeader('content-type', 'application/json').end('{"a":1}');
        case '/to-target':
          return redirect(`${target.origin}/`);
        case '/to-metadata':
          return redirect('http://169.254.169.254/latest/meta-data/');
        case '/to-metadata-decimal':
          return redirect('http://2852039166/latest/meta-data/');
        case '/to-mapped-loopback':
          return redirect(`http://[::ffff:127.0.0.1]:${target.port}/`);
        case '/to-file':
          return redirect('file:///etc/passwd');
        case '/to-gopher':
          return redirect('gopher://127.0.0.2:70/');
        case '/loop':
          return redirect('/loop');
        case '/chain': {
          const n = Number(u.searchParams.get('n'));
          return n === 0 ? res.end('end of chain') : redirect(`/chain?n=${n - 1}`);
        }
        case '/to-other':
          return redirect(`${other.origin}/landing`);
        case '/same-origin':
          return redirect('/ok');
        case '/big':
          return res.writeHead(200, { 'content-length': String(2 * 1024 * 1024) }).end(Buffer.alloc(2 * 1024 * 1024));
        case '/big-chunked':
          res.writeHead(200);
          for (let i = 0; i < 32; i++) res.write(Buffer.alloc(64 * 1024));
          return res.end();
        case '/hang':
          return; // never answers
        case '/stall-body':
          res.writeHead(200, { 'content-length': '100' });
          res.write('partial'); // then silence
          return;
        default:
          return res.writeHead(404).end();
      }
    });
    const ca = createCa({ commonName: 'test registry CA' });
    caPem = ca.certPem;
    const leaf = issueCertificate(ca, { commonName: 'registry.test', role: 'manager', usage: 'server', dnsNames: ['registry.test'], ipAddresses: ['127.0.0.2'] });
    tlsServer = await listen('127.0.0.2', (req, res) => (req.url === '/downgrade' ? res.writeHead(302, { location: `${allowed.origin}/ok` }).end() : res.end('over tls')), { cert: leaf.certPem, key: leaf.keyPem });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all([target, allowed, other, tlsServer].map(close));
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches from an allow-listed address and reads text and JSON', async () => {
    const c = client();
    const res = await c.request(`${allowed.origin}/ok`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hello');
    expect(await (await c.request(`${allowed.origin}/json`)).json()).toEqual({ a: 1 });
  });

  describe('refuses destinations before any byte is sent', () => {
    it.each([
      ['loopback', () => `${target.origin}/`],
      ['loopback as ::ffff:127.0.0.1', () => `http://[::ffff:127.0.0.1]:${target.port}/`],
      ['loopback as 127.1', () => `http://127.1:${target.port}/`],
      ['loopback as 0x7f000001', () => `http://0x7f000001:${target.port}/`],
      ['loopback as decimal 2130706433', () => `http://2130706433:${target.port}/`],
      ['loopback ::1', () => `http://[::1]:${target.port}/`],
      ['localhost (DNS)', () => `http://localhost:${target.port}/`],
      ['0.0.0.0', () => `http://0.0.0.0:${target.port}/`],
      ['[::]', () => `http://[::]:${target.port}/`],
    ])('%s', async (_name, url) => {
      const before = target.hits.length;
      const err = await refusal(client().request(url()));
      expect(err.code).toBe('DF_ERR_EGRESS_ADDRESS_REFUSED');
      expect(target.hits.length).toBe(before);
    });

    it.each([
      ['dotted', 'http://169.254.169.254/latest/meta-data/'],
      ['decimal', 'http://2852039166/latest/meta-data/'],
      ['hex', 'http://0xa9fea9fe/'],
      ['dotted hex', 'http://0xa9.0xfe.0xa9.0xfe/'],
      ['octal', 'http://0251.0376.0251.0376/'],
      ['mixed 169.254.43518', 'http://169.254.43518/'],
      ['trailing dot', 'http://169.254.169.254./'],
      ['IPv6-mapped', 'http://[::ffff:169.254.169.254]/'],
      ['IPv6-mapped hex', 'http://[::ffff:a9fe:a9fe]/'],
      ['NAT64', 'http://[64:ff9b::a9fe:a9fe]/'],
      ['6to4', 'http://[2002:a9fe:a9fe::]/'],
      ['IPv4-compatible', 'http://[::a9fe:a9fe]/'],
    ])('the metadata address 169.254.169.254 spelled %s', async (_name, url) => {
      const err = await refusal(client().request(url));
      expect(err.code).toBe('DF_ERR_EGRESS_ADDRESS_REFUSED');
      expect(err.message).toMatch(/169\.254\.169\.254|a9fe:a9fe/);
      expect(err.message).toContain('link-local');
    });

    it.each([
      ['10/8', 'http://10.0.0.1/'],
      ['172.16/12', 'http://172.16.5.4/'],
      ['192.168/16', 'http://192.168.1.1/'],
      ['100.64/10', 'http://100.64.0.1/'],
      ['fc00::/7', 'http://[fd12::1]/'],
      ['fe80::/10', 'http://[fe80::1]/'],
      ['multicast', 'http://224.0.0.1/'],
    ])('private or special range %s without the allow-list', async (_name, url) => {
      expect((await refusal(client().request(url))).code).toBe('DF_ERR_EGRESS_ADDRESS_REFUSED');
    });
  });

  it('judges the address DNS answers, on every new connection (rebinding)', async () => {
    let answers = ['127.0.0.2', '127.0.0.1'];
    const lookup: LookupFn = (host) => {
      expect(host).toBe('registry.example');
      const address = answers[0] ?? '127.0.0.1';
      answers = answers.slice(1);
      return Promise.resolve([{ address }]);
    };
    const c = client({}, { lookup });
    const first = await c.request(`http://registry.example:${allowed.port}/ok`);
    expect(await first.text()).toBe('hello');
    expect(allowed.hits.at(-1)?.headers.host).toBe(`registry.example:${allowed.port}`);
    // Same name, new connection (another port → another origin): DNS now says 127.0.0.1.
    const before = target.hits.length;
    const err = await refusal(c.request(`http://registry.example:${target.port}/`));
    expect(err.code).toBe('DF_ERR_EGRESS_ADDRESS_REFUSED');
    expect(err.message).toContain('registry.example resolves to 127.0.0.1, a loopback address');
    expect(target.hits.length).toBe(before);
  });

  it('admits a private address when the allow-list names the host', async () => {
    const lookup: LookupFn = () => Promise.resolve([{ address: '127.0.0.1' }]);
    const refused = await refusal(client({ allow: [] }, { lookup }).request(`http://registry.corp:${target.port}/`));
    expect(refused.code).toBe('DF_ERR_EGRESS_ADDRESS_REFUSED');
    const res = await client({ allow: ['registry.corp'] }, { lookup }).request(`http://registry.corp:${target.port}/`);
    expect(await res.text()).toBe('secret');
  });

  it('uses the first admitted address when a name has several', async () => {
    const lookup: LookupFn = () => Promise.resolve([{ address: '169.254.169.254' }, { address: '127.0.0.2' }]);
    const res = await client({}, { lookup }).request(`http://mixed.example:${allowed.port}/ok`);
    expect(await res.text()).toBe('hello');
  });

  describe('redirects', () => {
    it.each([
      ['to a refused address', '/to-target', 'DF_ERR_EGRESS_ADDRESS_REFUSED'],
      ['to 169.254.169.254', '/to-metadata', 'DF_ERR_EGRESS_ADDRESS_REFUSED'],
      ['to 169.254.169.254 in decimal', '/to-metadata-decimal', 'DF_ERR_EGRESS_ADDRESS_REFUSED'],
      ['to IPv6-mapped loopback', '/to-mapped-loopback', 'DF_ERR_EGRESS_ADDRESS_REFUSED'],
      ['to file:', '/to-file', 'DF_ERR_EGRESS_REDIRECT_REFUSED'],
      ['to gopher:', '/to-gopher', 'DF_ERR_EGRESS_REDIRECT_REFUSED'],
    ])('refuses a redirect %s', async (_name, path, code) => {
      const before = target.hits.length;
      const err = await refusal(client().request(`${allowed.origin}${path}`));
      expect(err.code).toBe(code);
      expect(target.hits.length).toBe(before);
    });

    it('follows at most maxRedirects', async () => {
      const c = client({ maxRedirects: 3 });
      const before = allowed.hits.length;
      expect((await refusal(c.request(`${allowed.origin}/loop`))).code).toBe('DF_ERR_EGRESS_TOO_MANY_REDIRECTS');
      expect(allowed.hits.length - before).toBe(4); // the request and 3 followed redirects
      const ok = await c.request(`${allowed.origin}/chain?n=3`);
      expect(ok.redirects).toBe(3);
      expect(await ok.text()).toBe('end of chain');
      expect((await refusal(client({ maxRedirects: 0 }).request(`${allowed.origin}/chain?n=1`))).code).toBe('DF_ERR_EGRESS_TOO_MANY_REDIRECTS');
    });

    it('drops credentials on a redirect to another origin, keeps them on the same origin', async () => {
      const c = client();
      const headers = { authorization: 'Bearer registry-token', 'x-trace': 't1' };
      const res = await c.request(`${allowed.origin}/to-other`, { headers });
      expect(await res.text()).toBe('other');
      expect(res.url).toBe(`${other.origin}/landing`);
      expect(other.hits.at(-1)?.headers.authorization).toBeUndefined();
      expect(other.hits.at(-1)?.headers['x-trace']).toBe('t1');
      await (await c.request(`${allowed.origin}/same-origin`, { headers })).dump();
      expect(allowed.hits.at(-1)?.headers.authorization).toBe('Bearer registry-token');
    });

    it('refuses a downgrade from https to http', async () => {
      const err = await refusal(client({ tls: { caCert: caPem } }).request(`${tlsServer.origin}/downgrade`));
      expect(err.code).toBe('DF_ERR_EGRESS_REDIRECT_REFUSED');
      expect(err.message).toContain('plain http');
    });
  });

  it.each(['ftp://127.0.0.2/x', 'file:///etc/passwd', 'gopher://127.0.0.2/', 'data:text/plain,hi', 'javascript:alert(1)', 'ws://127.0.0.2/'])('refuses the scheme of %s', async (url) => {
    expect((await refusal(client().request(url))).code).toBe('DF_ERR_EGRESS_SCHEME_REFUSED');
  });

  it('refuses credentials in the URL and non-URLs', async () => {
    expect((await refusal(client().request(`http://user:pw@127.0.0.2:${allowed.port}/ok`))).code).toBe('DF_ERR_EGRESS_INVALID_URL');
    expect((await refusal(client().request('not a url'))).code).toBe('DF_ERR_EGRESS_INVALID_URL');
  });

  it.each([
    ['CR LF in a value', { 'x-a': 'v\r\nx-injected: 1' }],
    ['LF in a value', { 'x-a': 'v\nx-injected: 1' }],
    ['NUL in a value', { 'x-a': 'v\u0000' }],
    ['CR LF in a name', { 'x-a\r\nx-injected': 'v' }],
    ['a space in a name', { 'x a': 'v' }],
    ['Host', { host: 'metadata.google.internal' }],
    ['Transfer-Encoding', { 'transfer-encoding': 'chunked' }],
  ])('refuses %s in request headers without sending anything', async (_name, headers) => {
    const before = allowed.hits.length;
    const err = await refusal(client().request(`${allowed.origin}/ok`, { headers }));
    expect(err.code).toBe('DF_ERR_EGRESS_INVALID_HEADER');
    expect(err.message).not.toContain('injected: 1');
    expect(allowed.hits.length).toBe(before);
  });

  describe('TLS', () => {
    it('refuses a certificate it cannot verify by default, naming the problem', async () => {
      const err = await refusal(client().request(`${tlsServer.origin}/`));
      expect(err.code).toBe('DF_ERR_EGRESS_TLS');
      expect(err.message).toMatch(/unable to verify the first certificate \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
    });

    it('trusts caCert given as PEM text', async () => {
      expect(await (await client({ tls: { caCert: caPem } }).request(`${tlsServer.origin}/`)).text()).toBe('over tls');
    });

    it('trusts caCert given as a file path', async () => {
      const file = join(dir, 'ca.crt');
      writeFileSync(file, caPem);
      expect(await (await client({ tls: { caCert: file } }).request(`${tlsServer.origin}/`)).text()).toBe('over tls');
    });

    it('still checks the host name against the certificate (the name, not the dialled IP)', async () => {
      const lookup: LookupFn = () => Promise.resolve([{ address: '127.0.0.2' }]);
      const named = await client({ tls: { caCert: caPem } }, { lookup }).request(`https://registry.test:${tlsServer.port}/`);
      expect(await named.text()).toBe('over tls');
      const err = await refusal(client({ tls: { caCert: caPem }, allow: ['wrong.test'] }, { lookup }).request(`https://wrong.test:${tlsServer.port}/`));
      expect(err.code).toBe('DF_ERR_EGRESS_TLS');
      expect(err.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
    });

    it('accepts any certificate with insecureSkipVerify, and says so in the log', async () => {
      const warnings: string[] = [];
      const c = client({ tls: { insecureSkipVerify: true } }, { logger: { warn: (_o, m) => warnings.push(m) } });
      expect(await (await c.request(`${tlsServer.origin}/`)).text()).toBe('over tls');
      expect(warnings.join('\n')).toMatch(/verification is OFF/);
    });

    it.each([
      ['a missing file', () => join(dir, 'missing.crt'), /cannot read .*ENOENT/],
      ['text without a certificate', () => 'hello', /cannot read/],
      ['a broken PEM block', () => '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', /does not parse/],
    ])('refuses caCert as %s with a clear message', (_name, value, message) => {
      expect(() => new EgressClient({ options: { tls: { caCert: value() } } })).toThrow(message);
    });
  });

  describe('limits', () => {
    it('caps bodies announced by content-length and streamed without it', async () => {
      const c = client({ maxBodyBytes: 1024 * 1024 });
      expect((await refusal((await c.request(`${allowed.origin}/big`)).bytes())).code).toBe('DF_ERR_EGRESS_BODY_TOO_LARGE');
      expect((await refusal((await c.request(`${allowed.origin}/big-chunked`)).text())).code).toBe('DF_ERR_EGRESS_BODY_TOO_LARGE');
      const under = await c.request(`${allowed.origin}/big-chunked`, { maxBodyBytes: 4 * 1024 * 1024 });
      expect((await under.bytes()).length).toBe(2 * 1024 * 1024);
    });

    it('times out waiting for headers and on a stalled body', async () => {
      const c = client({ headersTimeoutMs: 300, bodyTimeoutMs: 300 });
      const hang = await refusal(c.request(`${allowed.origin}/hang`));
      expect(hang.code).toBe('DF_ERR_EGRESS_TIMEOUT');
      const res = await c.request(`${allowed.origin}/stall-body`);
      expect((await refusal(res.text())).code).toBe('DF_ERR_EGRESS_TIMEOUT');
    });

    it('bounds the whole request with totalTimeoutMs', async () => {
      const err = await refusal(client().request(`${allowed.origin}/hang`, { totalTimeoutMs: 200 }));
      expect(err.code).toBe('DF_ERR_EGRESS_TIMEOUT');
      expect(err.message).toContain('200 ms');
    });
  });

  it('checkUrl judges a URL another component will fetch', async () => {
    const c = client();
    await expect(c.checkUrl(`${allowed.origin}/file`)).resolves.toBeInstanceOf(URL);
    expect((await refusal(c.checkUrl('http://[::ffff:a9fe:a9fe]/'))).code).toBe('DF_ERR_EGRESS_ADDRESS_REFUSED');
    expect((await refusal(c.checkUrl('file:///etc/passwd'))).code).toBe('DF_ERR_EGRESS_SCHEME_REFUSED');
  });
});
