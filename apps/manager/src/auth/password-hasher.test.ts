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
    const time = async (fn: () => Promise<boolean>): Promise<number> => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < 3; i++) await fn();
      return Number(process.hrtime.bigint() - start) / 3e6;
    };
    const wrong = await time(() => strong.verify('a wrong password', stored));
    const unknown = await time(() => strong.verifyNothing('a wrong password'));
    expect(wrong).toBeGreaterThan(10); // ms: the default cost is real work
    expect(unknown / wrong).toBeGreaterThan(0.6);
    expect(unknown / wrong).toBeLessThan(1.6);
  });
});
