import type { Database, OpenDatabaseOptions } from './database.js';

/**
 * Opens the platform database: PostgreSQL when `url` is given (distributed profile), embedded
 * PGlite in `dataDir` otherwise. Callers get the same `Database` either way.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  // Each driver is loaded only when chosen: a process pays for PGlite or pg, never both.
  if (options.url === undefined || options.url === '') {
    const { openPgliteDatabase } = await import('./pglite-database.js');
    return openPgliteDatabase({ dataDir: options.dataDir, logger: options.logger });
  }
  if (!/^postgres(ql)?:\/\//.test(options.url)) {
    throw new Error('database url must start with postgres:// or postgresql://');
  }
  const { openPostgresDatabase } = await import('./postgres-database.js');
  return openPostgresDatabase(options.url, options);
}
