import { z } from 'zod';

// Milliseconds per unit of a Go duration ("ns", "us"/"µs"/"μs", "ms", "s", "m", "h").
const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3, // U+00B5 micro sign
  'μs': 1e-3, // U+03BC Greek mu
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

export const DURATION_EXPECTED = 'a duration such as "500ms", "30s", "5m", "1h30m" or "720h" (or a number of milliseconds)';

const TERM = /([0-9]*(?:\.[0-9]*)?)([a-zµμ]+)/gy;

/**
 * Parses a Go-style duration ("1h30m", "720h", "500ms", "1.5s", "0") into MILLISECONDS.
 * A number is taken as milliseconds. Negative, unit-less (except "0"), unknown units, NaN and
 * values beyond Number.MAX_SAFE_INTEGER ms are refused with a RangeError saying why.
 */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`${String(value)} is not a finite number of milliseconds`);
    if (value < 0) throw new RangeError('a duration cannot be negative');
    if (value > Number.MAX_SAFE_INTEGER) throw new RangeError('duration too large');
    return value;
  }
  if (typeof value !== 'string') throw new TypeError('a duration must be a string or a number');
  const text = value.trim();
  if (text === '') throw new RangeError('empty duration');
  if (text.startsWith('-')) throw new RangeError('a duration cannot be negative');
  const body = text.startsWith('+') ? text.slice(1) : text;
  if (body === '0') return 0;
  if (/^[0-9.]+$/.test(body)) throw new RangeError(`missing unit in duration ${JSON.stringify(value)} (use ms, s, m or h)`);

  let total = 0;
  let index = 0;
  TERM.lastIndex = 0;
  while (index < body.length) {
    TERM.lastIndex = index;
    const match = TERM.exec(body);
    if (match === null || match.index !== index) throw new RangeError(`invalid duration ${JSON.stringify(value)}`);
    const [whole, amount = '', unit = ''] = match;
    const ms = UNIT_MS[unit];
    if (ms === undefined) throw new RangeError(`unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(value)} (use ns, us, ms, s, m or h)`);
    if (amount === '' || amount === '.') throw new RangeError(`invalid duration ${JSON.stringify(value)}`);
    total += Number(amount) * ms;
    index += whole.length;
  }
  if (!Number.isFinite(total) || total > Number.MAX_SAFE_INTEGER) throw new RangeError(`duration ${JSON.stringify(value)} is too large`);
  return total;
}

/**
 * Zod schema for a duration in config files; output is MILLISECONDS.
 * For defaults use `.default(30_000)` (output) or `.prefault('30s')` (parsed input).
 */
export function duration(): z.ZodType<number, string | number> {
  return z.union([z.string(), z.number()], { error: `expected ${DURATION_EXPECTED}` }).transform((input, ctx) => {
    try {
      return parseDuration(input);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message, params: { expected: DURATION_EXPECTED }, input });
      return z.NEVER;
    }
  });
}
