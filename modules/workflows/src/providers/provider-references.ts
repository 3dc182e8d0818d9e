import { isUuid } from '@flowgate/kernel';

/** An `llm` node's choice of provider and model, with the node's path in the graph. */
export interface ProviderReference {
  /** JSON pointer of the node, relative to the graph: `/nodes/2`, `/nodes/4/data/graph/nodes/0`. */
  path: string;
  providerId: string;
  model: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Deeper than any sensible iteration nesting; a hostile graph cannot make the walk recurse without end. */
const MAX_DEPTH = 32;

/**
 * The LLM providers a graph uses: every `llm` node's `data.provider_id`, also inside the sub-graphs
 * of `iteration` nodes (`data.graph`). This is all the workflows module knows of node types: it
 * needs it to refuse deleting a provider that a published version uses.
 */
export function providerReferencesOf(graph: unknown): ProviderReference[] {
  const found: ProviderReference[] = [];
  const walk = (g: unknown, base: string, depth: number) => {
    if (!isObject(g) || !Array.isArray(g.nodes) || depth > MAX_DEPTH) return;
    g.nodes.forEach((node: unknown, index) => {
      if (!isObject(node) || !isObject(node.data)) return;
      const path = `${base}/nodes/${index}`;
      if (node.type === 'llm' && typeof node.data.provider_id === 'string') found.push({ path, providerId: node.data.provider_id, model: node.data.model });
      if (isObject(node.data.graph)) walk(node.data.graph, `${path}/data/graph`, depth + 1);
    });
  };
  walk(graph, '', 0);
  return found;
}

/**
 * The distinct ids of existing-looking providers a graph uses, lower-cased as PostgreSQL writes
 * uuids (an id that is no uuid names no provider).
 */
export const providerIdsOf = (graph: unknown): string[] => [...new Set(providerReferencesOf(graph).map((r) => r.providerId.toLowerCase()).filter(isUuid))];
