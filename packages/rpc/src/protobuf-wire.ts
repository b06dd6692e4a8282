// Protocol Buffers wire format by hand (https://protobuf.dev/programming-guides/encoding/), for
// the few messages a short-lived client encodes and decodes without loading protobufjs.

/** Wire types: the low 3 bits of a field's tag. */
export const WireType = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

/** Bytes that are not a valid encoding of the expected message. */
export class ProtoDecodeError extends Error {
  override readonly name = 'ProtoDecodeError';
}

/** Appends fields to a growing buffer. Integers are JS numbers: non-negative and at most 2^53 - 1. */
export class ProtoWriter {
  private buf = Buffer.allocUnsafe(256);
  private pos = 0;

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** A varint field (uint32, uint64, int64 ≥ 0, bool, enum). */
  uint(field: number, value: number): this {
    this.tag(field, WireType.VARINT);
    this.varint(value);
    return this;
  }

  bool(field: number, value: boolean): this {
    return this.uint(field, value ? 1 : 0);
  }

  string(field: number, value: string): this {
    const length = Buffer.byteLength(value);
    this.tag(field, WireType.LEN);
    this.varint(length);
    this.reserve(length);
    this.pos += this.buf.write(value, this.pos, 'utf8');
    return this;
  }

  /** An embedded message, written by `body` into this writer. */
  message(field: number, body: (w: ProtoWriter) => void): this {
    this.tag(field, WireType.LEN);
    // The length goes before the body: leave room for the longest varint of a length we accept
    // (5 bytes, < 2^35), then move the body back if its length took fewer.
    this.reserve(5);
    const lengthAt = this.pos;
    this.pos += 5;
    body(this);
    const length = this.pos - lengthAt - 5;
    const lengthBytes = varintLength(length);
    if (lengthBytes < 5) this.buf.copy(this.buf, lengthAt + lengthBytes, lengthAt + 5, this.pos);
    this.pos = lengthAt;
    this.varint(length);
    this.pos += length;
    return this;
  }

  private tag(field: number, wireType: WireType): void {
    if (!Number.isInteger(field) || field < 1 || field > 0x1fffffff) throw new RangeError(`invalid field number ${field}`);
    this.varint(field * 8 + wireType);
  }

  private varint(value: number): void {
    if (!isWireUint(value)) throw new RangeError(`cannot encode ${value} as an unsigned varint`);
    this.reserve(10);
    this.pos = writeVarint(this.buf, this.pos, value);
  }

  private reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}

/** Bytes of `value` as an unsigned varint. */
export function varintLength(value: number): number {
  let n = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) n++;
  return n;
}

/**
 * Writes `value` as an unsigned varint at `at` (room checked by the caller, e.g. after sizing a
 * message with varintLength); returns the offset after it.
 */
export function writeVarint(out: Uint8Array, at: number, value: number): number {
  let v = value;
  while (v >= 0x80) {
    out[at++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[at++] = v;
  return at;
}

/** Whether `value` can be written as an unsigned varint: a non-negative integer up to 2^53 - 1. */
export function isWireUint(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

/**
 * Reads the fields of one message in order. `next()` gives each field's number and wire type;
 * the caller then reads its value with the matching method, or calls `skip()` for a field it does
 * not know. Every read checks the bounds: truncated input throws ProtoDecodeError.
 */
export class ProtoReader {
  private readonly bytes: Uint8Array;
  private pos: number;
  private readonly end: number;
  field = 0;
  wireType: number = WireType.VARINT;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
  }

  /** Moves to the next field; false at the end of the message. */
  next(): boolean {
    if (this.pos >= this.end) return false;
    const tag = this.varint();
    this.field = Math.floor(tag / 8);
    this.wireType = tag % 8;
    if (this.field === 0) throw new ProtoDecodeError(`invalid field number 0 at byte ${this.pos}`);
    return true;
  }

  /** An unsigned varint as a number (uint32, uint64 and enums; above 2^53 it is rounded, as protobufjs does with longs: Number). */
  uint(): number {
    this.expect(WireType.VARINT);
    return this.varint();
  }

  /** A uint32: the low 32 bits of the varint, as protobufjs reads it. */
  uint32(): number {
    return this.uint() % 2 ** 32;
  }

  bool(): boolean {
    return this.uint() !== 0;
  }

  string(): string {
    const [start, end] = this.lengthDelimited();
    if (Buffer.isBuffer(this.bytes)) return this.bytes.toString('utf8', start, end);
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + start, end - start).toString('utf8');
  }

  /** A reader over the embedded message of the current field. */
  message(): ProtoReader {
    const [start, end] = this.lengthDelimited();
    return new ProtoReader(this.bytes, start, end);
  }

  /** Skips the current field's value, whatever its wire type (groups included). */
  skip(): void {
    this.skipValue(this.field, this.wireType);
  }

  private skipValue(field: number, wireType: number): void {
    switch (wireType) {
      case WireType.VARINT:
        this.varint();
        return;
      case WireType.I64:
        this.advance(8);
        return;
      case WireType.LEN:
        this.lengthDelimited();
        return;
      case WireType.I32:
        this.advance(4);
        return;
      case WireType.SGROUP:
        // A group runs until the end-group tag with its own field number.
        for (;;) {
          if (!this.next()) throw new ProtoDecodeError(`truncated message: group ${field} has no end`);
          if (this.wireType === WireType.EGROUP) {
            if (this.field !== field) throw new ProtoDecodeError(`group ${field} ended by the end of group ${this.field}`);
            return;
          }
          this.skipValue(this.field, this.wireType);
        }
      default:
        throw new ProtoDecodeError(`field ${field} has invalid wire type ${wireType}`);
    }
  }

  private expect(wireType: WireType): void {
    if (this.wireType !== wireType) {
      throw new ProtoDecodeError(`field ${this.field} has wire type ${this.wireType}, expected ${wireType}`);
    }
  }

  private lengthDelimited(): [number, number] {
    this.expect(WireType.LEN);
    const length = this.varint();
    const start = this.pos;
    this.advance(length);
    return [start, this.pos];
  }

  private advance(bytes: number): void {
    if (bytes > this.end - this.pos) throw new ProtoDecodeError(`truncated message: field ${this.field} needs ${bytes} bytes, ${this.end - this.pos} left`);
    this.pos += bytes;
  }

  private varint(): number {
    // value = low 28 bits + high bits * 2^28 (numbers stay exact up to 2^53).
    let low = 0;
    let high = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtoDecodeError('truncated message: a varint runs past the end');
      const b = this.bytes[this.pos++] as number;
      if (i < 4) low |= (b & 0x7f) << (7 * i);
      else high += (b & 0x7f) * 2 ** (7 * (i - 4));
      if (b < 0x80) return (low >>> 0) + high * 2 ** 28;
    }
    throw new ProtoDecodeError('malformed varint: longer than 10 bytes');
  }
}
