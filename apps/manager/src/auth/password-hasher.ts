import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// scrypt (memory-hard, in node's crypto) instead of upstream's bcrypt at cost 4.
// Stored as `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>` so parameters can be raised later
// and old hashes still verify.

export interface ScryptCost {
  /** CPU/memory cost, a power of two. Memory used = 128 * N * r bytes (32 MiB at the default). */
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 32768, r: 8, p: 1 };
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 }, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

export class PasswordHasher {
  private readonly cost: ScryptCost;
  private dummy: Promise<string> | undefined;

  constructor(deps: { cost?: ScryptCost } = {}) {
    this.cost = deps.cost ?? DEFAULT_SCRYPT_COST;
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await derive(password, salt, this.cost);
    const { N, r, p } = this.cost;
    return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const parts = stored.split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
    const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
    if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0)) return false;
    const salt = Buffer.from(parts[4] ?? '', 'base64');
    const expected = Buffer.from(parts[5] ?? '', 'base64');
    const actual = await derive(password, salt, { N, r, p });
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  /** Burns the same time as a real verification: used when the user name is unknown. */
  async verifyNothing(password: string): Promise<false> {
    this.dummy ??= this.hash(randomBytes(16).toString('hex'));
    await this.verify(password, await this.dummy);
    return false;
  }
}
