import { describe, expect, it } from 'vitest';
import type { Graph } from './graph';
import { edgeProblem, moveNodes, removeElements, upstreamOf } from './graph-ops';
import { withLayout } from './layout';

const graph: Graph = {
  nodes: [
    { id: 'start', type: 'start', data: {} },
    { id: 'check', type: 'if_else', data: {} },
    { id: 'a', type: 'template', data: {} },
    { id: 'end', type: 'end', data: {} },
  ],
  edges: [
    { source: 'start', target: 'check' },
    { source: 'check', target: 'a', source_handle: 'true' },
    { source: 'a', target: 'end' },
  ],
};

describe('graph operations', () => {
  it('removes a node together with every edge touching it', () => {
    const next = removeElements(graph, ['a']);
    expect(next.nodes.map((node) => node.id)).toEqual(['start', 'check', 'end']);
    expect(next.edges).toEqual([{ source: 'start', target: 'check' }]);
  });

  it('removes edges by index', () => {
    expect(removeElements(graph, [], [0, 2]).edges).toEqual([graph.edges[1]]);
  });

  it('moves nodes without touching the others', () => {
    const next = moveNodes(graph, new Map([['a', { x: 5, y: 6 }]]));
    expect(next.nodes[2]!.position).toEqual({ x: 5, y: 6 });
    expect(next.nodes[0]).toBe(graph.nodes[0]);
  });

  it('refuses edges the server would refuse', () => {
    expect(edgeProblem(graph, { source: 'a', target: 'a' })).toMatch(/itself/);
    expect(edgeProblem(graph, { source: 'end', target: 'a' })).toMatch(/end node/);
    expect(edgeProblem(graph, { source: 'a', target: 'start' })).toMatch(/start node/);
    expect(edgeProblem(graph, { source: 'check', target: 'end' })).toMatch(/branch/);
    expect(edgeProblem(graph, { source: 'a', target: 'end', source_handle: 'true' })).toMatch(/Only branching/);
    expect(edgeProblem(graph, { source: 'a', target: 'end' })).toMatch(/already/);
    expect(edgeProblem(graph, { source: 'a', target: 'check' })).toMatch(/cycle/);
    expect(edgeProblem(graph, { source: 'check', target: 'end', source_handle: 'false' })).toBeUndefined();
  });

  it('knows what is upstream of a node', () => {
    expect([...upstreamOf(graph, 'end')].sort()).toEqual(['a', 'check', 'start']);
    expect(upstreamOf(graph, 'start').size).toBe(0);
  });

  it('lays the graph out left to right, each rank after the previous one', () => {
    const laid = withLayout(graph);
    const x = (id: string) => laid.nodes.find((node) => node.id === id)!.position!.x;
    expect(x('start')).toBeLessThan(x('check'));
    expect(x('check')).toBeLessThan(x('a'));
    expect(x('a')).toBeLessThan(x('end'));
  });
});
