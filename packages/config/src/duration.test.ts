import { describe, expect, it } from 'vitest';
import { duration, parseDuration } from './duration.js';

describe('parseDuration → milliseconds', () => {
  it.each([
    ['0', 0], ['0s', 0], ['+5s', 5000],
    ['500ms', 500], ['30s', 30_000], ['5m', 300_000], ['48h', 172_800_000], ['720h', 2_592_000_000],
    ['1h30m', 5_400_000], ['1h30m15s250ms', 5_415_250], ['1.5s', 1500], ['.5s', 500], ['2.h', 7_200_000],
    ['1500us', 1.5], ['1500µs', 1.5], ['1500μs', 1.5], ['2000000ns', 2],
    [' 10s ', 10_000], [250, 250], [0, 0], [1.5, 1.5],
  ])('%j → %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each([
    ['', /empty/], ['-5s', /negative/], [-1, /negative/], ['5', /missing unit/], ['1.5', /missing unit/],
    ['5x', /unknown unit "x"/], ['10 parsecs', /invalid duration/], ['10parsecs', /unknown unit "parsecs"/],
    ['5S', /invalid duration/], ['1d', /unknown unit "d"/], ['h', /invalid duration/], ['.s', /invalid duration/],
    ['1h 30m', /invalid duration/], ['1e3s', /unknown unit "e"/], [Number.NaN, /finite/], [Number.POSITIVE_INFINITY, /finite/],
    ['99999999999999999h', /too large/],
  ])('rejects %j', (input, message) => {
    expect(() => parseDuration(input)).toThrow(message);
  });

  it('is a zod schema with prefault for string defaults', () => {
    expect(duration().parse('2m')).toBe(120_000);
    expect(duration().prefault('30s').parse(undefined)).toBe(30_000);
    expect(duration().safeParse('5x').success).toBe(false);
    expect(duration().safeParse(true).success).toBe(false);
  });
});
