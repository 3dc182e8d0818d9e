import { randomBytes } from 'node:crypto';
import { migrate, openDatabase } from '@flowgate/kernel';
import { requireService, testDatabaseUrl } from '@flowgate/kernel/testing';
import { migrationsDir, type TestDatabase } from './harness.js';

/** Whether PostgreSQL is here: skips with the reason when absent, fails under CI=true. */
export function postgresAvailability() {
  const { hostname, port } = new URL(testDatabaseUrl());
  return requireService('PostgreSQL', hostname, Number(port || 5432));
}

/**
 * A database of its own for one test file, dropped afterwards: the schema name `workflows` is
 * fixed, so files running in parallel must not share a database.
 */
export async function freshPostgresDatabase(): Promise<TestDatabase> {
  const serverUrl = testDatabaseUrl();
  const server = await openDatabase({ url: serverUrl, dataDir: 'memory://', maxConnections: 1 });
  const name = `fg_test_workflows_${randomBytes(6).toString('hex')}`;
  await server.exec(`create database ${name}`);
  const drop = async () => {
    await server.exec(`drop database if exists ${name} with (force)`);
    await server.close();
  };
  try {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const db = await openDatabase({ url: url.toString(), dataDir: 'memory://' });
    try {
      await migrate(db, { name: 'workflows', dir: migrationsDir });
    } catch (error) {
      await db.close();
      throw error;
    }
    return {
      db,
      close: async () => {
        await db.close();
        await drop();
      },
    };
  } catch (error) {
    await drop();
    throw error;
  }
}
