import { PgDialect } from 'drizzle-orm/pg-core';
import { drizzle, NodePgSession, NodePgTransaction } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Connection, Database, DatabaseLogger, SqlExecutor } from './database.js';
import { transactionSpan, withStatementSpans } from './statement-spans.js';
import { TransactionGuard } from './transaction-guard.js';
import { postgresTypes } from './value-parsers.js';

export interface PostgresPoolOptions {
  maxConnections?: number;
  statementTimeoutMs?: number;
  logger?: DatabaseLogger;
}

/** Opens a node-postgres pool on `url` and checks that the server answers before returning. */
export async function openPostgresDatabase(url: string, options: PostgresPoolOptions = {}): Promise<Database> {
  const { logger } = options;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    // Idle connections behind NAT or a load balancer are dropped silently; keep-alive notices.
    keepAlive: true,
    // A runaway statement must not hold a connection (and its locks) for ever.
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    // Without it, pool.connect() waits for ever when the server is unreachable or the pool is exhausted.
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'flowgate',
    types: postgresTypes,
  });
  // An idle connection that fails emits 'error' on the pool; unhandled, that would end the process.
  pool.on('error', (error) => logger?.warn({ err: error, driver: 'postgres' }, 'idle PostgreSQL connection failed; the pool replaces it'));

  const target = describeServer(url);
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end();
    throw new Error(`cannot reach PostgreSQL at ${target}: ${reasonOf(error)}`, { cause: error });
  }
  logger?.info({ driver: 'postgres', server: target, maxConnections: options.maxConnections ?? 10 }, 'database opened');

  const guard = new TransactionGuard();
  const dialect = new PgDialect();
  // Statements through `spanned`, ours and Drizzle's, make database spans; so do those of the
  // clients Drizzle checks out of it for its own transactions.
  const spanned = withStatementSpans(pool, { statements: ['query'], connect: 'connect' });
  const orm = drizzle({ client: guard.wrapClient(spanned, { checked: ['query', 'connect'] }) });
  let closing: Promise<void> | undefined;

  const database: Database = {
    kind: 'postgres',
    orm,
    async query<T>(text: string, params: readonly unknown[] = []) {
      guard.assertOutside('db.query');
      const result = await spanned.query(text, [...params]);
      return result.rows as T[];
    },
    async exec(script: string) {
      guard.assertOutside('db.exec');
      await spanned.query(script);
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>) {
      guard.assertOutside('db.transaction');
      return transactionSpan(async () => {
        const client = await pool.connect();
        let connectionBroken = false;
        try {
          return await runTransaction(client, dialect, guard, fn, () => (connectionBroken = true));
        } finally {
          client.release(connectionBroken);
        }
      });
    },
    async withConnection<T>(fn: (connection: Connection) => Promise<T>) {
      guard.assertOutside('db.withConnection');
      const client = await pool.connect();
      let failed = false;
      try {
        return await fn(connectionExecutor(client, dialect, guard));
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        // After a failure the session may still hold locks or settings: discard it, never reuse it.
        client.release(failed);
      }
    },
    async ping() {
      const started = performance.now();
      await database.query('select 1');
      return performance.now() - started;
    },
    close() {
      closing ??= pool.end();
      return closing;
    },
  };
  return database;
}

/** Raw statements on one checked-out connection. */
function rawExecutor(client: pg.PoolClient): Omit<SqlExecutor, 'orm'> {
  return {
    async query<T>(text: string, params: readonly unknown[] = []) {
      const result = await client.query(text, [...params]);
      return result.rows as T[];
    },
    async exec(script: string) {
      // Without parameters node-postgres uses the simple protocol, which accepts several statements.
      await client.query(script);
    },
  };
}

function connectionExecutor(client: pg.PoolClient, dialect: PgDialect, guard: TransactionGuard): Connection {
  const spanned = withStatementSpans(client, { statements: ['query'] });
  return {
    ...rawExecutor(spanned),
    orm: drizzle({ client: spanned }),
    transaction: (fn) => transactionSpan(() => runTransaction(client, dialect, guard, fn, () => undefined)),
  };
}

async function runTransaction<T>(
  client: pg.PoolClient,
  dialect: PgDialect,
  guard: TransactionGuard,
  fn: (tx: SqlExecutor) => Promise<T>,
  onConnectionBroken: () => void,
): Promise<T> {
  // The same construction Drizzle's own `orm.transaction` uses, over the connection that ran
  // BEGIN, so raw and Drizzle statements of the callback share one transaction. BEGIN and COMMIT
  // go to the bare client: the transaction's span stands for them.
  const spanned = withStatementSpans(client, { statements: ['query'] });
  const tx: SqlExecutor = { ...rawExecutor(spanned), orm: new NodePgTransaction(dialect, new NodePgSession(spanned, dialect, undefined), undefined) };
  try {
    await client.query('BEGIN');
    const result = await guard.runInside(() => fn(tx));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      // The connection is gone (the original error usually says why); it must not go back to the pool.
      onConnectionBroken();
    }
    throw error;
  }
}

/** host:port/database of a connection URL, without the credentials, for logs and errors. */
function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return '(unparsable database URL)';
  }
}

// Connecting to "localhost" tries IPv4 and IPv6 and fails with an AggregateError whose message
// is empty; its code (ECONNREFUSED) is then the useful part.
function reasonOf(error: unknown): string {
  const { message, code } = error as { message?: string; code?: string };
  return message || code || String(error);
}
