import { Type } from '@sinclair/typebox';
import { defineNode } from './node-type.js';

/**
 * Runs a sub-graph once per item of an array, with `{{ item }}` and `{{ index }}` in scope (and
 * the enclosing node's upstream outputs), `concurrency` at a time; the results keep the items'
 * order. One failing item fails the node.
 */
export const iterationNode = defineNode({
  type: 'iteration',
  summary: 'Run a sub-graph once per item of an array',
  data: Type.Object({
    items: Type.Unknown({ description: 'A reference to an array, e.g. "{{ http.body.items }}"' }),
    graph: Type.Object({ nodes: Type.Array(Type.Unknown()), edges: Type.Array(Type.Unknown()) }, { additionalProperties: true }),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 32, default: 1 })),
  }, { additionalProperties: false }),
  output: Type.Object({ results: Type.Array(Type.Record(Type.String(), Type.Unknown())) }),
  raw: ['graph'],
  rawKinds: { graph: 'graph' },
  async execute({ data, scope, services, signal }) {
    if (!Array.isArray(data.items)) throw new Error(`items must be an array, got ${data.items === null ? 'null' : typeof data.items}`);
    const items = data.items;
    if (items.length > 10_000) throw new Error(`iteration over ${items.length} items exceeds the limit of 10000`);
    const results: Record<string, unknown>[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        signal.throwIfAborted();
        const index = next++;
        results[index] = await services.runSubGraph(data.graph, { ...scope, item: items[index], index });
      }
    };
    await Promise.all(Array.from({ length: Math.min(data.concurrency ?? 1, Math.max(1, items.length)) }, worker));
    return { results };
  },
});
