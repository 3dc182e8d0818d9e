import { describe, expect, it } from 'vitest';
import { checksumOf, type MigrationFile } from './migration-files.js';
import { planMigrations } from './migration-plan.js';

const file = (name: string, sql = `-- ${name}`): MigrationFile => ({ name, sql, checksum: checksumOf(sql) });
const appliedAs = (migration: MigrationFile) => ({ name: migration.name, checksum: migration.checksum });

describe('planMigrations', () => {
  const first = file('0001_a.sql');
  const second = file('0002_b.sql');
  const third = file('0003_c.sql');

  it('plans every file on an empty database', () => {
    expect(planMigrations('logs', [first, second], [])).toEqual({ pending: [first, second], unknown: [], outOfOrder: [] });
  });

  it('plans only files not yet applied', () => {
    expect(planMigrations('logs', [first, second, third], [appliedAs(first)]).pending).toEqual([second, third]);
  });

  it('refuses an applied file whose checksum differs, naming it', () => {
    const edited = file('0001_a.sql', 'CREATE TABLE changed ();');
    expect(() => planMigrations('logs', [edited, second], [appliedAs(first)])).toThrow(/migration logs\/0001_a\.sql was changed after it was applied/);
  });

  it('reports recorded migrations that have no file', () => {
    expect(planMigrations('logs', [first], [appliedAs(first), appliedAs(second)])).toEqual({ pending: [], unknown: ['0002_b.sql'], outOfOrder: [] });
  });

  it('reports pending files numbered below the last applied one', () => {
    expect(planMigrations('logs', [first, second, third], [appliedAs(first), appliedAs(third)])).toEqual({
      pending: [second],
      unknown: [],
      outOfOrder: ['0002_b.sql'],
    });
  });
});
