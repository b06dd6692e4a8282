import { WireType, isWireUint, varintLength, writeVarint } from '@d7y/rpc';
import type { Peer } from '../resource/peer.js';

const { VARINT, LEN: LENGTH_DELIMITED } = WireType;

/** A field's tag byte (field numbers below 16 take one). */
function tag(field: number, wireType: number): number {
  return field * 8 + wireType;
}

/** Bytes of a varint field with a one-byte tag. */
function varintFieldLength(value: number): number {
  return 1 + varintLength(value);
}

/** Bytes of a length-delimited field with a one-byte tag, whose body is `length` bytes. */
function delimitedFieldLength(length: number): number {
  return 1 + varintLength(length) + length;
}

// common.v2.Peer field numbers (protos/common.proto).
const ID = tag(1, LENGTH_DELIMITED);
const RANGE = tag(2, LENGTH_DELIMITED);
const PRIORITY = tag(3, VARINT);
const PIECES = tag(4, LENGTH_DELIMITED);
const COST = tag(5, LENGTH_DELIMITED);
const STATE = tag(6, LENGTH_DELIMITED);
const NEED_BACK_TO_SOURCE = tag(9, VARINT);
const CREATED_AT = tag(10, LENGTH_DELIMITED);
const UPDATED_AT = tag(11, LENGTH_DELIMITED);
const CONCURRENT_PIECE_COUNT = tag(12, VARINT);
// common.v2.Range: start = 1, length = 2. common.v2.Piece: number = 1, offset = 3, length = 4
// (digest = 5 stays empty: trusted digests travel in the task). Duration and Timestamp:
// seconds = 1, nanos = 2.
const FIRST = tag(1, VARINT);
const SECOND = tag(2, VARINT);
const PIECE_OFFSET = tag(3, VARINT);
const PIECE_LENGTH = tag(4, VARINT);

interface Seconds {
  seconds: number;
  nanos: number;
}

/**
 * A parent's own common.v2.Peer fields (everything but task and host), as peerToProto describes
 * them, written by hand: protobufjs's fromObject/encode cost ~30 µs per parent, once per parent
 * and state on the registration path. Returns undefined for a value these writers do not cover (a
 * negative or unsafe number), and the caller encodes the message object instead.
 */
export function encodeParentPeer(peer: Peer): Buffer | undefined {
  const task = peer.task;
  const numbers = [...peer.finishedPieces].sort((a, b) => a - b);
  const pieceLengths: number[] = new Array<number>(numbers.length);
  const offsets: number[] = new Array<number>(numbers.length);
  const lengths: number[] = new Array<number>(numbers.length);
  let piecesLength = 0;
  for (let i = 0; i < numbers.length; i++) {
    const number = numbers[i] as number;
    const offset = task.pieceLength * number;
    const length = task.contentLength >= 0 ? Math.max(0, Math.min(task.pieceLength, task.contentLength - offset)) : task.pieceLength;
    if (!isWireUint(number) || !isWireUint(offset) || !isWireUint(length)) return undefined;
    offsets[i] = offset;
    lengths[i] = length;
    // number, offset, length, and digest '' (tag + zero length), as protobufjs writes it.
    const body = varintFieldLength(number) + varintFieldLength(offset) + varintFieldLength(length) + 2;
    pieceLengths[i] = body;
    piecesLength += delimitedFieldLength(body);
  }
  const cost = duration(peer.costMs);
  const createdAt = timestamp(peer.createdAt);
  const updatedAt = timestamp(peer.updatedAt);
  const range = peer.range;
  if (cost === undefined || createdAt === undefined || updatedAt === undefined) return undefined;
  if (range !== undefined && (!isWireUint(range.start) || !isWireUint(range.length))) return undefined;
  if (!isWireUint(peer.concurrentPieceCount) || !isWireUint(peer.priority)) return undefined;

  const idBytes = Buffer.byteLength(peer.id);
  const stateBytes = Buffer.byteLength(peer.state);
  const rangeBody = range === undefined ? 0 : varintFieldLength(range.start) + varintFieldLength(range.length);
  const costBody = secondsLength(cost);
  const createdBody = secondsLength(createdAt);
  const updatedBody = secondsLength(updatedAt);
  const total =
    delimitedFieldLength(idBytes) +
    (range === undefined ? 0 : delimitedFieldLength(rangeBody)) +
    varintFieldLength(peer.priority) +
    piecesLength +
    delimitedFieldLength(costBody) +
    delimitedFieldLength(stateBytes) +
    2 +
    delimitedFieldLength(createdBody) +
    delimitedFieldLength(updatedBody) +
    varintFieldLength(peer.concurrentPieceCount);

  const out = Buffer.allocUnsafe(total);
  let at = 0;
  out[at++] = ID;
  at = writeVarint(out, at, idBytes);
  at += out.write(peer.id, at);
  if (range !== undefined) {
    out[at++] = RANGE;
    at = writeVarint(out, at, rangeBody);
    at = writeUintField(out, at, FIRST, range.start);
    at = writeUintField(out, at, SECOND, range.length);
  }
  at = writeUintField(out, at, PRIORITY, peer.priority);
  for (let i = 0; i < numbers.length; i++) {
    out[at++] = PIECES;
    at = writeVarint(out, at, pieceLengths[i] as number);
    at = writeUintField(out, at, FIRST, numbers[i] as number);
    at = writeUintField(out, at, PIECE_OFFSET, offsets[i] as number);
    at = writeUintField(out, at, PIECE_LENGTH, lengths[i] as number);
    out[at++] = tag(5, LENGTH_DELIMITED);
    out[at++] = 0;
  }
  at = writeSecondsField(out, at, COST, cost, costBody);
  out[at++] = STATE;
  at = writeVarint(out, at, stateBytes);
  at += out.write(peer.state, at);
  out[at++] = NEED_BACK_TO_SOURCE;
  out[at++] = peer.needBackToSource ? 1 : 0;
  at = writeSecondsField(out, at, CREATED_AT, createdAt, createdBody);
  at = writeSecondsField(out, at, UPDATED_AT, updatedAt, updatedBody);
  at = writeUintField(out, at, CONCURRENT_PIECE_COUNT, peer.concurrentPieceCount);
  if (at !== total) throw new Error(`parent peer encoding wrote ${at} of ${total} bytes`);
  return out;
}

/** As to-proto's duration(): whole seconds and the rest in nanoseconds, rounded. */
function duration(ms: number): Seconds | undefined {
  const out = { seconds: Math.floor(ms / 1000), nanos: Math.round((ms % 1000) * 1e6) };
  return isWireUint(out.seconds) && isWireUint(out.nanos) ? out : undefined;
}

/** As to-proto's timestamp(). */
function timestamp(ms: number): Seconds | undefined {
  const out = { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
  return isWireUint(out.seconds) && isWireUint(out.nanos) ? out : undefined;
}

function secondsLength(value: Seconds): number {
  return varintFieldLength(value.seconds) + varintFieldLength(value.nanos);
}

function writeUintField(out: Buffer, at: number, fieldTag: number, value: number): number {
  out[at++] = fieldTag;
  return writeVarint(out, at, value);
}

function writeSecondsField(out: Buffer, at: number, fieldTag: number, value: Seconds, body: number): number {
  out[at++] = fieldTag;
  at = writeVarint(out, at, body);
  at = writeUintField(out, at, FIRST, value.seconds);
  return writeUintField(out, at, SECOND, value.nanos);
}

