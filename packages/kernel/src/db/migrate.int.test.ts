import { describe } from 'vitest';
import { postgresTest } from '../testing/postgres.js';
import { migrationCases } from './test-fixtures/migration-cases.js';

describe('migrate on PostgreSQL', () => {
  migrationCases(postgresTest);
});
