import { describe, expect, it } from 'vitest';
import { validateRunInputs, type StartData } from '../src/graph/run-inputs.js';

const start: StartData = {
  inputs: [
    { name: 'name', type: 'string', required: true },
    { name: 'count', type: 'number', default: 2 },
    { name: 'loud', type: 'boolean' },
    { name: 'options', type: 'object' },
    { name: 'tags', type: 'array', required: true, default: [] },
  ],
};

describe('validateRunInputs', () => {
  it('accepts inputs of the declared types and applies defaults', () => {
    const { values, problems } = validateRunInputs(start, { name: 'Ada', loud: true, options: { a: 1 } });
    expect(problems).toEqual([]);
    expect(values).toEqual({ name: 'Ada', count: 2, loud: true, options: { a: 1 }, tags: [] });
  });

  it('reports each missing required input and each wrong type at /inputs/<name>', () => {
    const { problems } = validateRunInputs(start, { count: '3', loud: 'yes', options: [1], tags: {} });
    expect(problems).toEqual([
      { path: '/inputs/name', message: 'is required (string)' },
      { path: '/inputs/count', message: 'must be a number' },
      { path: '/inputs/loud', message: 'must be a boolean' },
      { path: '/inputs/options', message: 'must be an object' },
      { path: '/inputs/tags', message: 'must be an array' },
    ]);
  });

  it('treats null as not given, and refuses non-finite numbers', () => {
    expect(validateRunInputs(start, { name: null }).problems).toEqual([{ path: '/inputs/name', message: 'is required (string)' }]);
    expect(validateRunInputs({ inputs: [{ name: 'n', type: 'number' }] }, { n: Number.NaN }).problems).toEqual([{ path: '/inputs/n', message: 'must be a number' }]);
  });

  it('ignores inputs the start node does not declare', () => {
    const { values, problems } = validateRunInputs(start, { name: 'Ada', extra: 'dropped' });
    expect(problems).toEqual([]);
    expect(values).not.toHaveProperty('extra');
  });

  it('refuses inputs that are not an object', () => {
    expect(validateRunInputs(start, ['Ada']).problems).toEqual([{ path: '/inputs', message: 'must be an object' }]);
    expect(validateRunInputs({}, undefined)).toEqual({ values: {}, problems: [] });
  });

  it('accepts deeply nested object inputs without walking them', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 5_000; i++) deep = { d: deep };
    const { values, problems } = validateRunInputs({ inputs: [{ name: 'deep', type: 'object' }] }, { deep });
    expect(problems).toEqual([]);
    expect(values['deep']).toBe(deep);
  });
});
