// The behaviour every `Database` must have, whichever driver is under it. database.test.ts runs
// these cases on PGlite and database.int.test.ts on PostgreSQL.
import { randomBytes } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import { integer, pgSchema, text } from 'drizzle-orm/pg-core';
import { expect, type TestAPI } from 'vitest';
import type { Database } from '../database.js';

/** A fresh schema with a `notes` table, dropped afterwards; `fn` gets the Drizzle table. */
export async function withNotesTable(db: Database, fn: (notes: ReturnType<typeof notesTable>, schema: string) => Promise<void>): Promise<void> {
  const schema = `db_test_${randomBytes(6).toString('hex')}`;
  await db.exec(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.notes (id integer PRIMARY KEY, body text NOT NULL);`);
  try {
    await fn(notesTable(schema), schema);
  } finally {
    await db.exec(`DROP SCHEMA ${schema} CASCADE`);
  }
}

function notesTable(schema: string) {
  return pgSchema(schema).table('notes', { id: integer('id').primaryKey(), body: text('body').notNull() });
}

export function databaseCases(it: TestAPI<{ db: Database }>): void {
  it('runs parameterized SQL, passing parameters as data', async ({ db }) => {
    const hostile = "x'; DROP SCHEMA public CASCADE; --";
    const rows = await db.query<{ text: string; number: number }>('SELECT $1::text AS text, $2::int4 + 1 AS number', [hostile, 41]);
    expect(rows).toEqual([{ text: hostile, number: 42 }]);
  });

  it('returns the same JavaScript values on both drivers', async ({ db }) => {
    const [row] = await db.query(`
      SELECT count(*) AS count, 9007199254740993::int8 AS big, 1.50::numeric AS amount,
             '2024-01-02'::date AS day, '1 day 02:00:00'::interval AS span,
             '2024-01-02T03:04:05Z'::timestamptz AS at, '\\x0102'::bytea AS bytes,
             '{"a": [1]}'::jsonb AS doc, ARRAY[1, 2]::int8[] AS ids, ARRAY['2024-01-02'::date] AS days,
             7::int4 AS small, 0.5::float8 AS ratio, true AS flag
      FROM (VALUES (1), (2)) AS two_rows(n)`);
    expect(row).toEqual({
      count: '2',
      big: '9007199254740993',
      amount: '1.50',
      day: '2024-01-02',
      span: '1 day 02:00:00',
      at: new Date('2024-01-02T03:04:05Z'),
      bytes: Buffer.from([1, 2]),
      doc: { a: [1] },
      ids: ['1', '2'],
      days: ['2024-01-02'],
      small: 7,
      ratio: 0.5,
      flag: true,
    });
    expect(Buffer.isBuffer(row?.bytes)).toBe(true);
  });

  it('runs a script of several statements', async ({ db }) => {
    await withNotesTable(db, async (_notes, schema) => {
      await db.exec(`INSERT INTO ${schema}.notes VALUES (1, 'a'); INSERT INTO ${schema}.notes VALUES (2, 'b');`);
      expect(await db.query(`SELECT id FROM ${schema}.notes ORDER BY id`)).toEqual([{ id: 1 }, { id: 2 }]);
    });
  });

  it('inserts and selects through a Drizzle table in a pgSchema', async ({ db }) => {
    await withNotesTable(db, async (notes) => {
      await db.orm.insert(notes).values([{ id: 2, body: 'second' }, { id: 1, body: 'first' }]);
      expect(await db.orm.select().from(notes).orderBy(asc(notes.id))).toEqual([
        { id: 1, body: 'first' },
        { id: 2, body: 'second' },
      ]);
      expect(await db.orm.select({ total: sql<string>`count(*)` }).from(notes)).toEqual([{ total: '2' }]);
    });
  });

  it('commits a transaction whose callback resolves', async ({ db }) => {
    await withNotesTable(db, async (notes, schema) => {
      const result = await db.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${schema}.notes VALUES ($1, $2)`, [1, 'raw']);
        await tx.orm.insert(notes).values({ id: 2, body: 'orm' });
        return 'done';
      });
      expect(result).toBe('done');
      expect(await db.orm.select().from(notes).orderBy(asc(notes.id))).toEqual([
        { id: 1, body: 'raw' },
        { id: 2, body: 'orm' },
      ]);
    });
  });

  it('rolls back a transaction whose callback throws, and rethrows the error', async ({ db }) => {
    await withNotesTable(db, async (notes, schema) => {
      const failure = new Error('changed my mind');
      const attempt = db.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${schema}.notes VALUES ($1, $2)`, [1, 'raw']);
        await tx.orm.insert(notes).values({ id: 2, body: 'orm' });
        expect(await tx.query(`SELECT count(*) AS n FROM ${schema}.notes`)).toEqual([{ n: '2' }]);
        throw failure;
      });
      await expect(attempt).rejects.toBe(failure);
      expect(await db.orm.select().from(notes)).toEqual([]);
    });
  });

  it('rolls back only the savepoint of a nested Drizzle transaction that throws', async ({ db }) => {
    await withNotesTable(db, async (notes) => {
      await db.transaction(async (tx) => {
        await tx.orm.insert(notes).values({ id: 1, body: 'kept' });
        await expect(
          tx.orm.transaction(async (nested) => {
            await nested.insert(notes).values({ id: 2, body: 'undone' });
            throw new Error('inner failure');
          }),
        ).rejects.toThrow('inner failure');
      });
      expect(await db.orm.select().from(notes)).toEqual([{ id: 1, body: 'kept' }]);
    });
  });

  it('refuses a top-level call from inside its own transaction instead of waiting for ever', async ({ db }) => {
    await withNotesTable(db, async (notes) => {
      await db.transaction(async () => {
        await expect(db.query('SELECT 1')).rejects.toThrow(/db\.query was called inside a transaction/);
        // Drizzle wraps driver errors in its own "Failed query" error; the guard's is the cause.
        await expect(db.orm.select().from(notes)).rejects.toHaveProperty('cause.message', expect.stringMatching(/db\.orm \(query\) was called inside a transaction/));
        await expect(db.transaction(async () => 1)).rejects.toThrow(/inside a transaction/);
      });
      // The guard is about the calling context only: afterwards the database works as before.
      await db.orm.insert(notes).values({ id: 1, body: 'after' });
      expect(await db.orm.select().from(notes).where(eq(notes.id, 1))).toEqual([{ id: 1, body: 'after' }]);
    });
  });

  it('keeps one session for the whole of withConnection', async ({ db }) => {
    const pids = await db.withConnection(async (connection) => {
      await connection.exec('CREATE TEMPORARY TABLE session_marker (value text)');
      // Concurrent top-level work must not borrow or disturb the held connection.
      await Promise.all([db.query('SELECT 1'), db.query('SELECT 2'), db.query('SELECT 3')]);
      await connection.transaction(async (tx) => {
        await tx.query("INSERT INTO session_marker VALUES ('seen')");
      });
      expect(await connection.query('SELECT value FROM session_marker')).toEqual([{ value: 'seen' }]);
      const [first] = await connection.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const [second] = await connection.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await connection.exec('DROP TABLE session_marker');
      return [first?.pid, second?.pid];
    });
    expect(pids[0]).toBeTypeOf('number');
    expect(pids[1]).toBe(pids[0]);
  });

  it('measures a round trip for health checks', async ({ db }) => {
    const latency = await db.ping();
    expect(latency).toBeTypeOf('number');
    expect(latency).toBeGreaterThanOrEqual(0);
  });
}
