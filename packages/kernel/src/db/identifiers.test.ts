import { describe, expect, it } from 'vitest';
import { assertSchemaName, quoteIdentifier } from './identifiers.js';

describe('assertSchemaName', () => {
  it.each(['logs', 'knowledge_v2', 'a', 'x'.repeat(63)])('accepts %s', (name) => {
    expect(() => assertSchemaName(name)).not.toThrow();
  });

  it.each([
    ['', 'empty'],
    ['Logs', 'uppercase'],
    ['2logs', 'leading digit'],
    ['_logs', 'leading underscore'],
    ['logs-v2', 'dash'],
    ['logs; DROP SCHEMA public', 'SQL'],
    ['lögs', 'non-ASCII'],
    ['x'.repeat(64), 'longer than PostgreSQL keeps'],
    ['public', 'reserved'],
    ['flowgate', "the kernel's schema"],
    ['pg_logs', "PostgreSQL's prefix"],
  ])('rejects %j (%s)', (name) => {
    expect(() => assertSchemaName(name)).toThrow(TypeError);
  });
});

describe('quoteIdentifier', () => {
  it('doubles embedded quotes', () => {
    expect(quoteIdentifier('logs')).toBe('"logs"');
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });
});
