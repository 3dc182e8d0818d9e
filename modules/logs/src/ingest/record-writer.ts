import type { Connection, SqlExecutor } from '@flowgate/kernel';
import { addTokens, type RecordBatch } from './record-batch.js';
import { asJson, inKeyOrder } from './json-rows.js';
import { RollupDeltas } from './rollups.js';

// Each merge below follows the rule of record-batch.ts: a final status beats `running`, every
// other column keeps its first non-null value. Rows are sorted by key so that two writers lock
// them in the same order.

const upsertNodes = `
INSERT INTO logs.node_runs AS n (run_id, node_id, seq, node_type, status, inputs, outputs, error, attempts, started_at, finished_at, elapsed_ms)
SELECT run_id, node_id, seq, node_type, status, inputs, outputs, error, attempts, started_at, finished_at, elapsed_ms
FROM json_to_recordset($1::json) AS x(run_id uuid, node_id text, seq integer, node_type text, status text, inputs jsonb, outputs jsonb,
  error text, attempts integer, started_at timestamptz, finished_at timestamptz, elapsed_ms double precision)
ON CONFLICT (run_id, node_id) DO UPDATE SET
  seq = least(n.seq, excluded.seq),
  status = CASE WHEN n.status = 'running' THEN excluded.status ELSE n.status END,
  inputs = coalesce(n.inputs, excluded.inputs),
  outputs = coalesce(n.outputs, excluded.outputs),
  error = coalesce(n.error, excluded.error),
  attempts = greatest(n.attempts, excluded.attempts),
  started_at = coalesce(n.started_at, excluded.started_at),
  finished_at = coalesce(n.finished_at, excluded.finished_at),
  elapsed_ms = coalesce(n.elapsed_ms, excluded.elapsed_ms)`;

/** Usage is recorded once per event: only rows inserted now count towards tokens. */
const insertUsage = `
INSERT INTO logs.llm_usage (run_id, seq, node_id, provider, model, prompt_tokens, completion_tokens, total_tokens, latency_ms)
SELECT * FROM json_to_recordset($1::json) AS x(run_id uuid, seq integer, node_id text, provider text, model text,
  prompt_tokens integer, completion_tokens integer, total_tokens integer, latency_ms double precision)
ON CONFLICT (run_id, seq) DO NOTHING
RETURNING run_id, total_tokens`;

const upsertRuns = `
INSERT INTO logs.runs AS r (run_id, workflow_id, version, trigger, parent_run_id, status, inputs, outputs, error, started_at, finished_at, elapsed_ms, total_tokens)
SELECT * FROM json_to_recordset($1::json) AS x(run_id uuid, workflow_id uuid, version integer, trigger text, parent_run_id uuid, status text,
  inputs jsonb, outputs jsonb, error text, started_at timestamptz, finished_at timestamptz, elapsed_ms double precision, tokens bigint)
ON CONFLICT (run_id) DO UPDATE SET
  workflow_id = coalesce(r.workflow_id, excluded.workflow_id),
  version = coalesce(r.version, excluded.version),
  trigger = coalesce(r.trigger, excluded.trigger),
  parent_run_id = coalesce(r.parent_run_id, excluded.parent_run_id),
  status = CASE WHEN r.status = 'running' THEN excluded.status ELSE r.status END,
  inputs = coalesce(r.inputs, excluded.inputs),
  outputs = coalesce(r.outputs, excluded.outputs),
  error = coalesce(r.error, excluded.error),
  started_at = coalesce(r.started_at, excluded.started_at),
  finished_at = coalesce(r.finished_at, excluded.finished_at),
  elapsed_ms = coalesce(r.elapsed_ms, excluded.elapsed_ms),
  total_tokens = r.total_tokens + excluded.total_tokens
RETURNING run_id, workflow_id, started_at, rolled_up`;

/**
 * Marks the batch's runs that are now both started and finished as rolled up, exactly once: a
 * concurrent writer waits for the row lock and then no longer matches `NOT rolled_up`.
 */
const markRolledUp = `
UPDATE logs.runs SET rolled_up = true
WHERE run_id IN (SELECT json_array_elements_text($1::json)::uuid) AND NOT rolled_up AND workflow_id IS NOT NULL AND started_at IS NOT NULL AND status <> 'running'
RETURNING workflow_id, started_at, status, elapsed_ms, total_tokens`;

/**
 * Merges one batch into the tables, in one transaction of at most eight statements:
 * 1. node rows; 2. LLM usage, learning which rows are new; 3. run rows, with the new usage's
 * tokens; 4. marks runs now complete as rolled up; 5–8. adds those runs, and tokens that arrived
 * after their run was rolled up, to the hourly and daily rollups.
 * Writing the same batch again changes nothing.
 */
export async function writeRecordBatch(db: Connection, batch: RecordBatch): Promise<void> {
  await db.transaction(async (tx: SqlExecutor) => {
    if (batch.nodes.size > 0) await tx.query(upsertNodes, [asJson(inKeyOrder(batch.nodes))]);

    const tokensByRun = new Map<string, number>();
    if (batch.usage.size > 0) {
      const inserted = await tx.query<{ run_id: string; total_tokens: number }>(insertUsage, [asJson(inKeyOrder(batch.usage))]);
      for (const row of inserted) tokensByRun.set(row.run_id, (tokensByRun.get(row.run_id) ?? 0) + row.total_tokens);
    }
    addTokens(batch, tokensByRun);
    if (batch.runs.size === 0) return;

    const rows = inKeyOrder(batch.runs);
    const written = await tx.query<{ run_id: string; workflow_id: string | null; started_at: Date | null; rolled_up: boolean }>(upsertRuns, [asJson(rows)]);
    const deltas = new RollupDeltas();
    for (const run of written) {
      const late = tokensByRun.get(run.run_id);
      if (run.rolled_up && late && run.workflow_id && run.started_at) deltas.addTokens(run.workflow_id, run.started_at, late);
    }
    const completed = await tx.query<{ workflow_id: string; started_at: Date; status: string; elapsed_ms: number; total_tokens: string }>(markRolledUp, [JSON.stringify(rows.map((r) => r.run_id))]);
    for (const run of completed) deltas.addRun(run);

    await deltas.write(tx);
  });
}
