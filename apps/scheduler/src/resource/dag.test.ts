import { describe, expect, it } from 'vitest';
import { Dag } from './dag.js';

function graph(ids: string[]): Dag<string, number> {
  const dag = new Dag<string, number>();
  for (const id of ids) dag.addVertex(id, id.toUpperCase());
  return dag;
}

describe('Dag', () => {
  it('adds and removes vertices and edges, keeping both directions in step', () => {
    const dag = graph(['a', 'b', 'c']);
    dag.addEdge('a', 'b', 1);
    dag.addEdge('a', 'c', 2);
    expect(dag.outDegree('a')).toBe(2);
    expect(dag.inDegree('b')).toBe(1);
    expect(dag.children('a').sort()).toEqual(['b', 'c']);
    expect(dag.parents('c')).toEqual(['a']);
    expect(dag.deleteEdge('a', 'b')).toBe(1);
    expect(dag.hasEdge('a', 'b')).toBe(false);
    expect(dag.inDegree('b')).toBe(0);
    expect(dag.deleteVertex('a')).toEqual([['a', 'c', 2]]);
    expect(dag.inDegree('c')).toBe(0);
    expect(dag.has('a')).toBe(false);
    expect(dag.size).toBe(2);
    expect(() => dag.addVertex('b', 'B')).toThrow(/already exists/);
  });

  it.each([
    { name: 'self loop', edges: [], add: ['a', 'a'] },
    { name: 'two-cycle', edges: [['a', 'b']], add: ['b', 'a'] },
    { name: 'long cycle', edges: [['a', 'b'], ['b', 'c'], ['c', 'd']], add: ['d', 'a'] },
    { name: 'duplicate edge', edges: [['a', 'b']], add: ['a', 'b'] },
    { name: 'missing vertex', edges: [], add: ['a', 'z'] },
  ])('refuses an edge that would break the DAG: $name', ({ edges, add }) => {
    const dag = graph(['a', 'b', 'c', 'd']);
    for (const [from, to] of edges) dag.addEdge(from as string, to as string, 0);
    const [from, to] = add as [string, string];
    expect(dag.canAddEdge(from, to)).toBe(false);
    expect(() => dag.addEdge(from, to, 0)).toThrow(/cycle/);
  });

  it('allows a diamond (two paths, no cycle)', () => {
    const dag = graph(['a', 'b', 'c', 'd']);
    dag.addEdge('a', 'b', 0);
    dag.addEdge('a', 'c', 0);
    dag.addEdge('b', 'd', 0);
    expect(dag.canAddEdge('c', 'd')).toBe(true);
    dag.addEdge('c', 'd', 0);
    expect(dag.inDegree('d')).toBe(2);
  });

  it('deletes in-edges and out-edges, returning what it removed', () => {
    const dag = graph(['a', 'b', 'c']);
    dag.addEdge('a', 'b', 1);
    dag.addEdge('b', 'c', 2);
    expect(dag.deleteInEdges('b')).toEqual([['a', 'b', 1]]);
    expect(dag.deleteOutEdges('b')).toEqual([['b', 'c', 2]]);
    expect(dag.outDegree('a') + dag.inDegree('c')).toBe(0);
  });
});
