import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { testDatabaseUrl } from './postgres.js';
import { requireService } from './services.js';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A PostgreSQL database of its own for one test file, created next to the test database and
 * dropped afterwards: whole platforms (every module's schema) can start on it from scratch.
 * Resolves to null, after printing why, when PostgreSQL is absent outside CI.
 */
export async function createScratchDatabase(prefix = 'fg_test'): Promise<ScratchDatabase | null> {
  const base = new URL(testDatabaseUrl());
  const status = await requireService('PostgreSQL', base.hostname, Number(base.port || 5432));
  if (status.skip) return null;
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: base.toString() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
