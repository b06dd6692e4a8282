import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pki, SimDaemon, download, eventually, startScheduler, type PeerStream, type RunningScheduler } from './harness.js';

const pki = new Pki();
let scheduler: RunningScheduler;
const daemons: SimDaemon[] = [];

async function daemon(hostname: string, ip: string): Promise<SimDaemon> {
  const d = new SimDaemon(pki, scheduler.address, { hostname, ip });
  daemons.push(d);
  await d.announceHost();
  return d;
}

/** A peer on its own host that asks to go to the source (need_back_to_source, as a triggered seed does). */
async function sourcePeer(hostname: string, ip: string, url: string): Promise<PeerStream> {
  const host = await daemon(hostname, ip);
  const p = host.peer(download({ url, needBackToSource: true }));
  p.register();
  expect((await p.next()).response).toBe('need_back_to_source_response');
  p.send({ download_peer_back_to_source_started_request: {} });
  await eventually(() => scheduler.app.resource.peers.get(p.ids.peerId)?.state === 'BackToSource', `${hostname} at the source`);
  return p;
}

beforeAll(async () => {
  scheduler = await startScheduler(pki, { scheduler: { retryInterval: '10ms' } });
});

afterAll(async () => {
  for (const d of daemons) d.close();
  await scheduler.stop();
});

describe('reschedule after a bad parent', () => {
  it('blocks the parent that failed a piece and gives the other one', async () => {
    const url = 'https://origin.example/reschedule.bin';
    const good = await sourcePeer('src-good', '127.0.1.1', url);
    const bad = await sourcePeer('src-bad', '127.0.1.2', url);
    const child = (await daemon('child', '127.0.1.3')).peer(download({ url }));
    child.register();
    const first = await child.next();
    expect(first.normal_task_response?.candidate_parents.map((c) => c.id).sort()).toEqual([good.ids.peerId, bad.ids.peerId].sort());
    child.send({ download_peer_started_request: {} });
    child.send({ download_piece_failed_request: { piece_number: 0, parent_id: bad.ids.peerId, temporary: true } });
    child.send({ reschedule_peer_request: { candidate_parents: [{ id: bad.ids.peerId }], description: 'digest mismatch from parent' } });
    const second = await child.next();
    expect(second.normal_task_response?.candidate_parents.map((c) => c.id)).toEqual([good.ids.peerId]);
    expect(scheduler.app.resource.hosts.get(scheduler.app.resource.peers.get(bad.ids.peerId)?.host.id ?? '')?.load.uploadFailedCount).toBe(1);
    child.end();
  });
});

describe('back-to-source after retries', () => {
  it('sends the peer to the source after retryBackToSourceLimit rounds without a usable parent', async () => {
    const url = 'https://origin.example/retries.bin';
    const only = await sourcePeer('src-only', '127.0.2.1', url);
    const child = (await daemon('child-2', '127.0.2.2')).peer(download({ url }));
    child.register();
    expect((await child.next()).normal_task_response?.candidate_parents.map((c) => c.id)).toEqual([only.ids.peerId]);
    child.send({ download_peer_started_request: {} });
    child.send({ download_piece_failed_request: { piece_number: 1, parent_id: only.ids.peerId, temporary: true } });
    child.send({ reschedule_peer_request: { candidate_parents: [{ id: only.ids.peerId }] } });
    const started = Date.now();
    const res = await child.next();
    expect(res).toMatchObject({
      response: 'need_back_to_source_response',
      need_back_to_source_response: { description: 'scheduling exceeded RetryBackToSourceLimit' },
    });
    // 4 rounds of 10 ms ± 25 %.
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 7);
    child.backToSource([0]);
    child.send({ download_peer_back_to_source_finished_request: {} });
    child.end();
    expect((await child.status()).code).toBe(0);
  });

  it('fails with FailedPrecondition "scheduling exceeded RetryLimit" when the source is closed to the peer', async () => {
    const url = 'https://origin.example/no-source.bin';
    const only = await sourcePeer('src-x', '127.0.3.1', url);
    const host = await daemon('child-3', '127.0.3.2');
    const d = { ...download({ url }), disable_back_to_source: true };
    const child = host.peer(d);
    child.register();
    expect((await child.next()).normal_task_response?.candidate_parents.map((c) => c.id)).toEqual([only.ids.peerId]);
    child.send({ download_peer_started_request: {} });
    child.send({ reschedule_peer_request: { candidate_parents: [{ id: only.ids.peerId }] } });
    expect(await child.status()).toEqual({ code: 9, details: 'scheduling exceeded RetryLimit' });
    expect(scheduler.app.resource.peers.get(child.ids.peerId)?.state).toBe('Failed');
  });
});
