import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, openDatabase, type Database } from '../db/index.js';
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

/**
 * A scratch database with one module's migrations applied: a module's schema name is fixed, so
 * test files running in parallel each need a database of their own. Null when PostgreSQL is
 * absent outside CI (the reason was printed).
 */
export async function openMigratedScratchDatabase(module: { name: string; dir: string }): Promise<{ db: Database; close(): Promise<void> } | null> {
  const scratch = await createScratchDatabase(`fg_test_${module.name}`);
  if (!scratch) return null;
  let db: Database | undefined;
  try {
    db = await openDatabase({ url: scratch.url, dataDir: 'memory://' });
    await migrate(db, module);
  } catch (error) {
    await db?.close();
    await scratch.drop();
    throw error;
  }
  const opened = db;
  return {
    db: opened,
    async close() {
      await opened.close();
      await scratch.drop();
    },
  };
}

/**
 * What a test of the split or distributed profile stands on: a scratch database and NATS on its
 * default port; or, outside CI, the reason to skip (under CI=true a missing service fails).
 */
export async function distributedInfrastructure(prefix: string): Promise<{ database: ScratchDatabase; reason?: undefined } | { database: null; reason: string }> {
  const nats = await requireService('NATS', '127.0.0.1', 4222);
  if (nats.skip) return { database: null, reason: nats.reason };
  const database = await createScratchDatabase(prefix);
  return database ? { database } : { database: null, reason: 'PostgreSQL is not available' };
}
