import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { pgliteTest } from '../testing/postgres.js';
import { openDatabase } from './open-database.js';
import { databaseCases } from './test-fixtures/database-cases.js';

describe('PGlite database', () => {
  databaseCases(pgliteTest);

  pgliteTest('opens in memory when dataDir is memory://', async ({ pglite }) => {
    expect(pglite.kind).toBe('pglite');
    expect(await pglite.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('keeps its data in dataDir/pglite across close and reopen', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'flowgate-db-'));
    try {
      const first = await openDatabase({ dataDir });
      await first.exec("CREATE TABLE kept (value text); INSERT INTO kept VALUES ('survives');");
      await first.close();
      expect(existsSync(join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);

      const second = await openDatabase({ dataDir });
      try {
        expect(await second.query('SELECT value FROM kept')).toEqual([{ value: 'survives' }]);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  pgliteTest('never interleaves concurrent transactions on its single connection', async ({ pglite }) => {
    await pglite.exec('CREATE TABLE counter (value integer NOT NULL); INSERT INTO counter VALUES (0);');
    // Read, yield, write: two such transactions sharing the connection would both read 0.
    const increment = () =>
      pglite.transaction(async (tx) => {
        const [row] = await tx.query<{ value: number }>('SELECT value FROM counter');
        await sleep(20);
        await tx.query('UPDATE counter SET value = $1', [(row?.value ?? 0) + 1]);
      });
    await Promise.all([increment(), increment(), increment()]);
    expect(await pglite.query('SELECT value FROM counter')).toEqual([{ value: 3 }]);
  });

  pgliteTest('runs withConnection callers one at a time', async ({ pglite }) => {
    const events: string[] = [];
    const hold = (name: string) =>
      pglite.withConnection(async () => {
        events.push(`${name} start`);
        await sleep(20);
        events.push(`${name} end`);
      });
    await Promise.all([hold('a'), hold('b')]);
    expect(events).toEqual(['a start', 'a end', 'b start', 'b end']);
  });

  pgliteTest('lets the next withConnection caller run after one fails', async ({ pglite }) => {
    const failing = pglite.withConnection(async () => {
      throw new Error('broken caller');
    });
    const next = pglite.withConnection(async (connection) => connection.query('SELECT 1 AS one'));
    await expect(failing).rejects.toThrow('broken caller');
    expect(await next).toEqual([{ one: 1 }]);
  });

  it('closes once however many times close is called', async () => {
    const db = await openDatabase({ dataDir: 'memory://' });
    await Promise.all([db.close(), db.close()]);
    await db.close();
    await expect(db.query('SELECT 1')).rejects.toThrow();
  });
});

describe('openDatabase', () => {
  it('refuses a url that is not postgres://', async () => {
    await expect(openDatabase({ url: 'mysql://localhost/test', dataDir: 'memory://' })).rejects.toThrow(/postgres:\/\//);
  });

  it('names the server, not the password, when it cannot connect', async () => {
    const attempt = openDatabase({ url: 'postgres://flowgate:s3cret@127.0.0.1:1/nowhere', dataDir: 'memory://' });
    await expect(attempt).rejects.toThrow(/cannot reach PostgreSQL at 127\.0\.0\.1:1\/nowhere/);
    await expect(attempt).rejects.not.toThrow(/s3cret/);
  });
});
