import { describe, expect, it } from 'vitest';
import type { Graph } from './graph';
import { currentEdgeIndex, describeTarget, mapProblems, parsePointer, problemsByNode, renameInProblems } from './problems';

const sent: Graph = {
  nodes: [
    { id: 'start', type: 'start', data: { inputs: [{ name: '1x', type: 'string' }] } },
    { id: 'fetch', type: 'http_request', data: { method: 'GET' } },
    { id: 'end', type: 'end', data: { outputs: { 'a/b': '{{ fetch.body }}' } } },
  ],
  edges: [
    { source: 'start', target: 'fetch' },
    { source: 'fetch', target: 'end' },
    { source: 'fetch', target: 'gone' },
  ],
};

describe('mapProblems', () => {
  it('maps a node path by its index in the graph that was sent, to that node id and field', () => {
    const [problem] = mapProblems([{ path: '/graph/nodes/1/data/url', message: 'is required' }], sent);
    expect(problem!.target).toEqual({ kind: 'node', index: 1, nodeId: 'fetch', pointer: '/data/url' });
  });

  it('keeps nested data paths, unescaping JSON Pointer segments', () => {
    const mapped = mapProblems(
      [
        { path: '/graph/nodes/0/data/inputs/0/name', message: 'must match ^[A-Za-z_][A-Za-z0-9_]*$' },
        { path: '/graph/nodes/2/data/outputs/a~1b', message: 'no node "x" in this graph' },
        { path: '/graph/nodes/1/retry/max_attempts', message: 'must be at most 10' },
        { path: '/graph/nodes/1', message: 'node "fetch" cannot be reached from the start node' },
      ],
      sent,
    );
    expect(mapped.map((problem) => problem.target)).toEqual([
      { kind: 'node', index: 0, nodeId: 'start', pointer: '/data/inputs/0/name' },
      { kind: 'node', index: 2, nodeId: 'end', pointer: '/data/outputs/a~1b' },
      { kind: 'node', index: 1, nodeId: 'fetch', pointer: '/retry/max_attempts' },
      { kind: 'node', index: 1, nodeId: 'fetch', pointer: '' },
    ]);
    expect(parsePointer('/data/outputs/a~1b')).toEqual(['data', 'outputs', 'a/b']);
    expect(parsePointer('/x~0y')).toEqual(['x~y']);
  });

  it('maps edge paths to the edge that was sent', () => {
    const [whole, field] = mapProblems(
      [
        { path: '/graph/edges/2', message: 'duplicates /edges/1' },
        { path: '/graph/edges/2/target', message: 'no node has id "gone"' },
      ],
      sent,
    );
    expect(whole!.target).toEqual({ kind: 'edge', index: 2, edge: sent.edges[2], pointer: '' });
    expect(field!.target).toEqual({ kind: 'edge', index: 2, edge: sent.edges[2], pointer: '/target' });
    expect(describeTarget(field!.target)).toBe('Edge fetch → gone, target');
  });

  it('keeps problems of the whole graph, of the workflow, and paths it cannot place', () => {
    const mapped = mapProblems(
      [
        { path: '/graph/nodes', message: 'must have at least one end node' },
        { path: '/graph', message: 'must not contain the NUL character' },
        { path: '/name', message: 'must have at least 1 character' },
        { path: '/graph/nodes/9/data', message: 'an index the graph does not have' },
        { path: 'not a pointer', message: '?' },
      ],
      sent,
    );
    expect(mapped.map((problem) => problem.target)).toEqual([
      { kind: 'graph', pointer: '/nodes' },
      { kind: 'graph', pointer: '' },
      { kind: 'workflow', field: 'name' },
      { kind: 'graph', pointer: '/nodes/9/data' },
      { kind: 'graph', pointer: '' },
    ]);
    expect(mapped.map((problem) => problem.message)).toContain('an index the graph does not have');
  });

  it('groups problems by node id', () => {
    const mapped = mapProblems(
      [
        { path: '/graph/nodes/1/data/url', message: 'is required' },
        { path: '/graph/nodes/1/data/url', message: 'must be a URL' },
        { path: '/graph/nodes/0/data', message: 'x' },
      ],
      sent,
    );
    const byNode = problemsByNode(mapped);
    expect([...byNode.keys()]).toEqual(['fetch', 'start']);
    expect(byNode.get('fetch')!.map((problem) => problem.message)).toEqual(['is required', 'must be a URL']);
  });

  it('keeps problems with their node and edges when the node is renamed', () => {
    const mapped = mapProblems(
      [
        { path: '/graph/nodes/1/data/url', message: 'is required' },
        { path: '/graph/edges/1/target', message: 'x' },
      ],
      sent,
    );
    const renamed = renameInProblems(mapped, 'fetch', 'get_page');
    expect(renamed[0]!.target).toMatchObject({ kind: 'node', nodeId: 'get_page' });
    expect(renamed[1]!.target).toMatchObject({ kind: 'edge', edge: { source: 'get_page', target: 'end' } });
  });
});

describe('currentEdgeIndex', () => {
  it('finds the edge a problem was about after edits moved it', () => {
    const edited: Graph = { ...sent, edges: [sent.edges[2]!, sent.edges[0]!] };
    expect(currentEdgeIndex(edited, sent.edges[2]!)).toBe(0);
    expect(currentEdgeIndex(edited, sent.edges[1]!)).toBeUndefined();
  });
});
