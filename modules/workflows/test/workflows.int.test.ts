import { describe } from 'vitest';
import { describeWorkflowsSuite } from './support/workflows-suite.js';
import { freshPostgresDatabase, postgresAvailability } from './support/postgres.js';

const postgres = await postgresAvailability();

describe.skipIf(postgres.skip)('on PostgreSQL', () => {
  describeWorkflowsSuite('workflows on PostgreSQL, local service', { open: freshPostgresDatabase, via: 'local' });
  describeWorkflowsSuite('workflows on PostgreSQL, remote client over HTTP', { open: freshPostgresDatabase, via: 'remote' });
});
