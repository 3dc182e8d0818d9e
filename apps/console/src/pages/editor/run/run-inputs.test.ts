import { describe, expect, it } from 'vitest';
import { ProblemError } from '../../../api/problem';
import { collectInputs, initialValue, inputProblemsOf, type StartInput } from './run-inputs';

const inputs: StartInput[] = [
  { name: 'name', type: 'string', required: true },
  { name: 'count', type: 'number', default: 3 },
  { name: 'loud', type: 'boolean' },
  { name: 'options', type: 'object', default: { tone: 'warm' } },
  { name: 'tags', type: 'array' },
];

describe('initialValue', () => {
  it('prefills each control with the input’s default in the control’s own terms', () => {
    expect(inputs.map(initialValue)).toEqual(['', '3', false, '{\n  "tone": "warm"\n}', '']);
    expect(initialValue({ name: 'on', type: 'boolean', default: true })).toBe(true);
  });
});

describe('collectInputs', () => {
  it('sends typed values and leaves empty fields out, so the platform applies defaults and required', () => {
    expect(collectInputs(inputs, { name: 'Ada', tags: '["a", 1]' })).toEqual({
      inputs: { name: 'Ada', count: 3, loud: false, options: { tone: 'warm' }, tags: ['a', 1] },
      problems: {},
    });
    expect(collectInputs(inputs, { name: '', count: '  ', options: '' }).inputs).toEqual({ loud: false });
  });

  it('names the input whose JSON does not parse or is of the wrong kind', () => {
    const { problems } = collectInputs(inputs, { options: '{"tone": ', tags: '{"a": 1}' });
    expect(problems.options).toMatch(/^Not valid JSON/);
    expect(problems.tags).toMatch(/JSON array/);
    expect(collectInputs(inputs, { options: '[1]' }).problems.options).toMatch(/JSON object/);
    expect(collectInputs(inputs, { count: 'abc' }).problems.count).toBe('Must be a number');
  });
});

describe('inputProblemsOf', () => {
  it('maps /inputs/<name> problems of a 422 to their inputs and keeps the others for the form', () => {
    const error = new ProblemError(422, {
      title: 'Validation failed',
      errors: [
        { path: '/inputs/name', message: 'is required (string)' },
        { path: '/inputs/unknown', message: 'is not declared' },
        { path: '/graph/nodes/1/data/template', message: 'is required' },
      ],
    });
    const { byInput, rest } = inputProblemsOf(error, inputs);
    expect(byInput).toEqual({ name: 'is required (string)' });
    expect(rest.map((problem) => problem.path)).toEqual(['/inputs/unknown', '/graph/nodes/1/data/template']);
  });

  it('decodes JSON pointer escapes in input names', () => {
    const error = new ProblemError(422, { errors: [{ path: '/inputs/a~1b~0c', message: 'must be a string' }] });
    expect(inputProblemsOf(error, [{ name: 'a/b~c', type: 'string' }]).byInput).toEqual({ 'a/b~c': 'must be a string' });
  });
});
