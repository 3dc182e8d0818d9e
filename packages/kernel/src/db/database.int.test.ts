import { describe, expect } from 'vitest';
import { postgresTest, testDatabaseUrl } from '../testing/postgres.js';
import { openDatabase } from './open-database.js';
import { databaseCases } from './test-fixtures/database-cases.js';

describe('PostgreSQL database', () => {
  databaseCases(postgresTest);

  postgresTest('opens a pool when given a postgres:// url', async ({ pg }) => {
    expect(pg.kind).toBe('postgres');
    expect(await pg.query("SELECT current_setting('application_name') AS name")).toEqual([{ name: 'flowgate' }]);
  });

  postgresTest('applies the statement timeout to every connection', async ({ pg }) => {
    const db = await openDatabase({ url: testDatabaseUrl(), dataDir: 'memory://', statementTimeoutMs: 50 });
    try {
      await expect(db.query('SELECT pg_sleep(1)')).rejects.toThrow(/statement timeout/);
    } finally {
      await db.close();
    }
    // The fixture's own pool keeps the default.
    expect(await pg.query("SELECT current_setting('statement_timeout') AS value")).toEqual([{ value: '30s' }]);
  });

  postgresTest('discards a withConnection connection whose callback failed', async ({ pg }) => {
    const db = await openDatabase({ url: testDatabaseUrl(), dataDir: 'memory://', maxConnections: 1 });
    try {
      const [failedPid] = await db
        .withConnection(async (connection) => {
          const rows = await connection.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
          throw Object.assign(new Error('callback failed'), { rows });
        })
        .catch((error: { rows: Array<{ pid: number }> }) => error.rows);
      const [nextPid] = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      expect(nextPid?.pid).not.toBe(failedPid?.pid);
      // The discarded session really ended, taking any session state (locks) with it.
      const alive = await pg.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [failedPid?.pid]);
      expect(alive).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
