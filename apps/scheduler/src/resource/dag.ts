interface Vertex<V, E> {
  readonly id: string;
  readonly value: V;
  readonly parents: Map<string, E>;
  readonly children: Map<string, E>;
}

/**
 * Directed acyclic graph keyed by string IDs, with a payload per edge. `addEdge` refuses any edge
 * that would close a cycle, so the graph stays acyclic by construction.
 */
export class Dag<V, E = undefined> {
  private readonly vertices = new Map<string, Vertex<V, E>>();

  get size(): number {
    return this.vertices.size;
  }

  has(id: string): boolean {
    return this.vertices.has(id);
  }

  get(id: string): V | undefined {
    return this.vertices.get(id)?.value;
  }

  values(): IterableIterator<V> {
    return mapValues(this.vertices.values());
  }

  addVertex(id: string, value: V): void {
    if (this.vertices.has(id)) throw new Error(`vertex ${id} already exists`);
    const vertex: Vertex<V, E> = { id, value, parents: new Map(), children: new Map() };
    this.vertices.set(id, vertex);
  }

  /** Removes the vertex and every edge touching it; returns the removed edges as [from, to, payload]. */
  deleteVertex(id: string): Array<[string, string, E]> {
    const vertex = this.vertices.get(id);
    if (vertex === undefined) return [];
    const removed = [...this.deleteInEdges(id), ...this.deleteOutEdges(id)];
    this.vertices.delete(id);
    return removed;
  }

  inDegree(id: string): number {
    return this.vertices.get(id)?.parents.size ?? 0;
  }

  outDegree(id: string): number {
    return this.vertices.get(id)?.children.size ?? 0;
  }

  parents(id: string): string[] {
    return [...(this.vertices.get(id)?.parents.keys() ?? [])];
  }

  children(id: string): string[] {
    return [...(this.vertices.get(id)?.children.keys() ?? [])];
  }

  hasEdge(from: string, to: string): boolean {
    return this.vertices.get(from)?.children.has(to) ?? false;
  }

  /** True when from→to can be added: both exist, differ, the edge is new, and `from` is not reachable from `to`. */
  canAddEdge(from: string, to: string): boolean {
    if (from === to) return false;
    const source = this.vertices.get(from);
    const target = this.vertices.get(to);
    if (source === undefined || target === undefined) return false;
    if (source.children.has(to)) return false;
    return !this.reachable(to, from);
  }

  addEdge(from: string, to: string, payload: E): void {
    if (!this.canAddEdge(from, to)) throw new Error(`edge ${from} -> ${to} would be invalid or close a cycle`);
    (this.vertices.get(from) as Vertex<V, E>).children.set(to, payload);
    (this.vertices.get(to) as Vertex<V, E>).parents.set(from, payload);
  }

  deleteEdge(from: string, to: string): E | undefined {
    const source = this.vertices.get(from);
    const target = this.vertices.get(to);
    if (source === undefined || target === undefined || !source.children.has(to)) return undefined;
    const payload = source.children.get(to) as E;
    source.children.delete(to);
    target.parents.delete(from);
    return payload;
  }

  deleteInEdges(id: string): Array<[string, string, E]> {
    const vertex = this.vertices.get(id);
    // Map#clear makes a new table even for an empty map: not once per scheduling round.
    if (vertex === undefined || vertex.parents.size === 0) return [];
    const removed: Array<[string, string, E]> = [];
    for (const [parentId, payload] of vertex.parents) {
      this.vertices.get(parentId)?.children.delete(id);
      removed.push([parentId, id, payload]);
    }
    vertex.parents.clear();
    return removed;
  }

  deleteOutEdges(id: string): Array<[string, string, E]> {
    const vertex = this.vertices.get(id);
    if (vertex === undefined || vertex.children.size === 0) return [];
    const removed: Array<[string, string, E]> = [];
    for (const [childId, payload] of vertex.children) {
      this.vertices.get(childId)?.parents.delete(id);
      removed.push([id, childId, payload]);
    }
    vertex.children.clear();
    return removed;
  }

  /** Depth-first search along child edges. */
  private reachable(from: string, to: string): boolean {
    // Common case first: a vertex without children reaches nothing (a peer that serves nobody yet).
    if (from !== to && (this.vertices.get(from)?.children.size ?? 0) === 0) return false;
    const stack = [from];
    const seen = new Set<string>([from]);
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (id === to) return true;
      for (const child of this.vertices.get(id)?.children.keys() ?? []) {
        if (!seen.has(child)) {
          seen.add(child);
          stack.push(child);
        }
      }
    }
    return false;
  }
}

function* mapValues<V, E>(it: IterableIterator<Vertex<V, E>>): IterableIterator<V> {
  for (const vertex of it) yield vertex.value;
}
