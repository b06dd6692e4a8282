/** Bytes. Upstream bounds for a piece; a user-given piece length must lie within them. */
export const MIN_PIECE_LENGTH = 4 * 1024 * 1024;
export const MAX_PIECE_LENGTH = 64 * 1024 * 1024;

/** Upstream aims at roughly this many pieces per task before clamping. */
const TARGET_PIECE_COUNT = 500;

export interface PieceRange {
  number: number;
  /** Bytes from the start of the task content. */
  offset: number;
  /** Bytes; the last piece holds the remainder. */
  length: number;
}

/** Default piece length in bytes: nextPowerOfTwo(floor(contentLength / 500)) clamped to [4 MiB, 64 MiB]. */
export function pieceLength(contentLength: number): number {
  checkLength('contentLength', contentLength);
  const target = Math.floor(contentLength / TARGET_PIECE_COUNT);
  if (target <= MIN_PIECE_LENGTH) return MIN_PIECE_LENGTH;
  if (target > MAX_PIECE_LENGTH / 2) return MAX_PIECE_LENGTH;
  // Here target is in (4 MiB, 32 MiB], so 2 ** ceil(log2) is exact and within bounds.
  let length = MIN_PIECE_LENGTH;
  while (length < target) length *= 2;
  return length;
}

/** Throws unless `length` is an allowed piece length (integer bytes within [4 MiB, 64 MiB]). */
export function assertPieceLength(length: number): void {
  if (!Number.isSafeInteger(length) || length < MIN_PIECE_LENGTH || length > MAX_PIECE_LENGTH) {
    throw new RangeError(`piece length must be an integer between ${MIN_PIECE_LENGTH} and ${MAX_PIECE_LENGTH} bytes, got ${String(length)}`);
  }
}

/** ceil(contentLength / pieceLength); 0 for empty content. */
export function pieceCount(contentLength: number, pieceLength: number): number {
  checkLength('contentLength', contentLength);
  checkPositive('pieceLength', pieceLength);
  return Math.ceil(contentLength / pieceLength);
}

/** Offset and length of piece `number` (0-based). Throws for a piece beyond the content. */
export function pieceRange(number: number, pieceLength: number, contentLength: number): PieceRange {
  const count = pieceCount(contentLength, pieceLength);
  if (!Number.isSafeInteger(number) || number < 0 || number >= count) {
    throw new RangeError(`piece number ${String(number)} out of range: the content has ${count} pieces`);
  }
  const offset = number * pieceLength;
  return { number, offset, length: Math.min(pieceLength, contentLength - offset) };
}

/**
 * Numbers of the pieces that overlap bytes [start, start + length): piece i is included when
 * offset_i + length_i > start and offset_i < start + length. A range reaching past the end is cut
 * at the content length; an empty range or one starting at/after the end has no pieces.
 */
export function piecesForRange(range: { start: number; length: number }, pieceLength: number, contentLength: number): number[] {
  checkLength('range.start', range.start);
  checkLength('range.length', range.length);
  const count = pieceCount(contentLength, pieceLength);
  const end = Math.min(range.start + range.length, contentLength);
  if (range.length === 0 || range.start >= end) return [];
  const first = Math.floor(range.start / pieceLength);
  const last = Math.min(count - 1, Math.floor((end - 1) / pieceLength));
  const numbers: number[] = [];
  for (let i = first; i <= last; i++) numbers.push(i);
  return numbers;
}

function checkLength(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer number of bytes, got ${String(value)}`);
  }
}

function checkPositive(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer number of bytes, got ${String(value)}`);
  }
}
