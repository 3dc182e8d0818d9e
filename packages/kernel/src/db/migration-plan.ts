import { MigrationError } from './migration-error.js';
import type { MigrationFile } from './migration-files.js';

/** A migration as recorded in `flowgate.migrations`. */
export interface AppliedMigration {
  name: string;
  checksum: string;
}

export interface MigrationPlan {
  /** Files to apply, in order. */
  pending: MigrationFile[];
  /** Recorded migrations with no file here, e.g. applied by a newer release. */
  unknown: string[];
  /** Pending files numbered below an applied one (merged from a parallel branch). */
  outOfOrder: string[];
}

/**
 * Compares a module's files with what the database recorded. An applied file whose content
 * changed is an error naming it: re-applying it could corrupt data, and skipping it would leave
 * the schema differing from the code. Migrations are only ever added.
 */
export function planMigrations(module: string, files: readonly MigrationFile[], applied: readonly AppliedMigration[]): MigrationPlan {
  const appliedByName = new Map(applied.map((migration) => [migration.name, migration.checksum]));
  const pending: MigrationFile[] = [];
  for (const file of files) {
    const recordedChecksum = appliedByName.get(file.name);
    if (recordedChecksum === undefined) {
      pending.push(file);
    } else if (recordedChecksum !== file.checksum) {
      throw new MigrationError(
        `migration ${module}/${file.name} was changed after it was applied (checksum ${recordedChecksum.slice(0, 12)}… is now ${file.checksum.slice(0, 12)}…); restore it and add a new migration instead`,
        { module, file: file.name },
      );
    }
  }

  const fileNames = new Set(files.map((file) => file.name));
  const unknown = applied.map((migration) => migration.name).filter((name) => !fileNames.has(name)).sort();
  const lastApplied = applied.map((migration) => migration.name).sort().at(-1);
  const outOfOrder = lastApplied === undefined ? [] : pending.filter((file) => file.name < lastApplied).map((file) => file.name);
  return { pending, unknown, outOfOrder };
}
