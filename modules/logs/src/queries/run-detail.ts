import { asc, eq } from 'drizzle-orm';
import type { Database } from '@flowgate/kernel';
import type { RunDetail, RunStatus, Trigger } from '../contract.js';
import { llmUsage, nodeRuns, runs } from '../schema.js';

const iso = (time: Date | null) => time?.toISOString() ?? null;

/**
 * One run with its nodes (in the order the engine reached them) and LLM usage; undefined until
 * its run_started event is recorded. The three reads are independent and run side by side.
 */
export async function getRunDetail(db: Database, runId: string): Promise<RunDetail | undefined> {
  const [[run], nodes, usage] = await Promise.all([
    db.orm.select().from(runs).where(eq(runs.runId, runId)),
    db.orm.select().from(nodeRuns).where(eq(nodeRuns.runId, runId)).orderBy(asc(nodeRuns.seq)),
    db.orm.select().from(llmUsage).where(eq(llmUsage.runId, runId)).orderBy(asc(llmUsage.seq)),
  ]);
  if (!run?.workflowId || !run.startedAt) return undefined;
  return {
    run_id: run.runId,
    workflow_id: run.workflowId,
    version: run.version!,
    status: run.status as RunStatus,
    trigger: run.trigger as Trigger,
    parent_run_id: run.parentRunId,
    inputs: (run.inputs ?? {}) as Record<string, unknown>,
    outputs: run.outputs as Record<string, unknown> | null,
    error: run.error,
    started_at: run.startedAt.toISOString(),
    finished_at: iso(run.finishedAt),
    elapsed_ms: run.elapsedMs,
    total_tokens: run.totalTokens,
    nodes: nodes.map((node) => ({
      node_id: node.nodeId,
      node_type: node.nodeType,
      status: node.status as RunDetail['nodes'][number]['status'],
      inputs: node.inputs,
      outputs: node.outputs,
      error: node.error,
      attempts: node.attempts,
      started_at: iso(node.startedAt),
      finished_at: iso(node.finishedAt),
      elapsed_ms: node.elapsedMs,
    })),
    llm_usage: usage.map((u) => ({
      node_id: u.nodeId,
      provider: u.provider,
      model: u.model,
      prompt_tokens: u.promptTokens,
      completion_tokens: u.completionTokens,
      total_tokens: u.totalTokens,
      latency_ms: u.latencyMs,
    })),
  };
}
