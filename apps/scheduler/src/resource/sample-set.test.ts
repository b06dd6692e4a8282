import { describe, expect, it } from 'vitest';
import { SampleSet } from './sample-set.js';

/** Park–Miller: a reproducible random() for the tests. */
function seeded(seed: number): () => number {
  return () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
}

function filled(n: number): SampleSet<string> {
  const set = new SampleSet<string>();
  for (let i = 0; i < n; i++) set.add(`k${i}`, `v${i}`);
  return set;
}

describe('SampleSet', () => {
  it('adds once per key and deletes by swapping the last member in', () => {
    const set = filled(5);
    set.add('k1', 'other');
    expect(set.size).toBe(5);
    expect(set.delete('k1')).toBe(true);
    expect(set.delete('k1')).toBe(false);
    expect(set.has('k1')).toBe(false);
    expect(set.has('k4')).toBe(true);
    // Every remaining member can still be sampled, the moved one included.
    expect(new Set(set.sample(10, seeded(3)))).toEqual(new Set(['v0', 'v2', 'v3', 'v4']));
    set.delete('k4');
    set.delete('k0');
    expect(set.sample(10, seeded(5)).sort()).toEqual(['v2', 'v3']);
  });

  it('samples few of many members distinct and uniformly (rejection)', () => {
    const set = filled(400);
    const random = seeded(11);
    const counts = new Map<string, number>();
    for (let round = 0; round < 2000; round++) {
      const sample = set.sample(15, random);
      expect(new Set(sample).size).toBe(15);
      for (const v of sample) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    // 30,000 picks over 400 members: 75 each on average; every member well within ±50 %.
    expect(counts.size).toBe(400);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(37);
      expect(n).toBeLessThan(113);
    }
  });

  it('samples many of few members distinct and uniformly (Fisher–Yates)', () => {
    const set = filled(20);
    const random = seeded(17);
    const counts = new Map<string, number>();
    for (let round = 0; round < 3000; round++) {
      const sample = set.sample(15, random);
      expect(new Set(sample).size).toBe(15);
      for (const v of sample) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    // 45,000 picks over 20 members: 2,250 each.
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(2000);
      expect(n).toBeLessThan(2500);
    }
    expect(set.sample(100, random)).toHaveLength(20);
    expect(set.sample(0, random)).toEqual([]);
    expect(new SampleSet<string>().sample(3, random)).toEqual([]);
  });

  it('still gives distinct members when random() is degenerate', () => {
    const set = filled(1000);
    const sample = set.sample(15, () => 0.5);
    expect(sample).toHaveLength(15);
    expect(new Set(sample).size).toBe(15);
  });
});
