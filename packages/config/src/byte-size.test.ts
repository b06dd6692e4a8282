import { describe, expect, it } from 'vitest';
import { byteSize, parseByteSize } from './byte-size.js';

describe('parseByteSize → bytes', () => {
  it.each([
    ['0', 0], ['1024', 1024], ['1024B', 1024], ['1b', 1],
    ['1KB', 1000], ['1kB', 1000], ['1k', 1000], ['1KiB', 1024], ['1Ki', 1024], ['1kib', 1024],
    ['512KiB', 524_288], ['100MB', 100_000_000], ['1Mi', 1_048_576], ['10GiB', 10_737_418_240], ['50GB', 50_000_000_000],
    ['1.5GiB', 1_610_612_736], ['0.5KB', 500], ['2 MiB', 2_097_152], ['1TB', 1e12], ['1TiB', 2 ** 40], ['1PiB', 2 ** 50],
    ['+1KB', 1000], [4096, 4096], [0, 0],
  ])('%j → %d', (input, bytes) => {
    expect(parseByteSize(input)).toBe(bytes);
  });

  it.each([
    ['-1', /negative/], ['-10GiB', /negative/], [-1, /negative/], [1.5, /whole number/],
    ['5x', /unknown unit "x"/], ['10 parsecs', /unknown unit "parsecs"/], ['1.5B', /not a whole number/], ['0.1KiB', /not a whole number/],
    ['', /invalid size/], ['KB', /invalid size/], ['1,000', /invalid size/], ['1e3', /invalid size/], ['0x10', /invalid size/],
    ['8PiB', /too large/], ['9007199254740992', /too large/], [Number.NaN, /not a number/], [Number.MAX_SAFE_INTEGER + 1, /too large/],
  ])('rejects %j', (input, message) => {
    expect(() => parseByteSize(input)).toThrow(message);
  });

  it('is a zod schema', () => {
    expect(byteSize().parse('4MiB')).toBe(4_194_304);
    expect(byteSize().prefault('10GiB').parse(undefined)).toBe(10_737_418_240);
    expect(byteSize().safeParse('-1').success).toBe(false);
  });
});
