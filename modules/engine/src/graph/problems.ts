import type { TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value';
import type { FieldProblem } from '@flowgate/kernel';

/** A JSON Pointer (RFC 6901) from path segments. */
export function pointer(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) out += '/' + String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
  return out;
}

function literalChoices(schema: TSchema): string | undefined {
  const options = (schema as { anyOf?: TSchema[] }).anyOf;
  if (options === undefined || !options.every((option) => 'const' in option)) return undefined;
  return options.map((option) => JSON.stringify(option['const'])).join(', ');
}

const KINDS: Partial<Record<ValueErrorType, string>> = {
  [ValueErrorType.Array]: 'an array',
  [ValueErrorType.Boolean]: 'a boolean',
  [ValueErrorType.Integer]: 'an integer',
  [ValueErrorType.Number]: 'a number',
  [ValueErrorType.Object]: 'an object',
  [ValueErrorType.String]: 'a string',
};

function count(n: number | undefined, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function describe(error: ValueError): string {
  const schema = error.schema as { minimum?: number; maximum?: number; minLength?: number; maxLength?: number; minItems?: number; maxItems?: number; pattern?: string };
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.ObjectAdditionalProperties:
      return 'is not a known field';
    case ValueErrorType.StringPattern:
      return `must match ${String(schema.pattern)}`;
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum:
      return `must be at least ${schema.minimum}`;
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMaximum:
      return `must be at most ${schema.maximum}`;
    case ValueErrorType.StringMinLength:
      return `must have at least ${count(schema.minLength, 'character')}`;
    case ValueErrorType.StringMaxLength:
      return `must have at most ${count(schema.maxLength, 'character')}`;
    case ValueErrorType.ArrayMinItems:
      return `must have at least ${count(schema.minItems, 'item')}`;
    case ValueErrorType.ArrayMaxItems:
      return `must have at most ${count(schema.maxItems, 'item')}`;
    case ValueErrorType.Union: {
      const choices = literalChoices(error.schema);
      return choices === undefined ? 'does not match any allowed form' : `must be one of ${choices}`;
    }
    default: {
      const kind = KINDS[error.type];
      return kind === undefined ? error.message : `must be ${kind}`;
    }
  }
}

/** A value's problems against a schema, the first one per path, each path under `prefix`. */
export function schemaProblems(schema: TSchema, value: unknown, prefix: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const error of Value.Errors(schema, value)) {
    if (seen.has(error.path)) continue;
    seen.add(error.path);
    problems.push({ path: prefix + error.path, message: describe(error) });
    if (problems.length >= 50) break;
  }
  return problems;
}

/** Levels of objects and arrays in a value, counting no further than `limit + 1`; iterative. */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return deepest;
}
