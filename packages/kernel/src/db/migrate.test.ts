import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect } from 'vitest';
import { pgliteTest } from '../testing/postgres.js';
import type { Connection, Database } from './database.js';
import { migrate } from './migrate.js';
import { migrationCases } from './test-fixtures/migration-cases.js';
import { withScratchModule } from './test-fixtures/scratch-module.js';

/** The same connection, but the caller resumes only on a later turn of the event loop after each statement. */
function yieldingConnection(connection: Connection): Connection {
  return {
    orm: connection.orm,
    query: async <T,>(text: string, params?: readonly unknown[]) => {
      const rows = await connection.query<T>(text, params);
      await nextTurn();
      return rows;
    },
    exec: async (script) => {
      await connection.exec(script);
      await nextTurn();
    },
    transaction: (fn) => connection.transaction(fn),
  };
}

describe('migrate on PGlite', () => {
  migrationCases(pgliteTest);

  pgliteTest('serializes concurrent migrate calls on its single connection', async ({ pglite }) => {
    // In-memory PGlite answers without yielding to the event loop, so two migrate calls seldom
    // overlap by chance; with statements that yield they would interleave at every step, and
    // the advisory lock cannot help, as both hold it through the one session.
    const yielding: Database = { ...pglite, withConnection: (fn) => pglite.withConnection((connection) => fn(yieldingConnection(connection))) };
    await withScratchModule(pglite, async (module) => {
      await module.write({ '0001_create_items.sql': 'CREATE TABLE items (id integer);', '0002_seed_items.sql': 'INSERT INTO items VALUES (1);' });

      const results = await Promise.all([migrate(yielding, module), migrate(yielding, module)]);

      expect(results.map((result) => result.applied.length).sort()).toEqual([0, 2]);
      expect(await pglite.query(`SELECT id FROM ${module.name}.items`)).toEqual([{ id: 1 }]);
    });
  });
});
