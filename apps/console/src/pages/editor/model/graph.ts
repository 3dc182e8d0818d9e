/**
 * The workflow graph as API.md writes it, typed for the editor. The server keeps extra fields on
 * nodes and edges unchanged (the engine ignores them), so the editor stores each node's canvas
 * position in the graph itself as `position: {x, y}`, and never drops a field it does not know.
 */

export interface NodePosition {
  x: number;
  y: number;
}

export interface NodeRetry {
  max_attempts: number;
  backoff_ms?: number;
}

export interface GraphNode {
  id: string;
  type: string;
  data: Record<string, unknown>;
  on_error?: 'fail' | 'continue';
  retry?: NodeRetry;
  timeout_ms?: number;
  position?: NodePosition;
  [extra: string]: unknown;
}

export interface GraphEdge {
  source: string;
  target: string;
  source_handle?: string;
  [extra: string]: unknown;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  [extra: string]: unknown;
}

/** The handles of node types whose out-edges branch (mirrors the engine's table). */
export const BRANCH_HANDLES: Readonly<Record<string, readonly string[]>> = { if_else: ['true', 'false'] };

export function branchHandles(type: string): readonly string[] | undefined {
  return Object.hasOwn(BRANCH_HANDLES, type) ? BRANCH_HANDLES[type] : undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isPosition(value: unknown): value is NodePosition {
  return isPlainObject(value) && Number.isFinite(value.x) && Number.isFinite(value.y);
}

/**
 * A value as a graph the canvas can show, or why not. Only the shape is checked (what the canvas
 * needs: unique node ids, edges naming strings); everything else is the server's to judge.
 */
export function parseGraph(value: unknown): { graph: Graph } | { error: string } {
  if (!isPlainObject(value)) return { error: 'The graph must be an object with "nodes" and "edges".' };
  if (!Array.isArray(value.nodes)) return { error: '"nodes" must be an array.' };
  if (!Array.isArray(value.edges)) return { error: '"edges" must be an array.' };
  const ids = new Set<string>();
  for (const [i, node] of value.nodes.entries()) {
    const at = `nodes[${i}]`;
    if (!isPlainObject(node)) return { error: `${at} must be an object.` };
    if (typeof node.id !== 'string' || node.id === '') return { error: `${at}.id must be a non-empty string.` };
    if (ids.has(node.id)) return { error: `${at}.id "${node.id}" is used by another node.` };
    ids.add(node.id);
    if (typeof node.type !== 'string' || node.type === '') return { error: `${at}.type must be a non-empty string.` };
    if (!isPlainObject(node.data)) return { error: `${at}.data must be an object.` };
    if (node.position !== undefined && !isPosition(node.position)) return { error: `${at}.position must be {"x": number, "y": number}.` };
  }
  for (const [i, edge] of value.edges.entries()) {
    const at = `edges[${i}]`;
    if (!isPlainObject(edge)) return { error: `${at} must be an object.` };
    if (typeof edge.source !== 'string' || typeof edge.target !== 'string') return { error: `${at} must have "source" and "target" strings.` };
    if (edge.source_handle !== undefined && typeof edge.source_handle !== 'string') return { error: `${at}.source_handle must be a string.` };
  }
  return { graph: value as Graph };
}

/** The start node's declared inputs, as the run panel wants them. */
export function startInputsOf(graph: Graph): StartInput[] {
  const start = graph.nodes.find((node) => node.type === 'start');
  const inputs = start?.data.inputs;
  return Array.isArray(inputs) ? inputs.filter((input): input is StartInput => isPlainObject(input) && typeof input.name === 'string') : [];
}

/** A start node's declared input (`data.inputs[]` of the graph's `start` node). */
export interface StartInput {
  name: string;
  type: 'string' | 'number' | 'boolean' | 'object' | 'array';
  required?: boolean;
  default?: unknown;
  description?: string;
}

/** Two graphs with the same JSON (key order aside only where the same code built both). */
export function sameGraph(a: Graph, b: Graph): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
