import { describe, expect, it } from 'vitest';
import { compileValue, findReferences, parseExactReference, resolveValue } from '../src/graph/references.js';

const scope = {
  start: { name: 'Ada', count: 3, flag: false, tags: ['x', 'y'], nothing: null },
  http: { body: { items: [{ name: 'first' }, { name: 'second' }] }, headers: { 'content-type': 'application/json' } },
  env: { REGION: 'eu' },
};

describe('parsing references', () => {
  it('parses a root and a path of fields and indexes', () => {
    expect(parseExactReference('{{ http.body.items.0.name }}')).toEqual({ root: 'http', path: ['body', 'items', '0', 'name'], source: '{{ http.body.items.0.name }}' });
    expect(parseExactReference('{{start}}')).toEqual({ root: 'start', path: [], source: '{{start}}' });
  });

  it('finds every reference in a longer string, and nothing in look-alikes', () => {
    expect(findReferences('Hi {{ start.name }}, {{env.REGION}}!').map((r) => r.root)).toEqual(['start', 'env']);
    expect(findReferences('{{ start.name | upcase }} {{ 1 + 2 }} {{}} { { start } }')).toEqual([]);
    expect(parseExactReference(' {{ start.name }}')).toBeUndefined();
  });
});

describe('resolveValue', () => {
  it('keeps the type of a value that is exactly one reference', () => {
    expect(resolveValue('{{ start.count }}', scope)).toBe(3);
    expect(resolveValue('{{ start.flag }}', scope)).toBe(false);
    expect(resolveValue('{{ start.tags }}', scope)).toBe(scope.start.tags);
    expect(resolveValue('{{ start.nothing }}', scope)).toBeNull();
  });

  it('walks object fields and array indexes', () => {
    expect(resolveValue('{{ http.body.items.1.name }}', scope)).toBe('second');
    expect(resolveValue('{{ http.headers.content-type }}', scope)).toBe('application/json');
  });

  it('renders references inside longer strings as text: objects as JSON, nothing as empty', () => {
    expect(resolveValue('n={{ start.count }} t={{ start.tags }} z={{ start.nothing }} m={{ start.missing }}', scope)).toBe('n=3 t=["x","y"] z= m=');
    expect(resolveValue('{{ http.body.items.0 }}!', scope)).toBe('{"name":"first"}!');
  });

  it('resolves missing nodes, fields and indexes to undefined, not an error', () => {
    expect(resolveValue('{{ nobody.x }}', scope)).toBeUndefined();
    expect(resolveValue('{{ http.body.items.9.name }}', scope)).toBeUndefined();
    expect(resolveValue('{{ start.name.first }}', scope)).toBeUndefined();
    expect(resolveValue('{{ start.tags.-1 }}', scope)).toBeUndefined();
  });

  it('reads own fields only, never the prototype chain', () => {
    expect(resolveValue('{{ start.constructor }}', scope)).toBeUndefined();
    expect(resolveValue('{{ start.__proto__ }}', scope)).toBeUndefined();
    expect(resolveValue('{{ start.tags.length }}', scope)).toBeUndefined();
    expect(resolveValue('{{ toString }}', scope)).toBeUndefined();
  });

  it('applies to objects and arrays recursively, leaving other values alone', () => {
    const resolved = resolveValue({ a: ['{{ start.name }}', 1, null, true], b: { c: 'x{{ start.count }}' } }, scope);
    expect(resolved).toEqual({ a: ['Ada', 1, null, true], b: { c: 'x3' } });
  });

  it('keeps a __proto__ field a field', () => {
    const data = JSON.parse('{"__proto__": {"polluted": "{{ start.name }}"}}');
    const resolved = resolveValue(data, scope) as Record<string, unknown>;
    expect(Object.keys(resolved)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses data nested deeper than the limit instead of recursing', () => {
    let deep: unknown = '{{ start.name }}';
    for (let i = 0; i < 5_000; i++) deep = { d: deep };
    expect(() => resolveValue(deep, scope)).toThrow('data nests deeper than 64 levels');
  });

  it('renders a referenced value too deep for JSON as a clear error', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 200_000; i++) deep = { d: deep };
    expect(() => resolveValue('x {{ start.deep }}', { start: { deep } })).toThrow(/cannot render \{\{ start.deep \}\} as text/);
    // Exactly one reference hands the value over without walking it.
    expect(resolveValue('{{ start.deep }}', { start: { deep } })).toBe(deep);
  });
});

describe('compiled values', () => {
  it('resolve as resolveValue does, and constants are shared frozen copies', () => {
    const data = { a: '{{ start.name }}', b: ['x {{ start.count }}', { c: 1 }], d: { e: 'plain' } };
    const plan = compileValue(data);
    expect(plan.constant).toBe(false);
    if (plan.constant) return;
    expect(plan.resolve(scope)).toEqual(resolveValue(data, scope));
    const constant = compileValue({ d: { e: 'plain' } });
    expect(constant.constant && Object.isFrozen((constant.value as { d: object }).d)).toBe(true);
  });
});
