import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIECE, Pki, SimDaemon, download, eventually, pieceDigest, startScheduler, statusOf, taskIdOf, type RunningScheduler } from './harness.js';

const pki = new Pki();
let scheduler: RunningScheduler;
const daemons: SimDaemon[] = [];

function daemon(hostname: string, ip = '127.0.0.1'): SimDaemon {
  const d = new SimDaemon(pki, scheduler.address, { hostname, ip });
  daemons.push(d);
  return d;
}

beforeAll(async () => {
  scheduler = await startScheduler(pki);
});

afterAll(async () => {
  for (const d of daemons) d.close();
  await scheduler.stop();
});

describe('AnnouncePeer over mTLS: normal task with candidate parents', () => {
  it('sends the first peer to the source, then hands it to the next peer with its host and the trusted digests', async () => {
    const first = daemon('peer-1', '127.0.0.1');
    const second = daemon('peer-2', '127.0.0.2');
    await first.announceHost({ download_port: 4105, port: 4100 });
    await second.announceHost();
    const d = download({ url: 'https://origin.example/normal.bin', pieces: 3 });
    const taskId = taskIdOf(d);

    const a = first.peer(d);
    a.register();
    expect(await a.next()).toMatchObject({ response: 'need_back_to_source_response', need_back_to_source_response: { description: 'peer needs back-to-source' } });
    a.backToSource([0, 1, 2]);
    // Another connection: wait until the scheduler has handled A's reports.
    await eventually(async () => (await first.statTask(taskId)).pieces.length === 3, 'the back-to-source pieces');

    const b = second.peer(d);
    b.register();
    const res = await b.next();
    expect(res.response).toBe('normal_task_response');
    const parents = res.normal_task_response?.candidate_parents ?? [];
    expect(parents.map((p) => p.id)).toEqual([a.ids.peerId]);
    const parent = parents[0];
    expect(parent?.state).toBe('BackToSource');
    expect(parent?.host).toMatchObject({ id: first.hostId, hostname: 'peer-1', ip: '127.0.0.1', port: 4100, download_port: 4105 });
    // The task carries the digests reported by the peer that fetched from the source.
    expect(parent?.task?.id).toBe(taskId);
    expect(parent?.task?.pieces.map((p) => [p.number, p.offset, p.length, p.digest])).toEqual(
      [0, 1, 2].map((n) => [n, n * PIECE, PIECE, pieceDigest(taskId, n)]),
    );
    // Request headers may carry credentials: never sent back.
    expect(parent?.task?.request_header).toEqual({});
    // The parent's own piece list carries no digest: trusted digests travel only in the task.
    expect(parent?.pieces.every((p) => p.digest === '')).toBe(true);

    b.send({ download_peer_started_request: {} });
    for (const n of [0, 1, 2]) {
      b.send({
        download_piece_finished_request: {
          piece: { number: n, parent_id: a.ids.peerId, offset: n * PIECE, length: PIECE, digest: `sha256:${'0'.repeat(64)}`, traffic_type: 'REMOTE_PEER', cost: { nanos: 1e6 } },
        },
      });
    }
    b.send({ download_peer_finished_request: {} });
    b.end();
    expect((await b.status()).code).toBe(0);
    a.send({ download_peer_back_to_source_finished_request: {} });
    a.end();
    expect((await a.status()).code).toBe(0);

    // StatTask: the trusted digests are still the source's, not the child's report.
    const task = await second.statTask(taskId);
    expect(task.state).toBe('Succeeded');
    expect(task.content_length).toBe(3 * PIECE);
    expect(task.piece_count).toBe(3);
    expect(task.pieces.map((p) => p.digest)).toEqual([0, 1, 2].map((n) => pieceDigest(taskId, n)));
    const stat = await second.statPeer(taskId, b.ids.peerId);
    expect(stat.state).toBe('Succeeded');
    expect(stat.pieces.map((p) => p.number)).toEqual([0, 1, 2]);
  });

  it('keeps the stream after a piece failed at the source, and records the digests that follow', async () => {
    const host = daemon('peer-5', '127.0.0.5');
    await host.announceHost();
    const p = host.peer(download({ url: 'https://origin.example/flaky-origin', pieces: 2 }));
    p.register();
    expect((await p.next()).response).toBe('need_back_to_source_response');
    p.send({ download_peer_back_to_source_started_request: {} });
    p.send({ download_piece_back_to_source_failed_request: { piece_number: 1, backend: { message: 'HTTP 503', header: {}, status_code: 503 } } });
    p.backToSource([0, 1]);
    p.send({ download_peer_back_to_source_finished_request: {} });
    p.end();
    expect((await p.status()).code).toBe(0);
    expect((await host.statTask(p.ids.taskId)).pieces.map((x) => x.number)).toEqual([0, 1]);
  });

  it('fails a registered peer whose stream ends before it starts, so GC frees it', async () => {
    const host = daemon('peer-6', '127.0.0.6');
    await host.announceHost();
    const p = host.peer(download({ url: 'https://origin.example/abandoned' }));
    p.register();
    await p.next();
    p.cancel();
    await eventually(() => scheduler.app.resource.peers.get(p.ids.peerId)?.state === 'Failed', 'the abandoned peer to fail');
    scheduler.app.gc.collectPeers();
    scheduler.app.gc.collectPeers();
    expect(scheduler.app.resource.peers.has(p.ids.peerId)).toBe(false);
  });

  it('answers EmptyTask for empty content and MetadataOnly for a peer that already has everything', async () => {
    const host = daemon('peer-3');
    await host.announceHost();
    const empty = host.peer(download({ url: 'https://origin.example/empty', contentLength: 0 }));
    empty.register();
    expect((await empty.next()).response).toBe('empty_task_response');
    empty.send({ download_peer_started_request: {} });
    empty.send({ download_peer_finished_request: {} });
    empty.end();
    expect((await empty.status()).code).toBe(0);

    const meta = host.peer(download({ url: 'https://origin.example/cached', metadataOnly: true }));
    meta.register();
    expect((await meta.next()).response).toBe('metadata_only_response');
    meta.send({ download_peer_started_request: {} });
    meta.send({ download_peer_finished_request: {} });
    meta.end();
    expect((await meta.status()).code).toBe(0);
    expect((await host.statPeer(meta.ids.taskId, meta.ids.peerId)).state).toBe('Succeeded');
  });

  it('lists, deletes peers and tasks of the own host, and deletes the host with its peers', async () => {
    const host = daemon('peer-4', '127.0.0.4');
    await host.announceHost();
    expect((await host.listHosts()).hosts.map((h) => h.id)).toContain(host.hostId);
    expect((await host.listHosts(1)).hosts.map((h) => h.id)).not.toContain(host.hostId);
    const d = download({ url: 'https://origin.example/delete-me' });
    const p = host.peer(d);
    p.register();
    await p.next();
    await host.deletePeer(p.ids.taskId, p.ids.peerId);
    expect((await statusOf(host.statPeer(p.ids.taskId, p.ids.peerId))).code).toBe(5);
    // The stream's next message finds the peer gone.
    p.send({ download_peer_started_request: {} });
    expect(await p.status()).toMatchObject({ code: 5, details: expect.stringContaining('no longer exists') });

    const q = host.peer(d);
    q.register();
    await q.next();
    await host.deleteTask(q.ids.taskId);
    expect((await statusOf(host.statPeer(q.ids.taskId, q.ids.peerId))).code).toBe(5);

    const r = host.peer(d);
    r.register();
    await r.next();
    await host.deleteHost();
    expect((await host.listHosts()).hosts.map((h) => h.id)).not.toContain(host.hostId);
    expect(scheduler.app.resource.peers.has(r.ids.peerId)).toBe(false);
  });
});
