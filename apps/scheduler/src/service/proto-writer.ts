/**
 * The few protobuf wire primitives the scheduler writes by hand on its hottest path (the candidate
 * parents of NormalTaskResponse). Sizes are computed first and the bytes written into one buffer;
 * every value is a non-negative safe integer or a string.
 */

/** Wire types. */
export const VARINT = 0;
export const LENGTH_DELIMITED = 2;

export function tag(field: number, wireType: number): number {
  return field * 8 + wireType;
}

/** Bytes of `value` as an unsigned LEB128 varint. */
export function varintLength(value: number): number {
  let n = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    n += 1;
  }
  return n;
}

/** Writes `value` as an unsigned LEB128 varint at `at`; returns the offset after it. */
export function writeVarint(out: Buffer, at: number, value: number): number {
  while (value >= 0x80) {
    out[at++] = (value % 0x80) | 0x80;
    value = Math.floor(value / 0x80);
  }
  out[at++] = value;
  return at;
}

/** Bytes of a varint field (tag below 16, so one byte). */
export function varintFieldLength(value: number): number {
  return 1 + varintLength(value);
}

/** Bytes of a length-delimited field whose body is `length` bytes (tag below 16). */
export function delimitedFieldLength(length: number): number {
  return 1 + varintLength(length) + length;
}

/** Whether the hand encoders may write `value` (protobuf unsigned varint of a JS number). */
export function isWireUint(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}
