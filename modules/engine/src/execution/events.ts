import { Type, type Static } from '@sinclair/typebox';

const Timestamp = Type.String({ format: 'date-time' });
const RunStatus = Type.Union([Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('cancelled')]);
const NodeStatus = Type.Union([Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('skipped')]);

export const RunStartedData = Type.Object({
  run_id: Type.String(),
  workflow_id: Type.String(),
  version: Type.Integer({ minimum: 0 }),
  started_at: Timestamp,
});

export const NodeStartedData = Type.Object({
  run_id: Type.String(),
  node_id: Type.String(),
  node_type: Type.String(),
  started_at: Timestamp,
});

export const TextChunkData = Type.Object({
  run_id: Type.String(),
  node_id: Type.String(),
  text: Type.String(),
});

/**
 * A node's end. API.md's streamed fields, plus `inputs` (its resolved data), `attempts`,
 * `started_at` and `finished_at` for the log system ({@link toStreamEvent} drops those).
 * A skipped node has no inputs, no outputs and 0 attempts; a node failed under
 * `on_error: "continue"` has status `failed` and outputs `{error}`.
 */
export const NodeFinishedData = Type.Object({
  run_id: Type.String(),
  node_id: Type.String(),
  node_type: Type.String(),
  status: NodeStatus,
  outputs: Type.Unknown(),
  error: Type.Union([Type.String(), Type.Null()]),
  elapsed_ms: Type.Number({ minimum: 0 }),
  inputs: Type.Unknown(),
  attempts: Type.Integer({ minimum: 0 }),
  started_at: Timestamp,
  finished_at: Timestamp,
});

export const LlmUsageData = Type.Object({
  run_id: Type.String(),
  node_id: Type.String(),
  provider: Type.String(),
  model: Type.String(),
  prompt_tokens: Type.Integer({ minimum: 0 }),
  completion_tokens: Type.Integer({ minimum: 0 }),
  total_tokens: Type.Integer({ minimum: 0 }),
  latency_ms: Type.Number({ minimum: 0 }),
});

/** Always the last event of a run, whatever its end: success, failure, cancellation or timeout. */
export const RunFinishedData = Type.Object({
  run_id: Type.String(),
  status: RunStatus,
  outputs: Type.Record(Type.String(), Type.Unknown()),
  error: Type.Union([Type.String(), Type.Null()]),
  elapsed_ms: Type.Number({ minimum: 0 }),
  finished_at: Timestamp,
});

export const RunEventSchema = Type.Union([
  Type.Object({ event: Type.Literal('run_started'), data: RunStartedData }),
  Type.Object({ event: Type.Literal('node_started'), data: NodeStartedData }),
  Type.Object({ event: Type.Literal('text_chunk'), data: TextChunkData }),
  Type.Object({ event: Type.Literal('node_finished'), data: NodeFinishedData }),
  Type.Object({ event: Type.Literal('llm_usage'), data: LlmUsageData }),
  Type.Object({ event: Type.Literal('run_finished'), data: RunFinishedData }),
]);

export type RunStatus = Static<typeof RunStatus>;
export type NodeStatus = Static<typeof NodeStatus>;
export type RunStartedData = Static<typeof RunStartedData>;
export type NodeStartedData = Static<typeof NodeStartedData>;
export type TextChunkData = Static<typeof TextChunkData>;
export type NodeFinishedData = Static<typeof NodeFinishedData>;
export type LlmUsageData = Static<typeof LlmUsageData>;
export type RunFinishedData = Static<typeof RunFinishedData>;
/** One event of a run: `event` is the SSE event name, `data` its JSON line. */
export type RunEvent = Static<typeof RunEventSchema>;
export type RunEventName = RunEvent['event'];

/** The events API.md streams to clients (`llm_usage` is for the log system only). */
export const STREAMED_EVENTS: ReadonlySet<RunEventName> = new Set(['run_started', 'node_started', 'text_chunk', 'node_finished', 'run_finished']);

/**
 * An event as a client's stream carries it: exactly API.md's fields (node_finished without its
 * log-system extras), or undefined for events that are not streamed.
 */
export function toStreamEvent(event: RunEvent): { event: RunEventName; data: Record<string, unknown> } | undefined {
  if (!STREAMED_EVENTS.has(event.event)) return undefined;
  if (event.event !== 'node_finished') return event;
  const { run_id, node_id, node_type, status, outputs, error, elapsed_ms } = event.data;
  return { event: 'node_finished', data: { run_id, node_id, node_type, status, outputs, error, elapsed_ms } };
}
