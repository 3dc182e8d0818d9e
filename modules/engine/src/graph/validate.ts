import type { FieldProblem } from '@flowgate/kernel';
import type { AnyNodeType, NodeCatalog } from '../nodes/catalog.js';
import { branchHandles } from './branches.js';
import { defaultTemplateRenderer } from './liquid.js';
import { nestingDepth, pointer, schemaProblems } from './problems.js';
import { visitReferences, visitStrings } from './references.js';
import { GRAPH_LIMITS, GraphEdgeSchema, GraphNodeSchema } from './schema.js';
import { createTopology, findCycles, reachable } from './topology.js';

export interface ValidateGraphOptions {
  /** Node types whose module is not installed, with that module: `{ knowledge_retrieval: 'knowledge' }`. */
  unavailable?: Readonly<Record<string, string>>;
  /**
   * Variables the graph's scope holds besides its own nodes, `start` and `env`: a sub-graph's
   * `item` and `index` and its enclosing node's upstream. References may name them.
   */
  scopeNames?: readonly string[];
}

const NODE_ID = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Variables a sub-graph run has besides the enclosing scope. */
const SUB_GRAPH_VARIABLES = ['item', 'index'];

interface NodeEntry {
  id: string | undefined;
  typeName: string | undefined;
  type: AnyNodeType | undefined;
  /** The node's data when it is an object within the nesting limit. */
  data: Record<string, unknown> | undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Every problem of a graph, each addressed by a JSON Pointer from the graph's root (`/nodes/3/data/url`,
 * `/edges/1/target`; callers add their own prefix such as `/graph`). An empty list means the graph
 * can run. Work is bounded: oversized graphs and over-nested data are refused before anything else.
 */
export function validateGraph(graph: unknown, catalog: NodeCatalog, options: ValidateGraphOptions = {}): FieldProblem[] {
  const problems: FieldProblem[] = [];
  new GraphChecker(catalog, options.unavailable ?? {}, problems).check(graph, '', new Set(options.scopeNames ?? []));
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path}\n${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

class GraphChecker {
  constructor(
    private readonly catalog: NodeCatalog,
    private readonly unavailable: Readonly<Record<string, string>>,
    private readonly problems: FieldProblem[],
  ) {}

  /** Checks one graph (the top one, or a node's sub-graph under `prefix`). */
  check(graph: unknown, prefix: string, enclosing: ReadonlySet<string>): void {
    // Every graph has its own `start` (its run's inputs) and the one `env`.
    const scopeNames = new Set(enclosing);
    scopeNames.delete('start');
    scopeNames.delete('env');
    const report = (path: string, message: string): void => {
      this.problems.push({ path: prefix + path, message });
    };
    if (!isObject(graph)) return report('', 'must be an object with "nodes" and "edges"');
    const { nodes, edges } = graph;
    if (!Array.isArray(nodes)) report('/nodes', 'must be an array');
    if (!Array.isArray(edges)) report('/edges', 'must be an array');
    if (!Array.isArray(nodes) || !Array.isArray(edges)) return;
    if (nodes.length > GRAPH_LIMITS.maxNodes) report('/nodes', `must have at most ${GRAPH_LIMITS.maxNodes} nodes (has ${nodes.length})`);
    if (edges.length > GRAPH_LIMITS.maxEdges) report('/edges', `must have at most ${GRAPH_LIMITS.maxEdges} edges (has ${edges.length})`);
    if (nodes.length > GRAPH_LIMITS.maxNodes || edges.length > GRAPH_LIMITS.maxEdges) return;

    // 1. Nodes: shape, ids, types; which is the start.
    const entries: (NodeEntry | undefined)[] = [];
    const indexById = new Map<string, number>();
    const starts: number[] = [];
    let ends = 0;
    nodes.forEach((node: unknown, i) => {
      const at = `/nodes/${i}`;
      if (!isObject(node)) return report(at, 'must be an object');
      this.problems.push(...schemaProblems(GraphNodeSchema, node, prefix + at));
      let data = isObject(node['data']) ? node['data'] : undefined;
      if (data !== undefined && nestingDepth(data, GRAPH_LIMITS.maxDataDepth) > GRAPH_LIMITS.maxDataDepth) {
        report(`${at}/data`, `nests deeper than ${GRAPH_LIMITS.maxDataDepth} levels`);
        data = undefined;
      }
      const typeName = typeof node['type'] === 'string' && node['type'] !== '' ? node['type'] : undefined;
      const id = typeof node['id'] === 'string' && NODE_ID.test(node['id']) ? node['id'] : undefined;
      if (id !== undefined) {
        if (indexById.has(id)) report(`${at}/id`, `duplicate node id "${id}"`);
        else indexById.set(id, i);
        if (id === 'env') report(`${at}/id`, '"env" is reserved for environment variables');
        else if (id === 'start' && typeName !== 'start') report(`${at}/id`, '"start" is reserved for the start node');
        else if (scopeNames.has(id)) report(`${at}/id`, `"${id}" is already a variable of the enclosing graph`);
      }
      const type = typeName === undefined ? undefined : this.catalog.get(typeName);
      if (typeName !== undefined && type === undefined) {
        const module = Object.hasOwn(this.unavailable, typeName) ? this.unavailable[typeName] : undefined;
        report(
          `${at}/type`,
          module === undefined ? `unknown node type "${typeName}"` : `node type "${typeName}" needs the ${module} module, which is not installed`,
        );
      }
      if (typeName === 'start') starts.push(i);
      if (typeName === 'end') ends++;
      entries[i] = { id, typeName, type, data };
    });
    if (starts.length === 0) report('/nodes', 'must have exactly one start node (has none)');
    for (const extra of starts.slice(1)) report(`/nodes/${extra}/type`, `a graph has exactly one start node; /nodes/${starts[0]} is one already`);
    if (ends === 0) report('/nodes', 'must have at least one end node');

    // 2. Edges: endpoints, branch handles, duplicates.
    const links: { source: number; target: number }[] = [];
    const firstEdge = new Map<string, number>();
    edges.forEach((edge: unknown, j) => {
      const at = `/edges/${j}`;
      if (!isObject(edge)) return report(at, 'must be an object');
      this.problems.push(...schemaProblems(GraphEdgeSchema, edge, prefix + at));
      const endpoint = (field: 'source' | 'target'): number | undefined => {
        const id = edge[field];
        if (typeof id !== 'string' || id === '') return undefined;
        const index = indexById.get(id);
        if (index === undefined) report(`${at}/${field}`, `no node has id "${id}"`);
        return index;
      };
      const source = endpoint('source');
      const target = endpoint('target');
      const handle = edge['source_handle'];
      if (source !== undefined) {
        const sourceType = entries[source]!.typeName ?? '';
        const handles = branchHandles(sourceType);
        if (sourceType === 'end') report(`${at}/source`, 'an end node has no outgoing edges');
        if (handles !== undefined && (typeof handle !== 'string' || !handles.includes(handle))) {
          report(`${at}/source_handle`, `an edge out of an ${sourceType} node needs source_handle ${handles.map((h) => `"${h}"`).join(' or ')}`);
        } else if (handles === undefined && handle !== undefined) {
          report(`${at}/source_handle`, `only edges out of a branching node (if_else) carry a source_handle`);
        }
      }
      if (target !== undefined && entries[target]!.typeName === 'start') report(`${at}/target`, 'the start node has no incoming edges');
      if (source === undefined || target === undefined) return;
      const key = `${source}>${target}>${typeof handle === 'string' ? handle : ''}`;
      const first = firstEdge.get(key);
      if (first !== undefined) return report(at, `duplicates /edges/${first}`);
      firstEdge.set(key, j);
      links.push({ source, target });
    });

    // 3. Shape of the whole: no cycles, everything reachable from the start.
    const topology = createTopology(nodes.length, links);
    for (const cycle of findCycles(topology)) {
      const ids = cycle.map((i) => entries[i]!.id!);
      report(`/nodes/${cycle[0]}`, `node "${ids[0]}" is on a cycle: ${[...ids, ids[0]].join(' → ')}`);
    }
    const start = starts[0];
    if (start !== undefined) {
      const reached = reachable(topology.successors, start);
      entries.forEach((entry, i) => {
        // Duplicates and extra starts are reported already; they are not also "unreachable".
        if (entry?.id !== undefined && indexById.get(entry.id) === i && entry.typeName !== 'start' && !reached.has(i)) {
          report(`/nodes/${i}`, `node "${entry.id}" cannot be reached from the start node`);
        }
      });
    }

    // 4. Each node's data: its type's schema and extra checks, and what its references name.
    const ancestors = new Map<number, Set<number>>();
    const upstreamOf = (i: number): Set<number> => {
      let found = ancestors.get(i);
      if (found === undefined) ancestors.set(i, (found = reachable(topology.predecessors, i)));
      return found;
    };
    entries.forEach((entry, i) => {
      if (entry?.type === undefined || entry.data === undefined) return;
      const at = `/nodes/${i}/data`;
      const dataProblems = schemaProblems(entry.type.data, entry.data, prefix + at);
      this.problems.push(...dataProblems);
      if (dataProblems.length === 0 && entry.type.validate !== undefined) {
        try {
          for (const problem of entry.type.validate(entry.data)) report(at + problem.path, problem.message);
        } catch (error) {
          report(at, `could not be checked: ${errorMessage(error)}`);
        }
      }
      const visible = (root: string): boolean => {
        if (root === 'start' || root === 'env' || scopeNames.has(root)) return true;
        const index = indexById.get(root);
        return index !== undefined && upstreamOf(i).has(index);
      };
      const whyNot = (root: string): string =>
        indexById.has(root) ? `node "${root}" is not upstream of "${entry.id ?? i}"` : `no node "${root}" in this graph`;
      this.checkReferences(entry.type, entry.data, (path, message) => report(at + path, message), visible, whyNot, () => {
        const names = new Set([...scopeNames, ...SUB_GRAPH_VARIABLES]);
        for (const index of upstreamOf(i)) if (entries[index]?.id !== undefined) names.add(entries[index].id);
        return names;
      }, prefix + at);
    });
  }

  /** References in plain fields, free variables of Liquid fields, and sub-graphs, checked. */
  private checkReferences(
    type: AnyNodeType,
    data: Record<string, unknown>,
    report: (path: string, message: string) => void,
    visible: (root: string) => boolean,
    whyNot: (root: string) => string,
    subGraphScope: () => Set<string>,
    dataPath: string,
  ): void {
    const raw = new Set<string>(type.raw ?? []);
    const kinds: Partial<Record<string, 'liquid' | 'graph'>> = type.rawKinds ?? {};
    for (const key of Object.keys(data)) {
      const value = data[key];
      if (!raw.has(key)) {
        visitReferences(value, (reference, path) => {
          if (!visible(reference.root)) report(pointer([key, ...path]), `${reference.source}: ${whyNot(reference.root)}`);
        });
      } else if (kinds[key] === 'liquid') {
        visitStrings(value, (text, path) => {
          let variables: (string | number)[][];
          try {
            variables = defaultTemplateRenderer.variables(text);
          } catch (error) {
            return report(pointer([key, ...path]), errorMessage(error));
          }
          for (const segments of variables) {
            const root = String(segments[0]);
            if (!visible(root)) report(pointer([key, ...path]), `{{ ${segments.join('.')} }}: ${whyNot(root)}`);
          }
        });
      } else if (kinds[key] === 'graph' && isObject(value)) {
        this.check(value, dataPath + pointer([key]), subGraphScope());
      }
    }
  }
}
