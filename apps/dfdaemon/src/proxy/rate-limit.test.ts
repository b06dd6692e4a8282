import { afterEach, describe, expect, it } from 'vitest';
import { headerOf, rawExchange, serveHandler, statusOf } from '../../test/proxy/fixtures/handler-server.js';
import type { ProxyHandler } from './proxy-handler.js';
import { rateLimit, type RateLimitOptions } from './rate-limit.js';

const ok: ProxyHandler = {
  request: (_req, res) => void res.end('ok'),
  connect: (_req, socket) => void socket.end('HTTP/1.1 200 Connection Established\r\n\r\n'),
};

describe('rateLimit policy', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  async function start(opts: Omit<RateLimitOptions, 'now'>) {
    let clock = 0;
    const s = await serveHandler(rateLimit({ ...opts, now: () => clock }, ok));
    close = s.close;
    const get = (localAddress = '127.0.0.1') =>
      rawExchange(s.port, 'GET http://x.test/ HTTP/1.1\r\nHost: x.test\r\nConnection: close\r\n\r\n', { localAddress });
    return { port: s.port, get, advance: (ms: number) => (clock += ms) };
  }

  it('limits each client IP and answers 429 with Retry-After; other clients are unaffected', async () => {
    const p = await start({ global: { rps: 1000, burst: 1000 }, perClient: { rps: 0.5, burst: 2 } });
    expect(statusOf(await p.get())).toBe(200);
    expect(statusOf(await p.get())).toBe(200);
    const refused = await p.get();
    expect(statusOf(refused)).toBe(429);
    // one token at 0.5/s takes 2 s
    expect(headerOf(refused, 'retry-after')).toBe('2');
    expect(headerOf(refused, 'x-dragonfly-error-type')).toBe('proxy');
    expect(statusOf(await p.get('127.0.0.2'))).toBe(200);
    p.advance(2000);
    expect(statusOf(await p.get())).toBe(200);
  });

  it('limits the whole proxy across clients', async () => {
    const p = await start({ global: { rps: 1, burst: 2 }, perClient: { rps: 100, burst: 100 } });
    expect(statusOf(await p.get('127.0.0.1'))).toBe(200);
    expect(statusOf(await p.get('127.0.0.2'))).toBe(200);
    const refused = await p.get('127.0.0.3');
    expect(statusOf(refused)).toBe(429);
    expect(headerOf(refused, 'retry-after')).toBe('1');
  });

  it('counts CONNECT too', async () => {
    const p = await start({ global: { rps: 100, burst: 100 }, perClient: { rps: 1, burst: 1 } });
    const connect = () => rawExchange(p.port, 'CONNECT x.test:443 HTTP/1.1\r\nHost: x.test:443\r\n\r\n');
    expect(statusOf(await connect())).toBe(200);
    const refused = await connect();
    expect(statusOf(refused)).toBe(429);
    expect(headerOf(refused, 'retry-after')).toBe('1');
  });

  it('keeps at most maxClients buckets (an evicted client starts with a full bucket)', async () => {
    const p = await start({ global: { rps: 1000, burst: 1000 }, perClient: { rps: 0.001, burst: 1 }, maxClients: 2 });
    expect(statusOf(await p.get('127.0.0.1'))).toBe(200);
    expect(statusOf(await p.get('127.0.0.1'))).toBe(429);
    expect(statusOf(await p.get('127.0.0.2'))).toBe(200);
    expect(statusOf(await p.get('127.0.0.3'))).toBe(200); // evicts 127.0.0.1
    expect(statusOf(await p.get('127.0.0.1'))).toBe(200);
  });
});
