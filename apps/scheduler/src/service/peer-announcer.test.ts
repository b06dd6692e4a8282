import { peerId as makePeerId } from '@d7y/core';
import { describe, expect, it } from 'vitest';
import { isSchedulerError, type SchedulerErrorCode } from '../errors.js';
import type { Download } from '../resource/download.js';
import type { Host } from '../resource/host.js';
import { addHost, download, makeWorld, taskIdOf } from '../resource/resource.fixture.js';
import { SeedPeer, type SeedPeerClient } from '../resource/seed-peer.js';
import { DefaultEvaluator } from '../scheduling/evaluator/default-evaluator.js';
import { Scheduling } from '../scheduling/scheduling.js';
import { callerOf } from './caller.js';
import { PeerAnnouncer } from './peer-announcer.js';

const PIECE = 4 * 1024 * 1024;
const SHA = (c: string): string => `sha256:${c.repeat(64)}`;

class RecordingSeedClient implements SeedPeerClient {
  readonly calls: Array<{ host: Host; download: Download }> = [];
  downloadTask(host: Host, d: Download): Promise<void> {
    this.calls.push({ host, download: d });
    return new Promise(() => undefined);
  }
  async checkHealth(): Promise<boolean> {
    return true;
  }
  forget(): void {}
}

function setup() {
  const world = makeWorld();
  const sleeps: number[] = [];
  const hooks: Array<() => Promise<void> | void> = [];
  // Every wait yields to the event loop so concurrent registrations interleave; hooks run in order.
  const sleep = async (ms: number): Promise<void> => {
    sleeps.push(ms);
    world.clock.advance(ms);
    await new Promise((resolve) => setImmediate(resolve));
    await hooks.shift()?.();
  };
  const scheduling = new Scheduling({
    config: { retryLimit: 5, retryBackToSourceLimit: 4, retryIntervalMs: 100, candidateParentLimit: 3, filterParentLimit: 15 },
    evaluator: new DefaultEvaluator(),
    logger: world.logger,
    sleep,
    random: () => 0.5,
  });
  const seedClient = new RecordingSeedClient();
  const seedPeer = new SeedPeer({
    resource: world.resource,
    client: seedClient,
    config: { healthCheckIntervalMs: 30_000, failedTimeoutMs: 30 * 60_000, taskDownloadTimeoutMs: 60_000 },
    logger: world.logger,
    now: world.clock.now,
  });
  const announcer = new PeerAnnouncer({
    resource: world.resource,
    scheduling,
    seedPeer,
    config: { backToSourceCount: 200, defaultConcurrentPieceCount: 8, registerDelayBaseMs: 30, registerDelayMaxMs: 1000 },
    logger: world.logger,
    sleep,
    random: () => 0.5,
  });
  return { world, announcer, seedClient, sleeps, hooks };
}

/** A 10-piece download and the IDs a daemon on `host` would send for it. */
function request(host: Host, overrides: Partial<Download> = {}) {
  const d = download({ actualContentLength: 10 * PIECE, actualPieceLength: PIECE, actualPieceCount: 10, ...overrides });
  const ids = { hostId: host.id, taskId: taskIdOf(d), peerId: makePeerId(host.hostname, host.ip, host.isSeed) };
  return { ids, download: d, caller: callerOf('dfdaemon', host.hostname) };
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

function expectCode(err: unknown, code: SchedulerErrorCode, message?: RegExp): void {
  expect(isSchedulerError(err, code), String(err)).toBe(true);
  if (message) expect((err as Error).message).toMatch(message);
}

describe('PeerAnnouncer.register refusals', () => {
  it.each([
    { name: 'a malformed host id', patch: { hostId: 'not-an-ip-host' }, code: 'DF_ERR_SCHEDULER_INVALID_ARGUMENT', message: /invalid host id/ },
    { name: 'a malformed task id', patch: { taskId: 'abc' }, code: 'DF_ERR_SCHEDULER_INVALID_ARGUMENT', message: /invalid task id/ },
    { name: 'a malformed peer id', patch: { peerId: '10.0.0.1-h-not-a-uuid' }, code: 'DF_ERR_SCHEDULER_INVALID_ARGUMENT', message: /invalid peer id/ },
    { name: 'an unknown host', patch: { hostId: '10.9.9.9-ghost' }, code: 'DF_ERR_SCHEDULER_HOST_NOT_FOUND', message: /AnnounceHost first/ },
    { name: "another host's peer id", patch: { peerId: makePeerId('other', '10.0.0.2') }, code: 'DF_ERR_SCHEDULER_INVALID_ARGUMENT', message: /does not belong to host/ },
    { name: 'a task id not derived from the URL', patch: { taskId: 'f'.repeat(64) }, code: 'DF_ERR_SCHEDULER_INVALID_ARGUMENT', message: /does not match the download/ },
  ] as const)('refuses $name', async ({ patch, code, message }) => {
    const { world, announcer } = setup();
    const host = addHost(world, { hostname: 'h' });
    const r = request(host);
    expectCode(await errorOf(announcer.register({ ...r.ids, ...patch }, r.download, r.caller)), code, message);
    expect(world.resource.peers.size).toBe(0);
  });

  it("refuses a caller whose certificate names another host", async () => {
    const { world, announcer } = setup();
    const r = request(addHost(world, { hostname: 'h' }));
    expectCode(await errorOf(announcer.register(r.ids, r.download, callerOf('dfdaemon', 'mallory'))), 'DF_ERR_SCHEDULER_PERMISSION_DENIED');
  });

  it('refuses inconsistent content geometry', async () => {
    const { world, announcer } = setup();
    const r = request(addHost(world, { hostname: 'h' }), { actualPieceCount: 3 });
    expectCode(await errorOf(announcer.register(r.ids, r.download, r.caller)), 'DF_ERR_SCHEDULER_INVALID_ARGUMENT', /actual_piece_count 3/);
  });

  it('still checks the task id of a different download once the task exists', async () => {
    const { world, announcer } = setup();
    const host = addHost(world, { hostname: 'h' });
    const good = request(host, { priority: 3 });
    await announcer.register(good.ids, good.download, good.caller);
    const again = request(host, { priority: 3 });
    await announcer.register(again.ids, again.download, again.caller);
    const evil = request(host, { url: 'https://evil.example/other-content' });
    expectCode(
      await errorOf(announcer.register({ ...evil.ids, taskId: good.ids.taskId }, evil.download, evil.caller)),
      'DF_ERR_SCHEDULER_INVALID_ARGUMENT',
      /does not match the download/,
    );
    // Same URL, other inputs of the task ID: each is checked, not taken from the remembered one.
    for (const change of [{ tag: 'other' }, { application: 'other' }, { pieceLength: 1 << 20 }]) {
      const other = request(host, { priority: 3 });
      expectCode(
        await errorOf(announcer.register(other.ids, { ...other.download, ...change }, other.caller)),
        'DF_ERR_SCHEDULER_INVALID_ARGUMENT',
        /does not match the download/,
      );
    }
  });

  it('refuses the same peer twice', async () => {
    const { world, announcer } = setup();
    const r = request(addHost(world, { hostname: 'h' }));
    await announcer.register(r.ids, r.download, r.caller);
    expectCode(await errorOf(announcer.register(r.ids, r.download, r.caller)), 'DF_ERR_SCHEDULER_PEER_ALREADY_EXISTS');
  });
});

describe('PeerAnnouncer flows', () => {
  it('sends the first peer to the source without seeds, records its digests, and gives it to the next peer as parent', async () => {
    const { world, announcer } = setup();
    const first = request(addHost(world, { hostname: 'first' }));
    const a = await announcer.register(first.ids, first.download, first.caller);
    expect(a.result).toEqual({ kind: 'needBackToSource', description: 'peer needs back-to-source' });
    expect(a.peer.task.state).toBe('Running');
    announcer.downloadPeerBackToSourceStarted(a.peer);
    announcer.downloadPieceBackToSourceFinished(a.peer, { number: 0, offset: 0, length: PIECE, digest: SHA('a'), costMs: 5 });
    expect(a.peer.task.pieces.get(0)).toMatchObject({ digest: SHA('a'), reportedBy: a.peer.id });

    const second = request(addHost(world, { hostname: 'second', ip: '10.0.0.2' }));
    const b = await announcer.register(second.ids, second.download, second.caller);
    expect(b.result.kind === 'normal' && b.result.parents.map((p) => p.id)).toEqual([a.peer.id]);
    announcer.downloadPeerStarted(b.peer);
    // A parent-served piece never becomes a trusted digest.
    announcer.downloadPieceFinished(b.peer, { number: 1, parentId: a.peer.id, offset: PIECE, length: PIECE, digest: SHA('e'), costMs: 3 });
    expect(a.peer.task.pieces.has(1)).toBe(false);
    expect(b.peer.finishedPieces.has(1)).toBe(true);

    announcer.downloadPeerBackToSourceFinished(a.peer);
    expect(a.peer.state).toBe('Succeeded');
    expect(a.peer.task.state).toBe('Succeeded');
  });

  it('triggers the seed for a first download and hands the seed out once it goes to the source', async () => {
    const { world, announcer, seedClient, hooks } = setup();
    const seedHost = addHost(world, { hostname: 'seed-1', ip: '10.0.9.1', type: 'super' });
    const r = request(addHost(world, { hostname: 'peer-1' }), { priority: 6, outputPath: '/data/file' });
    // While the peer waits for parents, the triggered seed registers and starts back-to-source.
    let seedPeerId = '';
    hooks.push(async () => {
      expect(seedClient.calls).toHaveLength(1);
      const seedDownload = (seedClient.calls[0] as (typeof seedClient.calls)[number]).download;
      expect(seedDownload).toMatchObject({ needBackToSource: true, priority: 6, url: r.download.url });
      expect(seedDownload.outputPath).toBeUndefined();
      const s = request(seedHost, seedDownload);
      const seed = await announcer.register(s.ids, s.download, s.caller);
      expect(seed.result.kind).toBe('needBackToSource');
      announcer.downloadPeerBackToSourceStarted(seed.peer);
      seedPeerId = seed.peer.id;
    });
    const peer = await announcer.register(r.ids, r.download, r.caller);
    expect(peer.result.kind === 'normal' && peer.result.parents.map((p) => p.id)).toEqual([seedPeerId]);
    expect((seedClient.calls[0] as (typeof seedClient.calls)[number]).host).toBe(seedHost);
  });

  it.each([
    { priority: 1, code: 'DF_ERR_SCHEDULER_DOWNLOAD_FORBIDDEN' },
    { priority: 2, code: 'DF_ERR_SCHEDULER_NO_CANDIDATE_PEERS' },
  ] as const)('refuses a first download at priority LEVEL$priority', async ({ priority, code }) => {
    const { world, announcer } = setup();
    addHost(world, { hostname: 'seed-1', type: 'super' });
    const r = request(addHost(world, { hostname: 'h' }), { priority });
    expectCode(await errorOf(announcer.register(r.ids, r.download, r.caller)), code);
    expect(world.resource.peers.get(r.ids.peerId)?.state).toBe('Failed');
  });

  it('sends a LEVEL3 first download to the source even with a seed available', async () => {
    const { world, announcer, seedClient } = setup();
    addHost(world, { hostname: 'seed-1', type: 'super' });
    const r = request(addHost(world, { hostname: 'h' }), { priority: 3 });
    expect((await announcer.register(r.ids, r.download, r.caller)).result.kind).toBe('needBackToSource');
    expect(seedClient.calls).toHaveLength(0);
  });

  it('answers EmptyTask for empty content and MetadataOnly when asked', async () => {
    const { world, announcer } = setup();
    const host = addHost(world, { hostname: 'h' });
    const empty = request(host, { url: 'https://origin.example/empty', actualContentLength: 0, actualPieceLength: PIECE, actualPieceCount: 0 });
    const e = await announcer.register(empty.ids, empty.download, empty.caller);
    expect(e.result).toEqual({ kind: 'empty' });
    expect(e.peer.state).toBe('ReceivedEmpty');
    const meta = request(host, { metadataOnly: true });
    const m = await announcer.register(meta.ids, meta.download, meta.caller);
    expect(m.result).toEqual({ kind: 'metadataOnly' });
    announcer.downloadPeerStarted(m.peer);
    announcer.downloadPeerFinished(m.peer);
    expect(m.peer.state).toBe('Succeeded');
  });

  it('blocks a parent after a temporary piece failure and reschedules to another one', async () => {
    const { world, announcer } = setup();
    const sources = [];
    for (const [i, hostname] of ['src-a', 'src-b'].entries()) {
      const r = request(addHost(world, { hostname, ip: `10.0.0.${i + 10}` }), { priority: 3 });
      const { peer } = await announcer.register(r.ids, r.download, r.caller);
      announcer.downloadPeerBackToSourceStarted(peer);
      sources.push(peer);
    }
    const r = request(addHost(world, { hostname: 'child' }));
    const child = await announcer.register(r.ids, r.download, r.caller);
    expect(child.result.kind === 'normal' && child.result.parents).toHaveLength(2);
    announcer.downloadPeerStarted(child.peer);
    const bad = sources[0] as (typeof sources)[number];
    announcer.downloadPieceFailed(child.peer, { pieceNumber: 0, parentId: bad.id, temporary: true });
    expect(bad.host.load.uploadFailedCount).toBe(1);
    const again = await announcer.reschedule(child.peer, [bad.id], 'parent served bad bytes');
    expect(again.kind === 'normal' && again.parents.map((p) => p.id)).toEqual([(sources[1] as (typeof sources)[number]).id]);
    expectCode(
      (() => {
        try {
          announcer.downloadPieceFailed(child.peer, { pieceNumber: 0, parentId: bad.id, temporary: false });
        } catch (e) {
          return e;
        }
      })(),
      'DF_ERR_SCHEDULER_PIECE_FAILED',
    );
  });

  it('accepts trusted digests only from a back-to-source peer, as sha256, at the right place; first one wins', async () => {
    const { world, announcer } = setup();
    const r = request(addHost(world, { hostname: 'h' }), { priority: 3 });
    const { peer } = await announcer.register(r.ids, r.download, r.caller);
    const piece = { number: 9, offset: 9 * PIECE, length: PIECE, digest: SHA('a'), costMs: 1 };
    const thrown = (fn: () => void): unknown => {
      try {
        fn();
      } catch (e) {
        return e;
      }
    };
    expectCode(thrown(() => announcer.downloadPieceBackToSourceFinished(peer, piece)), 'DF_ERR_SCHEDULER_OUT_OF_ORDER');
    announcer.downloadPeerBackToSourceStarted(peer);
    expectCode(thrown(() => announcer.downloadPieceBackToSourceFinished(peer, { ...piece, digest: 'crc32:12345' })), 'DF_ERR_SCHEDULER_INVALID_ARGUMENT', /must be sha256/);
    expectCode(thrown(() => announcer.downloadPieceBackToSourceFinished(peer, { ...piece, number: 10, offset: 10 * PIECE })), 'DF_ERR_SCHEDULER_INVALID_ARGUMENT', /has 10 pieces/);
    expectCode(thrown(() => announcer.downloadPieceBackToSourceFinished(peer, { ...piece, offset: 0 })), 'DF_ERR_SCHEDULER_INVALID_ARGUMENT', /offset/);
    announcer.downloadPieceBackToSourceFinished(peer, piece);
    announcer.downloadPieceBackToSourceFinished(peer, { ...piece, digest: SHA('b') });
    expect(peer.task.pieces.get(9)?.digest).toBe(SHA('a'));
    // A piece failing at the source is recorded; the stream goes on.
    announcer.downloadPieceBackToSourceFailed(peer, { pieceNumber: 1, description: 'HTTP 500' });
    expect(peer.state).toBe('BackToSource');
    announcer.downloadPeerBackToSourceFailed(peer, 'origin down');
    expect(peer.state).toBe('Failed');
    expect(peer.task.state).toBe('Failed');
    expect(peer.task.contentLength).toBe(-1);
  });

  it('makes concurrent registrations on one normal host wait, growing exponentially', async () => {
    const { world, announcer, sleeps } = setup();
    const host = addHost(world, { hostname: 'h' });
    const registrations = [0, 1, 2].map((i) => request(host, { url: `https://origin.example/f${i}`, priority: 3 }));
    await Promise.all(registrations.map((r) => announcer.register(r.ids, r.download, r.caller)));
    // n = 2 → 30 ms, n = 3 → 60 ms (jitter factor 1 with random 0.5); the first waits not at all.
    expect(sleeps.sort((x, y) => x - y)).toEqual([30, 60]);
  });
});
