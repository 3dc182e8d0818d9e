import type { Database, OpenDatabaseOptions } from './database.js';
import { openPgliteDatabase } from './pglite-database.js';
import { openPostgresDatabase } from './postgres-database.js';

/**
 * Opens the platform database: PostgreSQL when `url` is given (distributed profile), embedded
 * PGlite in `dataDir` otherwise. Callers get the same `Database` either way.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.url === undefined || options.url === '') return openPgliteDatabase({ dataDir: options.dataDir, logger: options.logger });
  if (!/^postgres(ql)?:\/\//.test(options.url)) {
    throw new Error('database url must start with postgres:// or postgresql://');
  }
  return openPostgresDatabase(options.url, options);
}
