// A PostgreSQL database of its own for one bench, created next to the test database
// (FLOWGATE_TEST_DATABASE_URL, as the tests use) and dropped afterwards, even when the bench fails.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const base = new URL(process.env.FLOWGATE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');

async function asAdmin(sql) {
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

export async function createScratchDatabase(prefix) {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await asAdmin(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => asAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
