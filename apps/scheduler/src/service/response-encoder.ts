import { allocMessage, schedulerServiceDefinition, varintLength, writeVarint, type common, type scheduler } from '@d7y/rpc';
import type { Host } from '../resource/host.js';
import type { Peer } from '../resource/peer.js';
import type { Task } from '../resource/task.js';
import { encodeParentPeer } from './parent-peer-wire.js';
import { hostToProto, peerToProto, taskToProto } from './to-proto.js';

// Protobuf wire tags (field << 3 | wire type 2 = length-delimited) of the fields composed by hand.
const ANNOUNCE_PEER_RESPONSE_NORMAL_TASK = 0x12; // AnnouncePeerResponse.normal_task_response = 2
const NORMAL_TASK_RESPONSE_CANDIDATE_PARENTS = 0x0a; // NormalTaskResponse.candidate_parents = 1
const PEER_TASK = 0x3a; // common.v2.Peer.task = 7
const PEER_HOST = 0x42; // common.v2.Peer.host = 8

const encodeTask = schedulerServiceDefinition.StatTask.responseSerialize as (task: common.Task) => Buffer;
const encodePeer = schedulerServiceDefinition.StatPeer.responseSerialize as (peer: common.Peer) => Buffer;
const encodeHosts = schedulerServiceDefinition.ListHosts.responseSerialize as (res: scheduler.ListHostsResponse) => Buffer;

/**
 * Encodes NormalTaskResponse straight to protobuf bytes. Every candidate parent carries the task
 * with all its trusted piece digests; encoding it once per task version (not per parent and per
 * response) is most of the scheduler's CPU per registration otherwise. Bytes are the same as
 * encoding the message object: fields may appear in any order on the wire.
 * The task copy inside candidate parents omits the fast-moving counters (peer_count,
 * has_available_peer, updated_at); StatTask returns them.
 */
export class ResponseEncoder {
  private readonly tasks = new WeakMap<Task, { version: number; bytes: Buffer }>();
  private readonly peers = new WeakMap<Peer, EncodedPeer>();
  /** Keyed by the announced HostInfo object, which AnnounceHost replaces on every change. */
  private readonly hosts = new WeakMap<object, Buffer>();

  hostBytes(host: Host): Buffer {
    const cached = this.hosts.get(host.info);
    if (cached !== undefined) return cached;
    // ListHostsResponse{hosts: [host]} is one length-delimited field 1: drop its tag and length.
    const list = encodeHosts({ hosts: [hostToProto(host)] });
    const bytes = list.subarray(afterTagAndLength(list));
    this.hosts.set(host.info, bytes);
    return bytes;
  }

  taskBytes(task: Task): Buffer {
    const cached = this.tasks.get(task);
    if (cached !== undefined && cached.version === task.version) return cached.bytes;
    const { peer_count: _count, has_available_peer: _available, updated_at: _updated, ...stable } = taskToProto(task);
    const bytes = encodeTask(stable);
    this.tasks.set(task, { version: task.version, bytes });
    return bytes;
  }

  /**
   * The parent's own fields (without task and host). A parent is handed to many children: its bytes
   * are kept until what a child needs from them changes (state, pieces, settings); `updated_at`
   * may then be up to that long behind.
   */
  peerBytes(parent: Peer): Buffer {
    return this.encodedPeer(parent).bytes;
  }

  normalTaskResponse(parents: readonly Peer[]): Buffer {
    // Sizes first, then one buffer: this runs for every registration.
    const n = parents.length;
    const entries: EncodedPeer[] = new Array<EncodedPeer>(n);
    const tasks: Buffer[] = new Array<Buffer>(n);
    const lengths: number[] = new Array<number>(n);
    let bodyLength = 0;
    let lastTask: Task | undefined;
    let lastTaskBytes: Buffer | undefined;
    for (let i = 0; i < n; i++) {
      const parent = parents[i] as Peer;
      const entry = this.encodedPeer(parent);
      const info = parent.host.info;
      if (entry.hostInfo !== info) {
        entry.hostInfo = info;
        entry.hostBytes = this.hostBytes(parent.host);
      }
      if (parent.task !== lastTask) {
        lastTask = parent.task;
        lastTaskBytes = this.taskBytes(parent.task);
      }
      const task = lastTaskBytes as Buffer;
      const host = entry.hostBytes as Buffer;
      const length = entry.bytes.length + 1 + varintLength(task.length) + task.length + 1 + varintLength(host.length) + host.length;
      entries[i] = entry;
      tasks[i] = task;
      lengths[i] = length;
      bodyLength += 1 + varintLength(length) + length;
    }
    const out = allocMessage(1 + varintLength(bodyLength) + bodyLength);
    let at = 0;
    out[at++] = ANNOUNCE_PEER_RESPONSE_NORMAL_TASK;
    at = writeVarint(out, at, bodyLength);
    for (let i = 0; i < n; i++) {
      const peer = (entries[i] as EncodedPeer).bytes;
      const task = tasks[i] as Buffer;
      const host = (entries[i] as EncodedPeer).hostBytes as Buffer;
      out[at++] = NORMAL_TASK_RESPONSE_CANDIDATE_PARENTS;
      at = writeVarint(out, at, lengths[i] as number);
      // TypedArray#set: no trip through Buffer#copy's argument handling for a few KiB.
      out.set(peer, at);
      at += peer.length;
      out[at++] = PEER_TASK;
      at = writeVarint(out, at, task.length);
      out.set(task, at);
      at += task.length;
      out[at++] = PEER_HOST;
      at = writeVarint(out, at, host.length);
      out.set(host, at);
      at += host.length;
    }
    return out;
  }

  private encodedPeer(parent: Peer): EncodedPeer {
    const cached = this.peers.get(parent);
    if (cached !== undefined && cached.matches(parent)) return cached;
    const entry = new EncodedPeer(parent, encodeParentPeer(parent) ?? encodeWithoutTaskAndHost(parent));
    this.peers.set(parent, entry);
    return entry;
  }
}

/** A parent's encoded fields, with what they were made from: reused while that still holds. */
class EncodedPeer {
  readonly bytes: Buffer;
  /** The parent host's encoding and the announcement it was made from (hostBytes' cache, one lookup less). */
  hostInfo: object | undefined;
  hostBytes: Buffer | undefined;
  private readonly state: string;
  private readonly finishedPieces: number;
  private readonly needBackToSource: boolean;
  private readonly costMs: number;
  private readonly priority: number;
  private readonly concurrentPieceCount: number;
  private readonly taskVersion: number;

  constructor(peer: Peer, bytes: Buffer) {
    this.bytes = bytes;
    this.state = peer.state;
    this.finishedPieces = peer.finishedPieces.size;
    this.needBackToSource = peer.needBackToSource;
    this.costMs = peer.costMs;
    this.priority = peer.priority;
    this.concurrentPieceCount = peer.concurrentPieceCount;
    this.taskVersion = peer.task.version;
  }

  matches(peer: Peer): boolean {
    return (
      this.state === peer.state &&
      this.finishedPieces === peer.finishedPieces.size &&
      this.needBackToSource === peer.needBackToSource &&
      this.costMs === peer.costMs &&
      this.priority === peer.priority &&
      this.concurrentPieceCount === peer.concurrentPieceCount &&
      this.taskVersion === peer.task.version
    );
  }
}

/** AnnouncePeer's service definition, letting already-encoded responses through as they are. */
export function announcePeerPassThrough(): typeof schedulerServiceDefinition {
  const method = schedulerServiceDefinition.AnnouncePeer;
  const serialize = method.responseSerialize;
  return {
    ...schedulerServiceDefinition,
    AnnouncePeer: {
      ...method,
      responseSerialize: (value: scheduler.AnnouncePeerResponse | Buffer) => (Buffer.isBuffer(value) ? value : serialize(value)),
    },
  };
}

/** The message-object route to peerBytes, for values the hand encoder does not cover. */
function encodeWithoutTaskAndHost(parent: Peer): Buffer {
  const { task: _task, host: _host, ...rest } = peerToProto(parent, { task: {} });
  return encodePeer(rest);
}

/** Offset after a one-byte tag and the varint length that follows it. */
function afterTagAndLength(bytes: Buffer): number {
  let i = 1;
  while (((bytes[i] as number) & 0x80) !== 0) i += 1;
  return i + 1;
}
