import { z } from 'zod';

// Bytes per unit, matched case-insensitively like the Rust client's bytesize: SI (K/KB = 1000)
// and IEC (Ki/KiB = 1024, also Kubernetes-style "Mi", "Gi").
const UNIT_BYTES: ReadonlyMap<string, bigint> = new Map(
  (
    [
      ['', 1n], ['b', 1n],
      ['k', 10n ** 3n], ['kb', 10n ** 3n], ['ki', 2n ** 10n], ['kib', 2n ** 10n],
      ['m', 10n ** 6n], ['mb', 10n ** 6n], ['mi', 2n ** 20n], ['mib', 2n ** 20n],
      ['g', 10n ** 9n], ['gb', 10n ** 9n], ['gi', 2n ** 30n], ['gib', 2n ** 30n],
      ['t', 10n ** 12n], ['tb', 10n ** 12n], ['ti', 2n ** 40n], ['tib', 2n ** 40n],
      ['p', 10n ** 15n], ['pb', 10n ** 15n], ['pi', 2n ** 50n], ['pib', 2n ** 50n],
    ] as const
  ).map(([unit, bytes]) => [unit, bytes]),
);

export const BYTE_SIZE_EXPECTED = 'a byte size such as "512KiB", "10GiB", "50GB", "100MB" or 1024';

const SIZE = /^([0-9]+)(?:\.([0-9]+))?\s*([A-Za-z]*)$/;
const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Parses a byte size ("512KiB", "10GiB", "50GB", "1.5GiB", "1024") into a whole number of BYTES.
 * Exact decimal arithmetic; the result must be a whole number of bytes no larger than
 * Number.MAX_SAFE_INTEGER. Negative values, unknown units and fractions of a byte are refused.
 */
export function parseByteSize(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`${String(value)} is not a number of bytes`);
    if (value < 0) throw new RangeError('a size cannot be negative');
    if (!Number.isInteger(value)) throw new RangeError('a size must be a whole number of bytes');
    if (value > Number.MAX_SAFE_INTEGER) throw new RangeError('size too large');
    return value;
  }
  if (typeof value !== 'string') throw new TypeError('a size must be a string or a number');
  const text = value.trim();
  if (text.startsWith('-')) throw new RangeError('a size cannot be negative');
  const match = SIZE.exec(text.startsWith('+') ? text.slice(1) : text);
  if (match === null) throw new RangeError(`invalid size ${JSON.stringify(value)}`);
  const [, whole = '', fraction = '', unitText = ''] = match;
  const unit = UNIT_BYTES.get(unitText.toLowerCase());
  if (unit === undefined) {
    throw new RangeError(`unknown unit ${JSON.stringify(unitText)} in size ${JSON.stringify(value)} (use B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)`);
  }
  // bytes = (whole.fraction) × unit, computed exactly as (digits × unit) / 10^fractionDigits.
  const scale = 10n ** BigInt(fraction.length);
  const numerator = BigInt(whole + fraction) * unit;
  if (numerator % scale !== 0n) throw new RangeError(`size ${JSON.stringify(value)} is not a whole number of bytes`);
  const bytes = numerator / scale;
  if (bytes > MAX) throw new RangeError(`size ${JSON.stringify(value)} is too large (more than ${Number.MAX_SAFE_INTEGER} bytes)`);
  return Number(bytes);
}

/**
 * Zod schema for a byte size in config files; output is BYTES (a safe integer).
 * For defaults use `.default(1024)` (output) or `.prefault('10GiB')` (parsed input).
 */
export function byteSize(): z.ZodType<number, string | number> {
  return z.union([z.string(), z.number()], { error: `expected ${BYTE_SIZE_EXPECTED}` }).transform((input, ctx) => {
    try {
      return parseByteSize(input);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message, params: { expected: BYTE_SIZE_EXPECTED }, input });
      return z.NEVER;
    }
  });
}
