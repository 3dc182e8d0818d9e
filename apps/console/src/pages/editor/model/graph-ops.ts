import { branchHandles, type Graph, type GraphEdge, type GraphNode, type NodePosition } from './graph';

/** The graph's changes the editor makes; each returns a new graph and leaves its argument alone. */

export function addNode(graph: Graph, node: GraphNode): Graph {
  return { ...graph, nodes: [...graph.nodes, node] };
}

/** The graph without the given nodes (and every edge touching them) and edges (by index). */
export function removeElements(graph: Graph, nodeIds: Iterable<string>, edgeIndexes: Iterable<number> = []): Graph {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIndexes);
  if (nodes.size === 0 && edges.size === 0) return graph;
  return {
    ...graph,
    nodes: graph.nodes.filter((node) => !nodes.has(node.id)),
    edges: graph.edges.filter((edge, i) => !edges.has(i) && !nodes.has(edge.source) && !nodes.has(edge.target)),
  };
}

export function moveNodes(graph: Graph, positions: ReadonlyMap<string, NodePosition>): Graph {
  if (positions.size === 0) return graph;
  return {
    ...graph,
    nodes: graph.nodes.map((node) => {
      const position = positions.get(node.id);
      return position ? { ...node, position: { x: position.x, y: position.y } } : node;
    }),
  };
}

/** The graph with one node replaced by what `change` makes of it. */
export function updateNode(graph: Graph, id: string, change: (node: GraphNode) => GraphNode): Graph {
  return { ...graph, nodes: graph.nodes.map((node) => (node.id === id ? change(node) : node)) };
}

function reaches(graph: Graph, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const at = stack.pop()!;
    if (at === to) return true;
    if (seen.has(at)) continue;
    seen.add(at);
    for (const edge of graph.edges) if (edge.source === at) stack.push(edge.target);
  }
  return false;
}

/** Why an edge cannot join these nodes, or undefined when it can (what the server would refuse). */
export function edgeProblem(graph: Graph, edge: GraphEdge): string | undefined {
  const source = graph.nodes.find((node) => node.id === edge.source);
  const target = graph.nodes.find((node) => node.id === edge.target);
  if (!source || !target) return 'Both ends must be nodes of this workflow.';
  if (source.id === target.id) return 'A node cannot connect to itself.';
  if (source.type === 'end') return 'An end node has no outgoing edges.';
  if (target.type === 'start') return 'The start node has no incoming edges.';
  const handles = branchHandles(source.type);
  if (handles && (edge.source_handle === undefined || !handles.includes(edge.source_handle))) return `Choose the branch: ${handles.join(' or ')}.`;
  if (!handles && edge.source_handle !== undefined) return 'Only branching nodes have branches.';
  const same = (other: GraphEdge) => other.source === edge.source && other.target === edge.target && other.source_handle === edge.source_handle;
  if (graph.edges.some(same)) return 'These nodes are already connected.';
  if (reaches(graph, target.id, source.id)) return 'This edge would make a cycle.';
  return undefined;
}

export function addEdge(graph: Graph, edge: GraphEdge): Graph {
  return { ...graph, edges: [...graph.edges, edge] };
}

/** The nodes upstream of a node: those with a path of edges to it. */
export function upstreamOf(graph: Graph, id: string): Set<string> {
  const found = new Set<string>();
  const stack = [id];
  while (stack.length > 0) {
    const at = stack.pop()!;
    for (const edge of graph.edges) {
      if (edge.target === at && !found.has(edge.source)) {
        found.add(edge.source);
        stack.push(edge.source);
      }
    }
  }
  found.delete(id);
  return found;
}
