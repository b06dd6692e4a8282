import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { interceptors, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedAgent } from './guarded-agent.js';

describe('guardedAgent (an undici dispatcher for code that keeps its own requests)', () => {
  let allowed: Server;
  let target: Server;
  let targetHits = 0;
  let allowedUrl: string;
  let targetPort: number;

  beforeAll(async () => {
    target = createServer((_req, res) => {
      targetHits++;
      res.end('internal');
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    targetPort = (target.address() as AddressInfo).port;
    allowed = createServer((req, res) => {
      if (req.url === '/to-target') return res.writeHead(302, { location: `http://127.0.0.1:${targetPort}/` }).end();
      if (req.url === '/to-metadata') return res.writeHead(302, { location: 'http://[::ffff:169.254.169.254]/' }).end();
      return res.end('ok');
    });
    await new Promise<void>((r) => allowed.listen(0, '127.0.0.2', r));
    allowedUrl = `http://127.0.0.2:${(allowed.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of [allowed, target]) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  });

  it('admits allow-listed destinations and refuses the others, also after a redirect', async () => {
    const agent = guardedAgent({ allow: ['127.0.0.2'] });
    const dispatcher = agent.compose(interceptors.redirect({ maxRedirections: 3 }));
    try {
      const ok = await request(`${allowedUrl}/`, { dispatcher });
      expect(await ok.body.text()).toBe('ok');
      await expect(request(`http://127.0.0.1:${targetPort}/`, { dispatcher })).rejects.toMatchObject({ code: 'DF_ERR_EGRESS_ADDRESS_REFUSED' });
      await expect(request(`${allowedUrl}/to-target`, { dispatcher })).rejects.toMatchObject({ code: 'DF_ERR_EGRESS_ADDRESS_REFUSED' });
      await expect(request(`${allowedUrl}/to-metadata`, { dispatcher })).rejects.toMatchObject({ code: 'DF_ERR_EGRESS_ADDRESS_REFUSED' });
      expect(targetHits).toBe(0);
    } finally {
      await agent.close();
    }
  });
});
