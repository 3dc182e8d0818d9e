import type { TLiteral, TUnion } from '@sinclair/typebox';
import { engineEvents, NodeFinishedData, RunFinishedData, Trigger, type LlmUsageData, type NodeStartedData, type RunStartedEventData } from '@flowgate/engine/contract';
import { isUuid } from '@flowgate/kernel';

/** A run event as the log system ingests it: its kind, the run's sequence number and its payload. */
export type RunEvent =
  | { kind: 'run_started'; seq: number; data: RunStartedEventData }
  | { kind: 'node_started'; seq: number; data: NodeStartedData }
  | { kind: 'node_finished'; seq: number; data: NodeFinishedData }
  | { kind: 'llm_used'; seq: number; data: LlmUsageData }
  | { kind: 'run_finished'; seq: number; data: RunFinishedData };

/** The subjects this module consumes, and the fields each payload must have to be recorded. */
const shapes: Record<string, { kind: RunEvent['kind']; fields: Record<string, FieldType> }> = {
  [engineEvents.runStarted]: {
    kind: 'run_started',
    fields: { run_id: 'uuid', workflow_id: 'uuid', version: 'integer', started_at: 'time', trigger: 'string', inputs: 'object', parent_run_id: 'uuid?' },
  },
  [engineEvents.nodeStarted]: { kind: 'node_started', fields: { run_id: 'uuid', node_id: 'string', node_type: 'string', started_at: 'time' } },
  [engineEvents.nodeFinished]: {
    kind: 'node_finished',
    fields: { run_id: 'uuid', node_id: 'string', node_type: 'string', status: 'string', error: 'string?', elapsed_ms: 'number', attempts: 'integer', started_at: 'time', finished_at: 'time' },
  },
  [engineEvents.llmUsed]: {
    kind: 'llm_used',
    fields: { run_id: 'uuid', node_id: 'string', provider: 'string', model: 'string', prompt_tokens: 'integer', completion_tokens: 'integer', total_tokens: 'integer', latency_ms: 'number' },
  },
  [engineEvents.runFinished]: { kind: 'run_finished', fields: { run_id: 'uuid', status: 'string', outputs: 'object', error: 'string?', elapsed_ms: 'number', finished_at: 'time' } },
};

type FieldType = 'uuid' | 'uuid?' | 'string' | 'string?' | 'integer' | 'number' | 'time' | 'object';

/** The values a union of literals in the engine's event schemas allows. */
const literals = (schema: TUnion<TLiteral[]>) => new Set<unknown>(schema.anyOf.map((literal) => literal.const));
const runStatuses = literals(RunFinishedData.properties.status);
const nodeStatuses = literals(NodeFinishedData.properties.status);
const triggers = literals(Trigger);
const INT4_MAX = 2_147_483_647;

function fits(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'uuid?':
      return value === null || (typeof value === 'string' && isUuid(value));
    case 'uuid':
      return typeof value === 'string' && isUuid(value);
    case 'string?':
      return value === null || typeof value === 'string';
    case 'string':
      return typeof value === 'string' && value.length > 0;
    case 'integer':
      return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= INT4_MAX;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0;
    case 'time':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}

/**
 * Reads one bus message as a run event, or says why it cannot be recorded. The message id is
 * `<run_id>:<seq>` (the engine's de-duplication key), which orders a run's events.
 */
export function decodeRunEvent(message: { id: string; subject: string; data: unknown }): RunEvent | { problem: string } {
  const shape = shapes[message.subject];
  if (!shape) return { problem: `not a run event subject: ${message.subject}` };
  const separator = message.id.lastIndexOf(':');
  const seq = Number(message.id.slice(separator + 1));
  if (separator < 0 || !Number.isInteger(seq) || seq < 0 || seq > INT4_MAX) return { problem: `message id is not <run_id>:<seq>: ${message.id}` };
  const data = message.data as Record<string, unknown>;
  if (typeof data !== 'object' || data === null) return { problem: 'payload is not an object' };
  for (const [field, type] of Object.entries(shape.fields)) {
    if (!fits(data[field], type)) return { problem: `field ${field} is not a valid ${type.replace('?', ' or null')}` };
  }
  if (message.id.slice(0, separator) !== data.run_id) return { problem: 'message id names another run than its payload' };
  if (shape.kind === 'run_started' && !triggers.has(data.trigger)) return { problem: `unknown trigger: ${String(data.trigger)}` };
  if (shape.kind === 'run_finished' && !runStatuses.has(data.status)) return { problem: `unknown run status: ${String(data.status)}` };
  if (shape.kind === 'node_finished' && !nodeStatuses.has(data.status)) return { problem: `unknown node status: ${String(data.status)}` };
  return { kind: shape.kind, seq, data } as RunEvent;
}

/** Every subject the log system consumes. */
export const runEventSubjects = 'engine.>';
