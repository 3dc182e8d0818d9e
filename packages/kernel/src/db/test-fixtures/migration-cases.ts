// How `migrate` must behave on every driver. migrate.test.ts runs these cases on PGlite and
// migrate.int.test.ts on PostgreSQL, each module in a throwaway schema.
import { expect, type TestAPI } from 'vitest';
import type { Database } from '../database.js';
import { migrate, migrateAll } from '../migrate.js';
import { MigrationError } from '../migration-error.js';
import { checksumOf } from '../migration-files.js';
import { withScratchModule } from './scratch-module.js';

const CREATE_ITEMS = 'CREATE TABLE items (id integer PRIMARY KEY, label text NOT NULL);\n';
const SEED_ITEMS = "INSERT INTO items VALUES (1, 'one');\nINSERT INTO items VALUES (2, 'two');\n";
const ADD_COLUMN = 'ALTER TABLE items ADD COLUMN note text;\n';

async function recorded(db: Database, module: string) {
  return db.query<{ name: string; checksum: string }>('SELECT name, checksum FROM flowgate.migrations WHERE module = $1 ORDER BY name', [module]);
}

async function itemIds(db: Database, module: string): Promise<number[]> {
  const rows = await db.query<{ id: number }>(`SELECT id FROM ${module}.items ORDER BY id`);
  return rows.map((row) => row.id);
}

export function migrationCases(it: TestAPI<{ db: Database }>): void {
  it('creates the module schema and applies its files in order, recording each', async ({ db }) => {
    await withScratchModule(db, async (module) => {
      await module.write({ '0002_seed_items.sql': SEED_ITEMS, '0001_create_items.sql': CREATE_ITEMS, 'README.md': 'not a migration' });

      const result = await migrate(db, module);

      expect(result.applied).toEqual(['0001_create_items.sql', '0002_seed_items.sql']);
      expect(await itemIds(db, module.name)).toEqual([1, 2]);
      expect(await recorded(db, module.name)).toEqual([
        { name: '0001_create_items.sql', checksum: checksumOf(CREATE_ITEMS) },
        { name: '0002_seed_items.sql', checksum: checksumOf(SEED_ITEMS) },
      ]);
    });
  });

  it('creates unqualified tables in the module schema, not in public', async ({ db }) => {
    await withScratchModule(db, async (module) => {
      await module.write({ '0001_create_items.sql': CREATE_ITEMS });
      await migrate(db, module);
      const [where] = await db.query(`SELECT to_regclass('${module.name}.items') IS NOT NULL AS in_module, to_regclass('public.items') IS NOT NULL AS in_public`);
      expect(where).toEqual({ in_module: true, in_public: false });
    });
  });

  it('applies nothing when run again', async ({ db }) => {
    await withScratchModule(db, async (module) => {
      await module.write({ '0001_create_items.sql': CREATE_ITEMS, '0002_seed_items.sql': SEED_ITEMS });
      await migrate(db, module);

      expect(await migrate(db, module)).toEqual({ applied: [] });
      // Re-running the seed would have failed on its primary key or doubled the rows.
      expect(await itemIds(db, module.name)).toEqual([1, 2]);
    });
  });

  it('applies only the files added since the last run', async ({ db }) => {
    await withScratchModule(db, async (module) => {
      await module.write({ '0001_create_items.sql': CREATE_ITEMS });
      await migrate(db, module);
      await module.write({ '0002_seed_items.sql': SEED_ITEMS, '0003_add_note.sql': ADD_COLUMN });

      expect(await migrate(db, module)).toEqual({ applied: ['0002_seed_items.sql', '0003_add_note.sql'] });
      expect((await recorded(db, module.name)).map((row) => row.name)).toEqual(['0001_create_items.sql', '0002_seed_items.sql', '0003_add_note.sql']);
    });
  });

  it('rejects an applied file whose content changed, naming it, and applies nothing', async ({ db }) => {
    await withScratchModule(db, async (module) => {
      await module.write({ '0001_create_items.sql': CREATE_ITEMS, '0002_seed_items.sql': SEED_ITEMS });
      await migrate(db, module);
      await module.write({ '0002_seed_items.sql': "INSERT INTO items VALUES (3, 'three');\n", '0003_add_note.sql': ADD_COLUMN });

      const attempt = migrate(db, module);

      await expect(attempt).rejects.toBeInstanceOf(MigrationError);
      await expect(attempt).rejects.toMatchObject({ file: '0002_seed_items.sql', message: expect.stringContaining(`${module.name}/0002_seed_items.sql was changed`) });
      expect(await itemIds(db, module.name)).toEqual([1, 2]);
      expect(await recorded(db, module.name)).toHaveLength(2);
    });
  });

  it('does not mistake CRLF line endings for a change', async ({ db }) => {
    await withScratchModule(db, async (module) => {
      await module.write({ '0001_create_items.sql': CREATE_ITEMS });
      await migrate(db, module);
      await module.write({ '0001_create_items.sql': CREATE_ITEMS.replaceAll('\n', '\r\n') });
      expect(await migrate(db, module)).toEqual({ applied: [] });
    });
  });

  it('rolls back a failing file, keeps the files before it, and applies it once fixed', async ({ db }) => {
    await withScratchModule(db, async (module) => {
      await module.write({
        '0001_create_items.sql': CREATE_ITEMS,
        '0002_half_done.sql': 'CREATE TABLE leftovers (id integer);\nSELECT 1 / 0;\n',
        '0003_seed_items.sql': SEED_ITEMS,
      });

      await expect(migrate(db, module)).rejects.toMatchObject({
        name: 'MigrationError',
        file: '0002_half_done.sql',
        message: expect.stringMatching(/0002_half_done\.sql failed: division by zero/),
      });
      expect((await recorded(db, module.name)).map((row) => row.name)).toEqual(['0001_create_items.sql']);
      expect(await db.query(`SELECT to_regclass('${module.name}.leftovers') AS leftovers`)).toEqual([{ leftovers: null }]);

      await module.write({ '0002_half_done.sql': 'CREATE TABLE leftovers (id integer);\n' });
      expect(await migrate(db, module)).toEqual({ applied: ['0002_half_done.sql', '0003_seed_items.sql'] });
    });
  });

  it('applies each file once when two migrate calls race', async ({ db }) => {
    await withScratchModule(db, async (module) => {
      await module.write({ '0001_create_items.sql': CREATE_ITEMS, '0002_seed_items.sql': SEED_ITEMS, '0003_add_note.sql': ADD_COLUMN });

      const results = await Promise.all([migrate(db, module), migrate(db, module)]);

      const applied = results.map((result) => result.applied).sort((a, b) => a.length - b.length);
      expect(applied).toEqual([[], ['0001_create_items.sql', '0002_seed_items.sql', '0003_add_note.sql']]);
      expect(await itemIds(db, module.name)).toEqual([1, 2]);
    });
  });

  it('keeps a migration that was recorded but whose file is gone (a newer release applied it)', async ({ db }) => {
    await withScratchModule(db, async (module) => {
      await module.write({ '0001_create_items.sql': CREATE_ITEMS, '0002_seed_items.sql': SEED_ITEMS });
      await migrate(db, module);
      await module.remove('0002_seed_items.sql');

      const warnings: object[] = [];
      const logger = { info: () => undefined, warn: (obj: object) => warnings.push(obj) };
      expect(await migrate(db, module, { logger })).toEqual({ applied: [] });
      expect(warnings).toEqual([{ module: module.name, migrations: ['0002_seed_items.sql'] }]);
      expect(await recorded(db, module.name)).toHaveLength(2);
    });
  });

  it('rejects a module name that is not a safe identifier, before touching the database', async ({ db }) => {
    await withScratchModule(db, async (module) => {
      await module.write({ '0001_create_items.sql': CREATE_ITEMS });
      for (const name of ['Items', '1items', 'items-v2', 'items; DROP SCHEMA public', 'pg_items', 'flowgate', '']) {
        await expect(migrate(db, { name, dir: module.dir })).rejects.toThrow(/invalid schema name/);
      }
      expect(await db.query("SELECT nspname FROM pg_namespace WHERE nspname IN ('Items', 'items', 'items-v2')")).toEqual([]);
    });
  });

  it('migrates several modules in the order given', async ({ db }) => {
    await withScratchModule(db, async (first) => {
      await withScratchModule(db, async (second) => {
        await first.write({ '0001_create_items.sql': CREATE_ITEMS });
        await second.write({ '0001_create_items.sql': CREATE_ITEMS, '0002_seed_items.sql': SEED_ITEMS });

        expect(await migrateAll(db, [first, second])).toEqual([
          { module: first.name, applied: ['0001_create_items.sql'] },
          { module: second.name, applied: ['0001_create_items.sql', '0002_seed_items.sql'] },
        ]);
        expect(await itemIds(db, first.name)).toEqual([]);
        expect(await itemIds(db, second.name)).toEqual([1, 2]);
      });
    });
  });
}
