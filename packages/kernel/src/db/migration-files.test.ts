import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MigrationError } from './migration-error.js';
import { checksumOf, readMigrationFiles } from './migration-files.js';

describe('readMigrationFiles', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flowgate-migration-files-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const write = async (files: Record<string, string>) => {
    for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, name), sql);
  };

  it('orders files by number and ignores files that are not .sql', async () => {
    await write({ '0010_last.sql': 'c', '0002_second.sql': 'b', '0001_first.sql': 'a', 'README.md': '# notes' });
    await mkdir(join(dir, '0003_a_directory.sql'));
    const files = await readMigrationFiles('logs', dir);
    expect(files.map((file) => file.name)).toEqual(['0001_first.sql', '0002_second.sql', '0010_last.sql']);
    expect(files[0]).toEqual({ name: '0001_first.sql', sql: 'a', checksum: checksumOf('a') });
  });

  it.each(['001_short.sql', '0001-dash.sql', '0001_Upper.sql', '0001_.sql', 'create_runs.sql'])('rejects the misnamed file %s, naming it', async (name) => {
    await write({ '0001_fine.sql': 'a', [name]: 'b' });
    const attempt = readMigrationFiles('logs', dir);
    await expect(attempt).rejects.toBeInstanceOf(MigrationError);
    await expect(attempt).rejects.toMatchObject({ file: name, message: expect.stringContaining(`logs/${name} is misnamed`) });
  });

  it('rejects two files sharing a number, naming both', async () => {
    await write({ '0001_first.sql': 'a', '0002_mine.sql': 'b', '0002_theirs.sql': 'c' });
    await expect(readMigrationFiles('logs', dir)).rejects.toThrow('logs/0002_mine.sql and logs/0002_theirs.sql share the number 0002');
  });

  it('fails when the directory does not exist', async () => {
    await expect(readMigrationFiles('logs', join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});

describe('checksumOf', () => {
  it('is the same for LF and CRLF line endings and differs for any other change', () => {
    expect(checksumOf('CREATE TABLE a ();\r\nSELECT 1;\r\n')).toBe(checksumOf('CREATE TABLE a ();\nSELECT 1;\n'));
    expect(checksumOf('CREATE TABLE a ();\nSELECT 2;\n')).not.toBe(checksumOf('CREATE TABLE a ();\nSELECT 1;\n'));
    expect(checksumOf('')).toMatch(/^[0-9a-f]{64}$/);
  });
});
