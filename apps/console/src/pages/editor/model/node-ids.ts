import type { Graph, GraphNode } from './graph';

/** Node ids are identifiers so that `{{ node_id.path }}` references can name them (API.md). */
export const NODE_ID = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_ID_LENGTH = 128;

/**
 * A readable id for a new node of a type: `start` for the start node (references read
 * `{{ start.name }}`), otherwise the type and the smallest free number (`template_1`, `llm_2`).
 */
export function newNodeId(type: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (type === 'start' && !used.has('start')) return 'start';
  let base = type.replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z_]/.test(base)) base = `node_${base}`;
  for (let n = 1; ; n++) {
    const id = `${base}_${n}`;
    if (!used.has(id)) return id;
  }
}

/** Why `id` cannot name `node` in the graph, or undefined when it can. */
export function nodeIdProblem(id: string, node: Pick<GraphNode, 'id' | 'type'>, graph: Graph): string | undefined {
  if (id === '') return 'Enter an id.';
  if (id.length > MAX_ID_LENGTH) return `At most ${MAX_ID_LENGTH} characters.`;
  if (!NODE_ID.test(id)) return 'Use letters, digits and _, not starting with a digit.';
  if (id === 'env') return '"env" is reserved for environment variables.';
  if (id === 'start' && node.type !== 'start') return '"start" is reserved for the start node.';
  if (id !== node.id && graph.nodes.some((other) => other.id === id)) return `Another node is named "${id}".`;
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `text` with the node `from` renamed `to` wherever an expression names it: inside `{{ … }}` and
 * Liquid `{% … %}` blocks, as the root of a path (`from.x`, `from[0]`) or alone (`{{ from }}`),
 * never as a field of something else (`other.from`).
 */
export function renameInText(text: string, from: string, to: string): string {
  if (!text.includes(from) || !/\{[{%]/.test(text)) return text;
  const root = new RegExp(`(?<![A-Za-z0-9_$.\\-])${escapeRegExp(from)}(?![A-Za-z0-9_$\\-])`, 'g');
  return text.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, (block) => block.replace(root, to));
}

function renameInValue(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return renameInText(value, from, to);
  if (Array.isArray(value)) {
    const next = value.map((item) => renameInValue(item, from, to));
    return next.some((item, i) => item !== value[i]) ? next : value;
  }
  if (value !== null && typeof value === 'object') {
    let changed = false;
    const next: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const renamed = renameInValue(item, from, to);
      if (renamed !== item) changed = true;
      Object.defineProperty(next, key, { value: renamed, enumerable: true, writable: true, configurable: true });
    }
    return changed ? next : value;
  }
  return value;
}

/** The graph with node `from` called `to`: its edges and every reference to it follow. */
export function renameNode(graph: Graph, from: string, to: string): Graph {
  if (from === to) return graph;
  return {
    ...graph,
    nodes: graph.nodes.map((node) => {
      const data = renameInValue(node.data, from, to) as GraphNode['data'];
      if (node.id !== from && data === node.data) return node;
      return { ...node, id: node.id === from ? to : node.id, data };
    }),
    edges: graph.edges.map((edge) =>
      edge.source === from || edge.target === from
        ? { ...edge, source: edge.source === from ? to : edge.source, target: edge.target === from ? to : edge.target }
        : edge,
    ),
  };
}
