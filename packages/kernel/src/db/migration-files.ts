import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MigrationError } from './migration-error.js';

/** One committed migration: `0001_create_runs.sql`. */
export interface MigrationFile {
  name: string;
  sql: string;
  /** sha256 of the content with line endings normalized, hex. */
  checksum: string;
}

const MIGRATION_FILE = /^(\d{4})_[a-z0-9][a-z0-9_-]*\.sql$/;

/**
 * Reads a module's migrations from `dir`, ordered by their number. Any `.sql` file that is not
 * named like a migration, and any two files sharing a number, are errors: left alone, the first
 * would be skipped without a word and the second applied in an order nobody chose.
 */
export async function readMigrationFiles(module: string, dir: string): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isFile() && entry.name.endsWith('.sql')).map((entry) => entry.name).sort();

  const byNumber = new Map<string, string>();
  for (const name of names) {
    const number = MIGRATION_FILE.exec(name)?.[1];
    if (number === undefined) {
      throw new MigrationError(`migration file ${module}/${name} is misnamed: expected 0001_description.sql (lowercase, digits, _ or -)`, { module, file: name });
    }
    const twin = byNumber.get(number);
    if (twin !== undefined) {
      throw new MigrationError(`migration files ${module}/${twin} and ${module}/${name} share the number ${number}`, { module, file: name });
    }
    byNumber.set(number, name);
  }

  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name), 'utf8');
      return { name, sql, checksum: checksumOf(sql) };
    }),
  );
}

/**
 * The checksum recorded for a migration. Line endings are normalized first, so a checkout that
 * turns LF into CRLF (git on Windows) does not look like an edited migration.
 */
export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql.replaceAll('\r\n', '\n')).digest('hex');
}
