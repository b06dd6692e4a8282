import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2eCluster } from '../harness/cluster.js';
import { dfget } from '../harness/dfget.js';
import type { DfdaemonProcess } from '../harness/dfdaemon-process.js';
import type { NginxOrigin } from '../harness/nginx-origin.js';
import { assertBuilt } from '../harness/paths.js';
import { startScheduler, type SchedulerUnderTest } from '../harness/scheduler-under-test.js';

const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('e2e: 1 seed peer + 3 peers download one file from nginx', () => {
  let cluster: E2eCluster;
  let nginx: NginxOrigin;
  let scheduler: SchedulerUnderTest;
  const peers: DfdaemonProcess[] = [];
  const body = randomBytes(48 * MiB + 12345);
  let path: string;

  beforeAll(async () => {
    assertBuilt('dfdaemon', 'dfget', 'dfcert');
    cluster = await E2eCluster.create('distribution');
    nginx = await cluster.nginx();
    path = await nginx.put('blob.bin', body);
    scheduler = await startScheduler(cluster);
    await cluster.dfdaemon({ hostname: 'seed-1', schedulers: [scheduler.address], seed: true });
    for (const h of ['peer-1', 'peer-2', 'peer-3']) peers.push(await cluster.dfdaemon({ hostname: h, schedulers: [scheduler.address] }));
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('every peer gets the right bytes and nginx serves each byte about once', async () => {
    const results = await Promise.all(
      peers.map((p, i) => dfget(p.socketPath, [nginx.url(path), '-O', join(cluster.root, `out-${i}`), '--no-progress'])),
    );
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    for (let i = 0; i < peers.length; i++) expect(sha256(await readFile(join(cluster.root, `out-${i}`)))).toBe(sha256(body));
    const served = await nginx.bytesServed(path);
    // Range probes (bytes=0-0) cost one byte per daemon; the content itself about once.
    expect(served).toBeGreaterThanOrEqual(body.length);
    expect(served).toBeLessThanOrEqual(body.length * 1.1 + 8);
    const fromPeers = results.map((r) => /peers ([\d.]+) MiB/.exec(r.stderr)?.[1]).map(Number);
    expect(fromPeers.every((m) => m > 40), results.map((r) => r.stderr).join("\n")).toBe(true);
  }, 60_000);
});
