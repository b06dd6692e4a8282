import { describe, expect, it } from 'vitest';
import { contentRange, parseRangeHeader, resolveRange } from './http-range.js';

describe('parseRangeHeader', () => {
  it.each([
    ['bytes=0-99', { kind: 'from', start: 0, end: 99 }],
    ['bytes=100-', { kind: 'from', start: 100 }],
    ['bytes=-50', { kind: 'suffix', length: 50 }],
    [' bytes=5-5 ', { kind: 'from', start: 5, end: 5 }],
  ])('%s', (header, spec) => {
    expect(parseRangeHeader(header)).toEqual(spec);
  });

  it.each([undefined, 'bytes=', 'bytes=-', 'bytes=5-1', 'items=0-1', 'bytes=0-1,5-6', 'bytes=a-b', 'bytes=0-9999999999999999'])(
    'ignores %s',
    (header) => {
      expect(parseRangeHeader(header)).toBeUndefined();
    },
  );
});

describe('resolveRange (content of 100 bytes)', () => {
  it.each([
    [{ kind: 'from', start: 0, end: 9 }, { start: 0, length: 10 }, 'bytes 0-9/100'],
    [{ kind: 'from', start: 90, end: 500 }, { start: 90, length: 10 }, 'bytes 90-99/100'],
    [{ kind: 'from', start: 50 }, { start: 50, length: 50 }, 'bytes 50-99/100'],
    [{ kind: 'suffix', length: 10 }, { start: 90, length: 10 }, 'bytes 90-99/100'],
    [{ kind: 'suffix', length: 1000 }, { start: 0, length: 100 }, 'bytes 0-99/100'],
  ] as const)('%j → %j', (spec, range, header) => {
    const r = resolveRange(spec, 100);
    expect(r).toEqual(range);
    expect(contentRange(r as { start: number; length: number }, 100)).toBe(header);
  });

  it.each([
    [{ kind: 'from', start: 100 }, 100],
    [{ kind: 'from', start: 200, end: 300 }, 100],
    [{ kind: 'suffix', length: 0 }, 100],
    [{ kind: 'suffix', length: 5 }, 0],
  ] as const)('%j in %d bytes is unsatisfiable', (spec, total) => {
    expect(resolveRange(spec, total)).toBe('unsatisfiable');
  });
});
