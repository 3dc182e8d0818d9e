import { describe, expect, it } from 'vitest';
import { pgliteTest } from '../testing/postgres.js';
import { sqlOperation } from './statement-spans.js';
import { statementSpanCases } from './test-fixtures/statement-span-cases.js';

describe('database spans on PGlite', () => {
  statementSpanCases(pgliteTest);
});

describe('sqlOperation', () => {
  it('names the first keyword, after spaces, comments and parentheses, and nothing more', () => {
    expect(sqlOperation('select 1')).toBe('SELECT');
    expect(sqlOperation('\n  -- why\n  /* what */ (SELECT 1) UNION (SELECT 2)')).toBe('SELECT');
    expect(sqlOperation('INSERT INTO t VALUES ($1)')).toBe('INSERT');
    expect(sqlOperation("with x as (select 'secret') delete from t")).toBe('WITH');
    expect(sqlOperation('-- only a comment')).toBeUndefined();
    expect(sqlOperation('/* unterminated')).toBeUndefined();
    expect(sqlOperation('')).toBeUndefined();
    expect(sqlOperation('$1')).toBeUndefined();
  });
});
