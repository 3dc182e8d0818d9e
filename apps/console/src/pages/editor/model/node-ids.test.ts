import { describe, expect, it } from 'vitest';
import type { Graph } from './graph';
import { newNodeId, nodeIdProblem, renameInText, renameNode } from './node-ids';

describe('newNodeId', () => {
  it('numbers nodes of a type from 1, taking the smallest free number', () => {
    expect(newNodeId('template', [])).toBe('template_1');
    expect(newNodeId('template', ['template_1', 'template_3'])).toBe('template_2');
    expect(newNodeId('llm', ['template_1', 'llm_1'])).toBe('llm_2');
  });

  it('calls the start node "start" while the name is free', () => {
    expect(newNodeId('start', ['end'])).toBe('start');
    expect(newNodeId('start', ['start'])).toBe('start_1');
  });

  it('always gives a valid identifier, whatever the type is called', () => {
    expect(newNodeId('9-lives', [])).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
    expect(newNodeId('http-request', [])).toBe('http_request_1');
  });
});

describe('nodeIdProblem', () => {
  const graph: Graph = { nodes: [{ id: 'start', type: 'start', data: {} }, { id: 'greet', type: 'template', data: {} }], edges: [] };
  const greet = graph.nodes[1]!;

  it('accepts a new identifier and the node keeping its own id', () => {
    expect(nodeIdProblem('welcome', greet, graph)).toBeUndefined();
    expect(nodeIdProblem('greet', greet, graph)).toBeUndefined();
  });

  it('refuses empty, non-identifier, reserved and taken ids', () => {
    expect(nodeIdProblem('', greet, graph)).toMatch(/enter/i);
    expect(nodeIdProblem('1st', greet, graph)).toMatch(/letters/);
    expect(nodeIdProblem('has-dash', greet, graph)).toMatch(/letters/);
    expect(nodeIdProblem('env', greet, graph)).toMatch(/reserved/);
    expect(nodeIdProblem('start', greet, graph)).toMatch(/reserved for the start node/);
    expect(nodeIdProblem('x'.repeat(129), greet, graph)).toMatch(/128/);
  });

  it('refuses the id of another node', () => {
    const other = { id: 'other', type: 'template' };
    expect(nodeIdProblem('greet', other, graph)).toMatch(/Another node/);
  });
});

describe('renameInText', () => {
  it('renames the node where a reference or Liquid expression names it', () => {
    expect(renameInText('Hi {{ greet.output }}!', 'greet', 'hello')).toBe('Hi {{ hello.output }}!');
    expect(renameInText('{{greet.output|upcase}}', 'greet', 'hello')).toBe('{{hello.output|upcase}}');
    expect(renameInText('{% for x in greet.items %}{{ x }}{% endfor %}', 'greet', 'hello')).toBe('{% for x in hello.items %}{{ x }}{% endfor %}');
    expect(renameInText('{{ greet }}', 'greet', 'hello')).toBe('{{ hello }}');
  });

  it('leaves text outside expressions, fields of other nodes and longer names alone', () => {
    expect(renameInText('greet.output is {{ other.greet }}', 'greet', 'hello')).toBe('greet.output is {{ other.greet }}');
    expect(renameInText('{{ greeter.output }} {{ greet_2.output }}', 'greet', 'hello')).toBe('{{ greeter.output }} {{ greet_2.output }}');
  });
});

describe('renameNode', () => {
  const graph: Graph = {
    nodes: [
      { id: 'start', type: 'start', data: { inputs: [{ name: 'name', type: 'string' }] } },
      { id: 'template_1', type: 'template', data: { template: 'Hello {{ start.name }}' } },
      { id: 'end', type: 'end', data: { outputs: { greeting: '{{ template_1.output }}', nested: { list: ['{{ template_1.output }} again'] } } } },
    ],
    edges: [
      { source: 'start', target: 'template_1' },
      { source: 'template_1', target: 'end' },
    ],
  };

  it('renames the node, its edges and every reference to it', () => {
    const renamed = renameNode(graph, 'template_1', 'greet');
    expect(renamed.nodes.map((node) => node.id)).toEqual(['start', 'greet', 'end']);
    expect(renamed.edges).toEqual([
      { source: 'start', target: 'greet' },
      { source: 'greet', target: 'end' },
    ]);
    expect(renamed.nodes[2]!.data).toEqual({ outputs: { greeting: '{{ greet.output }}', nested: { list: ['{{ greet.output }} again'] } } });
  });

  it('keeps untouched nodes as they were (the canvas re-draws only what changed)', () => {
    const renamed = renameNode(graph, 'template_1', 'greet');
    expect(renamed.nodes[0]).toBe(graph.nodes[0]);
    expect(graph.nodes[1]!.id).toBe('template_1');
  });
});
