import { describe, expect, it } from 'vitest';
import {
  MAX_PIECE_LENGTH, MIN_PIECE_LENGTH, assertPieceLength, pieceCount, pieceLength, pieceRange, piecesForRange,
} from './piece-layout.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('pieceLength = nextPowerOfTwo(floor(size / 500)) clamped to [4 MiB, 64 MiB]', () => {
  it.each([
    [0, 4 * MiB],
    [1, 4 * MiB],
    [100 * MiB, 4 * MiB],
    [500 * 4 * MiB, 4 * MiB], // floor(size/500) = exactly 4 MiB
    [500 * 4 * MiB + 500, 8 * MiB], // one byte per piece more → next power of two
    [2 * GiB, 8 * MiB],
    [10 * GiB, 32 * MiB],
    [500 * 32 * MiB, 32 * MiB],
    [500 * 32 * MiB + 500, 64 * MiB],
    [16 * GiB, 64 * MiB],
    [1024 * GiB, 64 * MiB],
  ])('%d bytes → %d', (size, expected) => {
    expect(pieceLength(size)).toBe(expected);
  });

  it.each([[-1], [1.5], [Number.NaN], [Number.MAX_SAFE_INTEGER + 2]])('rejects content length %d', (size) => {
    expect(() => pieceLength(size)).toThrow(RangeError);
  });

  it.each([
    [MIN_PIECE_LENGTH, true], [MAX_PIECE_LENGTH, true], [8 * MiB, true],
    [MIN_PIECE_LENGTH - 1, false], [MAX_PIECE_LENGTH + 1, false], [1024, false], [4.5 * MiB + 0.5, false],
  ])('assertPieceLength(%d) ok=%s', (length, ok) => {
    if (ok) expect(() => assertPieceLength(length)).not.toThrow();
    else expect(() => assertPieceLength(length)).toThrow(RangeError);
  });
});

describe('pieceCount / pieceRange', () => {
  it.each([
    [0, 4, 0], [1, 4, 1], [4, 4, 1], [5, 4, 2], [8, 4, 2], [9, 4, 3],
    [10 * GiB, 32 * MiB, 320],
  ])('content %d with pieces of %d → %d pieces', (size, len, count) => {
    expect(pieceCount(size, len)).toBe(count);
  });

  it.each([
    [0, 4, 10, { number: 0, offset: 0, length: 4 }],
    [1, 4, 10, { number: 1, offset: 4, length: 4 }],
    [2, 4, 10, { number: 2, offset: 8, length: 2 }],
    [2, 4, 12, { number: 2, offset: 8, length: 4 }],
  ])('piece %d of length %d in %d bytes', (n, len, size, expected) => {
    expect(pieceRange(n, len, size)).toEqual(expected);
  });

  it.each([[3, 4, 10], [-1, 4, 10], [0, 4, 0], [0.5, 4, 10]])('piece %d of length %d in %d bytes is out of range', (n, len, size) => {
    expect(() => pieceRange(n, len, size)).toThrow(RangeError);
  });

  it('the pieces tile the content exactly', () => {
    const size = 3 * 4 * MiB + 12345;
    const count = pieceCount(size, 4 * MiB);
    let next = 0;
    for (let i = 0; i < count; i++) {
      const p = pieceRange(i, 4 * MiB, size);
      expect(p.offset).toBe(next);
      next += p.length;
    }
    expect(next).toBe(size);
  });

  it.each([[10, 0], [10, -4], [10, 1.5]])('rejects piece length %#', (size, len) => {
    expect(() => pieceCount(size, len)).toThrow(RangeError);
  });
});

describe('piecesForRange', () => {
  // content of 10 bytes in pieces of 4: [0,4) [4,8) [8,10)
  it.each([
    [{ start: 0, length: 10 }, [0, 1, 2]],
    [{ start: 0, length: 1 }, [0]],
    [{ start: 3, length: 1 }, [0]],
    [{ start: 3, length: 2 }, [0, 1]],
    [{ start: 4, length: 4 }, [1]],
    [{ start: 7, length: 2 }, [1, 2]],
    [{ start: 9, length: 100 }, [2]],
    [{ start: 5, length: 0 }, []],
    [{ start: 10, length: 5 }, []],
    [{ start: 50, length: 5 }, []],
  ])('%j → %j', (range, expected) => {
    expect(piecesForRange(range, 4, 10)).toEqual(expected);
  });

  it('matches the overlap definition for every small non-empty range', () => {
    const size = 23;
    const len = 5;
    for (let start = 0; start <= size + 2; start++) {
      for (let length = 1; length <= size + 2; length++) {
        const expected: number[] = [];
        for (let i = 0; i < pieceCount(size, len); i++) {
          const p = pieceRange(i, len, size);
          if (p.offset + p.length > start && p.offset < start + length) expected.push(i);
        }
        expect(piecesForRange({ start, length }, len, size)).toEqual(expected);
      }
    }
  });

  it.each([[{ start: -1, length: 1 }], [{ start: 0, length: -1 }], [{ start: 0.5, length: 1 }]])('rejects %j', (range) => {
    expect(() => piecesForRange(range, 4, 10)).toThrow(RangeError);
  });
});
