import { describe } from 'vitest';
import { postgresTest } from '../testing/postgres.js';
import { statementSpanCases } from './test-fixtures/statement-span-cases.js';

describe('database spans on PostgreSQL', () => {
  statementSpanCases(postgresTest);
});
