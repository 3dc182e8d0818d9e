import { Type, type Static } from '@sinclair/typebox';
import { defineContract, type ApiOf } from '@flowgate/kernel';
import { RunStartedData } from './execution/events.js';

const Timestamp = Type.String({ format: 'date-time' });

export const Trigger = Type.Union([Type.Literal('api'), Type.Literal('deployment'), Type.Literal('schedule'), Type.Literal('console'), Type.Literal('sub_workflow')]);
export type Trigger = Static<typeof Trigger>;

/** The body of `POST /api/v1/workflows/{id}/run` and `POST /api/v1/run/{slug}`. */
export const RunRequestSchema = Type.Object({
  inputs: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { default: {} })),
  response_mode: Type.Optional(Type.Union([Type.Literal('blocking'), Type.Literal('streaming')], { default: 'blocking' })),
  /** A published version; the draft when absent (workflow runs) or the deployed one (slug runs). */
  version: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type RunRequest = Static<typeof RunRequestSchema>;

export const RunStatus = Type.Union([Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('cancelled')]);

/** A blocking run's answer: HTTP 200 whatever the run's status. */
export const BlockingRunResultSchema = Type.Object({
  run_id: Type.String(),
  workflow_id: Type.String(),
  version: Type.Integer(),
  status: RunStatus,
  outputs: Type.Record(Type.String(), Type.Unknown()),
  error: Type.Union([Type.String(), Type.Null()]),
  elapsed_ms: Type.Number(),
  started_at: Timestamp,
  finished_at: Timestamp,
});
export type BlockingRunResult = Static<typeof BlockingRunResultSchema>;

export const FieldProblemSchema = Type.Object({ path: Type.String(), message: Type.String() });

export const engineContract = defineContract({
  name: 'engine',
  version: '1.0.0',
  operations: {
    cancelRun: {
      method: 'POST', path: '/api/v1/runs/:run_id/cancel', status: 202, access: { kind: 'user', role: 'editor', scope: 'workflows:run' }, tags: ['runs'],
      summary: 'Cancel a run in flight; it ends as `cancelled` and its HTTP and LLM calls are aborted',
      input: Type.Object({ run_id: Type.String({ minLength: 1, maxLength: 64 }) }),
      output: Type.Object({ run_id: Type.String(), status: Type.Literal('cancelling') }),
    },
    listNodeTypes: {
      method: 'GET', path: '/api/v1/node-types', access: { kind: 'user', scope: 'workflows:read' }, tags: ['workflows'],
      summary: 'The node types a graph may use, with the JSON Schema of their data and outputs',
      input: Type.Object({}),
      output: Type.Object({ items: Type.Array(Type.Object({ type: Type.String(), summary: Type.String(), data: Type.Unknown(), output: Type.Unknown() })) }),
    },
    testLlmConnection: {
      method: 'POST', path: '/internal/engine/llm/test', access: { kind: 'internal' },
      summary: 'Send a one-word prompt to a provider: whether it answers, and how fast',
      input: Type.Object({
        connection: Type.Object({ id: Type.String(), kind: Type.Literal('openai_compatible'), base_url: Type.String(), api_key: Type.Union([Type.String(), Type.Null()]), models: Type.Array(Type.String()) }),
        model: Type.String({ minLength: 1 }),
      }),
      output: Type.Object({ ok: Type.Boolean(), latency_ms: Type.Number(), error: Type.Optional(Type.String()) }),
    },
    validateGraph: {
      method: 'POST', path: '/internal/engine/graphs/validate', access: { kind: 'internal' }, idempotent: true,
      summary: 'Every problem of a graph, with JSON-pointer paths relative to the graph',
      input: Type.Object({ graph: Type.Unknown() }),
      output: Type.Object({ problems: Type.Array(FieldProblemSchema) }),
    },
  },
});

export type EngineContract = typeof engineContract;
export type EngineApi = ApiOf<EngineContract>;

/**
 * The payloads of run events as the bus carries them. Each message's id is `<run_id>:<seq>`, `seq`
 * counting the run's events from 0 in the order the engine emitted them.
 */
export { NodeStartedData, NodeFinishedData, LlmUsageData, RunFinishedData } from './execution/events.js';

/** `run_started` on the bus: the streamed fields, plus how and with what the run was started. */
export const RunStartedEventData = Type.Composite([
  RunStartedData,
  Type.Object({ trigger: Trigger, inputs: Type.Record(Type.String(), Type.Unknown()), parent_run_id: Type.Union([Type.String(), Type.Null()]) }),
]);
export type RunStartedEventData = Static<typeof RunStartedEventData>;

/** Bus subjects of run events, for the log system. `text_chunk` is not published. */
export const engineEvents = {
  runStarted: 'engine.run.started',
  nodeStarted: 'engine.node.started',
  nodeFinished: 'engine.node.finished',
  runFinished: 'engine.run.finished',
  llmUsed: 'engine.llm.used',
} as const;
