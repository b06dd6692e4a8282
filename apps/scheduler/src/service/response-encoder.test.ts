import { schedulerServiceDefinition, type scheduler } from '@d7y/rpc';
import { describe, expect, it } from 'vitest';
import { addHost, addPeer, addTask, makeWorld } from '../resource/resource.fixture.js';
import { ResponseEncoder } from './response-encoder.js';
import { normalTaskResponse } from './to-proto.js';

const decode = schedulerServiceDefinition.AnnouncePeer.responseDeserialize as (bytes: Buffer) => scheduler.AnnouncePeerResponse__Output;
const encode = schedulerServiceDefinition.AnnouncePeer.responseSerialize as (value: scheduler.AnnouncePeerResponse) => Buffer;

function setup() {
  const world = makeWorld();
  const task = addTask(world, { pieceCount: 300 });
  for (let n = 0; n < 300; n++) {
    task.recordTrustedPiece({ number: n, offset: n * (4 << 20), length: 4 << 20, digest: `sha256:${n.toString(16).padStart(64, '0')}`, reportedBy: 'p', costMs: n, createdAt: 1_700_000_000_123 });
  }
  const parents = ['a', 'b', 'c'].map((hostname, i) => addPeer(world, task, addHost(world, { hostname, ip: `10.0.0.${i + 1}`, idc: 'x' }), 'Running'));
  (parents[0] as (typeof parents)[number]).finishPiece(7, 3);
  return { world, task, parents };
}

describe('ResponseEncoder', () => {
  it('produces what encoding the NormalTaskResponse message produces (minus the task counters)', () => {
    const { parents } = setup();
    const fromBytes = decode(new ResponseEncoder().normalTaskResponse(parents));
    const reference = decode(encode(normalTaskResponse(parents)));
    for (const parent of reference.normal_task_response?.candidate_parents ?? []) {
      if (parent.task) {
        parent.task.peer_count = 0;
        parent.task.has_available_peer = false;
        parent.task.updated_at = null;
      }
    }
    expect(fromBytes.response).toBe('normal_task_response');
    expect(fromBytes).toEqual(reference);
    expect(fromBytes.normal_task_response?.candidate_parents[0]?.task?.pieces).toHaveLength(300);
  });

  it('writes parents by hand exactly as the message encoding does: range, priority, pieces, cost, odd values', () => {
    const { world, task, parents } = setup();
    const [a, b, c] = parents as [(typeof parents)[number], (typeof parents)[number], (typeof parents)[number]];
    a.range = { start: 2 ** 40, length: 123_456_789 };
    a.priority = 5;
    for (const n of [299, 3, 150, 0]) a.finishPiece(n, 12);
    b.fsm.fire('DownloadSucceeded');
    b.costMs = 3_723_456.5; // fractional milliseconds: nanos still whole
    c.needBackToSource = true;
    c.concurrentPieceCount = 300;
    c.updatedAt = 1_700_000_000_000.25; // nanos not whole: falls back to the message encoding
    const late = addPeer(world, task, addHost(world, { hostname: 'd', ip: '10.0.0.4' }), 'Running');
    late.range = { start: 0, length: 0 };
    const all = [...parents, late];
    const fromBytes = decode(new ResponseEncoder().normalTaskResponse(all));
    const reference = decode(encode(normalTaskResponse(all)));
    const peersOf = (r: scheduler.AnnouncePeerResponse__Output) => r.normal_task_response?.candidate_parents.map(({ task: _t, ...peer }) => peer);
    expect(peersOf(fromBytes)).toEqual(peersOf(reference));
    expect(peersOf(fromBytes)?.[0]).toMatchObject({ priority: 'LEVEL5', range: { start: 2 ** 40, length: 123_456_789 } });
    expect(peersOf(fromBytes)?.[0]?.pieces.map((p) => p.number)).toEqual([0, 3, 7, 150, 299]);
  });

  it('re-encodes a parent when its state or pieces change', () => {
    const { parents } = setup();
    const encoder = new ResponseEncoder();
    const parent = parents[1] as (typeof parents)[number];
    const first = encoder.peerBytes(parent);
    expect(encoder.peerBytes(parent)).toBe(first);
    parent.finishPiece(3, 1);
    const second = encoder.peerBytes(parent);
    expect(second).not.toBe(first);
    parent.fsm.fire('DownloadSucceeded');
    expect(decode(encoder.normalTaskResponse([parent])).normal_task_response?.candidate_parents[0]).toMatchObject({
      state: 'Succeeded',
      pieces: [expect.objectContaining({ number: 3 })],
    });
  });

  it('re-encodes a host only when it is announced again', () => {
    const { world, parents } = setup();
    const encoder = new ResponseEncoder();
    const host = (parents[0] as (typeof parents)[number]).host;
    const first = encoder.hostBytes(host);
    expect(encoder.hostBytes(host)).toBe(first);
    host.update({ ...host.info, downloadPort: 4999 }, undefined, world.clock.now());
    const decoded = decode(encoder.normalTaskResponse(parents));
    expect(decoded.normal_task_response?.candidate_parents[0]?.host?.download_port).toBe(4999);
  });

  it('re-encodes the task when its trusted pieces change, not otherwise', () => {
    const { task } = setup();
    const encoder = new ResponseEncoder();
    const first = encoder.taskBytes(task);
    expect(encoder.taskBytes(task)).toBe(first);
    task.touch();
    expect(encoder.taskBytes(task)).toBe(first);
    task.pieces.delete(299);
    task.recordTrustedPiece({ number: 299, offset: 299 * (4 << 20), length: 4 << 20, digest: `sha256:${'f'.repeat(64)}`, reportedBy: 'q', costMs: 1, createdAt: 0 });
    const second = encoder.taskBytes(task);
    expect(second).not.toBe(first);
    expect(second.includes(Buffer.from('f'.repeat(64)))).toBe(true);
  });
});
