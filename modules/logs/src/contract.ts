import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { defineContract, type Access, type ApiOf } from '@flowgate/kernel';
import { Trigger } from '@flowgate/engine/contract';

/** How a run was started: the engine's triggers. */
export { Trigger };

const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Id = Type.String({ minLength: 1, maxLength: 64 });

export const RunStatus = Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('cancelled')]);
export type RunStatus = Static<typeof RunStatus>;
export const NodeStatus = Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('skipped')]);

/** One line of run history. A run still in flight has status `running` and null end fields. */
export const RunSummarySchema = Type.Object({
  run_id: Type.String(),
  workflow_id: Type.String(),
  version: Type.Integer(),
  status: RunStatus,
  trigger: Trigger,
  started_at: Timestamp,
  finished_at: Nullable(Timestamp),
  elapsed_ms: Nullable(Type.Number()),
  error: Nullable(Type.String()),
});
export type RunSummary = Static<typeof RunSummarySchema>;

export const NodeRecordSchema = Type.Object({
  node_id: Type.String(),
  node_type: Type.String(),
  status: NodeStatus,
  inputs: Type.Unknown(),
  outputs: Type.Unknown(),
  error: Nullable(Type.String()),
  attempts: Type.Integer({ minimum: 0 }),
  started_at: Nullable(Timestamp),
  finished_at: Nullable(Timestamp),
  elapsed_ms: Nullable(Type.Number()),
});
export type NodeRecord = Static<typeof NodeRecordSchema>;

export const LlmUsageRecordSchema = Type.Object({
  node_id: Type.String(),
  provider: Type.String(),
  model: Type.String(),
  prompt_tokens: Type.Integer(),
  completion_tokens: Type.Integer(),
  total_tokens: Type.Integer(),
  latency_ms: Type.Number(),
});
export type LlmUsageRecord = Static<typeof LlmUsageRecordSchema>;

export const RunDetailSchema = Type.Object({
  run_id: Type.String(),
  workflow_id: Type.String(),
  version: Type.Integer(),
  status: RunStatus,
  trigger: Trigger,
  parent_run_id: Nullable(Type.String()),
  inputs: Type.Record(Type.String(), Type.Unknown()),
  outputs: Nullable(Type.Record(Type.String(), Type.Unknown())),
  error: Nullable(Type.String()),
  started_at: Timestamp,
  finished_at: Nullable(Timestamp),
  elapsed_ms: Nullable(Type.Number()),
  total_tokens: Type.Integer(),
  nodes: Type.Array(NodeRecordSchema, { description: 'In the order the engine reached them' }),
  llm_usage: Type.Array(LlmUsageRecordSchema),
});
export type RunDetail = Static<typeof RunDetailSchema>;

export const StatsPointSchema = Type.Object({
  bucket: Timestamp,
  runs: Type.Integer(),
  failed: Type.Integer(),
  avg_elapsed_ms: Type.Number(),
  tokens: Type.Integer(),
});

const statsFields = {
  from: Timestamp,
  to: Timestamp,
  interval: Type.Union([Type.Literal('hour'), Type.Literal('day')]),
  total_runs: Type.Integer({ description: 'Finished runs started in [from, to); runs in flight are not counted' }),
  succeeded: Type.Integer(),
  failed: Type.Integer(),
  cancelled: Type.Integer(),
  avg_elapsed_ms: Type.Number(),
  p95_elapsed_ms: Type.Number({ description: 'Nearest-rank 95th percentile, from a histogram with 5% wide bins' }),
  total_tokens: Type.Integer(),
  series: Type.Array(StatsPointSchema, { description: 'Every bucket from `from` to `to`, empty ones included' }),
};

export const WorkflowStatsSchema = Type.Object({ workflow_id: Type.String(), ...statsFields });
export type WorkflowStats = Static<typeof WorkflowStatsSchema>;

export const TopWorkflowSchema = Type.Object({
  workflow_id: Type.String(),
  runs: Type.Integer(),
  failed: Type.Integer(),
  avg_elapsed_ms: Type.Number(),
  tokens: Type.Integer(),
});

export const PlatformStatsSchema = Type.Object({ ...statsFields, top_workflows: Type.Array(TopWorkflowSchema, { description: 'The 10 workflows with the most runs' }) });
export type PlatformStats = Static<typeof PlatformStatsSchema>;

const StatsQuery = {
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Start of the range (inclusive), rounded down to the hour. Default: 7 days before `to`' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'End of the range (exclusive), rounded up to the hour. Default: now' })),
  interval: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day')], { default: 'day', description: 'Series bucket size, in UTC' })),
};

/** The filters and paging of the run lists. */
const HistoryFilters = {
  status: Type.Optional(RunStatus),
  trigger: Type.Optional(Trigger),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 512, description: 'next_cursor of the previous page, unchanged' })),
};

/** A page of run history, newest first. */
export const RunPageSchema = Type.Object({ items: Type.Array(RunSummarySchema), next_cursor: Nullable(Type.String()) });
export type RunPage = Static<typeof RunPageSchema>;

const read: Access = { kind: 'user', scope: 'logs:read' };

export const logsContract = defineContract({
  name: 'logs',
  version: '1.0.0',
  operations: {
    /** One workflow's runs: `listRuns` with its workflow filter, but a 404 for a workflow nobody knows. */
    listWorkflowRuns: {
      method: 'GET', path: '/api/v1/workflows/:id/runs', access: read, tags: ['runs'],
      summary: "A workflow's runs, newest first, runs in flight included",
      description:
        'The same list, paged the same way, as `GET /api/v1/runs?workflow_id={id}` (their cursors are interchangeable), ' +
        'except that an unknown workflow is a 404; a known workflow without runs gives an empty list.',
      input: Type.Object({ id: Id, ...HistoryFilters }),
      output: RunPageSchema,
    },
    /** Every workflow's runs in one list: what the console's dashboard shows as recent failures. */
    listRuns: {
      method: 'GET', path: '/api/v1/runs', access: read, tags: ['runs'],
      summary: 'Runs of every workflow, newest first, runs in flight included; filter by status, trigger or workflow',
      description:
        'Ordered by `started_at`, then `run_id`, both descending. Pages are keyset pages: runs recorded while a client pages through never make it see a run twice or miss one. ' +
        'Pass `next_cursor` back unchanged with the same filters; a cursor from a list with another `workflow_id` (or without one) is a 400. ' +
        'A `workflow_id` that names no workflow gives an empty list, not a 404. Runs of deleted workflows stay listed until retention prunes them. ' +
        'Same access as the per-workflow list: any signed-in user, or an API key with `logs:read`.',
      input: Type.Object({ workflow_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "Only this workflow's runs" })), ...HistoryFilters }),
      output: RunPageSchema,
    },
    getRun: {
      method: 'GET', path: '/api/v1/runs/:run_id', access: read, tags: ['runs'],
      summary: 'One run with its nodes and LLM usage; a run in flight shows the nodes reached so far',
      input: Type.Object({ run_id: Id }),
      output: RunDetailSchema,
    },
    getWorkflowStats: {
      method: 'GET', path: '/api/v1/workflows/:id/stats', access: read, tags: ['runs'],
      summary: "Statistics of a workflow's finished runs over a time range, with a series per hour or day",
      input: Type.Object({ id: Id, ...StatsQuery }),
      output: WorkflowStatsSchema,
    },
    getStats: {
      method: 'GET', path: '/api/v1/stats', access: read, tags: ['runs'],
      summary: 'Statistics of every workflow\'s finished runs over a time range, and the busiest workflows',
      input: Type.Object(StatsQuery),
      output: PlatformStatsSchema,
    },
  },
});

export type LogsContract = typeof logsContract;
export type LogsApi = ApiOf<LogsContract>;
