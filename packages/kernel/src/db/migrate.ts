import type { Connection, Database, DatabaseLogger } from './database.js';
import { assertSchemaName, quoteIdentifier } from './identifiers.js';
import { MigrationError } from './migration-error.js';
import { readMigrationFiles, type MigrationFile } from './migration-files.js';
import { planMigrations, type AppliedMigration } from './migration-plan.js';

/** A module's migrations: its schema is named `name`, its `.sql` files live in `dir`. */
export interface MigrationSource {
  name: string;
  dir: string;
}

export interface MigrateOptions {
  logger?: DatabaseLogger;
}

/**
 * One key for every module's migrations: two processes starting together serialize on it. The
 * value is arbitrary but fixed ("flowgate" in ASCII, truncated to fit a JavaScript number).
 */
export const MIGRATION_LOCK_KEY = 0x666c6f776761;

const KERNEL_SCHEMA_DDL = `
  CREATE SCHEMA IF NOT EXISTS flowgate;
  CREATE TABLE IF NOT EXISTS flowgate.migrations (
    module     text        NOT NULL,
    name       text        NOT NULL,
    checksum   text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (module, name)
  );`;

/**
 * Brings a module's schema up to date: creates the schema named after the module, then applies
 * its pending `NNNN_description.sql` files in order, each in its own transaction with the
 * module's schema first on the `search_path`, recording each in `flowgate.migrations`.
 *
 * Runs under a PostgreSQL advisory lock held on one connection, so processes starting at once
 * take turns; a process that waited finds the work done and applies nothing. Throws
 * `MigrationError` naming the file when an applied migration was edited or a migration fails
 * (the failed file is rolled back; earlier files stay applied). A file cannot use statements
 * that refuse to run in a transaction, such as `CREATE INDEX CONCURRENTLY`.
 *
 * @returns the names of the files applied by this call.
 */
export async function migrate(db: Database, module: MigrationSource, options: MigrateOptions = {}): Promise<{ applied: string[] }> {
  assertSchemaName(module.name);
  // Read and validate before taking the lock: a bad checkout should not make others wait.
  const files = await readMigrationFiles(module.name, module.dir);

  return db.withConnection(async (connection) => {
    // Waiting for the lock, and a long migration, must not trip the pool's statement timeout.
    await connection.exec('SET statement_timeout = 0');
    await connection.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    const releaseLock = async () => {
      await connection.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
      await connection.exec('RESET statement_timeout');
    };
    let applied: string[];
    try {
      applied = await applyPending(connection, module.name, files, options.logger);
    } catch (error) {
      // The migration's error is the one worth reporting; if releasing fails as well, the
      // connection is broken and discarded, and PostgreSQL drops its lock with it.
      await releaseLock().catch(() => undefined);
      throw error;
    }
    await releaseLock();
    return { applied };
  });
}

/** Migrates each module in turn, in the order given (dependencies first). */
export async function migrateAll(
  db: Database,
  modules: readonly MigrationSource[],
  options: MigrateOptions = {},
): Promise<Array<{ module: string; applied: string[] }>> {
  const seen = new Set<string>();
  for (const { name } of modules) {
    if (seen.has(name)) throw new MigrationError(`module ${name} is listed twice`, { module: name });
    seen.add(name);
  }
  const results: Array<{ module: string; applied: string[] }> = [];
  for (const module of modules) {
    const { applied } = await migrate(db, module, options);
    results.push({ module: module.name, applied });
  }
  return results;
}

async function applyPending(connection: Connection, module: string, files: readonly MigrationFile[], logger?: DatabaseLogger): Promise<string[]> {
  await connection.exec(KERNEL_SCHEMA_DDL);
  await connection.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(module)}`);
  const recorded = await connection.query<AppliedMigration>('SELECT name, checksum FROM flowgate.migrations WHERE module = $1', [module]);

  const plan = planMigrations(module, files, recorded);
  if (plan.unknown.length > 0) {
    // Expected while an older release still runs beside a newer one; not a reason to refuse to start.
    logger?.warn({ module, migrations: plan.unknown }, 'database has migrations this release does not know');
  }
  if (plan.outOfOrder.length > 0) {
    logger?.warn({ module, migrations: plan.outOfOrder }, 'applying migrations numbered below one already applied');
  }

  const applied: string[] = [];
  for (const file of plan.pending) {
    try {
      await connection.transaction(async (tx) => {
        await tx.exec(`SET LOCAL search_path TO ${quoteIdentifier(module)}, public`);
        await tx.exec(file.sql);
        await tx.query('INSERT INTO flowgate.migrations (module, name, checksum) VALUES ($1, $2, $3)', [module, file.name, file.checksum]);
      });
    } catch (error) {
      throw new MigrationError(`migration ${module}/${file.name} failed: ${(error as Error).message}`, { module, file: file.name }, { cause: error });
    }
    logger?.info({ module, migration: file.name }, 'migration applied');
    applied.push(file.name);
  }
  return applied;
}
