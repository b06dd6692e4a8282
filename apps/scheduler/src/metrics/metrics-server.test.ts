import { describe, expect, it } from 'vitest';
import { addHost, addPeer, addTask, makeWorld } from '../resource/resource.fixture.js';
import { MetricsServer } from './metrics-server.js';

describe('MetricsServer', () => {
  it('serves hosts, tasks and peers by state on GET /metrics, and nothing else', async () => {
    const world = makeWorld();
    const task = addTask(world);
    addPeer(world, task, addHost(world, { hostname: 'a' }), 'Running');
    addPeer(world, task, addHost(world, { hostname: 'b', type: 'super' }), 'BackToSource');
    const server = new MetricsServer({ resource: world.resource, addr: '127.0.0.1:0', logger: world.logger });
    const port = await server.start();
    try {
      const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(body).toContain('dragonfly_scheduler_hosts{type="normal"} 1');
      expect(body).toContain('dragonfly_scheduler_hosts{type="super"} 1');
      expect(body).toContain('dragonfly_scheduler_tasks{state="Pending"} 1');
      expect(body).toContain('dragonfly_scheduler_peers{state="Running"} 1');
      expect(body).toContain('dragonfly_scheduler_peers{state="BackToSource"} 1');
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
