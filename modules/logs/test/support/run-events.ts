import { engineEvents } from '@flowgate/engine/contract';
import { uuidv7 } from 'uuidv7';

/** A run event as the bus delivers it to the log system. */
export interface PublishedEvent {
  id: string;
  subject: string;
  data: Record<string, unknown>;
}

export interface RunSpec {
  runId?: string;
  workflowId: string;
  version?: number;
  trigger?: 'api' | 'deployment' | 'schedule' | 'console' | 'sub_workflow';
  status?: 'succeeded' | 'failed' | 'cancelled';
  startedAt: Date;
  elapsedMs: number;
  nodes?: number;
  /** Tokens of each LLM call the run makes (one `llm_used` event each, from its last node). */
  llmCalls?: number[];
  /** Leave out run_finished: the run is still in flight. */
  inFlight?: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Every event the engine publishes for one run, in the order it publishes them. */
export function runEvents(spec: RunSpec): PublishedEvent[] {
  const runId = spec.runId ?? uuidv7();
  const start = spec.startedAt.getTime();
  const status = spec.status ?? 'succeeded';
  const nodeCount = spec.nodes ?? 3;
  const events: PublishedEvent[] = [];
  const emit = (subject: string, data: Record<string, unknown>) => events.push({ id: `${runId}:${events.length}`, subject, data: { run_id: runId, ...data } });

  emit(engineEvents.runStarted, { workflow_id: spec.workflowId, version: spec.version ?? 1, started_at: iso(start), trigger: spec.trigger ?? 'api', inputs: { name: 'Ada' }, parent_run_id: null });
  const step = spec.elapsedMs / (nodeCount + 1);
  for (let n = 0; n < nodeCount; n++) {
    const nodeId = `n${n}`;
    const nodeStart = start + step * n;
    const failedHere = status === 'failed' && n === nodeCount - 1;
    emit(engineEvents.nodeStarted, { node_id: nodeId, node_type: 'template', started_at: iso(nodeStart) });
    if (n === nodeCount - 1) {
      for (const tokens of spec.llmCalls ?? []) {
        emit(engineEvents.llmUsed, { node_id: nodeId, provider: 'p1', model: 'gpt-test', prompt_tokens: Math.floor(tokens / 2), completion_tokens: tokens - Math.floor(tokens / 2), total_tokens: tokens, latency_ms: 12.5 });
      }
    }
    emit(engineEvents.nodeFinished, {
      node_id: nodeId,
      node_type: 'template',
      status: failedHere ? 'failed' : 'succeeded',
      inputs: { template: `step ${n}` },
      outputs: failedHere ? {} : { output: `out ${n}` },
      error: failedHere ? 'node n failed' : null,
      elapsed_ms: step,
      attempts: failedHere ? 3 : 1,
      started_at: iso(nodeStart),
      finished_at: iso(nodeStart + step),
    });
  }
  if (!spec.inFlight) {
    emit(engineEvents.runFinished, {
      status,
      outputs: status === 'succeeded' ? { greeting: 'Hello Ada' } : {},
      error: status === 'succeeded' ? null : `run ${status}`,
      elapsed_ms: spec.elapsedMs,
      finished_at: iso(start + spec.elapsedMs),
    });
  }
  return events;
}
