import { GRAPH_LIMITS } from './schema.js';

/** One `{{ root.path.to.0.field }}` reference: `root` is a node id, `start`, `env` or a scope variable. */
export interface Reference {
  root: string;
  path: readonly string[];
  /** The reference as written, braces included. */
  source: string;
}

/** What a node's data may read: outputs by node id, `start` (the run's inputs) and `env`. */
export type Scope = Readonly<Record<string, unknown>>;

// Path segments are object keys or array indexes; `-` and `$` allow keys such as `content-type`.
const REFERENCE_BODY = '\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)((?:\\.[A-Za-z0-9_$-]+)*)\\s*\\}\\}';
const EXACT_REFERENCE = new RegExp(`^${REFERENCE_BODY}$`);
const ANY_REFERENCE = new RegExp(REFERENCE_BODY, 'g');

function toReference(source: string, root: string, dotted: string): Reference {
  return { root, path: dotted === '' ? [] : dotted.slice(1).split('.'), source };
}

/** The reference a string consists of exactly, or undefined. */
export function parseExactReference(text: string): Reference | undefined {
  if (text.length < 5 || !text.startsWith('{{')) return undefined;
  const match = EXACT_REFERENCE.exec(text);
  return match === null ? undefined : toReference(match[0], match[1]!, match[2]!);
}

/** Every reference inside a string, in order. Text that merely looks like `{{ … }}` is not one. */
export function findReferences(text: string): Reference[] {
  if (!text.includes('{{')) return [];
  const found: Reference[] = [];
  for (const match of text.matchAll(ANY_REFERENCE)) found.push(toReference(match[0], match[1]!, match[2]!));
  return found;
}

/** One step down a value: an own field of an object, or an index of an array. */
function step(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    if (!/^(0|[1-9][0-9]*)$/.test(key)) return undefined;
    return value[Number(key)];
  }
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/** The value a reference names; a missing node, field or index gives undefined, not an error. */
export function lookupReference(scope: Scope, reference: Reference): unknown {
  let value = Object.hasOwn(scope, reference.root) ? scope[reference.root] : undefined;
  for (const key of reference.path) {
    value = step(value, key);
    if (value === undefined) return undefined;
  }
  return value;
}

/** How a referenced value reads inside a longer string: objects and arrays as JSON, nothing as ''. */
export function referenceText(value: unknown, reference: Reference): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      if (value === null) return '';
      try {
        return JSON.stringify(value) ?? '';
      } catch (error) {
        throw new Error(`cannot render ${reference.source} as text: ${(error as Error).message}`);
      }
    default:
      return '';
  }
}

function interpolate(text: string, references: readonly Reference[], scope: Scope): string {
  let out = '';
  let from = 0;
  for (const reference of references) {
    const at = text.indexOf(reference.source, from);
    out += text.slice(from, at) + referenceText(lookupReference(scope, reference), reference);
    from = at + reference.source.length;
  }
  return out + text.slice(from);
}

/** Sets a field even when its name is `__proto__` (JSON.parse makes such own fields). */
export function setField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function tooDeep(): Error {
  return new Error(`data nests deeper than ${GRAPH_LIMITS.maxDataDepth} levels`);
}

/**
 * Resolves every reference inside a value, as API.md says: a string that is exactly one reference
 * becomes the referenced value (its type kept); references inside longer strings render as text.
 * Objects and arrays are walked (to a bounded depth); nothing else is evaluated.
 */
export function resolveValue(value: unknown, scope: Scope, depth = 0): unknown {
  if (typeof value === 'string') {
    const exact = parseExactReference(value);
    if (exact !== undefined) return lookupReference(scope, exact);
    const references = findReferences(value);
    return references.length === 0 ? value : interpolate(value, references, scope);
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= GRAPH_LIMITS.maxDataDepth) throw tooDeep();
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, scope, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setField(out, key, resolveValue((value as Record<string, unknown>)[key], scope, depth + 1));
  return out;
}

/**
 * A value prepared once so that runs resolve it without parsing: either constant (a frozen copy,
 * handed to every run as is) or a function of the scope.
 */
export type ValuePlan = { constant: true; value: unknown } | { constant: false; resolve: (scope: Scope) => unknown };

/** A deep copy of a JSON-like value, frozen, so that no run can change what the next one sees. */
export function frozenCopy(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= GRAPH_LIMITS.maxDataDepth) throw tooDeep();
  if (Array.isArray(value)) return Object.freeze(value.map((item) => frozenCopy(item, depth + 1)));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setField(out, key, frozenCopy((value as Record<string, unknown>)[key], depth + 1));
  return Object.freeze(out);
}

/** Prepares a value for {@link resolveValue}-equivalent resolution on every run. */
export function compileValue(value: unknown, depth = 0): ValuePlan {
  if (typeof value === 'string') {
    const exact = parseExactReference(value);
    if (exact !== undefined) return { constant: false, resolve: (scope) => lookupReference(scope, exact) };
    const references = findReferences(value);
    if (references.length === 0) return { constant: true, value };
    return { constant: false, resolve: (scope) => interpolate(value, references, scope) };
  }
  if (value === null || typeof value !== 'object') return { constant: true, value };
  if (depth >= GRAPH_LIMITS.maxDataDepth) throw tooDeep();
  if (Array.isArray(value)) {
    const items = value.map((item) => compileValue(item, depth + 1));
    if (items.every((item) => item.constant)) return { constant: true, value: frozenCopy(value, depth) };
    return { constant: false, resolve: (scope) => items.map((item) => (item.constant ? item.value : item.resolve(scope))) };
  }
  const keys = Object.keys(value);
  return compileFields(keys, keys.map((key) => compileValue((value as Record<string, unknown>)[key], depth + 1)));
}

/** An object plan from one plan per field. */
export function compileFields(keys: readonly string[], plans: readonly ValuePlan[]): ValuePlan {
  if (plans.every((plan) => plan.constant)) {
    const out: Record<string, unknown> = {};
    keys.forEach((key, i) => setField(out, key, (plans[i] as { value: unknown }).value));
    return { constant: true, value: Object.freeze(out) };
  }
  return {
    constant: false,
    resolve: (scope) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) {
        const plan = plans[i]!;
        setField(out, keys[i]!, plan.constant ? plan.value : plan.resolve(scope));
      }
      return out;
    },
  };
}

/** Calls `visit` for every string inside a value, with its path (keys and indexes); bounded depth. */
export function visitStrings(value: unknown, visit: (text: string, path: readonly string[]) => void, path: string[] = []): void {
  if (typeof value === 'string') {
    visit(value, path);
    return;
  }
  if (value === null || typeof value !== 'object' || path.length >= GRAPH_LIMITS.maxDataDepth) return;
  const keys = Array.isArray(value) ? value.map((_, i) => String(i)) : Object.keys(value);
  for (const key of keys) {
    path.push(key);
    visitStrings((value as Record<string, unknown>)[key], visit, path);
    path.pop();
  }
}

/** Calls `visit` for every reference in the strings of a value, with the path of its string. */
export function visitReferences(value: unknown, visit: (reference: Reference, path: readonly string[]) => void): void {
  visitStrings(value, (text, path) => {
    for (const reference of findReferences(text)) visit(reference, path);
  });
}
