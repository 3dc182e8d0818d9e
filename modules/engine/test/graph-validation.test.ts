import { describe, expect, it } from 'vitest';
import { validateGraph } from '../src/graph/validate.js';
import { coreNodes, createNodeCatalog } from '../src/nodes/catalog.js';
import { graphOf, testLoop } from './engine-fixtures.js';

const catalog = createNodeCatalog([...coreNodes, testLoop]);

function greeting() {
  return graphOf(
    [
      { id: 'start', type: 'start', data: { inputs: [{ name: 'name', type: 'string', required: true }] } },
      { id: 'greet', type: 'template', data: { template: 'Hello {{ start.name }}' } },
      { id: 'end', type: 'end', data: { outputs: { greeting: '{{ greet.output }}' } } },
    ],
    ['start->greet', 'greet->end'],
  );
}

type Mutable = ReturnType<typeof greeting> & { nodes: Record<string, unknown>[]; edges: Record<string, unknown>[] };

function check(change: (graph: Mutable) => void, options = {}) {
  const graph = greeting() as Mutable;
  change(graph);
  return validateGraph(graph, catalog, options);
}

describe('validateGraph: the whole graph', () => {
  it('accepts the example graph of API.md', () => {
    expect(validateGraph(greeting(), catalog)).toEqual([]);
  });

  it('refuses what is not a graph', () => {
    expect(validateGraph('nope', catalog)).toEqual([{ path: '', message: 'must be an object with "nodes" and "edges"' }]);
    expect(validateGraph({ nodes: {} }, catalog)).toEqual([
      { path: '/nodes', message: 'must be an array' },
      { path: '/edges', message: 'must be an array' },
    ]);
  });

  it('refuses more than 500 nodes or 2,000 edges before any other work', () => {
    const nodes = Array.from({ length: 501 }, (_, i) => ({ id: `n${i}`, type: 'variable_assign', data: { values: {} } }));
    expect(validateGraph({ nodes, edges: [] }, catalog)).toEqual([{ path: '/nodes', message: 'must have at most 500 nodes (has 501)' }]);
    const edges = Array.from({ length: 2_001 }, () => ({ source: 'start', target: 'end' }));
    expect(validateGraph({ nodes: [], edges }, catalog)).toEqual([{ path: '/edges', message: 'must have at most 2000 edges (has 2001)' }]);
  });

  it('refuses data nested deeper than 64 levels, even 5,000 levels, without recursing', () => {
    let deep: Record<string, unknown> = { leaf: '{{ nowhere.x }}' };
    for (let i = 0; i < 5_000; i++) deep = { d: deep };
    expect(check((g) => (g.nodes[2]!['data'] = { outputs: deep }))).toEqual([{ path: '/nodes/2/data', message: 'nests deeper than 64 levels' }]);
  });

  it('needs exactly one start and at least one end', () => {
    expect(check((g) => g.nodes.splice(0, 1))).toContainEqual({ path: '/nodes', message: 'must have exactly one start node (has none)' });
    expect(check((g) => g.nodes.push({ id: 'start2', type: 'start', data: {} }))).toContainEqual({
      path: '/nodes/3/type',
      message: 'a graph has exactly one start node; /nodes/0 is one already',
    });
    expect(check((g) => g.nodes.splice(2, 1))).toContainEqual({ path: '/nodes', message: 'must have at least one end node' });
  });
});

describe('validateGraph: nodes', () => {
  it('refuses duplicate ids and ids that are not identifiers', () => {
    expect(check((g) => (g.nodes[2]!['id'] = 'greet'))).toContainEqual({ path: '/nodes/2/id', message: 'duplicate node id "greet"' });
    expect(check((g) => (g.nodes[1]!['id'] = '1-greet'))).toContainEqual({ path: '/nodes/1/id', message: 'must match ^[A-Za-z_][A-Za-z0-9_]*$' });
  });

  it('reserves env for environment variables and start for the start node', () => {
    expect(check((g) => (g.nodes[1]!['id'] = 'env'))).toContainEqual({ path: '/nodes/1/id', message: '"env" is reserved for environment variables' });
    const problems = check((g) => {
      g.nodes[0]!['id'] = 'begin';
      g.nodes[1]!['id'] = 'start';
      g.edges = [{ source: 'begin', target: 'start' }, { source: 'start', target: 'end' }];
    });
    expect(problems).toContainEqual({ path: '/nodes/1/id', message: '"start" is reserved for the start node' });
  });

  it('refuses unknown node types, and names the missing module of an unavailable one', () => {
    expect(check((g) => (g.nodes[1]!['type'] = 'teleport'))).toEqual([{ path: '/nodes/1/type', message: 'unknown node type "teleport"' }]);
    const problems = check((g) => (g.nodes[1] = { id: 'greet', type: 'knowledge_retrieval', data: { base_id: 'b', query: 'q' } }), {
      unavailable: { knowledge_retrieval: 'knowledge' },
    });
    expect(problems).toEqual([{ path: '/nodes/1/type', message: 'node type "knowledge_retrieval" needs the knowledge module, which is not installed' }]);
  });

  it('checks on_error, retry and timeout_ms', () => {
    const problems = check((g) => Object.assign(g.nodes[1]!, { on_error: 'ignore', retry: { max_attempts: 11, backoff_ms: -1 }, timeout_ms: 0 }));
    expect(problems).toEqual([
      { path: '/nodes/1/on_error', message: 'must be one of "fail", "continue"' },
      { path: '/nodes/1/retry/max_attempts', message: 'must be at most 10' },
      { path: '/nodes/1/retry/backoff_ms', message: 'must be at least 0' },
      { path: '/nodes/1/timeout_ms', message: 'must be at least 1' },
    ]);
  });

  it("checks each node's data against its type's schema", () => {
    expect(check((g) => (g.nodes[1]!['data'] = {}))).toEqual([{ path: '/nodes/1/data/template', message: 'is required' }]);
    expect(check((g) => (g.nodes[1]!['data'] = { template: 42, extra: 1 }))).toEqual([
      { path: '/nodes/1/data/extra', message: 'is not a known field' },
      { path: '/nodes/1/data/template', message: 'must be a string' },
    ]);
    expect(check((g) => (g.nodes[2]!['data'] = { outputs: [] }))).toEqual([{ path: '/nodes/2/data/outputs', message: 'must be an object' }]);
    expect(check((g) => (g.nodes[1] = { id: 'greet', type: 'if_else', data: { conditions: [] } }))).toContainEqual({
      path: '/nodes/1/data/conditions',
      message: 'must have at least 1 item',
    });
  });

  it("runs the type's own extra checks", () => {
    const problems = check((g) => {
      g.nodes[0]!['data'] = { inputs: [{ name: 'a', type: 'string' }, { name: 'a', type: 'number', default: 'x' }] };
      g.nodes[1] = { id: 'greet', type: 'if_else', data: { conditions: [{ left: '{{ start.a }}', op: 'eq' }] } };
      g.edges = [{ source: 'start', target: 'greet' }, { source: 'greet', target: 'end', source_handle: 'true' }];
    });
    expect(problems).toEqual([
      { path: '/nodes/0/data/inputs/1/name', message: 'duplicate input name "a"' },
      { path: '/nodes/0/data/inputs/1/default', message: "must be of the input's type (number)" },
      { path: '/nodes/1/data/conditions/0/right', message: 'is required by eq' },
    ]);
  });

  it('reports a Liquid syntax error at the template', () => {
    const [problem] = check((g) => (g.nodes[1]!['data'] = { template: 'Hi {{ start.name | shout }}' }));
    expect(problem).toMatchObject({ path: '/nodes/1/data/template', message: expect.stringContaining('undefined filter: shout') });
  });
});

describe('validateGraph: edges and shape', () => {
  it('refuses edges naming nodes that do not exist', () => {
    expect(check((g) => g.edges.push({ source: 'ghost', target: 'nobody' }))).toEqual([
      { path: '/edges/2/source', message: 'no node has id "ghost"' },
      { path: '/edges/2/target', message: 'no node has id "nobody"' },
    ]);
    expect(check((g) => g.edges.push({ source: 'start' }))).toEqual([{ path: '/edges/2/target', message: 'is required' }]);
  });

  it('refuses edges into the start node, out of an end node, and duplicate edges', () => {
    const problems = check((g) => g.edges.push({ source: 'end', target: 'start' }, { source: 'start', target: 'greet' }));
    expect(problems).toContainEqual({ path: '/edges/2/source', message: 'an end node has no outgoing edges' });
    expect(problems).toContainEqual({ path: '/edges/2/target', message: 'the start node has no incoming edges' });
    expect(problems).toContainEqual({ path: '/edges/3', message: 'duplicates /edges/0' });
  });

  it('refuses cycles, naming a node on each', () => {
    const problems = check((g) => {
      g.nodes.push({ id: 'again', type: 'variable_assign', data: { values: {} } });
      g.edges.push({ source: 'greet', target: 'again' }, { source: 'again', target: 'greet' });
    });
    expect(problems).toEqual([{ path: '/nodes/1', message: 'node "greet" is on a cycle: greet → again → greet' }]);
    expect(check((g) => g.edges.push({ source: 'greet', target: 'greet' }))).toEqual([{ path: '/nodes/1', message: 'node "greet" is on a cycle: greet → greet' }]);
  });

  it('refuses nodes the start node cannot reach', () => {
    const problems = check((g) => g.nodes.push({ id: 'island', type: 'variable_assign', data: { values: {} } }));
    expect(problems).toEqual([{ path: '/nodes/3', message: 'node "island" cannot be reached from the start node' }]);
  });

  it('needs source_handle "true" or "false" on every edge out of an if_else, and on no other', () => {
    const problems = check((g) => {
      g.nodes.splice(1, 1, { id: 'check', type: 'if_else', data: { conditions: [{ left: '{{ start.name }}', op: 'not_empty' }] } });
      g.nodes[2]!['data'] = { outputs: { ok: '{{ check.result }}' } };
      g.nodes.push({ id: 'other', type: 'end', data: { outputs: {} } }, { id: 'third', type: 'end', data: { outputs: {} } });
      g.edges = [
        { source: 'start', target: 'check', source_handle: 'true' },
        { source: 'check', target: 'end' },
        { source: 'check', target: 'other', source_handle: 'maybe' },
        { source: 'check', target: 'third', source_handle: 'false' },
      ];
    });
    expect(problems).toEqual([
      { path: '/edges/0/source_handle', message: 'only edges out of a branching node (if_else) carry a source_handle' },
      { path: '/edges/1/source_handle', message: 'an edge out of an if_else node needs source_handle "true" or "false"' },
      { path: '/edges/2/source_handle', message: 'an edge out of an if_else node needs source_handle "true" or "false"' },
    ]);
  });
});

describe('validateGraph: references', () => {
  it('accepts references to upstream nodes, start and env, and rejects others with the path of the string', () => {
    const problems = check((g) => {
      g.nodes.splice(2, 0, { id: 'side', type: 'variable_assign', data: { values: { a: '{{ env.REGION }} {{ start.name }}', b: ['{{ greet.output }}', '{{ end.x }}'] } } });
      g.edges.push({ source: 'start', target: 'side' }, { source: 'side', target: 'end' });
      g.nodes[3]!['data'] = { outputs: { greeting: '{{ greet.output }}', bad: 'x {{ ghost.y }}', side: '{{ side.a }}' } };
    });
    expect(problems).toEqual([
      { path: '/nodes/2/data/values/b/0', message: '{{ greet.output }}: node "greet" is not upstream of "side"' },
      { path: '/nodes/2/data/values/b/1', message: '{{ end.x }}: node "end" is not upstream of "side"' },
      { path: '/nodes/3/data/outputs/bad', message: '{{ ghost.y }}: no node "ghost" in this graph' },
    ]);
  });

  it("checks a Liquid template's free variables, ignoring those it binds itself", () => {
    const template = [
      '{% for x in start.items %}{{ x.name }}{{ forloop.index }}{% endfor %}',
      '{% assign y = start.name %}{{ y }}',
      '{% capture z %}{{ start.name }}{% endcapture %}{{ z }}',
      '{% tablerow r in start.rows %}{{ r }}{% endtablerow %}',
      '{{ env.REGION }}{{ later.output }}{{ nobody }}',
    ].join('');
    expect(check((g) => (g.nodes[1]!['data'] = { template }))).toEqual([
      { path: '/nodes/1/data/template', message: '{{ later.output }}: no node "later" in this graph' },
      { path: '/nodes/1/data/template', message: '{{ nobody }}: no node "nobody" in this graph' },
    ]);
  });

  it('lets a sub-graph read item, index and the upstream of its node, and nothing else', () => {
    const inner = graphOf(
      [
        { id: 'start', type: 'start' },
        { id: 'each', type: 'template', data: { template: '{{ index }}: {{ item.name }} for {{ greet.output }} {% for t in item.tags %}{{ t }}{% endfor %}' } },
        { id: 'done', type: 'end', data: { outputs: { line: '{{ each.output }}', who: '{{ item }}', later: '{{ end.x }}' } } },
      ],
      ['start->each', 'each->done'],
    );
    const problems = check((g) => {
      g.nodes.splice(2, 0, { id: 'loop', type: 'test_loop', data: { items: '{{ start.list }}', graph: inner } });
      g.edges = [{ source: 'start', target: 'greet' }, { source: 'greet', target: 'loop' }, { source: 'loop', target: 'end' }];
    });
    expect(problems).toEqual([{ path: '/nodes/2/data/graph/nodes/2/data/outputs/later', message: '{{ end.x }}: no node "end" in this graph' }]);
  });

  it('refuses sub-graph node ids that shadow the enclosing graph', () => {
    const inner = graphOf(
      [
        { id: 'start', type: 'start' },
        { id: 'greet', type: 'variable_assign', data: { values: {} } },
        { id: 'done', type: 'end', data: { outputs: {} } },
      ],
      ['start->greet', 'greet->done'],
    );
    const problems = check((g) => {
      g.nodes.splice(2, 0, { id: 'loop', type: 'test_loop', data: { items: [], graph: inner } });
      g.edges = [{ source: 'start', target: 'greet' }, { source: 'greet', target: 'loop' }, { source: 'loop', target: 'end' }];
    });
    expect(problems).toEqual([{ path: '/nodes/2/data/graph/nodes/1/id', message: '"greet" is already a variable of the enclosing graph' }]);
  });
});

describe('validateGraph: every problem at once', () => {
  it('lists all problems of a graph with many, not only the first', () => {
    const problems = check((g) => {
      g.nodes[1]!['type'] = 'teleport';
      g.nodes[2]!['data'] = { outputs: { x: '{{ ghost.y }}' } };
      g.edges.push({ source: 'start', target: 'nowhere' });
      g.nodes.push({ id: 'end', type: 'end', data: { outputs: {} } });
    });
    expect(problems).toEqual([
      { path: '/nodes/1/type', message: 'unknown node type "teleport"' },
      { path: '/nodes/3/id', message: 'duplicate node id "end"' },
      { path: '/edges/2/target', message: 'no node has id "nowhere"' },
      { path: '/nodes/2/data/outputs/x', message: '{{ ghost.y }}: no node "ghost" in this graph' },
    ]);
  });
});
