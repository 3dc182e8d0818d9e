import type { NodeTypeInfo } from '../../../api/types';
import { asSchema, type JsonSchema } from '../schema-form/json-schema';
import { isPlainObject, type Graph, type GraphNode } from './graph';
import { upstreamOf } from './graph-ops';

/** A reference a field may insert: `{{ <path> }}`, and where its value comes from. */
export interface ReferenceOption {
  /** What goes between the braces: `start.name`, `template_1.output`, `env.` (to be completed). */
  path: string;
  /** The node (or `start`, `env`) the reference reads, to group the list by. */
  source: string;
  /** The value's type when the output schema says it. */
  type?: string;
}

/** Output fields, two levels deep (`llm_1.usage.total_tokens`), from an output schema. */
function schemaPaths(schema: JsonSchema, prefix: string, depth: number): { path: string; type?: string }[] {
  const out: { path: string; type?: string }[] = [];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}.${name}`;
    out.push({ path, type: typeof property.type === 'string' ? property.type : undefined });
    if (depth > 1 && property.properties) out.push(...schemaPaths(property, path, depth - 1));
  }
  return out;
}

/** Outputs named by the node's own data, for types whose outputs are what their data says. */
function dataPaths(node: GraphNode): { path: string }[] {
  const named = node.type === 'variable_assign' ? node.data.values : undefined;
  return isPlainObject(named) ? Object.keys(named).map((name) => ({ path: `${node.id}.${name}` })) : [];
}

/**
 * The references a field of node `nodeId` can use: the start node's inputs, the outputs of every
 * node upstream of it (from each type's output schema, or the node's data where the outputs are
 * free-form), and `env.`. A node whose outputs are not known field by field is offered whole.
 */
export function availableReferences(graph: Graph, nodeId: string, nodeTypes: readonly NodeTypeInfo[]): ReferenceOption[] {
  const options: ReferenceOption[] = [];
  const start = graph.nodes.find((node) => node.type === 'start');
  const inputs = start?.data.inputs;
  if (Array.isArray(inputs)) {
    for (const input of inputs) {
      if (isPlainObject(input) && typeof input.name === 'string' && input.name !== '') {
        options.push({ path: `start.${input.name}`, source: 'start', type: typeof input.type === 'string' ? input.type : undefined });
      }
    }
  }
  const upstream = upstreamOf(graph, nodeId);
  for (const node of graph.nodes) {
    if (!upstream.has(node.id) || node.type === 'start') continue;
    const output = asSchema(nodeTypes.find((type) => type.type === node.type)?.output);
    const paths = [...schemaPaths(output, node.id, 2), ...dataPaths(node)];
    if (paths.length === 0) paths.push({ path: node.id });
    for (const path of paths) options.push({ ...path, source: node.id });
  }
  options.push({ path: 'env.', source: 'env' });
  return options;
}
