import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pki, SimDaemon, SimSeedDaemon, download, eventually, pieceDigest, startScheduler, type RunningScheduler } from './harness.js';

const pki = new Pki();
let scheduler: RunningScheduler;
let seed: SimSeedDaemon;
let peer: SimDaemon;

beforeAll(async () => {
  // Retries slow enough that the seed registers within retryBackToSourceLimit rounds.
  scheduler = await startScheduler(pki, { scheduler: { retryInterval: '100ms', retryBackToSourceLimit: 20, retryLimit: 25 } });
  seed = await SimSeedDaemon.start(pki, scheduler.address, { hostname: 'seed-1', ip: '127.0.0.1' });
  peer = new SimDaemon(pki, scheduler.address, { hostname: 'peer-1', ip: '127.0.0.2' });
  await peer.announceHost();
});

afterAll(async () => {
  peer.close();
  await seed.stop();
  await scheduler.stop();
});

describe('seed peer trigger', () => {
  it('triggers the seed by DfdaemonUpload.DownloadTask on a first download and hands it out as parent', async () => {
    const d = download({ url: 'https://origin.example/seeded.bin', pieces: 2, priority: 'LEVEL6' });
    const p = peer.peer(d);
    p.register();
    const res = await p.next();

    // The seed was called once, by the scheduler's identity, with a back-to-source copy of the download.
    expect(seed.downloads).toHaveLength(1);
    const call = seed.downloads[0];
    expect(call?.caller).toMatchObject({ role: 'scheduler', hostname: 'scheduler-1' });
    expect(call?.download).toMatchObject({ url: d.url, need_back_to_source: true, priority: 'LEVEL6', actual_content_length: d.actual_content_length });
    expect(call?.download?.output_path).toBeUndefined();
    expect(call?.download?.request_header).toEqual({ 'x-test': '1' });

    // The peer got the seed peer as its parent.
    expect(res.response).toBe('normal_task_response');
    const parents = res.normal_task_response?.candidate_parents ?? [];
    const seedPeer = seed.peers[0];
    expect(parents.map((c) => c.id)).toEqual([seedPeer?.ids.peerId]);
    expect(parents[0]?.host).toMatchObject({ id: seed.hostId, type: 1, port: seed.port });

    // Once the seed reported its pieces from the source, the task carries their digests.
    await eventually(async () => (await peer.statTask(p.ids.taskId)).state === 'Succeeded', 'the seed to finish');
    expect((await peer.statTask(p.ids.taskId)).pieces.map((x) => x.digest)).toEqual([0, 1].map((n) => pieceDigest(p.ids.taskId, n)));
    p.end();
  });

  it('does not trigger again while the task is being served', async () => {
    const d = download({ url: 'https://origin.example/seeded.bin', pieces: 2, priority: 'LEVEL6' });
    const again = new SimDaemon(pki, scheduler.address, { hostname: 'peer-2', ip: '127.0.0.3' });
    await again.announceHost();
    const p = again.peer(d);
    p.register();
    expect((await p.next()).response).toBe('normal_task_response');
    expect(seed.downloads).toHaveLength(1);
    p.end();
    again.close();
  });

  it('sends the peer to the source when the seed is unhealthy', async () => {
    await seed.stop();
    await scheduler.app.seedPeer.checkHealth();
    expect(scheduler.app.seedPeer.healthyHosts()).toEqual([]);
    const p = peer.peer(download({ url: 'https://origin.example/unseeded.bin' }));
    p.register();
    expect((await p.next()).response).toBe('need_back_to_source_response');
    p.end();
  });
});
