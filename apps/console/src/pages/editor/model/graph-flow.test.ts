import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Graph, GraphEdge, GraphNode } from './graph';
import { edgeIndexOf, flowToGraph, graphRest, graphToFlow } from './graph-flow';

const greeting: Graph = {
  nodes: [
    { id: 'start', type: 'start', data: { inputs: [{ name: 'name', type: 'string', required: true }] } },
    { id: 'template_1', type: 'template', data: { template: 'Hello {{ start.name }}' } },
    { id: 'end', type: 'end', data: { outputs: { greeting: '{{ template_1.output }}' } } },
  ],
  edges: [
    { source: 'start', target: 'template_1' },
    { source: 'template_1', target: 'end' },
  ],
};

const branching: Graph = {
  nodes: [
    { id: 'start', type: 'start', data: { inputs: [] }, position: { x: 0, y: 0 } },
    { id: 'check', type: 'if_else', data: { conditions: [{ left: '{{ start.n }}', op: 'gt', right: 1 }] }, position: { x: 300, y: 0 } },
    { id: 'yes', type: 'end', data: { outputs: {} }, position: { x: 600, y: -80 } },
    { id: 'no', type: 'end', data: { outputs: {} }, position: { x: 600, y: 80 } },
  ],
  edges: [
    { source: 'start', target: 'check' },
    { source: 'check', target: 'yes', source_handle: 'true' },
    { source: 'check', target: 'no', source_handle: 'false' },
  ],
};

describe('graphToFlow', () => {
  it('makes one canvas node per graph node, in order, named for assistive technology', () => {
    const flow = graphToFlow(branching);
    expect(flow.nodes.map((node) => node.id)).toEqual(['start', 'check', 'yes', 'no']);
    expect(flow.nodes[1]).toMatchObject({ type: 'workflow', position: { x: 300, y: 0 }, ariaLabel: 'Node check', data: { node: branching.nodes[1] } });
  });

  it("turns an if_else edge's source_handle into the canvas edge's source handle", () => {
    const flow = graphToFlow(branching);
    expect(flow.edges.map((edge) => [edge.source, edge.target, edge.sourceHandle])).toEqual([
      ['start', 'check', null],
      ['check', 'yes', 'true'],
      ['check', 'no', 'false'],
    ]);
    expect(flow.edges.map((edge) => edgeIndexOf(edge.id))).toEqual([0, 1, 2]);
  });

  it('places nodes without a position left to right along the edges', () => {
    const flow = graphToFlow(greeting);
    const x = Object.fromEntries(flow.nodes.map((node) => [node.id, node.position.x]));
    expect(x.start).toBeLessThan(x.template_1!);
    expect(x.template_1).toBeLessThan(x.end!);
  });
});

describe('flowToGraph', () => {
  it('writes a connection made from the "false" handle as source_handle "false"', () => {
    const flow = graphToFlow(branching);
    flow.edges.push({ id: 'new', source: 'check', target: 'yes', sourceHandle: 'false' });
    expect(flowToGraph(flow).edges.at(-1)).toEqual({ source: 'check', target: 'yes', source_handle: 'false' });
  });

  it('drops source_handle when the canvas edge has none, and keeps where nodes were dragged', () => {
    const flow = graphToFlow(branching);
    flow.edges[1] = { ...flow.edges[1]!, sourceHandle: null };
    flow.nodes[0] = { ...flow.nodes[0]!, position: { x: -40, y: 12.5 } };
    const graph = flowToGraph(flow, graphRest(branching));
    expect(graph.edges[1]).toEqual({ source: 'check', target: 'yes' });
    expect(graph.nodes[0]!.position).toEqual({ x: -40, y: 12.5 });
  });

  it('gives back a graph without positions with the positions the canvas chose, and nothing else changed', () => {
    const flow = graphToFlow(greeting);
    const back = flowToGraph(flow, graphRest(greeting));
    expect(back.nodes.map(({ position: _position, ...node }) => node)).toEqual(greeting.nodes);
    expect(back.nodes.every((node) => node.position !== undefined)).toBe(true);
    expect(back.edges).toEqual(greeting.edges);
  });
});

// Graphs with positions, as the editor saves them, with fields the editor does not know anywhere.
const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
const extraKey = fc.constantFrom('title', 'note', 'color', 'ui');
const json = fc.jsonValue({ maxDepth: 2 });
const nodeArbitrary = (id: string) =>
  fc.record(
    {
      id: fc.constant(id),
      type: fc.constantFrom('start', 'end', 'template', 'if_else', 'llm', 'http_request'),
      data: fc.dictionary(fc.string({ maxLength: 6 }), json, { maxKeys: 4 }),
      on_error: fc.constantFrom('fail' as const, 'continue' as const),
      retry: fc.record({ max_attempts: fc.integer({ min: 1, max: 10 }), backoff_ms: fc.nat() }, { requiredKeys: ['max_attempts'] }),
      timeout_ms: fc.integer({ min: 1, max: 86_400_000 }),
      position: fc.record({ x: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), y: fc.integer({ min: -10_000, max: 10_000 }) }),
    },
    { requiredKeys: ['id', 'type', 'data', 'position'] },
  );
const graphArbitrary: fc.Arbitrary<Graph> = fc.uniqueArray(identifier, { minLength: 1, maxLength: 8 }).chain((ids) =>
  fc.record({
    nodes: fc.tuple(...ids.map((id) => fc.tuple(nodeArbitrary(id), fc.dictionary(extraKey, json, { maxKeys: 2 })))).map((pairs) =>
      pairs.map(([node, extra]) => ({ ...extra, ...node }) as GraphNode),
    ),
    edges: fc.array(
      fc.record(
        { source: fc.constantFrom(...ids), target: fc.constantFrom(...ids), source_handle: fc.constantFrom('true', 'false'), label: fc.string() },
        { requiredKeys: ['source', 'target'] },
      ) as fc.Arbitrary<GraphEdge>,
      { maxLength: 12 },
    ),
    viewport: json,
  }),
);

describe('graph ↔ flow', () => {
  it('round-trips: graph → flow → graph gives the same graph', () => {
    fc.assert(
      fc.property(graphArbitrary, (graph) => {
        expect(flowToGraph(graphToFlow(graph), graphRest(graph))).toEqual(graph);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips byte for byte, so a graph that only went through the canvas is not "unsaved"', () => {
    fc.assert(
      fc.property(graphArbitrary, (graph) => {
        const { nodes, edges, ...rest } = graph;
        const ordered = { nodes, edges, ...rest };
        expect(JSON.stringify(flowToGraph(graphToFlow(ordered), graphRest(ordered)))).toBe(JSON.stringify(ordered));
      }),
      { numRuns: 100 },
    );
  });
});
