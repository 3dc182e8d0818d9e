import { Type, type Static } from '@sinclair/typebox';
import { defineNode } from './node-type.js';

const OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'contains', 'not_contains', 'starts_with', 'ends_with', 'empty', 'not_empty'] as const;
type Operator = (typeof OPERATORS)[number];
const UNARY: ReadonlySet<Operator> = new Set(['empty', 'not_empty']);
const MAX_COMPARE_DEPTH = 64;

const ConditionSchema = Type.Object(
  {
    left: Type.Unknown({ description: 'a reference or a literal' }),
    op: Type.Union(OPERATORS.map((op) => Type.Literal(op))),
    right: Type.Optional(Type.Unknown({ description: 'a reference or a literal; not used by empty/not_empty' })),
  },
  { additionalProperties: false },
);
type Condition = Static<typeof ConditionSchema>;

function isNumeric(value: unknown): boolean {
  return (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)));
}

/**
 * Equality: primitives of one kind strictly; of different kinds as numbers when both read as numbers
 * (5 equals "5"), else as text (true equals "true"); objects and arrays structurally.
 */
function equal(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== 'object' && typeof b !== 'object') {
    if (typeof a === typeof b) return false;
    if (isNumeric(a) && isNumeric(b)) return Number(a) === Number(b);
    return String(a) === String(b);
  }
  if (typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
  if (depth >= MAX_COMPARE_DEPTH) throw new Error(`values nest deeper than ${MAX_COMPARE_DEPTH} levels to compare`);
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every((key) => Object.hasOwn(b, key) && equal((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], depth + 1));
}

function order(op: Operator, a: unknown, b: unknown): boolean {
  let sign: number;
  if (isNumeric(a) && isNumeric(b)) sign = Number(a) - Number(b);
  else if (typeof a === 'string' && typeof b === 'string') sign = a < b ? -1 : a > b ? 1 : 0;
  else throw new Error(`${op} compares numbers or strings, not ${describe(a)} and ${describe(b)}`);
  return op === 'gt' ? sign > 0 : op === 'gte' ? sign >= 0 : op === 'lt' ? sign < 0 : sign <= 0;
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : typeof value;
}

function contains(container: unknown, item: unknown): boolean {
  if (container === null || container === undefined) return false;
  if (Array.isArray(container)) return container.some((element) => equal(element, item));
  if (typeof container === 'object') return Object.hasOwn(container, String(item));
  return String(container).includes(String(item ?? ''));
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/** Evaluates one condition over resolved operands. */
export function evaluateCondition({ left, op, right }: Condition): boolean {
  switch (op) {
    case 'eq':
      return equal(left, right);
    case 'ne':
      return !equal(left, right);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return order(op, left, right);
    case 'contains':
      return contains(left, right);
    case 'not_contains':
      return !contains(left, right);
    case 'starts_with':
    case 'ends_with': {
      const [whole, part] = [text(left), text(right)];
      if (whole === undefined || part === undefined) return false;
      return op === 'starts_with' ? whole.startsWith(part) : whole.endsWith(part);
    }
    case 'empty':
      return isEmpty(left);
    case 'not_empty':
      return !isEmpty(left);
  }
}

/** Routes a run: `{result}` is the conditions joined by `logic`; out-edges carry source_handle "true"/"false". */
export const ifElseNode = defineNode({
  type: 'if_else',
  summary: 'Evaluates conditions joined by and/or; outputs {result} and continues along the "true" or "false" edges.',
  data: Type.Object(
    {
      conditions: Type.Array(ConditionSchema, { minItems: 1, maxItems: 100 }),
      logic: Type.Optional(Type.Union([Type.Literal('and'), Type.Literal('or')], { default: 'and' })),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ result: Type.Boolean() }),
  validate(data) {
    const problems: { path: string; message: string }[] = [];
    data.conditions.forEach((condition, i) => {
      if (!UNARY.has(condition.op) && !Object.hasOwn(condition, 'right')) {
        problems.push({ path: `/conditions/${i}/right`, message: `is required by ${condition.op}` });
      }
    });
    return problems;
  },
  async execute({ data }) {
    const result = data.logic === 'or' ? data.conditions.some(evaluateCondition) : data.conditions.every(evaluateCondition);
    return { result };
  },
});
