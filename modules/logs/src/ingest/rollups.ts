import type { SqlExecutor } from '@flowgate/kernel';
import { addToHistogram, type Histogram } from '../stats/histogram.js';
import { asJson, inKeyOrder } from './json-rows.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** The four rollup tables: per workflow and platform-wide, per hour and per day. */
const tables = [
  { name: 'logs.workflow_hours', perWorkflow: true, unit: HOUR_MS },
  { name: 'logs.platform_hours', perWorkflow: false, unit: HOUR_MS },
  { name: 'logs.workflow_days', perWorkflow: true, unit: DAY_MS },
  { name: 'logs.platform_days', perWorkflow: false, unit: DAY_MS },
] as const;

const columns = `bucket timestamptz, runs integer, succeeded integer, failed integer, cancelled integer, elapsed_sum_us bigint,
  elapsed_min double precision, elapsed_max double precision, tokens bigint, histogram jsonb`;

/** Adds deltas to a rollup table; a delta that only carries tokens leaves the histogram alone. */
const upsertSql = (table: (typeof tables)[number]) => `
INSERT INTO ${table.name} AS r
SELECT * FROM json_to_recordset($1::json) AS x(${table.perWorkflow ? 'workflow_id uuid, ' : ''}${columns})
ON CONFLICT (${table.perWorkflow ? 'workflow_id, ' : ''}bucket) DO UPDATE SET
  runs = r.runs + excluded.runs,
  succeeded = r.succeeded + excluded.succeeded,
  failed = r.failed + excluded.failed,
  cancelled = r.cancelled + excluded.cancelled,
  elapsed_sum_us = r.elapsed_sum_us + excluded.elapsed_sum_us,
  elapsed_min = least(r.elapsed_min, excluded.elapsed_min),
  elapsed_max = greatest(r.elapsed_max, excluded.elapsed_max),
  tokens = r.tokens + excluded.tokens,
  histogram = CASE WHEN excluded.histogram = '{}'::jsonb THEN r.histogram ELSE logs.merge_histograms(r.histogram, excluded.histogram) END`;

const upserts = tables.map(upsertSql);

interface Rollup {
  workflow_id?: string;
  bucket: string;
  runs: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  elapsed_sum_us: number;
  elapsed_min: number | null;
  elapsed_max: number | null;
  tokens: number;
  histogram: Histogram;
}

/** What one batch adds to the rollups: finished runs, and tokens that came after their run. */
export class RollupDeltas {
  private readonly deltas = tables.map(() => new Map<string, Rollup>());

  private rollupsOf(workflowId: string, startedAt: Date): Rollup[] {
    return tables.map((table, i) => {
      const bucket = new Date(Math.floor(startedAt.getTime() / table.unit) * table.unit).toISOString();
      const key = table.perWorkflow ? `${workflowId}/${bucket}` : bucket;
      let rollup = this.deltas[i]!.get(key);
      if (!rollup) {
        rollup = { ...(table.perWorkflow ? { workflow_id: workflowId } : {}), bucket, runs: 0, succeeded: 0, failed: 0, cancelled: 0, elapsed_sum_us: 0, elapsed_min: null, elapsed_max: null, tokens: 0, histogram: {} };
        this.deltas[i]!.set(key, rollup);
      }
      return rollup;
    });
  }

  addRun(run: { workflow_id: string; started_at: Date; status: string; elapsed_ms: number; total_tokens: string | number }): void {
    for (const rollup of this.rollupsOf(run.workflow_id, run.started_at)) {
      rollup.runs++;
      if (run.status === 'succeeded') rollup.succeeded++;
      else if (run.status === 'failed') rollup.failed++;
      else if (run.status === 'cancelled') rollup.cancelled++;
      rollup.elapsed_sum_us += Math.round(run.elapsed_ms * 1000);
      rollup.elapsed_min = rollup.elapsed_min === null ? run.elapsed_ms : Math.min(rollup.elapsed_min, run.elapsed_ms);
      rollup.elapsed_max = rollup.elapsed_max === null ? run.elapsed_ms : Math.max(rollup.elapsed_max, run.elapsed_ms);
      rollup.tokens += Number(run.total_tokens);
      addToHistogram(rollup.histogram, run.elapsed_ms);
    }
  }

  addTokens(workflowId: string, startedAt: Date, tokens: number): void {
    for (const rollup of this.rollupsOf(workflowId, startedAt)) rollup.tokens += tokens;
  }

  /** One statement per table with deltas, rows in key order so concurrent writers lock alike. */
  async write(tx: SqlExecutor): Promise<void> {
    for (const [i, deltas] of this.deltas.entries()) {
      if (deltas.size > 0) await tx.query(upserts[i]!, [asJson(inKeyOrder(deltas))]);
    }
  }
}
