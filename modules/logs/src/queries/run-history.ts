import { and, desc, eq, isNotNull, sql, type SQL } from 'drizzle-orm';
import { InputError, isUuid, type CursorCodec, type Database } from '@flowgate/kernel';
import type { RunPage, RunStatus, Trigger } from '../contract.js';
import { runs } from '../schema.js';

export interface HistoryQuery {
  /** One workflow's runs; every workflow's when absent. */
  workflowId?: string;
  status?: RunStatus;
  trigger?: Trigger;
  limit: number;
  cursor?: string;
}

const garbled = () => new InputError('The cursor is not valid: pass next_cursor back unchanged');

/**
 * Runs newest first, of one workflow or of all: the one query behind both run lists. The cursor
 * is the last row's (started_at, run_id), signed and bound to the workflow filter (or to none):
 * runs recorded meanwhile are newer (or sort before it), so pages neither repeat nor skip a run.
 * A run whose run_started event has not been ingested yet has no start time and is not listed.
 *
 * Indexes (migrations 0001 and 0002): `runs_history_idx` for one workflow, `runs_recent_idx` for
 * all, `runs_status_recent_idx` for all with a status; each serves the order and the cursor.
 */
export async function readRunHistory(db: Database, cursors: CursorCodec, query: HistoryQuery): Promise<RunPage> {
  const workflow = query.workflowId ?? null;
  const after = query.cursor === undefined ? undefined : positionOf(cursors, query.cursor, workflow);
  // Workflow ids are UUIDs: another id names no workflow, and PostgreSQL would refuse to compare it.
  if (workflow !== null && !isUuid(workflow)) return { items: [], next_cursor: null };
  const conditions: (SQL | undefined)[] = [
    workflow === null ? undefined : eq(runs.workflowId, workflow),
    isNotNull(runs.startedAt),
    query.status ? eq(runs.status, query.status) : undefined,
    query.trigger ? eq(runs.trigger, query.trigger) : undefined,
    after ? sql`(${runs.startedAt}, ${runs.runId}) < (${after.startedAt}::timestamptz, ${after.runId}::uuid)` : undefined,
  ];
  const rows = await db.orm
    .select({
      run_id: runs.runId,
      workflow_id: runs.workflowId,
      version: runs.version,
      status: runs.status,
      trigger: runs.trigger,
      started_at: runs.startedAt,
      finished_at: runs.finishedAt,
      elapsed_ms: runs.elapsedMs,
      error: runs.error,
    })
    .from(runs)
    .where(and(...conditions))
    .orderBy(desc(runs.startedAt), desc(runs.runId))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const next_cursor = rows.length > query.limit && last ? cursors.encode({ k: 'runs', w: workflow, t: last.started_at!.toISOString(), id: last.run_id }) : null;
  return {
    items: page.map((row) => ({
      ...row,
      workflow_id: row.workflow_id!,
      version: row.version!,
      status: row.status as RunStatus,
      trigger: row.trigger as Trigger,
      started_at: row.started_at!.toISOString(),
      finished_at: row.finished_at?.toISOString() ?? null,
    })),
    next_cursor,
  };
}

function positionOf(cursors: CursorCodec, cursor: string, workflowId: string | null): { startedAt: string; runId: string } {
  const { k, w, t, id } = cursors.decode<{ k?: unknown; w?: unknown; t?: unknown; id?: unknown }>(cursor);
  if (k !== 'runs' || w !== workflowId || typeof t !== 'string' || Number.isNaN(Date.parse(t)) || typeof id !== 'string' || !isUuid(id)) throw garbled();
  return { startedAt: t, runId: id };
}
