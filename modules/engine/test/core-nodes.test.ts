import { describe, expect, it } from 'vitest';
import { ValidationError } from '@flowgate/kernel';
import { coreNodes, createNodeCatalog } from '../src/nodes/catalog.js';
import { endNode } from '../src/nodes/end.js';
import { evaluateCondition, ifElseNode } from '../src/nodes/if-else.js';
import type { NodeContext } from '../src/nodes/node-type.js';
import { startNode } from '../src/nodes/start.js';
import { createTemplateNode, templateNode } from '../src/nodes/template.js';
import { variableAssignNode } from '../src/nodes/variable-assign.js';
import { noServices, silentLogger } from './engine-fixtures.js';

function context<D>(data: D, scope: Record<string, unknown> = {}): NodeContext<D> {
  return {
    data,
    nodeId: 'node',
    runId: 'run',
    signal: new AbortController().signal,
    scope,
    emitText: () => {},
    recordUsage: () => {},
    services: noServices,
    logger: silentLogger,
  };
}

describe('start node', () => {
  const data = { inputs: [{ name: 'name', type: 'string' as const, required: true }, { name: 'n', type: 'number' as const, default: 1 }] };

  it('outputs the run inputs, validated, with defaults', async () => {
    await expect(startNode.execute(context(data, { start: { name: 'Ada', other: true } }))).resolves.toEqual({ name: 'Ada', n: 1 });
  });

  it('refuses missing or mistyped inputs with their paths', async () => {
    const failure = startNode.execute(context(data, { start: { n: 'x' } }));
    await expect(failure).rejects.toBeInstanceOf(ValidationError);
    await expect(failure).rejects.toMatchObject({
      errors: [
        { path: '/inputs/name', message: 'is required (string)' },
        { path: '/inputs/n', message: 'must be a number' },
      ],
    });
  });
});

describe('end and variable_assign nodes', () => {
  it('end outputs its resolved outputs map', async () => {
    await expect(endNode.execute(context({ outputs: { a: 1, b: 'x' } }))).resolves.toEqual({ a: 1, b: 'x' });
  });

  it('variable_assign outputs its values', async () => {
    await expect(variableAssignNode.execute(context({ values: { list: [1, 2], name: 'n' } }))).resolves.toEqual({ list: [1, 2], name: 'n' });
  });
});

describe('template node', () => {
  const render = (template: string, scope: Record<string, unknown> = {}) => templateNode.execute(context({ template }, scope));

  it('renders Liquid over the scope: variables, filters, loops, conditions', async () => {
    const scope = { start: { name: 'ada', items: [{ n: 1 }, { n: 2 }] }, greet: { output: 'hi' } };
    await expect(render('{{ greet.output }} {{ start.name | upcase }}{% for i in start.items %} {{ i.n }}{% endfor %}{% if start.name == "ada" %}!{% endif %}', scope)).resolves.toEqual({
      output: 'hi ADA 1 2!',
    });
  });

  it('prints objects and arrays as JSON and missing values as nothing', async () => {
    await expect(render('{{ o }} {{ a }} [{{ missing.x }}{{ n }}]', { o: { x: 1 }, a: [1, 'b'], n: null })).resolves.toEqual({ output: '{"x":1} [1,"b"] []' });
  });

  it('reads own properties only', async () => {
    await expect(render('[{{ o.constructor }}{{ o.__proto__ }}{{ o.toString }}]', { o: { x: 1 } })).resolves.toEqual({ output: '[]' });
  });

  it('cannot include, render or lay out other templates or files', async () => {
    for (const tag of ['include', 'render', 'layout']) {
      await expect(render(`{% ${tag} "/etc/passwd" %}`)).rejects.toThrow(`{% ${tag} %} is not available`);
    }
  });

  it('fails a syntax error with a clear message', async () => {
    await expect(render('{% for x in %}')).rejects.toThrow(/^template failed: /);
    await expect(render('{{ x | no_such_filter }}')).rejects.toThrow('undefined filter: no_such_filter');
  });

  it('stops a range bomb at its memory limit at once', async () => {
    await expect(render('{% for i in (1..100000000) %}x{% endfor %}')).rejects.toThrow('template exceeded its memory limit');
  });

  it('stops a render past its time limit', async () => {
    const node = createTemplateNode({ renderTimeMs: 20 });
    const bomb = '{% for i in (1..10000) %}{% for j in (1..10000) %}{{ j }}{% endfor %}{% endfor %}';
    await expect(node.execute(context({ template: bomb }))).rejects.toThrow('template took longer than 20 ms to render');
  });

  it('stops output past its size limit', async () => {
    const node = createTemplateNode({ maxOutputChars: 1_000 });
    await expect(node.execute(context({ template: '{% for i in (1..1000) %}{{ i }}{% endfor %}' }))).rejects.toThrow('template output exceeds 1000 characters');
    await expect(render('{% for i in (1..2000000) %}xxxxxxxxxx{% endfor %}')).rejects.toThrow('template output exceeds 1048576 characters');
  });

  it('fails on a value nested 5,000 levels deep instead of crashing', async () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 5_000; i++) deep = { d: deep };
    await expect(render('{{ deep | json }}', { deep })).rejects.toThrow(/template failed/);
    await expect(render('{% if deep.d.d.d %}found{% endif %}', { deep })).resolves.toEqual({ output: 'found' });
  });
});

describe('if_else node', () => {
  const decide = (conditions: { left: unknown; op: string; right?: unknown }[], logic?: 'and' | 'or') =>
    ifElseNode.execute(context({ conditions, logic } as never));

  it.each([
    ['eq', 5, '5', true],
    ['eq', 'a', 'a', true],
    ['eq', '1.0', '1', false],
    ['eq', true, 'true', true],
    ['eq', { a: [1] }, { a: [1] }, true],
    ['ne', 1, 2, true],
    ['gt', 10, '9', true],
    ['gte', 2, 2, true],
    ['lt', 'apple', 'banana', true],
    ['lte', 3, 2, false],
    ['contains', 'hello', 'ell', true],
    ['contains', ['a', 'b'], 'b', true],
    ['contains', { k: 1 }, 'k', true],
    ['contains', null, 'x', false],
    ['not_contains', [1, 2], 3, true],
    ['starts_with', 'hello', 'he', true],
    ['ends_with', 'hello', 'lo', true],
    ['ends_with', undefined, 'lo', false],
    ['empty', '', undefined, true],
    ['empty', [], undefined, true],
    ['empty', {}, undefined, true],
    ['empty', 0, undefined, false],
    ['not_empty', 'x', undefined, true],
  ])('%s(%j, %j) is %s', (op, left, right, expected) => {
    expect(evaluateCondition({ left, op: op as never, right })).toBe(expected);
  });

  it('joins conditions with and (default) or or', async () => {
    const conditions = [
      { left: 1, op: 'eq', right: 1 },
      { left: 1, op: 'eq', right: 2 },
    ];
    await expect(decide(conditions)).resolves.toEqual({ result: false });
    await expect(decide(conditions, 'or')).resolves.toEqual({ result: true });
  });

  it('fails clearly on an order comparison of things that are not numbers or strings', async () => {
    await expect(decide([{ left: { a: 1 }, op: 'gt', right: 1 }])).rejects.toThrow('gt compares numbers or strings, not an object and number');
  });

  it('requires a right operand except for empty and not_empty', () => {
    expect(ifElseNode.validate!({ conditions: [{ left: 1, op: 'eq' }, { left: 1, op: 'empty' }] })).toEqual([{ path: '/conditions/0/right', message: 'is required by eq' }]);
  });
});

describe('catalog', () => {
  it('looks node types up by name and refuses two types of one name', () => {
    const catalog = createNodeCatalog(coreNodes);
    expect(catalog.list().map((node) => node.type)).toEqual(['start', 'end', 'template', 'if_else', 'variable_assign']);
    expect(catalog.get('template')).toBe(templateNode);
    expect(catalog.get('nope')).toBeUndefined();
    expect(catalog.get('toString')).toBeUndefined();
    expect(() => createNodeCatalog([templateNode, templateNode])).toThrow('node type "template" is listed twice');
  });
});
