import dagre from '@dagrejs/dagre';
import type { Graph, NodePosition } from './graph';

/** The size the layout assumes for a node the canvas has not measured yet. */
export const DEFAULT_NODE_SIZE = { width: 240, height: 96 } as const;

export type NodeSizes = Readonly<Record<string, { width: number; height: number } | undefined>>;

/**
 * Left-to-right positions (top-left corners, as React Flow places nodes) for every node of a
 * graph, by dagre. Edges naming missing nodes are ignored, so a half-edited graph still lays out.
 */
export function layoutPositions(graph: Graph, sizes: NodeSizes = {}): Record<string, NodePosition> {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) {
    const size = sizes[node.id] ?? DEFAULT_NODE_SIZE;
    g.setNode(node.id, { width: size.width, height: size.height });
  }
  graph.edges.forEach((edge, i) => {
    if (g.hasNode(edge.source) && g.hasNode(edge.target) && edge.source !== edge.target) g.setEdge(edge.source, edge.target, {}, `e${i}`);
  });
  dagre.layout(g);
  const positions: Record<string, NodePosition> = {};
  for (const node of graph.nodes) {
    const laid = g.node(node.id);
    const size = sizes[node.id] ?? DEFAULT_NODE_SIZE;
    positions[node.id] = { x: Math.round(laid.x - size.width / 2), y: Math.round(laid.y - size.height / 2) };
  }
  return positions;
}

/** The graph with every node placed by the layout (the auto-layout button). */
export function withLayout(graph: Graph, sizes: NodeSizes = {}): Graph {
  const positions = layoutPositions(graph, sizes);
  return { ...graph, nodes: graph.nodes.map((node) => ({ ...node, position: positions[node.id]! })) };
}

/** The graph with a position for each node that had none; nodes already placed keep theirs. */
export function withMissingPositions(graph: Graph): Graph {
  if (graph.nodes.every((node) => node.position !== undefined)) return graph;
  const positions = layoutPositions(graph);
  return { ...graph, nodes: graph.nodes.map((node) => (node.position === undefined ? { ...node, position: positions[node.id]! } : node)) };
}
