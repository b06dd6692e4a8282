import { describe, expect, it } from 'vitest';
import { ConsistentHash, ringHash } from './consistent-hash.js';

interface Seed { address: string }
const seeds = (...names: string[]): Seed[] => names.map((address) => ({ address }));
const keyOf = (s: Seed) => s.address;
const keys = Array.from({ length: 10_000 }, (_, i) => `task-${i}`);

// Independent brute force over the documented ring: first point clockwise from h(key).
function bruteForce(nodeKeys: string[], virtualNodes: number, key: string): string | undefined {
  const points = nodeKeys.flatMap((n) => Array.from({ length: virtualNodes }, (_, i) => ({ h: ringHash(`${n}#${i}`), n })));
  if (points.length === 0) return undefined;
  const h = ringHash(key);
  const cmp = (a: { h: number; n: string }, b: { h: number; n: string }) => a.h - b.h || (a.n < b.n ? -1 : a.n > b.n ? 1 : 0);
  const after = points.filter((p) => p.h >= h).sort(cmp);
  return (after[0] ?? points.sort(cmp)[0])?.n;
}

describe('ConsistentHash', () => {
  it('ringHash is the first 32 bits of sha256, big-endian', () => {
    // sha256("abc") = ba7816bf…
    expect(ringHash('abc')).toBe(0xba7816bf);
  });

  it('an empty ring picks nothing', () => {
    const ring = new ConsistentHash<Seed>([], keyOf);
    expect(ring.pick('x')).toBeUndefined();
    expect(ring.pickN('x', 3)).toEqual([]);
    expect(ring.size).toBe(0);
  });

  it.each([[1], [3], [16]])('matches the documented ring with %d virtual nodes', (virtualNodes) => {
    const nodes = seeds('10.0.0.1:4000', '10.0.0.2:4000', '10.0.0.3:4000');
    const ring = new ConsistentHash(nodes, keyOf, { virtualNodes });
    for (const key of keys.slice(0, 300)) {
      expect(ring.pick(key)?.address).toBe(bruteForce(nodes.map(keyOf), virtualNodes, key));
    }
  });

  it('is stable: independent of insertion order and of the instance', () => {
    const a = new ConsistentHash(seeds('a', 'b', 'c', 'd'), keyOf);
    const b = new ConsistentHash(seeds('d', 'b', 'a', 'c'), keyOf);
    for (const key of keys.slice(0, 2000)) expect(a.pick(key)?.address).toBe(b.pick(key)?.address);
  });

  it('spreads keys evenly (each of 5 nodes within ±25% of its fair share of 10 000 keys)', () => {
    const ring = new ConsistentHash(seeds('s1', 's2', 's3', 's4', 's5'), keyOf);
    const counts = new Map<string, number>();
    for (const key of keys) {
      const owner = ring.pick(key)?.address ?? 'none';
      counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['s1', 's2', 's3', 's4', 's5']);
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(2000 * 0.75);
      expect(count).toBeLessThan(2000 * 1.25);
    }
  });

  it('moves only the keys of a node that leaves, and only keys to a node that joins', () => {
    const before = new ConsistentHash(seeds('s1', 's2', 's3', 's4'), keyOf);
    const after = before.withNodes(seeds('s1', 's2', 's4'));
    let moved = 0;
    for (const key of keys) {
      const was = before.pick(key)?.address;
      const now = after.pick(key)?.address;
      if (was === 's3') {
        moved++;
        expect(now).not.toBe('s3');
      } else {
        expect(now).toBe(was);
      }
    }
    // s3 owned about a quarter of the keys.
    expect(moved).toBeGreaterThan(1500);
    expect(moved).toBeLessThan(3500);

    const grown = before.withNodes(seeds('s1', 's2', 's3', 's4', 's5'));
    for (const key of keys) {
      const now = grown.pick(key)?.address;
      if (now !== 's5') expect(now).toBe(before.pick(key)?.address);
    }
  });

  it('pickN returns distinct nodes, the owner first', () => {
    const ring = new ConsistentHash(seeds('a', 'b', 'c'), keyOf);
    for (const key of keys.slice(0, 200)) {
      const picked = ring.pickN(key, 5).map(keyOf);
      expect(picked).toHaveLength(3);
      expect(new Set(picked).size).toBe(3);
      expect(picked[0]).toBe(ring.pick(key)?.address);
    }
  });

  it.each([
    ['duplicate node keys', () => new ConsistentHash(seeds('a', 'a'), keyOf), /duplicate/],
    ['empty node key', () => new ConsistentHash(seeds(''), keyOf), /non-empty/],
    ['zero virtual nodes', () => new ConsistentHash(seeds('a'), keyOf, { virtualNodes: 0 }), /virtualNodes/],
    ['fractional virtual nodes', () => new ConsistentHash(seeds('a'), keyOf, { virtualNodes: 1.5 }), /virtualNodes/],
  ])('rejects %s', (_name, build, message) => {
    expect(build).toThrow(message);
  });
});
