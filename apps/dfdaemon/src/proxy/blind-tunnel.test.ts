import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testLogger } from '../../test/fixtures/logger.js';
import { serveHandler, statusOf } from '../../test/proxy/fixtures/handler-server.js';
import { openBlindTunnel } from './blind-tunnel.js';
import type { ProxyHandler } from './proxy-handler.js';

describe('openBlindTunnel', () => {
  let echo: Server;
  let echoPort = 0;
  let proxy: Awaited<ReturnType<typeof serveHandler>>;
  const echoSockets = new Set<Socket>();

  beforeAll(async () => {
    echo = createServer((s) => {
      echoSockets.add(s);
      s.pipe(s);
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    echoPort = (echo.address() as AddressInfo).port;
    const handler: ProxyHandler = {
      request: (_q, res) => void res.end(),
      connect: (req, socket, head) => {
        const [host, port] = (req.url ?? '').split(':');
        openBlindTunnel(socket, head, { host: host as string, port: Number(port) }, { logger: testLogger(), idleTimeoutMs: 300 });
      },
    };
    proxy = await serveHandler(handler);
  });
  afterAll(async () => {
    for (const s of echoSockets) s.destroy();
    await proxy.close();
    await new Promise((r) => echo.close(r));
  });

  async function open(target: string, early = ''): Promise<{ socket: Socket; first: string }> {
    const socket = connect({ host: '127.0.0.1', port: proxy.port });
    await once(socket, 'connect');
    // bytes sent right behind the CONNECT (the "head") must reach the target too
    socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n${early}`);
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    return { socket, first: chunk.toString('latin1') };
  }

  it('relays bytes both ways unchanged, including bytes sent with the CONNECT', async () => {
    const { socket, first } = await open(`127.0.0.1:${echoPort}`, 'early-');
    expect(statusOf(first)).toBe(200);
    let got = first.slice(first.indexOf('\r\n\r\n') + 4);
    socket.write('ping');
    while (got !== 'early-ping') got += ((await once(socket, 'data')) as [Buffer])[0].toString('latin1');
    socket.destroy();
  });

  it('answers 502 when the target is unreachable', async () => {
    const { first } = await open('127.0.0.1:1');
    expect(statusOf(first)).toBe(502);
    expect(first).toMatch(/x-dragonfly-error-type: proxy/i);
  });

  it('closes an idle tunnel', async () => {
    const { socket } = await open(`127.0.0.1:${echoPort}`);
    const t0 = performance.now();
    await once(socket, 'close');
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});
