import { describe, expect, it } from 'vitest';
import { validateGraph } from '../src/graph/validate.js';
import { createTestWorld, graphOf, nodeFinished, run } from './engine-fixtures.js';

function nested(levels: number, leaf: unknown = 'bottom'): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf };
  for (let i = 0; i < levels; i++) value = { d: value };
  return value;
}

function templateRun(template: string, inputs: unknown[] = []) {
  return graphOf(
    [
      { id: 'start', type: 'start', data: { inputs } },
      { id: 'render', type: 'template', data: { template } },
      { id: 'end', type: 'end', data: { outputs: { text: '{{ render.output }}' } } },
    ],
    ['start->render', 'render->end'],
  );
}

describe('bad input: template bombs', () => {
  it('fails a run whose template loops over a huge range, at once and with a clear error', async () => {
    const { catalog } = createTestWorld();
    const { result, events } = await run(templateRun('{% for i in (1..100000000) %}{{ i }}{% endfor %}'), catalog);
    expect(result).toMatchObject({ status: 'failed', error: 'node render failed: template exceeded its memory limit (10000000 units)' });
    expect(nodeFinished(events, 'render')?.status).toBe('failed');
  });

  it('fails a template whose output would pass 1 MiB', async () => {
    const { catalog } = createTestWorld();
    const graph = templateRun('{% for i in (1..200000) %}{{ start.chunk }}{% endfor %}', [{ name: 'chunk', type: 'string' }]);
    const { result } = await run(graph, catalog, { inputs: { chunk: 'x'.repeat(1_000) } });
    expect(result).toMatchObject({ status: 'failed', error: 'node render failed: template output exceeds 1048576 characters' });
  });

  it('runs other runs to the end while one fails its template', async () => {
    const { catalog } = createTestWorld();
    const [bomb, fine] = await Promise.all([
      run(templateRun('{% for i in (1..100000000) %}x{% endfor %}'), catalog),
      run(templateRun('fine'), catalog),
    ]);
    expect(bomb.result.status).toBe('failed');
    expect(fine.result).toMatchObject({ status: 'succeeded', outputs: { text: 'fine' } });
  });
});

describe('bad input: deep nesting', () => {
  it('passes inputs nested 5,000 levels through references without walking them', async () => {
    const { catalog } = createTestWorld();
    const deep = nested(5_000);
    const graph = graphOf(
      [
        { id: 'start', type: 'start', data: { inputs: [{ name: 'deep', type: 'object', required: true }] } },
        { id: 'vars', type: 'variable_assign', data: { values: { deep: '{{ start.deep }}', top: '{{ start.deep.d.d }}' } } },
        { id: 'end', type: 'end', data: { outputs: { deep: '{{ vars.deep }}', has_top: '{{ vars.top.d }}' } } },
      ],
      ['start->vars', 'vars->end'],
    );
    const { result } = await run(graph, catalog, { inputs: { deep } });
    expect(result.status).toBe('succeeded');
    expect(result.outputs['deep']).toBe(deep);
  });

  it('fails, with a clear error, a template that must print a value too deep to print', async () => {
    const { catalog } = createTestWorld();
    const graph = templateRun('{{ start.deep | json }}', [{ name: 'deep', type: 'object' }]);
    const { result } = await run(graph, catalog, { inputs: { deep: nested(100_000) } });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/^node render failed: template failed: a value nests too deeply/);
  });

  it('fails, with a clear error, text that must embed a value too deep for JSON', async () => {
    const { catalog } = createTestWorld();
    const graph = graphOf(
      [
        { id: 'start', type: 'start', data: { inputs: [{ name: 'deep', type: 'object' }] } },
        { id: 'end', type: 'end', data: { outputs: { text: 'value: {{ start.deep }}' } } },
      ],
      ['start->end'],
    );
    const { result } = await run(graph, catalog, { inputs: { deep: nested(100_000) } });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/^node end failed: cannot render \{\{ start.deep \}\} as text/);
  });

  it('refuses a graph whose node data nests 5,000 levels, in validation and in a run', async () => {
    const { catalog } = createTestWorld();
    const graph = graphOf(
      [
        { id: 'start', type: 'start', data: {} },
        { id: 'end', type: 'end', data: { outputs: nested(5_000) } },
      ],
      ['start->end'],
    );
    expect(validateGraph(graph, catalog)).toEqual([{ path: '/nodes/1/data', message: 'nests deeper than 64 levels' }]);
    const { result } = await run(graph, catalog);
    expect(result).toMatchObject({ status: 'failed', error: 'invalid graph: /nodes/1/data: nests deeper than 64 levels' });
  });

  it('refuses sub-graphs nested 5,000 levels deep without recursing into them', () => {
    const { catalog } = createTestWorld();
    let graph: Record<string, unknown> = { nodes: [], edges: [] };
    for (let i = 0; i < 5_000; i++) {
      graph = graphOf(
        [
          { id: 'start', type: 'start', data: {} },
          { id: 'loop', type: 'test_loop', data: { items: [], graph } },
          { id: 'end', type: 'end', data: { outputs: {} } },
        ],
        ['start->loop', 'loop->end'],
      );
    }
    expect(validateGraph(graph, catalog)).toEqual([{ path: '/nodes/1/data', message: 'nests deeper than 64 levels' }]);
  });
});

describe('bad input: large graphs and values', () => {
  it('validates and runs a 500-node chain', async () => {
    const { catalog } = createTestWorld();
    const ids = Array.from({ length: 498 }, (_, i) => `v${i}`);
    const graph = graphOf(
      [
        { id: 'start', type: 'start', data: {} },
        ...ids.map((id, i) => ({ id, type: 'variable_assign', data: { values: { n: i === 0 ? 0 : `{{ ${ids[i - 1]}.n }}` } } })),
        { id: 'end', type: 'end', data: { outputs: { n: `{{ ${ids.at(-1)}.n }}` } } },
      ],
      ['start->v0', ...ids.slice(1).map((id, i) => `${ids[i]}->${id}`), `${ids.at(-1)}->end`],
    );
    expect(validateGraph(graph, catalog)).toEqual([]);
    const { result } = await run(graph, catalog);
    expect(result).toMatchObject({ status: 'succeeded', outputs: { n: 0 } });
  });

  it('handles a large string input without copying it around', async () => {
    const { catalog } = createTestWorld();
    const big = 'x'.repeat(5_000_000);
    const graph = graphOf(
      [
        { id: 'start', type: 'start', data: { inputs: [{ name: 'big', type: 'string' }] } },
        { id: 'end', type: 'end', data: { outputs: { big: '{{ start.big }}' } } },
      ],
      ['start->end'],
    );
    const { result } = await run(graph, catalog, { inputs: { big } });
    expect(result.outputs['big']).toBe(big);
  });
});
