import { openMigratedScratchDatabase, requireService, testDatabaseUrl } from '@flowgate/kernel/testing';
import { migrationsDir, type TestDatabase } from './harness.js';

/** Whether PostgreSQL is here: skips with the reason when absent, fails under CI=true. */
export function postgresAvailability() {
  const { hostname, port } = new URL(testDatabaseUrl());
  return requireService('PostgreSQL', hostname, Number(port || 5432));
}

/** A identity database of its own for one test file (the schema name is fixed), dropped on close. */
export async function freshPostgresDatabase(): Promise<TestDatabase> {
  const opened = await openMigratedScratchDatabase({ name: 'identity', dir: migrationsDir });
  if (!opened) throw new Error('PostgreSQL is not available');
  return opened;
}
