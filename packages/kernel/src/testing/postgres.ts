import { PGlite } from '@electric-sql/pglite';
import { test } from 'vitest';
import { readEnvironment } from '../config/config.js';
import { openDatabase, type Database } from '../db/index.js';
import { openPgliteDatabase } from '../db/pglite-database.js';
import { requireService } from './services.js';

/** The development and CI database; `FLOWGATE_TEST_DATABASE_URL` points the tests elsewhere. */
export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** The URL PostgreSQL tests connect to. */
export function testDatabaseUrl(): string {
  return readEnvironment().FLOWGATE_TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
}

// One probe per test file: every test then knows at once whether PostgreSQL is there.
let availability: ReturnType<typeof requireService> | undefined;

function probePostgres(): ReturnType<typeof requireService> {
  const { hostname, port } = new URL(testDatabaseUrl());
  availability ??= requireService('PostgreSQL', hostname, Number(port || 5432));
  return availability;
}

export interface PostgresFixtures {
  /** A `Database` on real PostgreSQL, closed after the test. Skips (fails under CI=true) when PostgreSQL is absent. */
  pg: Database;
  /** The same `Database` as `pg`, under the name shared with `pgliteTest`, for suites run on both. */
  db: Database;
}

/** A Vitest `test` whose fixtures hand it a real PostgreSQL on its default local port. */
export const postgresTest = test.extend<PostgresFixtures>({
  pg: async ({ skip }, use) => {
    const status = await probePostgres();
    if (status.skip) skip(status.reason);
    const database = await openDatabase({ url: testDatabaseUrl(), dataDir: 'memory://' });
    try {
      await use(database);
    } finally {
      await database.close();
    }
  },
  db: async ({ pg }, use) => {
    await use(pg);
  },
});

export interface PgliteFixtures {
  /** A fresh in-memory PGlite `Database`, closed after the test. */
  pglite: Database;
  /** The same `Database` as `pglite`, under the name shared with `postgresTest`. */
  db: Database;
}

// initdb takes over a second; loading a dump of a database that just ran it takes a fraction of
// that. One dump per test file, then every test still gets a database of its own.
let emptyDatabaseDump: Promise<Blob> | undefined;

async function dumpEmptyDatabase(): Promise<Blob> {
  const seed = await PGlite.create();
  try {
    return await seed.dumpDataDir('none');
  } finally {
    await seed.close();
  }
}

/** A Vitest `test` whose fixtures hand it a fresh in-memory PGlite, the embedded profile's database. */
export const pgliteTest = test.extend<PgliteFixtures>({
  // Vitest reads a fixture's dependencies from its destructuring pattern; this one has none.
  pglite: async ({}, use) => {
    emptyDatabaseDump ??= dumpEmptyDatabase();
    const database = await openPgliteDatabase({ dataDir: 'memory://', loadDataDir: await emptyDatabaseDump });
    try {
      await use(database);
    } finally {
      await database.close();
    }
  },
  db: async ({ pglite }, use) => {
    await use(pglite);
  },
});
