import { describe, expect, it } from 'vitest';
import { addHost, addPeer, addTask, makeWorld } from '../resource/resource.fixture.js';
import { Gc, type GcConfig } from './gc.js';

const MIN = 60_000;
const CONFIG: GcConfig = {
  peerGcIntervalMs: 10_000,
  pieceDownloadTimeoutMs: 30 * MIN,
  peerTtlMs: 24 * 60 * MIN,
  taskGcIntervalMs: 30 * MIN,
  hostGcIntervalMs: 5 * MIN,
  hostTtlMs: 60 * MIN,
};

function setup() {
  const world = makeWorld();
  const gc = new Gc({ resource: world.resource, config: CONFIG, logger: world.logger, now: world.clock.now });
  return { world, gc, task: addTask(world) };
}

describe('Gc.collectPeers', () => {
  it('makes a stalled download leave after pieceDownloadTimeout, then deletes it on the next pass', () => {
    const { world, gc, task } = setup();
    const host = addHost(world, { hostname: 'h' });
    const stalled = addPeer(world, task, host, 'Running');
    const fresh = addPeer(world, task, addHost(world, { hostname: 'g' }), 'Running');
    world.clock.advance(30 * MIN + 1);
    fresh.finishPiece(0, 10);
    host.touch(world.clock.now());
    fresh.host.touch(world.clock.now());
    expect(gc.collectPeers()).toEqual({ deleted: 0, left: 1 });
    expect(stalled.state).toBe('Leave');
    expect(fresh.state).toBe('Running');
    expect(gc.collectPeers()).toEqual({ deleted: 1, left: 0 });
    expect(world.resource.peers.has(stalled.id)).toBe(false);
    expect(task.hasPeer(stalled.id)).toBe(false);
    expect(world.quota.usageOf(stalled.owner).peers).toBe(0);
  });

  it.each([
    { name: 'failed peer', state: 'Failed', advanceMs: 0, disableShared: false, leaves: true },
    { name: 'peer idle beyond peerTTL', state: 'Succeeded', advanceMs: 24 * 60 * MIN + 1, disableShared: false, leaves: true },
    { name: 'peer on a host that stopped sharing', state: 'Succeeded', advanceMs: 0, disableShared: true, leaves: true },
    { name: 'recent succeeded peer', state: 'Succeeded', advanceMs: MIN, disableShared: false, leaves: false },
  ] as const)('$name leaves: $leaves', ({ state, advanceMs, disableShared, leaves }) => {
    const { world, gc, task } = setup();
    const host = addHost(world, { hostname: 'h', disableShared });
    const peer = addPeer(world, task, host, state);
    world.clock.advance(advanceMs);
    if (advanceMs < 60 * MIN) host.touch(world.clock.now());
    gc.collectPeers();
    expect(peer.state === 'Leave').toBe(leaves);
  });

  it('makes peers of a host silent beyond hostTTL leave', () => {
    const { world, gc, task } = setup();
    const peer = addPeer(world, task, addHost(world, { hostname: 'h' }), 'Succeeded');
    world.clock.advance(60 * MIN + 1);
    peer.touch();
    gc.collectPeers();
    expect(peer.state).toBe('Leave');
  });

  it('drops finished leaf peers of a task with more than 300 peers', () => {
    const { world, gc, task } = setup();
    const host = addHost(world, { hostname: 'h' });
    for (let i = 0; i < 303; i++) addPeer(world, task, host, 'Succeeded');
    const parent = addPeer(world, task, addHost(world, { hostname: 'p' }), 'Succeeded');
    const [first] = task.peers();
    task.addPeerEdge(parent, first as NonNullable<typeof first>);
    // Down to the limit, never a peer that is part of the graph.
    expect(gc.collectPeers().deleted).toBe(4);
    expect(task.peerCount).toBe(300);
    expect(task.hasPeer(parent.id) && task.hasPeer((first as NonNullable<typeof first>).id)).toBe(true);
  });
});

describe('Gc.collectTasks and collectHosts', () => {
  it('deletes tasks without peers only', () => {
    const { world, gc, task } = setup();
    const other = addTask(world, { url: 'https://origin.example/other' });
    addPeer(world, other, addHost(world, { hostname: 'h' }), 'Running');
    expect(gc.collectTasks()).toBe(1);
    expect(world.resource.tasks.has(task.id)).toBe(false);
    expect(world.resource.tasks.has(other.id)).toBe(true);
  });

  it('deletes hosts silent for 2× their announce interval (hostTTL when unknown), with their peers', () => {
    const { world, gc, task } = setup();
    const announced = addHost(world, { hostname: 'announced' });
    announced.announceIntervalMs = MIN;
    const peer = addPeer(world, task, announced, 'Running');
    const quiet = addHost(world, { hostname: 'quiet' });
    world.clock.advance(2 * MIN + 1);
    expect(gc.collectHosts()).toBe(1);
    expect(world.resource.hosts.has(announced.id)).toBe(false);
    expect(world.resource.peers.has(peer.id)).toBe(false);
    expect(world.quota.usageOf(announced.owner)).toEqual({ hosts: 0, peers: 0 });
    world.clock.advance(60 * MIN);
    expect(gc.collectHosts()).toBe(1);
    expect(world.resource.hosts.has(quiet.id)).toBe(false);
  });

  it('runs on unref()ed timers between start and stop', () => {
    const { gc } = setup();
    gc.start();
    gc.stop();
  });
});
