/**
 * A keyed set whose members sit in a dense array, so that `sample(n)` picks up to n distinct
 * members uniformly at random in O(n), whatever the set's size. Deletion swaps the last member
 * into the freed slot.
 */
export class SampleSet<V> {
  private readonly members: V[] = [];
  private readonly keys: string[] = [];
  private readonly index = new Map<string, number>();

  get size(): number {
    return this.members.length;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  /** Adds the member under `key`; does nothing when the key is already there. */
  add(key: string, value: V): void {
    if (this.index.has(key)) return;
    this.index.set(key, this.members.length);
    this.members.push(value);
    this.keys.push(key);
  }

  delete(key: string): boolean {
    const at = this.index.get(key);
    if (at === undefined) return false;
    const last = this.members.length - 1;
    if (at !== last) {
      const movedKey = this.keys[last] as string;
      this.members[at] = this.members[last] as V;
      this.keys[at] = movedKey;
      this.index.set(movedKey, at);
    }
    this.members.pop();
    this.keys.pop();
    this.index.delete(key);
    return true;
  }

  /**
   * Up to n distinct members chosen uniformly at random: by rejection when n is small next to the
   * size (the usual case, 15 of thousands: nothing allocated but the result), else by a partial
   * Fisher–Yates over indices.
   */
  sample(n: number, random: () => number = Math.random): V[] {
    const total = this.members.length;
    const count = Math.min(Math.max(0, Math.floor(n)), total);
    const result: V[] = [];
    if (count * 8 <= total) {
      // Bounded: a degenerate random() (a constant in a test) falls through to Fisher–Yates.
      for (let tries = 0; result.length < count && tries < 4 * count + 16; tries++) {
        const member = this.members[Math.floor(random() * total)] as V;
        if (!result.includes(member)) result.push(member);
      }
      if (result.length === count) return result;
      result.length = 0;
    }
    const swapped = new Map<number, number>();
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(random() * (total - i));
      const picked = swapped.get(j) ?? j;
      swapped.set(j, swapped.get(i) ?? i);
      result.push(this.members[picked] as V);
    }
    return result;
  }
}
