import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { validateGraph } from '../src/graph/validate.js';
import { coreNodes, createNodeCatalog } from '../src/nodes/catalog.js';
import { eventNames, run } from './engine-fixtures.js';

const catalog = createNodeCatalog(coreNodes);
type Kind = 'variable_assign' | 'template' | 'if_else';

interface Dag {
  /** parents[i] for node i ≥ 1: indexes below i. */
  parents: number[][];
  kinds: Kind[];
}

/** Random DAGs: node 0 is the start, every other node has parents before it, sinks are end nodes. */
const dagArbitrary: fc.Arbitrary<Dag> = fc.integer({ min: 2, max: 40 }).chain((size) =>
  fc.record({
    parents: fc.tuple(...Array.from({ length: size - 1 }, (_, i) => fc.uniqueArray(fc.integer({ min: 0, max: i }), { minLength: 1, maxLength: 3 }))),
    kinds: fc.array(fc.constantFrom<Kind>('variable_assign', 'template', 'if_else'), { minLength: size, maxLength: size }),
  }),
);

function buildGraph({ parents, kinds }: Dag) {
  const size = parents.length + 1;
  const children: number[][] = Array.from({ length: size }, () => []);
  parents.forEach((ps, i) => ps.forEach((p) => children[p]!.push(i + 1)));
  const id = (i: number) => (i === 0 ? 'start' : `n${i}`);
  const typeOf = (i: number): string => (i === 0 ? 'start' : children[i]!.length === 0 ? 'end' : kinds[i]!);
  const nodes = Array.from({ length: size }, (_, i) => {
    const parent = i === 0 ? 'start' : id(parents[i - 1]![0]!);
    switch (typeOf(i)) {
      case 'start':
        return { id: 'start', type: 'start', data: { inputs: [{ name: 'items', type: 'array', default: [1, 2] }] } };
      case 'end':
        return { id: id(i), type: 'end', data: { outputs: { from: `{{ ${parent} }}`, text: `at ${id(i)}: {{ start.items }}` } } };
      case 'template':
        return { id: id(i), type: 'template', data: { template: `{{ ${parent}.value }}{% for x in start.items %}{{ x }}{% endfor %}` } };
      case 'if_else':
        return { id: id(i), type: 'if_else', data: { conditions: [{ left: `{{ ${parent}.value }}`, op: 'empty' }], logic: 'or' } };
      default:
        return { id: id(i), type: 'variable_assign', data: { values: { value: `{{ ${parent}.value }}`, n: i } } };
    }
  });
  const edges = children.flatMap((cs, p) =>
    cs.map((c, k) => (typeOf(p) === 'if_else' ? { source: id(p), target: id(c), source_handle: k % 2 === 0 ? 'true' : 'false' } : { source: id(p), target: id(c) })),
  );
  return { graph: { nodes, edges }, children, id };
}

function closure(links: number[][], from: number): Set<number> {
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length > 0) {
    for (const next of links[queue.pop()!]!) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return seen;
}

describe('graph validation properties', () => {
  it('random DAGs with valid node data validate with no problems', () => {
    fc.assert(
      fc.property(dagArbitrary, (dag) => {
        expect(validateGraph(buildGraph(dag).graph, catalog)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('random DAGs with an injected cycle are refused, naming a node on the cycle', () => {
    fc.assert(
      fc.property(dagArbitrary, fc.nat(), fc.nat(), (dag, pickFrom, pickTo) => {
        const { graph, children, id } = buildGraph(dag);
        const size = graph.nodes.length;
        // An edge from some node back to one of its ancestors (or itself) closes a cycle.
        const parentsOf: number[][] = Array.from({ length: size }, () => []);
        children.forEach((cs, p) => cs.forEach((c) => parentsOf[c]!.push(p)));
        const from = pickFrom % size;
        const ancestors = [...closure(parentsOf, from)];
        const to = ancestors[pickTo % ancestors.length]!;
        graph.edges.push({ source: id(from), target: id(to) });

        const cycleProblems = validateGraph(graph, catalog).filter((problem) => problem.message.includes('is on a cycle'));
        expect(cycleProblems.length).toBeGreaterThan(0);
        const onCycle = new Set([...closure(parentsOf, from)].filter((n) => closure(children, to).has(n)));
        for (const problem of cycleProblems) expect(onCycle.has(Number(problem.path.split('/')[2]))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('random valid DAGs run to success, every node finishing exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(dagArbitrary, async (dag) => {
        const { graph } = buildGraph(dag);
        const { result, events } = await run(graph, catalog);
        expect(result.status).toBe('succeeded');
        const names = eventNames(events);
        expect(names[0]).toBe('run_started');
        expect(names.at(-1)).toBe('run_finished');
        for (const node of graph.nodes) expect(names.filter((name) => name === `node_finished:${node.id}`)).toHaveLength(1);
        // A node starts after every node it depends on has finished.
        for (const edge of graph.edges) {
          const started = names.indexOf(`node_started:${edge.target}`);
          if (started !== -1) expect(names.indexOf(`node_finished:${edge.source}`)).toBeLessThan(started);
        }
      }),
      { numRuns: 100 },
    );
  });
});
