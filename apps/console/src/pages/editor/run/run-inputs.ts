import { ProblemError, type FieldProblem } from '../../../api/problem';
import type { StartInput } from '../model/graph';

export type { StartInput };

/** What a form control holds: text for text, number and JSON fields, a flag for checkboxes. */
export type FieldValue = string | boolean;

/** The control's value before the user touches it: the input's default, if any. */
export function initialValue(input: StartInput): FieldValue {
  const preset = input.default;
  switch (input.type) {
    case 'boolean':
      return preset === true;
    case 'number':
      return typeof preset === 'number' ? String(preset) : '';
    case 'string':
      return typeof preset === 'string' ? preset : '';
    default:
      return preset === undefined || preset === null ? '' : JSON.stringify(preset, null, 2);
  }
}

/** The value shown for an input: what the user typed, else the default. */
export function valueOf(input: StartInput, edited: Readonly<Record<string, FieldValue>>): FieldValue {
  return Object.hasOwn(edited, input.name) ? edited[input.name]! : initialValue(input);
}

type Parsed = { given: false } | { given: true; value: unknown } | { given: true; problem: string };

/**
 * A control's value as the run's input. An empty field is not given at all, so the platform
 * applies the default or answers that a required input is missing (one rule, the API's).
 */
export function parseValue(input: StartInput, raw: FieldValue): Parsed {
  if (input.type === 'boolean') return { given: true, value: raw === true };
  const text = String(raw);
  if (text.trim() === '') return { given: false };
  if (input.type === 'string') return { given: true, value: text };
  if (input.type === 'number') {
    const value = Number(text);
    return Number.isFinite(value) ? { given: true, value } : { given: true, problem: 'Must be a number' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { given: true, problem: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (input.type === 'array' && !Array.isArray(value)) return { given: true, problem: 'Must be a JSON array, like [1, 2]' };
  if (input.type === 'object' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    return { given: true, problem: 'Must be a JSON object, like {"key": "value"}' };
  }
  return { given: true, value };
}

/** The run's `inputs` from the form, or the problems (by input name) that keep it from running. */
export function collectInputs(inputs: readonly StartInput[], edited: Readonly<Record<string, FieldValue>>): { inputs: Record<string, unknown>; problems: Record<string, string> } {
  const values: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  for (const input of inputs) {
    const parsed = parseValue(input, valueOf(input, edited));
    if (!parsed.given) continue;
    if ('problem' in parsed) problems[input.name] = parsed.problem;
    else values[input.name] = parsed.value;
  }
  return { inputs: values, problems };
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * A refused run's field problems (`/inputs/<name>`) by input name, and the rest (a graph the
 * platform cannot run, say) to show above the form.
 */
export function inputProblemsOf(error: unknown, inputs: readonly StartInput[]): { byInput: Record<string, string>; rest: FieldProblem[] } {
  const byInput: Record<string, string> = {};
  const rest: FieldProblem[] = [];
  if (!(error instanceof ProblemError)) return { byInput, rest };
  const names = new Set(inputs.map((input) => input.name));
  for (const problem of error.errors) {
    const match = /^\/inputs\/(.+)$/.exec(problem.path);
    const name = match ? unescapePointer(match[1]!) : undefined;
    if (name !== undefined && names.has(name) && byInput[name] === undefined) byInput[name] = problem.message;
    else rest.push(problem);
  }
  return { byInput, rest };
}
