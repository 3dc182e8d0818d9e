import type { Database, Logger } from '@flowgate/kernel';

export interface RetentionOptions {
  db: Database;
  logger: Logger;
  retentionDays: number;
  clock?: () => Date;
  /** Runs deleted per transaction: small enough not to hold locks or the event loop for long. */
  batchSize?: number;
  /** Time between pruning rounds. */
  everyMs?: number;
}

/**
 * Deletes one batch of runs older than the cutoff with their nodes and LLM usage, in one
 * statement. Replicas prune in turn: a transaction-scoped advisory lock lets one at a time in.
 */
const pruneBatch = `
WITH allowed AS (SELECT pg_try_advisory_xact_lock(hashtext('logs.retention')) AS ok),
doomed AS (
  SELECT run_id FROM logs.runs
  WHERE coalesce(started_at, finished_at, recorded_at) < $1::timestamptz AND (SELECT ok FROM allowed)
  LIMIT $2
),
nodes AS (DELETE FROM logs.node_runs WHERE run_id IN (SELECT run_id FROM doomed)),
usage AS (DELETE FROM logs.llm_usage WHERE run_id IN (SELECT run_id FROM doomed))
DELETE FROM logs.runs WHERE run_id IN (SELECT run_id FROM doomed)
RETURNING run_id`;

/**
 * Retention of run detail (`FLOWGATE_LOGS_RETENTION_DAYS`): runs, nodes and LLM usage older than
 * the limit are deleted in the background in bounded batches. The hourly rollups are kept, so
 * statistics still cover pruned runs.
 */
export class RetentionPruner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(private readonly options: RetentionOptions) {}

  start(): void {
    // The first round soon after start (not during it), then periodically.
    this.schedule(30_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Prunes until nothing is past the cutoff; resolves to the number of runs deleted. */
  async pruneOnce(): Promise<number> {
    const { db, retentionDays } = this.options;
    const batchSize = this.options.batchSize ?? 1000;
    const cutoff = new Date((this.options.clock?.() ?? new Date()).getTime() - retentionDays * 86_400_000);
    let deleted = 0;
    for (;;) {
      const gone = await db.transaction((tx) => tx.query(pruneBatch, [cutoff.toISOString(), batchSize]));
      deleted += gone.length;
      if (gone.length < batchSize || this.stopped) break;
      // Let requests in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (deleted > 0) this.options.logger.info({ deleted_runs: deleted, cutoff: cutoff.toISOString() }, 'pruned run records past retention');
    return deleted;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pruneOnce()
        .catch((error: unknown) => {
          this.options.logger.warn({ err: error }, 'retention round failed: retrying next round');
          return 0;
        })
        .finally(() => {
          this.running = undefined;
          this.schedule(this.options.everyMs ?? 600_000);
        });
    }, delayMs);
    this.timer.unref();
  }
}
