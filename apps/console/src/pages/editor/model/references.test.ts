import { describe, expect, it } from 'vitest';
import type { NodeTypeInfo } from '../../../api/types';
import sample from '../../../testing/node-types.json';
import type { Graph } from './graph';
import { availableReferences } from './references';

const nodeTypes = (sample as { items: NodeTypeInfo[] }).items;

const graph: Graph = {
  nodes: [
    { id: 'start', type: 'start', data: { inputs: [{ name: 'name', type: 'string' }, { name: 'count', type: 'number' }] } },
    { id: 'template_1', type: 'template', data: { template: '' } },
    { id: 'llm_1', type: 'llm', data: {} },
    { id: 'vars', type: 'variable_assign', data: { values: { city: 'Paris' } } },
    { id: 'side', type: 'http_request', data: {} },
    { id: 'end', type: 'end', data: { outputs: {} } },
  ],
  edges: [
    { source: 'start', target: 'template_1' },
    { source: 'template_1', target: 'llm_1' },
    { source: 'llm_1', target: 'vars' },
    { source: 'vars', target: 'end' },
    { source: 'start', target: 'side' },
  ],
};

describe('availableReferences', () => {
  it('offers start inputs by name, upstream outputs from their schemas, and env', () => {
    const paths = availableReferences(graph, 'end', nodeTypes).map((reference) => reference.path);
    expect(paths).toEqual([
      'start.name',
      'start.count',
      'template_1.output',
      'llm_1.text',
      'llm_1.usage',
      'llm_1.usage.prompt_tokens',
      'llm_1.usage.completion_tokens',
      'llm_1.usage.total_tokens',
      'vars.city',
      'env.',
    ]);
  });

  it('offers only what is upstream: not the node itself, not a parallel branch', () => {
    const paths = availableReferences(graph, 'llm_1', nodeTypes).map((reference) => reference.path);
    expect(paths).toContain('template_1.output');
    expect(paths.some((path) => path.startsWith('llm_1'))).toBe(false);
    expect(paths.some((path) => path.startsWith('side'))).toBe(false);
  });

  it('offers a node whose outputs are free-form as a whole', () => {
    const withCode: Graph = { nodes: [...graph.nodes, { id: 'code_1', type: 'code', data: {} }], edges: [...graph.edges, { source: 'code_1', target: 'end' }] };
    expect(availableReferences(withCode, 'end', nodeTypes).map((reference) => reference.path)).toContain('code_1');
  });
});
