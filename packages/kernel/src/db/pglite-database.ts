import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite, type Transaction as PgliteTransactionClient } from '@electric-sql/pglite';
import { PgDialect } from 'drizzle-orm/pg-core';
import { drizzle, PgliteSession, PgliteTransaction } from 'drizzle-orm/pglite';
import type { Connection, Database, DatabaseLogger, SqlExecutor } from './database.js';
import { withStatementSpans } from './statement-spans.js';
import { TransactionGuard } from './transaction-guard.js';
import { pgliteParsers } from './value-parsers.js';

const IN_MEMORY = 'memory://';

export interface PgliteOpenOptions {
  dataDir: string;
  logger?: DatabaseLogger;
  /**
   * A `dumpDataDir()` of another PGlite to start from. Tests use a dump of an empty database:
   * it opens in a fraction of the time `initdb` takes.
   */
  loadDataDir?: Blob;
}

/**
 * Opens embedded PGlite in `${dataDir}/pglite`, or in memory when `dataDir` is `memory://`.
 *
 * PGlite is one connection. It queues statements itself, and its top-level `query`/`exec` wait
 * while a `transaction` is open, so transactions never interleave with other work; Drizzle's
 * PGlite driver relies on the same `transaction`, so `db.orm.transaction` is safe too.
 */
export async function openPgliteDatabase(options: PgliteOpenOptions): Promise<Database> {
  const { dataDir, logger } = options;
  const storage = dataDir.startsWith(IN_MEMORY) ? undefined : join(dataDir, 'pglite');
  if (storage !== undefined) await mkdir(storage, { recursive: true });
  const client = await PGlite.create({
    ...(storage === undefined ? {} : { dataDir: storage }),
    ...(options.loadDataDir === undefined ? {} : { loadDataDir: options.loadDataDir }),
    parsers: pgliteParsers,
    // PostgreSQL's 128 MB default buffer pool is sized for a server; the embedded database of one
    // process keeps its hot pages in 16 MB, which roughly halves the monolith's idle memory.
    postgresqlconf: ['shared_buffers = 16MB', 'wal_buffers = 1MB', 'max_connections = 10'],
  });
  logger?.info({ driver: 'pglite', dataDir: storage ?? IN_MEMORY }, 'database opened');

  const guard = new TransactionGuard();
  const dialect = new PgDialect();
  // Every statement, ours and Drizzle's, goes through `spanned`, and so makes database spans;
  // its transactions hand their callback a spanned transaction client too.
  const spanned = withStatementSpans(client, { statements: ['query', 'exec'], transaction: 'transaction' });
  const orm = drizzle({ client: guard.wrapClient(spanned, { checked: ['query', 'exec'], entering: ['transaction'] }) });

  // Stands in for a pool of one: whoever holds the "dedicated connection" holds it alone.
  let connectionQueue: Promise<unknown> = Promise.resolve();
  let closing: Promise<void> | undefined;

  const database: Database = {
    kind: 'pglite',
    orm,
    async query<T>(text: string, params: readonly unknown[] = []) {
      guard.assertOutside('db.query');
      const result = await spanned.query<T>(text, [...params]);
      return result.rows;
    },
    async exec(script: string) {
      guard.assertOutside('db.exec');
      await spanned.exec(script);
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>) {
      guard.assertOutside('db.transaction');
      return spanned.transaction((pgliteTx) => guard.runInside(() => fn(transactionExecutor(pgliteTx, dialect))));
    },
    withConnection<T>(fn: (connection: Connection) => Promise<T>) {
      guard.assertOutside('db.withConnection');
      const turn = connectionQueue.then(() => fn(database));
      connectionQueue = turn.catch(() => undefined);
      return turn;
    },
    async ping() {
      const started = performance.now();
      await database.query('select 1');
      return performance.now() - started;
    },
    close() {
      closing ??= client.close();
      return closing;
    },
  };
  return database;
}

function transactionExecutor(pgliteTx: PgliteTransactionClient, dialect: PgDialect): SqlExecutor {
  // The same construction Drizzle's own `orm.transaction` uses, over the PGlite transaction
  // we opened, so the raw and the Drizzle statements of a callback share one transaction.
  const session = new PgliteSession(pgliteTx, dialect, undefined);
  return {
    orm: new PgliteTransaction(dialect, session, undefined),
    async query<T>(text: string, params: readonly unknown[] = []) {
      const result = await pgliteTx.query<T>(text, [...params]);
      return result.rows;
    },
    async exec(script: string) {
      await pgliteTx.exec(script);
    },
  };
}
