import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/index.js';

/**
 * Checks that a module's committed migrations and its Drizzle `schema.ts` describe the same
 * tables (columns with types and nullability, indexes, foreign keys): neither may drift.
 * `open` hands a database with the module's migrations applied.
 */
export function describeSchemaAgreement(module: string, tables: PgTable[], open: () => Promise<Database>): void {
  describe(`${module} schema`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await open();
    });
    afterAll(() => db.close());

    for (const table of tables) {
      const config = getTableConfig(table);

      it(`migrates ${config.name} with the columns schema.ts declares`, async () => {
        const columns = await db.query<{ name: string; type: string; not_null: boolean }>(
          `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as not_null
             from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = $1 and c.relname = $2 and a.attnum > 0 and not a.attisdropped`,
          [config.schema, config.name],
        );
        const inPrimaryKey = new Set(config.primaryKeys.flatMap((k) => k.columns.map((c) => c.name)));
        const declared = config.columns.map((c) => ({ name: c.name, type: c.getSQLType(), not_null: c.notNull || c.primary || inPrimaryKey.has(c.name) }));
        const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
        expect(columns.sort(byName)).toEqual(declared.sort(byName));
      });

      it(`migrates ${config.name} with the indexes and foreign keys schema.ts declares`, async () => {
        const indexes = await db.query<{ indexname: string }>('select indexname from pg_indexes where schemaname = $1 and tablename = $2', [config.schema, config.name]);
        const declared = [
          ...config.indexes.map((i) => i.config.name),
          ...config.uniqueConstraints.map((u) => u.name),
          ...config.columns.filter((c) => c.isUnique).map((c) => c.uniqueName),
          ...config.primaryKeys.map((k) => k.getName()),
          ...(config.columns.some((c) => c.primary) ? [`${config.name}_pkey`] : []),
        ];
        expect(indexes.map((i) => i.indexname).sort()).toEqual([...new Set(declared)].sort());
        const foreignKeys = await db.query<{ name: string }>(
          `select k.conname as name from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace s on s.oid = c.relnamespace
            where s.nspname = $1 and c.relname = $2 and k.contype = 'f'`,
          [config.schema, config.name],
        );
        expect(foreignKeys).toHaveLength(config.foreignKeys.length);
      });
    }
  });
}
