import { createHash } from 'node:crypto';

/** Ring points per node; ~160 keeps the load within a few percent of even for small clusters. */
export const DEFAULT_VIRTUAL_NODES = 160;

export interface ConsistentHashOptions {
  /** Points each node places on the ring. */
  virtualNodes?: number;
}

interface Point {
  hash: number;
  nodeKey: string;
}

/**
 * Immutable hash ring with virtual nodes. Rebuild it (`new ConsistentHash(...)` or `withNodes`) when
 * the node set changes; results depend only on the node keys, never on insertion order.
 *
 * Hash: h(s) = first 4 bytes, big-endian, of sha256(utf8(s)) — a uint32.
 * Node n owns the points h(`${keyOf(n)}#${i}`) for i in [0, virtualNodes).
 * pick(key) = owner of the first point with hash ≥ h(key), wrapping to the smallest point;
 * equal hashes are ordered by node key so the choice is stable.
 * When a node leaves, only the keys it owned move (to their next point clockwise).
 */
export class ConsistentHash<T> {
  readonly virtualNodes: number;
  private readonly keyOf: (node: T) => string;
  private readonly byKey: Map<string, T>;
  private readonly points: Point[];

  constructor(nodes: Iterable<T>, keyOf: (node: T) => string, opts: ConsistentHashOptions = {}) {
    const virtualNodes = opts.virtualNodes ?? DEFAULT_VIRTUAL_NODES;
    if (!Number.isSafeInteger(virtualNodes) || virtualNodes < 1 || virtualNodes > 10_000) {
      throw new RangeError(`virtualNodes must be an integer from 1 to 10000, got ${String(virtualNodes)}`);
    }
    this.virtualNodes = virtualNodes;
    this.keyOf = keyOf;
    this.byKey = new Map();
    for (const node of nodes) {
      const key = keyOf(node);
      if (typeof key !== 'string' || key.length === 0) throw new TypeError('keyOf must return a non-empty string');
      if (this.byKey.has(key)) throw new Error(`duplicate node key ${JSON.stringify(key)}`);
      this.byKey.set(key, node);
    }
    this.points = [];
    for (const nodeKey of this.byKey.keys()) {
      for (let i = 0; i < virtualNodes; i++) this.points.push({ hash: ringHash(`${nodeKey}#${i}`), nodeKey });
    }
    this.points.sort((a, b) => a.hash - b.hash || (a.nodeKey < b.nodeKey ? -1 : a.nodeKey > b.nodeKey ? 1 : 0));
  }

  get size(): number {
    return this.byKey.size;
  }

  nodes(): T[] {
    return [...this.byKey.values()];
  }

  /** A new ring over `nodes` with the same key function and virtual node count. */
  withNodes(nodes: Iterable<T>): ConsistentHash<T> {
    return new ConsistentHash(nodes, this.keyOf, { virtualNodes: this.virtualNodes });
  }

  /** The node owning `key`, or undefined when the ring is empty. */
  pick(key: string): T | undefined {
    return this.pickN(key, 1)[0];
  }

  /** Up to `n` distinct nodes in ring order from `key` — the owner first, then the fallbacks. */
  pickN(key: string, n: number): T[] {
    if (typeof key !== 'string') throw new TypeError('key must be a string');
    const points = this.points;
    if (points.length === 0 || n <= 0) return [];
    const h = ringHash(key);
    let lo = 0;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((points[mid] as Point).hash < h) lo = mid + 1;
      else hi = mid;
    }
    const want = Math.min(n, this.byKey.size);
    const seen = new Set<string>();
    const out: T[] = [];
    for (let i = 0; i < points.length && out.length < want; i++) {
      const nodeKey = (points[(lo + i) % points.length] as Point).nodeKey;
      if (seen.has(nodeKey)) continue;
      seen.add(nodeKey);
      out.push(this.byKey.get(nodeKey) as T);
    }
    return out;
  }
}

/** First 32 bits (big-endian) of sha256(utf8(text)); exported so tests and tools can reproduce the ring. */
export function ringHash(text: string): number {
  return createHash('sha256').update(text, 'utf8').digest().readUInt32BE(0);
}
