import { describe } from 'vitest';
import { describeIdentitySuite } from './support/identity-suite.js';
import { freshPostgresDatabase, postgresAvailability } from './support/postgres.js';

const postgres = await postgresAvailability();

describe.skipIf(postgres.skip)('on PostgreSQL', () => {
  describeIdentitySuite('identity on PostgreSQL, local service', { open: freshPostgresDatabase, via: 'local' });
  describeIdentitySuite('identity on PostgreSQL, remote client over HTTP', { open: freshPostgresDatabase, via: 'remote' });
});
