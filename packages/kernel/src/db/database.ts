import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

/**
 * The Drizzle database every module writes against. Both drivers hand out this one type, so a
 * module's queries over its `pgSchema` tables compile and run unchanged on PGlite and PostgreSQL.
 */
export type Orm = PgDatabase<PgQueryResultHKT>;

/** The part of a pino logger the database layer uses. */
export interface DatabaseLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/**
 * Something SQL can run on: the database itself, one dedicated connection, or a transaction.
 *
 * Raw results come back as the same JavaScript values on both drivers: `int8` and `numeric` as
 * strings (they can exceed a double), `date` and `interval` as their PostgreSQL text, timestamps
 * as `Date`, `bytea` as `Buffer`, `json`/`jsonb` parsed, arrays as arrays of those.
 */
export interface SqlExecutor {
  readonly orm: Orm;
  /** One parameterized statement (`$1`, `$2`, …); resolves to its rows. */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** A script of one or more statements without parameters, e.g. a migration file. */
  exec(script: string): Promise<void>;
}

/** An executor that can also open a transaction (the database, or one dedicated connection). */
export interface Connection extends SqlExecutor {
  /**
   * Runs `fn` in a transaction: committed when it resolves, rolled back when it throws (the
   * error is rethrown). Use the `tx` it receives for every statement of the transaction; the
   * database's own methods throw when called from inside it, because on PGlite, which has a
   * single connection, they would wait for the transaction to end, forever. `tx.orm.transaction`
   * nests with a savepoint.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

/** The kernel's handle on the platform database: embedded PGlite or a PostgreSQL pool. */
export interface Database extends Connection {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `fn` on one connection held for its whole duration, for session state such as advisory
   * locks. On PostgreSQL it is a pooled connection, discarded rather than reused if `fn` throws;
   * on PGlite, whose only connection is shared, `withConnection` calls run one at a time.
   */
  withConnection<T>(fn: (connection: Connection) => Promise<T>): Promise<T>;
  /** Round-trip time of a trivial query in milliseconds, for health checks. */
  ping(): Promise<number>;
  /** Closes the pool or the embedded database. Calling it again does nothing. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** `postgres://…` selects PostgreSQL; absent selects embedded PGlite. */
  url?: string;
  /** PGlite keeps its files in `${dataDir}/pglite`; `memory://` keeps them in memory (tests). */
  dataDir: string;
  /** PostgreSQL pool size. Default 10. */
  maxConnections?: number;
  /** PostgreSQL per-statement limit in milliseconds. Default 30 000; 0 disables it. */
  statementTimeoutMs?: number;
  logger?: DatabaseLogger;
}
