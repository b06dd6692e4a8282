import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testLogger } from '../../test/fixtures/logger.js';
import { viaProxy } from '../../test/proxy/fixtures/proxy-client.js';
import { Forwarder } from './forwarder.js';

describe('Forwarder', () => {
  let origin: Server;
  let front: Server;
  const seen: IncomingMessage['headers'][] = [];
  const sockets = new Set<Socket>();
  const forwarder = new Forwarder({ logger: testLogger(), headersTimeoutMs: 300 });
  let originPort = 0;
  let frontPort = 0;

  beforeAll(async () => {
    origin = createServer((req, res) => {
      seen.push(req.headers);
      if (req.url === '/hang') return; // never answers
      if (req.url === '/drop') return void req.socket.destroy();
      res.writeHead(201, { 'x-origin': 'yes', connection: 'keep-alive, x-hop', 'x-hop': 'secret', 'keep-alive': 'timeout=5' });
      req.pipe(res);
    });
    origin.on('connection', (s: Socket) => sockets.add(s));
    await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
    originPort = (origin.address() as AddressInfo).port;
    front = createServer((req, res) => forwarder.forward(req, res, new URL(req.url ?? '')));
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    frontPort = (front.address() as AddressInfo).port;
  });
  afterAll(async () => {
    forwarder.close();
    for (const s of sockets) s.destroy();
    front.closeAllConnections();
    await Promise.all([new Promise((r) => origin.close(r)), new Promise((r) => front.close(r))]);
  });

  it('streams the request body and the answer, without hop-by-hop fields either way', async () => {
    const r = await viaProxy(frontPort, `http://127.0.0.1:${originPort}/echo`, {
      method: 'PUT',
      body: Buffer.from('payload'),
      headers: { 'proxy-connection': 'keep-alive', te: 'trailers', 'x-dragonfly-tag': 't', authorization: 'Bearer x' },
    });
    expect(r.status).toBe(201);
    expect(r.body.toString()).toBe('payload');
    expect(r.headers['x-origin']).toBe('yes');
    expect(r.headers['x-hop']).toBeUndefined();
    const h = seen.at(-1) ?? {};
    expect(h.host).toBe(`127.0.0.1:${originPort}`);
    expect(h.authorization).toBe('Bearer x');
    expect(h['proxy-connection']).toBeUndefined();
    expect(h.te).toBeUndefined();
    expect(h['x-dragonfly-tag']).toBeUndefined();
  });

  it('answers 504 when the origin sends no headers in time, 502 when it drops the connection or is unreachable', async () => {
    const t0 = performance.now();
    const hang = await viaProxy(frontPort, `http://127.0.0.1:${originPort}/hang`);
    expect(hang.status).toBe(504);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect((await viaProxy(frontPort, `http://127.0.0.1:${originPort}/drop`)).status).toBe(502);
    const closed = await viaProxy(frontPort, 'http://127.0.0.1:1/x');
    expect(closed.status).toBe(502);
    expect(closed.headers['x-dragonfly-error-type']).toBe('proxy');
  });

  it('refuses schemes other than http and https', async () => {
    expect((await viaProxy(frontPort, 'ftp://127.0.0.1/x')).status).toBe(400);
  });
});
