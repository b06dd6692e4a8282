import { describe, expect, it } from 'vitest';
import type { Peer } from './peer.js';
import { addHost, addPeer, addTask, makeWorld } from './resource.fixture.js';

const SHA_A = `sha256:${'a'.repeat(64)}`;
const SHA_B = `sha256:${'b'.repeat(64)}`;

describe('Task', () => {
  it('keeps the first trusted digest of a piece; a different later one is a conflict and changes nothing', () => {
    const task = addTask(makeWorld());
    const piece = { number: 0, offset: 0, length: 4 << 20, digest: SHA_A, reportedBy: 'p1', costMs: 1, createdAt: 0 };
    expect(task.recordTrustedPiece(piece)).toBe('recorded');
    expect(task.recordTrustedPiece({ ...piece, reportedBy: 'p2' })).toBe('duplicate');
    expect(task.recordTrustedPiece({ ...piece, digest: SHA_B, reportedBy: 'p3' })).toBe('conflict');
    expect(task.pieces.get(0)).toMatchObject({ digest: SHA_A, reportedBy: 'p1' });
  });

  it('drops trusted digests when the content layout changes, not when it is first learnt or repeated', () => {
    const task = addTask(makeWorld());
    task.recordTrustedPiece({ number: 0, offset: 0, length: 4 << 20, digest: SHA_A, reportedBy: 'p1', costMs: 1, createdAt: 0 });
    expect(task.setContentLayout(task.contentLength, task.pieceLength, task.pieceCount)).toBe(false);
    expect(task.pieces.size).toBe(1);
    expect(task.setContentLayout(task.contentLength + 1, task.pieceLength, task.pieceCount + 1)).toBe(true);
    expect(task.pieces.size).toBe(0);
  });

  it.each([
    { contentLength: -1, pieceCount: 0, scope: 'unknown' },
    { contentLength: 0, pieceCount: 0, scope: 'empty' },
    { contentLength: 128, pieceCount: 1, scope: 'tiny' },
    { contentLength: 129, pieceCount: 1, scope: 'small' },
    { contentLength: 8 << 20, pieceCount: 2, scope: 'normal' },
  ])('size scope of $contentLength bytes is $scope', ({ contentLength, pieceCount, scope }) => {
    const task = addTask(makeWorld());
    task.contentLength = contentLength;
    task.pieceCount = pieceCount;
    expect(task.sizeScope()).toBe(scope);
  });

  it('allows back-to-source while fewer than backToSourceCount peers are at the source', () => {
    const world = makeWorld();
    const task = addTask(world, { backToSourceLimit: 2 });
    expect(task.canBackToSource()).toBe(true);
    addPeer(world, task, addHost(world, { hostname: 'a' }), 'BackToSource');
    expect(task.canBackToSource()).toBe(true);
    addPeer(world, task, addHost(world, { hostname: 'b' }), 'BackToSource');
    expect(task.canBackToSource()).toBe(false);
  });

  it('puts the child load on the parent host per edge and takes exactly that back', () => {
    const world = makeWorld();
    const task = addTask(world, { pieceCount: 10 });
    const parentHost = addHost(world, { hostname: 'parent' });
    const parent = addPeer(world, task, parentHost, 'BackToSource');
    const c1 = addPeer(world, task, addHost(world, { hostname: 'c1' }), 'ReceivedNormal', { concurrentPieceCount: 4 });
    const c2 = addPeer(world, task, addHost(world, { hostname: 'c2' }), 'ReceivedNormal', { concurrentPieceCount: 8 });
    task.addPeerEdge(parent, c1);
    task.addPeerEdge(parent, c2);
    const pieceLength = 4 << 20;
    expect(parentHost.load).toEqual({
      uploadCount: 2,
      uploadFailedCount: 0,
      concurrentUploadCount: 2,
      concurrentUploadPieceCount: 12,
      txBandwidth: pieceLength * 12 * 8,
      uploadContentLength: 2 * task.contentLength,
    });
    world.resource.deletePeer(c1);
    expect(parentHost.load.concurrentUploadCount).toBe(1);
    expect(parentHost.load.txBandwidth).toBe(pieceLength * 8 * 8);
    // Deleting the parent releases its out-edges too.
    world.resource.deletePeer(parent);
    expect(parentHost.load).toMatchObject({ concurrentUploadCount: 0, concurrentUploadPieceCount: 0, txBandwidth: 0, uploadContentLength: 0 });
    expect(task.peerInDegree(c2.id)).toBe(0);
  });

  it('keeps parentCount of each peer equal to its in-degree through every way an edge goes', () => {
    const world = makeWorld();
    const task = addTask(world, { pieceCount: 10 });
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((hostname) => addPeer(world, task, addHost(world, { hostname }), 'Running')) as [Peer, Peer, Peer, Peer];
    const check = (): void => {
      for (const peer of [a, b, c, d]) if (task.hasPeer(peer.id)) expect(peer.parentCount, peer.host.hostname).toBe(task.peerInDegree(peer.id));
    };
    task.addPeerEdge(a, c);
    task.addPeerEdge(b, c);
    task.addPeerEdge(c, d);
    task.addPeerEdge(a, d);
    check();
    expect([c.parentCount, d.parentCount]).toEqual([2, 2]);
    task.deletePeerInEdges(c.id); // a reschedule round
    check();
    task.addPeerEdge(b, c);
    task.deletePeerOutEdges(c.id);
    check();
    expect(d.parentCount).toBe(1);
    world.resource.deletePeer(a); // its out-edge to d goes with it
    check();
    expect(d.parentCount).toBe(0);
    d.fsm.fire('DownloadSucceeded'); // drops its in-edges (none left) and keeps the count at 0
    c.fsm.fire('DownloadFailed'); // drops c's in-edge from b
    check();
    expect(c.parentCount).toBe(0);
  });

  it('has an available peer only when a non-blocked peer is pending, running, back-to-source or done', () => {
    const world = makeWorld();
    const task = addTask(world);
    const failed = addPeer(world, task, addHost(world, { hostname: 'f' }), 'Failed');
    expect(task.hasAvailablePeer(new Set())).toBe(false);
    const running = addPeer(world, task, addHost(world, { hostname: 'r' }), 'Running');
    expect(task.hasAvailablePeer(new Set([failed.id]))).toBe(true);
    expect(task.hasAvailablePeer(new Set([running.id]))).toBe(false);
  });

  it('answers hasAvailablePeerBesides(p) as hasAvailablePeer({p}) in every state mix', () => {
    const states = ['Pending', 'ReceivedNormal', 'Running', 'BackToSource', 'Succeeded', 'Failed'] as const;
    for (const a of states) {
      for (const b of states) {
        const world = makeWorld();
        const task = addTask(world);
        const pa = addPeer(world, task, addHost(world, { hostname: 'a' }), a);
        const pb = addPeer(world, task, addHost(world, { hostname: 'b' }), b);
        for (const p of [pa, pb]) expect(task.hasAvailablePeerBesides(p), `${a}/${b}`).toBe(task.hasAvailablePeer(new Set([p.id])));
      }
    }
  });
});
