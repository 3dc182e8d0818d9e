import type { RunEvent } from './run-events.js';

/** A run's row as a batch of events describes it; what no event of the batch said is null. */
export interface RunRow {
  run_id: string;
  workflow_id: string | null;
  version: number | null;
  trigger: string | null;
  parent_run_id: string | null;
  status: string;
  inputs: unknown;
  outputs: unknown;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
  elapsed_ms: number | null;
  /** Tokens to add: only LLM usage recorded for the first time counts (see record-writer.ts). */
  tokens: number;
}

export interface NodeRow {
  run_id: string;
  node_id: string;
  seq: number;
  node_type: string;
  status: string;
  inputs: unknown;
  outputs: unknown;
  error: string | null;
  attempts: number;
  started_at: string | null;
  finished_at: string | null;
  elapsed_ms: number | null;
}

export interface UsageRow {
  run_id: string;
  seq: number;
  node_id: string;
  provider: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  latency_ms: number;
}

/** One batch of events folded into one row per record, ready to be merged into the tables. */
export interface RecordBatch {
  runs: Map<string, RunRow>;
  nodes: Map<string, NodeRow>;
  usage: Map<string, UsageRow>;
}

/**
 * The merge rule, the same here and in SQL (record-writer.ts), so the result does not depend on
 * the order or the number of deliveries: a final status beats `running`; any other field keeps
 * the first value that is not null; a node's `seq` is the least seen and `attempts` the most.
 */
function mergeFields<T extends { status: string }>(into: T, from: T): void {
  const target = into as Record<string, unknown>;
  for (const [field, value] of Object.entries(from)) {
    if (field === 'status') continue;
    if (target[field] === null && value !== null) target[field] = value;
  }
  if (into.status === 'running') into.status = from.status;
}

const emptyRun = (run_id: string): RunRow => ({
  run_id,
  workflow_id: null,
  version: null,
  trigger: null,
  parent_run_id: null,
  status: 'running',
  inputs: null,
  outputs: null,
  error: null,
  started_at: null,
  finished_at: null,
  elapsed_ms: null,
  tokens: 0,
});

function runOf(event: RunEvent): RunRow | undefined {
  switch (event.kind) {
    case 'run_started': {
      const { run_id, workflow_id, version, trigger, parent_run_id, inputs, started_at } = event.data;
      return { ...emptyRun(run_id), workflow_id, version, trigger, parent_run_id, inputs, started_at };
    }
    case 'run_finished': {
      const { run_id, status, outputs, error, finished_at, elapsed_ms } = event.data;
      return { ...emptyRun(run_id), status, outputs, error, finished_at, elapsed_ms };
    }
    default:
      return undefined;
  }
}

function nodeOf(event: RunEvent): NodeRow | undefined {
  const base = { seq: event.seq, inputs: null, outputs: null, error: null, attempts: 0, finished_at: null, elapsed_ms: null };
  switch (event.kind) {
    case 'node_started': {
      const { run_id, node_id, node_type, started_at } = event.data;
      return { ...base, run_id, node_id, node_type, started_at, status: 'running' };
    }
    case 'node_finished': {
      const { run_id, node_id, node_type, status, inputs, outputs, error, attempts, started_at, finished_at, elapsed_ms } = event.data;
      return { run_id, node_id, seq: event.seq, node_type, status, inputs: inputs ?? null, outputs: outputs ?? null, error, attempts, started_at, finished_at, elapsed_ms };
    }
    default:
      return undefined;
  }
}

export function toRecordBatch(events: readonly RunEvent[]): RecordBatch {
  const batch: RecordBatch = { runs: new Map(), nodes: new Map(), usage: new Map() };
  for (const event of events) {
    const run = runOf(event);
    if (run) {
      const known = batch.runs.get(run.run_id);
      if (known) mergeFields(known, run);
      else batch.runs.set(run.run_id, run);
      continue;
    }
    const node = nodeOf(event);
    if (node) {
      const key = `${node.run_id}\u0000${node.node_id}`;
      const known = batch.nodes.get(key);
      if (!known) batch.nodes.set(key, node);
      else {
        mergeFields(known, node);
        known.seq = Math.min(known.seq, node.seq);
        known.attempts = Math.max(known.attempts, node.attempts);
      }
      continue;
    }
    if (event.kind === 'llm_used') {
      const { run_id, node_id, provider, model, prompt_tokens, completion_tokens, total_tokens, latency_ms } = event.data;
      batch.usage.set(`${run_id}:${event.seq}`, { run_id, seq: event.seq, node_id, provider, model, prompt_tokens, completion_tokens, total_tokens, latency_ms });
    }
  }
  return batch;
}

/** Adds tokens of newly recorded LLM usage to the batch's runs (creating rows for runs it lacks). */
export function addTokens(batch: RecordBatch, tokensByRun: Map<string, number>): void {
  for (const [runId, tokens] of tokensByRun) {
    let run = batch.runs.get(runId);
    if (!run) batch.runs.set(runId, (run = emptyRun(runId)));
    run.tokens += tokens;
  }
}
