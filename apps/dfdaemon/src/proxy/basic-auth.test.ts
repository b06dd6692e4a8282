import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headerOf, rawExchange, serveHandler, statusOf } from '../../test/proxy/fixtures/handler-server.js';
import { basicAuth, credentialsMatch } from './basic-auth.js';
import type { ProxyHandler } from './proxy-handler.js';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const expected = createHash('sha256').update('alice:s3cret:x', 'utf8').digest();

describe('credentialsMatch', () => {
  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['scheme only', 'Basic'],
    ['scheme and space only', 'Basic '],
    ['no space (upstream accepted this)', 'x'],
    ['no space after scheme', `Basic${b64('alice:s3cret:x')}`],
    ['other scheme', `Bearer ${b64('alice:s3cret:x')}`],
    ['bad base64 characters', 'Basic !!!!'],
    ['bad base64 length', 'Basic YWxpY2U6c'],
    ['no colon', `Basic ${b64('alices3cret')}`],
    ['wrong password', `Basic ${b64('alice:wrong')}`],
    ['wrong user', `Basic ${b64('bob:s3cret:x')}`],
    ['prefix of the password', `Basic ${b64('alice:s3cret')}`],
    ['sent twice', [`Basic ${b64('alice:s3cret:x')}`, `Basic ${b64('alice:s3cret:x')}`]],
    ['trailing junk', `Basic ${b64('alice:s3cret:x')} junk`],
  ])('refuses %s', (_what, header) => {
    expect(credentialsMatch(header, expected)).toBe(false);
  });

  it.each([`Basic ${b64('alice:s3cret:x')}`, `basic ${b64('alice:s3cret:x')}`, `BASIC  ${b64('alice:s3cret:x')}`])('accepts %s', (header) => {
    // a password may itself contain ':' (only the first one separates)
    expect(credentialsMatch(header, expected)).toBe(true);
  });
});

describe('basicAuth policy on real sockets', () => {
  const seen: IncomingHttpHeaders[] = [];
  const next: ProxyHandler = {
    request(req, res) {
      seen.push({ ...req.headers });
      res.end('passed');
    },
    connect(_req, socket) {
      socket.end('HTTP/1.1 200 Connection Established\r\n\r\n');
    },
  };
  let server: Awaited<ReturnType<typeof serveHandler>>;
  beforeAll(async () => {
    server = await serveHandler(basicAuth({ username: 'alice', password: 's3cret:x' }, next));
  });
  afterAll(() => server.close());

  const get = (extra: string): Promise<string> =>
    rawExchange(server.port, `GET http://example.test/x HTTP/1.1\r\nHost: example.test\r\n${extra}Connection: close\r\n\r\n`);

  it.each([
    ['no header', ''],
    ['empty', 'Proxy-Authorization: \r\n'],
    ['no space', 'Proxy-Authorization: x\r\n'],
    ['bad base64', 'Proxy-Authorization: Basic %%%\r\n'],
    ['no colon', `Proxy-Authorization: Basic ${b64('alice')}\r\n`],
    ['wrong password', `Proxy-Authorization: Basic ${b64('alice:nope')}\r\n`],
    ['credentials only in Authorization', `Authorization: Basic ${b64('alice:s3cret:x')}\r\n`],
  ])('answers 407 with a challenge: %s', async (_what, extra) => {
    const raw = await get(extra);
    expect(statusOf(raw)).toBe(407);
    expect(headerOf(raw, 'proxy-authenticate')).toMatch(/^Basic realm="dragonfly"/);
    expect(headerOf(raw, 'x-dragonfly-error-type')).toBe('proxy');
  });

  it('passes good credentials on, without Proxy-Authorization but with Authorization', async () => {
    seen.length = 0;
    const raw = await get(`Proxy-Authorization: Basic ${b64('alice:s3cret:x')}\r\nAuthorization: Bearer origin-token\r\n`);
    expect(statusOf(raw)).toBe(200);
    expect(raw).toContain('passed');
    expect(seen[0]?.['proxy-authorization']).toBeUndefined();
    expect(seen[0]?.authorization).toBe('Bearer origin-token');
  });

  it('refuses CONNECT without credentials before any TLS, and lets a good one through', async () => {
    const refused = await rawExchange(server.port, 'CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n');
    expect(statusOf(refused)).toBe(407);
    expect(headerOf(refused, 'proxy-authenticate')).toMatch(/^Basic /);
    const wrong = await rawExchange(server.port, `CONNECT example.test:443 HTTP/1.1\r\nProxy-Authorization: Basic ${b64('alice:x')}\r\n\r\n`);
    expect(statusOf(wrong)).toBe(407);
    const ok = await rawExchange(server.port, `CONNECT example.test:443 HTTP/1.1\r\nProxy-Authorization: Basic ${b64('alice:s3cret:x')}\r\n\r\n`);
    expect(statusOf(ok)).toBe(200);
  });
});

describe('basicAuth: failed attempts per client IP', () => {
  const next: ProxyHandler = { request: (_q, res) => void res.end('passed'), connect: (_q, s) => void s.end('HTTP/1.1 200 OK\r\n\r\n') };
  let server: Awaited<ReturnType<typeof serveHandler>>;
  let clock = 0;
  beforeAll(async () => {
    server = await serveHandler(basicAuth({ username: 'alice', password: 'pw', failures: { perSecond: 0.5, burst: 3 }, now: () => clock }, next));
  });
  afterAll(() => server.close());
  const get = (auth: string | undefined, localAddress = '127.0.0.1'): Promise<string> =>
    rawExchange(server.port, `GET http://x.test/ HTTP/1.1\r\nHost: x.test\r\n${auth ? `Proxy-Authorization: ${auth}\r\n` : ''}Connection: close\r\n\r\n`, { localAddress });

  it('locks a client out after `burst` wrong passwords (even the right one gets 429), others unaffected, then recovers', async () => {
    for (let i = 0; i < 5; i++) expect(statusOf(await get(undefined))).toBe(407); // challenges do not count
    for (let i = 0; i < 3; i++) expect(statusOf(await get(`Basic ${b64('alice:guess')}`))).toBe(407);
    const locked = await get(`Basic ${b64('alice:pw')}`);
    expect(statusOf(locked)).toBe(429);
    expect(headerOf(locked, 'retry-after')).toBe('2');
    expect(statusOf(await rawExchange(server.port, `CONNECT x.test:443 HTTP/1.1\r\nProxy-Authorization: Basic ${b64('alice:pw')}\r\n\r\n`))).toBe(429);
    expect(statusOf(await get(`Basic ${b64('alice:pw')}`, '127.0.0.2'))).toBe(200);
    clock += 2000;
    expect(statusOf(await get(`Basic ${b64('alice:pw')}`))).toBe(200);
  });
});
