import type { FieldProblem } from '../../../api/problem';
import type { Graph, GraphEdge } from './graph';

/**
 * Where a problem of a 422 answer belongs. Paths are JSON Pointers into the request body
 * (`/graph/nodes/2/data/url`); nodes and edges are named by index in the graph that was sent, so
 * the mapping happens against that graph and keeps the node's id (later edits may reorder nodes).
 */
export type ProblemTarget =
  /** `pointer` is inside the node: '' for the node itself, `/data/url`, `/retry/max_attempts`… */
  | { kind: 'node'; index: number; nodeId: string; pointer: string }
  | { kind: 'edge'; index: number; edge: GraphEdge; pointer: string }
  /** The graph as a whole (`/graph`, `/graph/nodes`: no start, no end…). */
  | { kind: 'graph'; pointer: string }
  /** A field of the workflow itself (`/name`). */
  | { kind: 'workflow'; field: string };

export interface MappedProblem {
  path: string;
  message: string;
  target: ProblemTarget;
}

/** The segments of a JSON Pointer (RFC 6901), unescaped; undefined when it is not one. */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((segment) => '/' + String(segment).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

const INDEX = /^(0|[1-9][0-9]*)$/;

/** Each problem with the node, edge or field it is about, in the order the server listed them. */
export function mapProblems(problems: readonly FieldProblem[], sent: Graph): MappedProblem[] {
  return problems.map((problem) => ({ path: problem.path, message: problem.message, target: targetOf(problem.path, sent) }));
}

function targetOf(path: string, sent: Graph): ProblemTarget {
  const segments = parsePointer(path);
  if (segments === undefined || segments.length === 0) return { kind: 'graph', pointer: '' };
  const [root, collection, index, ...rest] = segments;
  if (root !== 'graph') return { kind: 'workflow', field: root! };
  if (index !== undefined && INDEX.test(index)) {
    const i = Number(index);
    if (collection === 'nodes' && sent.nodes[i]) return { kind: 'node', index: i, nodeId: sent.nodes[i].id, pointer: toPointer(rest) };
    if (collection === 'edges' && sent.edges[i]) return { kind: 'edge', index: i, edge: sent.edges[i], pointer: toPointer(rest) };
  }
  return { kind: 'graph', pointer: toPointer(segments.slice(1)) };
}

/** The problems about each node, by the node's id. */
export function problemsByNode(problems: readonly MappedProblem[]): Map<string, MappedProblem[]> {
  const byNode = new Map<string, MappedProblem[]>();
  for (const problem of problems) {
    if (problem.target.kind !== 'node') continue;
    const list = byNode.get(problem.target.nodeId) ?? [];
    list.push(problem);
    byNode.set(problem.target.nodeId, list);
  }
  return byNode;
}

/**
 * The index in `graph` of the edge a problem was about: the same endpoints and handle as the edge
 * that was sent, since edges have no ids and their indexes shift as the graph is edited.
 */
export function currentEdgeIndex(graph: Graph, edge: GraphEdge): number | undefined {
  const index = graph.edges.findIndex((other) => other.source === edge.source && other.target === edge.target && other.source_handle === edge.source_handle);
  return index < 0 ? undefined : index;
}

/** A short name of where a problem is, for the list at the top of the editor. */
export function describeTarget(target: ProblemTarget): string {
  switch (target.kind) {
    case 'node':
      return target.pointer === '' ? `Node ${target.nodeId}` : `Node ${target.nodeId}, ${target.pointer.slice(1).replaceAll('/', ' › ')}`;
    case 'edge': {
      const from = target.edge.source_handle === undefined ? target.edge.source : `${target.edge.source} (${target.edge.source_handle})`;
      return `Edge ${from} → ${target.edge.target}${target.pointer === '' ? '' : `, ${target.pointer.slice(1)}`}`;
    }
    case 'graph':
      return target.pointer === '' ? 'Graph' : `Graph, ${target.pointer.slice(1).replaceAll('/', ' › ')}`;
    case 'workflow':
      return `Workflow ${target.field}`;
  }
}

/** The problems with node `from` now called `to`, so they stay with the node after a rename. */
export function renameInProblems(problems: readonly MappedProblem[], from: string, to: string): MappedProblem[] {
  return problems.map((problem) => {
    const { target } = problem;
    if (target.kind === 'node' && target.nodeId === from) return { ...problem, target: { ...target, nodeId: to } };
    if (target.kind === 'edge' && (target.edge.source === from || target.edge.target === from)) {
      const edge = { ...target.edge, source: target.edge.source === from ? to : target.edge.source, target: target.edge.target === from ? to : target.edge.target };
      return { ...problem, target: { ...target, edge } };
    }
    return problem;
  });
}
