import { Type, type Static } from '@sinclair/typebox';
import type { FieldProblem } from '@flowgate/kernel';
import { setField } from './references.js';

export const INPUT_TYPES = ['string', 'number', 'boolean', 'object', 'array'] as const;
export type InputType = (typeof INPUT_TYPES)[number];

/** One input a start node declares. */
export const StartInputSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', maxLength: 128 }),
    type: Type.Union(INPUT_TYPES.map((type) => Type.Literal(type))),
    required: Type.Optional(Type.Boolean()),
    default: Type.Optional(Type.Unknown()),
    description: Type.Optional(Type.String({ maxLength: 2_000 })),
  },
  { additionalProperties: false },
);

export const StartDataSchema = Type.Object(
  { inputs: Type.Optional(Type.Array(StartInputSchema, { maxItems: 200 })) },
  { additionalProperties: false },
);

export type StartInput = Static<typeof StartInputSchema>;
export type StartData = Static<typeof StartDataSchema>;

/** Whether a value has an input type (numbers finite; objects plain, not arrays). */
export function hasInputType(value: unknown, type: InputType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
  }
}

function article(type: InputType): string {
  return type === 'object' || type === 'array' ? `an ${type}` : `a ${type}`;
}

/**
 * Checks a run's inputs against its start node: required inputs present, each of its declared
 * type, defaults applied. `null` counts as not given. Inputs the start node does not declare are
 * dropped. Problems are addressed `/inputs/<name>`.
 */
export function validateRunInputs(startData: StartData, inputs: unknown): { values: Record<string, unknown>; problems: FieldProblem[] } {
  const values: Record<string, unknown> = {};
  const problems: FieldProblem[] = [];
  if (inputs !== undefined && inputs !== null && (typeof inputs !== 'object' || Array.isArray(inputs))) {
    return { values, problems: [{ path: '/inputs', message: 'must be an object' }] };
  }
  const given = (inputs ?? {}) as Record<string, unknown>;
  for (const input of startData.inputs ?? []) {
    const value = Object.hasOwn(given, input.name) ? given[input.name] : undefined;
    const path = `/inputs/${input.name}`;
    if (value === undefined || value === null) {
      if (input.default !== undefined) setField(values, input.name, input.default);
      else if (input.required === true) problems.push({ path, message: `is required (${input.type})` });
      continue;
    }
    if (!hasInputType(value, input.type)) {
      problems.push({ path, message: `must be ${article(input.type)}` });
      continue;
    }
    setField(values, input.name, value);
  }
  return { values, problems };
}
