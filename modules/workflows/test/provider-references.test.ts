import { describe, expect, it } from 'vitest';
import { providerIdsOf, providerReferencesOf } from '../src/providers/provider-references.js';

const id = '0190a6f4-0000-7000-8000-0000000000aa';
const llm = (providerId: unknown, model?: unknown) => ({ type: 'llm', data: { provider_id: providerId, ...(model === undefined ? {} : { model }) } });

describe('provider references of a graph', () => {
  it('finds each llm node\'s provider and model with the node\'s path, also in iteration sub-graphs', () => {
    const graph = {
      nodes: [{ type: 'start', data: {} }, llm(id, 'm'), { type: 'iteration', data: { graph: { nodes: [llm('other')], edges: [] } } }],
      edges: [],
    };
    expect(providerReferencesOf(graph)).toEqual([
      { path: '/nodes/1', providerId: id, model: 'm' },
      { path: '/nodes/2/data/graph/nodes/0', providerId: 'other', model: undefined },
    ]);
  });

  it('gives distinct lower-case uuids for the side table, nothing for what names no provider', () => {
    const graph = { nodes: [llm(id), llm(id.toUpperCase()), llm('not-a-uuid'), llm(42)], edges: [] };
    expect(providerIdsOf(graph)).toEqual([id]);
  });

  it('ignores what is not a graph, and stops at absurd nesting', () => {
    for (const notAGraph of [null, 'text', 7, [], { nodes: 'x' }, { nodes: [null, 'x', { type: 'llm' }, { type: 'llm', data: null }] }]) {
      expect(providerReferencesOf(notAGraph)).toEqual([]);
    }
    let deep: unknown = { nodes: [llm(id)], edges: [] };
    for (let i = 0; i < 10_000; i++) deep = { nodes: [{ type: 'iteration', data: { graph: deep } }], edges: [] };
    expect(() => providerReferencesOf(deep)).not.toThrow();
    expect(providerReferencesOf(deep)).toEqual([]);
  });
});
