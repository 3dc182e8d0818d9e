/**
 * The part of JSON Schema the node types use (TypeBox output), and how the form shows each
 * schema. The form and the error anchoring both classify through `fieldKind`, so a problem is
 * always shown at the control that edits its value.
 */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  title?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
}

export type FieldKind =
  | { kind: 'text'; multiline: boolean }
  | { kind: 'number'; integer: boolean }
  | { kind: 'boolean' }
  | { kind: 'choice'; options: string[] }
  | { kind: 'const'; value: unknown }
  /** An array: one row per item, each item edited by `item`'s field. */
  | { kind: 'list'; item: JsonSchema }
  /** An object of free keys (patternProperties): name/value rows. */
  | { kind: 'map'; value: JsonSchema }
  /** An object of known properties: a group of fields. */
  | { kind: 'group'; properties: Record<string, JsonSchema>; required: readonly string[] }
  /** Anything else (`{}`, mixed unions, open objects): JSON, or text for references. */
  | { kind: 'any' };

/** Fields whose text is long by nature: shown as a textarea whatever their length limit. */
const MULTILINE_NAMES = new Set(['template', 'code', 'content', 'prompt', 'system', 'body', 'text', 'query_template']);

export function asSchema(value: unknown): JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonSchema) : {};
}

function types(schema: JsonSchema): string[] {
  return schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
}

/** The literal choices of an `enum` or an `anyOf` made only of `const`s, else undefined. */
export function choicesOf(schema: JsonSchema): string[] | undefined {
  if (schema.enum && schema.enum.every((value) => typeof value === 'string')) return schema.enum as string[];
  const options = schema.anyOf ?? schema.oneOf;
  if (options && options.length > 0 && options.every((option) => typeof option.const === 'string')) return options.map((option) => option.const as string);
  return undefined;
}

/** Whether every branch of a union is a scalar (a header value: string, number or boolean). */
function scalarUnion(schema: JsonSchema): boolean {
  const options = schema.anyOf ?? schema.oneOf;
  return !!options && options.length > 0 && options.every((option) => ['string', 'number', 'integer', 'boolean'].includes(String(option.type)));
}

export function fieldKind(schema: JsonSchema, name = ''): FieldKind {
  const choices = choicesOf(schema);
  if (choices) return { kind: 'choice', options: choices };
  if (schema.const !== undefined) return { kind: 'const', value: schema.const };
  const [type, ...others] = types(schema);
  if (others.length > 0) return { kind: 'any' };
  switch (type) {
    case 'string':
      return { kind: 'text', multiline: MULTILINE_NAMES.has(name) || (schema.maxLength ?? 0) > 10_000 };
    case 'number':
      return { kind: 'number', integer: false };
    case 'integer':
      return { kind: 'number', integer: true };
    case 'boolean':
      return { kind: 'boolean' };
    case 'array':
      return schema.items ? { kind: 'list', item: schema.items } : { kind: 'any' };
    case 'object': {
      if (schema.additionalProperties === true) return { kind: 'any' };
      if (schema.patternProperties && !schema.properties) {
        const [value] = Object.values(schema.patternProperties);
        return { kind: 'map', value: value ?? {} };
      }
      if (schema.properties) return { kind: 'group', properties: schema.properties, required: schema.required ?? [] };
      return { kind: 'any' };
    }
    case undefined:
      return scalarUnion(schema) ? { kind: 'text', multiline: false } : { kind: 'any' };
    default:
      return { kind: 'any' };
  }
}

/** A list item that is a group of fields is shown as such; anything else as one field per item. */
export function isGroupItem(schema: JsonSchema): boolean {
  return fieldKind(schema).kind === 'group';
}

/** A value to start a new field, list item or node with: what the schema requires, minimally. */
export function defaultValue(schema: JsonSchema): unknown {
  if (schema.default !== undefined) return structuredClone(schema.default);
  const kind = fieldKind(schema);
  switch (kind.kind) {
    case 'choice':
      return kind.options[0];
    case 'const':
      return kind.value;
    case 'text':
      return '';
    case 'number':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    case 'list':
      return Array.from({ length: schema.minItems ?? 0 }, () => defaultValue(kind.item));
    case 'map':
      return {};
    case 'group': {
      const value: Record<string, unknown> = {};
      for (const name of kind.required) value[name] = defaultValue(kind.properties[name] ?? {});
      return value;
    }
    case 'any':
      return types(schema).includes('object') ? {} : '';
  }
}

/**
 * The pointer of the control that shows a problem at `segments` (a path inside a value of
 * `schema`), or undefined when no control edits that place (an unknown field, the value itself).
 * Controls that edit a whole value as JSON show every problem inside it.
 */
export function anchorOf(schema: JsonSchema, segments: readonly string[], at = ''): string | undefined {
  const kind = fieldKind(schema);
  if (segments.length === 0) return at === '' ? undefined : at;
  const [head, ...rest] = segments as [string, ...string[]];
  const child = `${at}/${head.replaceAll('~', '~0').replaceAll('/', '~1')}`;
  switch (kind.kind) {
    case 'group': {
      const property = kind.properties[head];
      return property ? anchorOf(property, rest, child) || child : at || undefined;
    }
    case 'list': {
      if (!/^\d+$/.test(head)) return at || undefined;
      if (rest.length === 0) return isGroupItem(kind.item) ? at || undefined : child;
      return isGroupItem(kind.item) ? anchorOf(kind.item, rest, child) : child;
    }
    case 'map':
      // A row's value control shows problems of the value and inside it.
      return child;
    default:
      // A scalar or a JSON control: problems below it are its own.
      return at || undefined;
  }
}
