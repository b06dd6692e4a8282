import { createLogger } from '@d7y/logger';
import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseListenAddress } from './listen-address.js';
import { MetricsHttpServer } from './metrics-http-server.js';

describe('MetricsHttpServer', () => {
  it('serves GET /metrics, resets on DELETE only when allowed, answers /healthy from its check, 404 otherwise', async () => {
    const registry = new Registry();
    const c = new Counter({ name: 't_things_total', help: 'things', registers: [registry] });
    c.inc(3);
    let healthy = true;
    const server = new MetricsHttpServer({
      registry,
      addr: '127.0.0.1:0',
      logger: createLogger({ level: 'silent' }),
      allowReset: true,
      health: () => Promise.resolve(healthy ? { healthy } : { healthy, reason: 'disk gone' }),
    });
    const port = await server.start();
    const url = (p: string): string => `http://127.0.0.1:${port}${p}`;
    try {
      const res = await fetch(url('/metrics'));
      expect(res.headers.get('content-type')).toContain('text/plain');
      expect(await res.text()).toContain('t_things_total 3');
      expect((await fetch(url('/metrics'), { method: 'DELETE' })).status).toBe(200);
      expect(await (await fetch(url('/metrics'))).text()).toContain('t_things_total 0');
      expect((await fetch(url('/healthy'))).status).toBe(200);
      healthy = false;
      const bad = await fetch(url('/healthy'));
      expect(bad.status).toBe(503);
      expect(await bad.text()).toContain('disk gone');
      expect((await fetch(url('/other'))).status).toBe(404);
      expect((await fetch(url('/metrics'), { method: 'POST' })).status).toBe(404);
    } finally {
      await server.stop();
    }
  });

  it('keeps DELETE /metrics off unless allowed', async () => {
    const server = new MetricsHttpServer({ registry: new Registry(), addr: '127.0.0.1:0', logger: createLogger({ level: 'silent' }) });
    const port = await server.start();
    try {
      expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'DELETE' })).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/healthy`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });

  it.each([
    ['127.0.0.1:8000', { host: '127.0.0.1', port: 8000 }],
    ['[::1]:4002', { host: '::1', port: 4002 }],
    [':8000', { host: '0.0.0.0', port: 8000 }],
  ])('parses %s', (addr, want) => {
    expect(parseListenAddress(addr)).toEqual(want);
  });

  it.each(['8000', 'example.com:80', '127.0.0.1:99999', '127.0.0.1:'])('refuses %s with a message naming it', (addr) => {
    expect(() => parseListenAddress(addr)).toThrow(addr);
  });
});
