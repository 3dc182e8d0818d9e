import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../database.js';

/** A throwaway module for migration tests: a unique schema name and a directory of its own. */
export interface ScratchModule {
  name: string;
  dir: string;
  /** Writes (or overwrites) migration files, e.g. `{ '0001_create.sql': 'CREATE TABLE …' }`. */
  write(files: Record<string, string>): Promise<void>;
  remove(fileName: string): Promise<void>;
}

/**
 * Runs `fn` with a scratch module, then drops its schema and its `flowgate.migrations` rows, so
 * runs against a shared PostgreSQL leave nothing behind and never see each other's modules.
 */
export async function withScratchModule(db: Database, fn: (module: ScratchModule) => Promise<void>): Promise<void> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  const dir = await mkdtemp(join(tmpdir(), 'flowgate-migrations-'));
  const module: ScratchModule = {
    name,
    dir,
    async write(files) {
      for (const [fileName, sql] of Object.entries(files)) await writeFile(join(dir, fileName), sql);
    },
    async remove(fileName) {
      await unlink(join(dir, fileName));
    },
  };
  try {
    await fn(module);
  } finally {
    await dropScratchModule(db, name);
    await rm(dir, { recursive: true, force: true });
  }
}

export async function dropScratchModule(db: Database, name: string): Promise<void> {
  await db.exec(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  const [kernelTable] = await db.query<{ exists: boolean }>("SELECT to_regclass('flowgate.migrations') IS NOT NULL AS exists");
  if (kernelTable?.exists) await db.query('DELETE FROM flowgate.migrations WHERE module = $1', [name]);
}
