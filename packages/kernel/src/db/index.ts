export type { Connection, Database, DatabaseLogger, OpenDatabaseOptions, Orm, SqlExecutor } from './database.js';
export { openDatabase } from './open-database.js';
export { migrate, migrateAll, MIGRATION_LOCK_KEY, type MigrateOptions, type MigrationSource } from './migrate.js';
export { MigrationError } from './migration-error.js';
export { assertSchemaName, isUuid, quoteIdentifier } from './identifiers.js';
