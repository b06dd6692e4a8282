import { describe, expect, it } from 'vitest';
import { PasswordHasher } from './password-hasher.js';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher({ cost: { N: 1024, r: 8, p: 1 } });

  it('verifies the right password only, with a fresh salt each time', async () => {
    const a = await hasher.hash('correct horse');
    const b = await hasher.hash('correct horse');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await hasher.verify('correct horse', a)).toBe(true);
    expect(await hasher.verify('correct horsE', a)).toBe(false);
    expect(await hasher.verify('correct horse', 'bcrypt$whatever')).toBe(false);
  });

  it('an unknown user costs about as much as a wrong password (production cost)', async () => {
    const strong = new PasswordHasher();
    const stored = await strong.hash('the real password');
    await strong.verifyNothing('warm-up');
    const once = async (fn: () => Promise<boolean>): Promise<number> => {
      const start = process.hrtime.bigint();
      await fn();
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    // Interleaved samples and medians, so load from other test files hits both sides alike.
    const wrongSamples: number[] = [];
    const unknownSamples: number[] = [];
    for (let i = 0; i < 5; i++) {
      wrongSamples.push(await once(() => strong.verify('a wrong password', stored)));
      unknownSamples.push(await once(() => strong.verifyNothing('a wrong password')));
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const wrong = median(wrongSamples);
    const unknown = median(unknownSamples);
    expect(wrong).toBeGreaterThan(10); // ms: the default cost is real work
    expect(unknown / wrong).toBeGreaterThan(0.5);
    expect(unknown / wrong).toBeLessThan(2);
  });
});
