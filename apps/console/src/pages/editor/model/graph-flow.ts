import type { Edge, Node } from '@xyflow/react';
import type { Graph, GraphEdge, GraphNode } from './graph';
import { layoutPositions } from './layout';

/**
 * What a canvas node carries: the API node it shows. The canvas adds what it decorates a node
 * with (problems, run state) beside it; the mapping back reads `node` only.
 */
export type FlowNodeData = { node: GraphNode } & Record<string, unknown>;
export type FlowNode = Node<FlowNodeData, 'workflow'>;
export type FlowEdgeData = { edge: GraphEdge } & Record<string, unknown>;
export type FlowEdge = Edge<FlowEdgeData>;

export interface Flow {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

/** Edges have no id in the API: on the canvas an edge is named by its index in the graph. */
export function edgeFlowId(index: number): string {
  return `e${index}`;
}

export function edgeIndexOf(flowId: string): number | undefined {
  const match = /^e(\d+)$/.exec(flowId);
  return match ? Number(match[1]) : undefined;
}

/**
 * The graph as React Flow nodes and edges, in the graph's order (problems name nodes and edges by
 * index). A node without a position is placed by the left-to-right layout.
 */
export function graphToFlow(graph: Graph): Flow {
  const missing = graph.nodes.some((node) => node.position === undefined);
  const laid = missing ? layoutPositions(graph) : {};
  const nodes = graph.nodes.map(
    (node): FlowNode => ({
      id: node.id,
      type: 'workflow',
      position: node.position ?? laid[node.id] ?? { x: 0, y: 0 },
      ariaLabel: `Node ${node.id}`,
      data: { node },
    }),
  );
  const edges = graph.edges.map(
    (edge, i): FlowEdge => ({
      id: edgeFlowId(i),
      source: edge.source,
      target: edge.target,
      sourceHandle: edge.source_handle ?? null,
      data: { edge },
    }),
  );
  return { nodes, edges };
}

/**
 * The graph a canvas shows: each node as it was with the canvas's position, each edge as it was
 * with the canvas's endpoints. Fields the editor does not know (on nodes, edges and the graph,
 * taken from `rest`) are kept, so a graph survives the canvas unchanged.
 */
export function flowToGraph(flow: Flow, rest: Omit<Graph, 'nodes' | 'edges'> = {}): Graph {
  const nodes = flow.nodes.map((flowNode): GraphNode => {
    const node: GraphNode = { ...flowNode.data.node, id: flowNode.id };
    node.position = { x: flowNode.position.x, y: flowNode.position.y };
    return node;
  });
  return { nodes, edges: flow.edges.map(connectionToEdge), ...rest };
}

/**
 * The API edge of a canvas edge or of a new connection: its endpoints, the source handle as
 * `source_handle` (an `if_else` branch), and the fields of the edge it was made from.
 */
export function connectionToEdge(connection: { source: string; target: string; sourceHandle?: string | null; data?: Record<string, unknown> }): GraphEdge {
  const from = connection.data?.edge as GraphEdge | undefined;
  const edge: GraphEdge = { ...from, source: connection.source, target: connection.target };
  if (connection.sourceHandle === null || connection.sourceHandle === undefined) delete edge.source_handle;
  else edge.source_handle = connection.sourceHandle;
  return edge;
}

/** The graph's fields other than nodes and edges. */
export function graphRest(graph: Graph): Omit<Graph, 'nodes' | 'edges'> {
  const { nodes: _nodes, edges: _edges, ...rest } = graph;
  return rest;
}
