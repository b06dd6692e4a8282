import { ConsistentHash } from '@d7y/core';
import { describe, expect, it } from 'vitest';
import type { Download } from './download.js';
import type { Host } from './host.js';
import { addHost, addTask, download, makeWorld } from './resource.fixture.js';
import { SeedPeer, type SeedPeerClient } from './seed-peer.js';

/** Records calls; each downloadTask resolves or rejects when the test says. */
class RecordingSeedClient implements SeedPeerClient {
  readonly downloads: Array<{ host: Host; download: Download; settle: (err?: Error) => void }> = [];
  healthy = new Set<string>();
  downloadTask(host: Host, d: Download): Promise<void> {
    return new Promise((resolve, reject) => {
      this.downloads.push({ host, download: d, settle: (err) => (err ? reject(err) : resolve()) });
    });
  }
  async checkHealth(host: Host): Promise<boolean> {
    return this.healthy.has(host.id);
  }
  forget(): void {}
}

function setup() {
  const world = makeWorld();
  const client = new RecordingSeedClient();
  const seedPeer = new SeedPeer({
    resource: world.resource,
    client,
    config: { healthCheckIntervalMs: 30_000, failedTimeoutMs: 30 * 60_000, taskDownloadTimeoutMs: 60_000 },
    logger: world.logger,
    now: world.clock.now,
  });
  const seeds = ['seed-1', 'seed-2', 'seed-3'].map((hostname, i) => addHost(world, { hostname, ip: `10.0.1.${i + 1}`, type: 'super' }));
  addHost(world, { hostname: 'normal' });
  return { world, client, seedPeer, seeds };
}

describe('SeedPeer', () => {
  it('picks the seed by consistent hashing of the task ID over the healthy seed hosts only', async () => {
    const { world, client, seedPeer, seeds } = setup();
    const task = addTask(world);
    const expected = new ConsistentHash(seeds, (h) => h.id).pick(task.id);
    expect(seedPeer.pick(task.id)).toBe(expected);
    // The chosen seed fails its health check: the task moves to another seed, and back when it recovers.
    for (const s of seeds) if (s !== expected) client.healthy.add(s.id);
    await seedPeer.checkHealth();
    const moved = seedPeer.pick(task.id);
    expect(moved).toBeDefined();
    expect(moved).not.toBe(expected);
    expect(moved).toBe(new ConsistentHash(seeds.filter((s) => s !== expected), (h) => h.id).pick(task.id));
    client.healthy.add((expected as Host).id);
    await seedPeer.checkHealth();
    expect(seedPeer.pick(task.id)).toBe(expected);
  });

  it('triggers one back-to-source download per task, without output path, and remembers a failure', async () => {
    const { world, client, seedPeer } = setup();
    const task = addTask(world);
    const host = seedPeer.trigger(task, download({ outputPath: '/tmp/out', priority: 6 }));
    expect(host).toBeDefined();
    expect(seedPeer.trigger(task, download())).toBe(host);
    expect(client.downloads).toHaveLength(1);
    const call = client.downloads[0] as (typeof client.downloads)[number];
    expect(call.host).toBe(host);
    expect(call.download.needBackToSource).toBe(true);
    expect(call.download.outputPath).toBeUndefined();
    expect(call.download.priority).toBe(6);
    expect(seedPeer.failedRecently(task)).toBe(false);
    call.settle(new Error('seed unreachable'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seedPeer.failedRecently(task)).toBe(true);
    world.clock.advance(30 * 60_000);
    expect(seedPeer.failedRecently(task)).toBe(false);
    // After the failed one settled, a new trigger is allowed.
    seedPeer.trigger(task, download());
    expect(client.downloads).toHaveLength(2);
  });

  it('has nothing to pick or trigger without seed hosts', () => {
    const world = makeWorld();
    const seedPeer = new SeedPeer({
      resource: world.resource,
      client: new RecordingSeedClient(),
      config: { healthCheckIntervalMs: 30_000, failedTimeoutMs: 1, taskDownloadTimeoutMs: 1 },
      logger: world.logger,
    });
    const task = addTask(world);
    expect(seedPeer.pick(task.id)).toBeUndefined();
    expect(seedPeer.trigger(task, download())).toBeUndefined();
  });
});
