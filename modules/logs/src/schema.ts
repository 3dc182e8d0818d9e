import { sql } from 'drizzle-orm';
import { bigint, boolean, doublePrecision, index, integer, jsonb, pgSchema, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** The log system's own schema; nothing outside this module reads or references these tables. */
export const logsSchema = pgSchema('logs');

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** One row per run, merged from its events; the columns of an event not yet ingested are null. */
export const runs = logsSchema.table(
  'runs',
  {
    runId: uuid('run_id').primaryKey(),
    workflowId: uuid('workflow_id'),
    version: integer('version'),
    trigger: text('trigger'),
    parentRunId: uuid('parent_run_id'),
    status: text('status').notNull().default('running'),
    inputs: jsonb('inputs'),
    outputs: jsonb('outputs'),
    error: text('error'),
    startedAt: at('started_at'),
    finishedAt: at('finished_at'),
    elapsedMs: doublePrecision('elapsed_ms'),
    totalTokens: bigint('total_tokens', { mode: 'number' }).notNull().default(0),
    rolledUp: boolean('rolled_up').notNull().default(false),
    recordedAt: at('recorded_at').notNull().defaultNow(),
  },
  (t) => [
    index('runs_history_idx').on(t.workflowId, t.startedAt.desc(), t.runId.desc()),
    index('runs_recent_idx').on(t.startedAt.desc(), t.runId.desc()),
    index('runs_status_recent_idx').on(t.status, t.startedAt.desc(), t.runId.desc()),
    index('runs_age_idx').using('btree', sql`(coalesce(${t.startedAt}, ${t.finishedAt}, ${t.recordedAt}))`),
  ],
);

export const nodeRuns = logsSchema.table(
  'node_runs',
  {
    runId: uuid('run_id').notNull(),
    nodeId: text('node_id').notNull(),
    seq: integer('seq').notNull(),
    nodeType: text('node_type').notNull(),
    status: text('status').notNull(),
    inputs: jsonb('inputs'),
    outputs: jsonb('outputs'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    startedAt: at('started_at'),
    finishedAt: at('finished_at'),
    elapsedMs: doublePrecision('elapsed_ms'),
  },
  (t) => [primaryKey({ name: 'node_runs_pkey', columns: [t.runId, t.nodeId] })],
);

export const llmUsage = logsSchema.table(
  'llm_usage',
  {
    runId: uuid('run_id').notNull(),
    seq: integer('seq').notNull(),
    nodeId: text('node_id').notNull(),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    promptTokens: integer('prompt_tokens').notNull(),
    completionTokens: integer('completion_tokens').notNull(),
    totalTokens: integer('total_tokens').notNull(),
    latencyMs: doublePrecision('latency_ms').notNull(),
  },
  (t) => [primaryKey({ name: 'llm_usage_pkey', columns: [t.runId, t.seq] })],
);

const rollupColumns = {
  /** Start of the hour or day (UTC). */
  bucket: at('bucket').notNull(),
  runs: integer('runs').notNull(),
  succeeded: integer('succeeded').notNull(),
  failed: integer('failed').notNull(),
  cancelled: integer('cancelled').notNull(),
  /** Microseconds: integer sums do not depend on the order runs are added in. */
  elapsedSumUs: bigint('elapsed_sum_us', { mode: 'number' }).notNull(),
  elapsedMin: doublePrecision('elapsed_min'),
  elapsedMax: doublePrecision('elapsed_max'),
  tokens: bigint('tokens', { mode: 'number' }).notNull(),
  /** Runs per elapsed-time bin (see stats/histogram.ts). */
  histogram: jsonb('histogram').$type<Record<string, number>>().notNull(),
};

const perWorkflow = (name: string) =>
  logsSchema.table(name, { workflowId: uuid('workflow_id').notNull(), ...rollupColumns }, (t) => [
    primaryKey({ name: `${name}_pkey`, columns: [t.workflowId, t.bucket] }),
    index(`${name}_bucket_idx`).on(t.bucket),
  ]);
const platformWide = (name: string) => logsSchema.table(name, { ...rollupColumns, bucket: at('bucket').primaryKey() });

/** Finished runs per workflow per hour and per day of their start: what statistics read. */
export const workflowHours = perWorkflow('workflow_hours');
export const workflowDays = perWorkflow('workflow_days');
/** The same summed over every workflow. */
export const platformHours = platformWide('platform_hours');
export const platformDays = platformWide('platform_days');
