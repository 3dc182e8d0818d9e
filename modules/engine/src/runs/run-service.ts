import { uuidv7 } from 'uuidv7';
import { ValidationError, type CallContext, type Logger } from '@flowgate/kernel';
import type { WorkflowsApi } from '@flowgate/workflows/contract';
import type { Trigger } from '../contract.js';
import { engineEvents, type RunStartedEventData } from '../contract.js';
import type { EngineConfig } from '../config.js';
import type { RunEventPublisher } from '../events/run-event-publisher.js';
import type { RunEvent } from '../execution/events.js';
import { executeGraph, type RunResult } from '../execution/execute-graph.js';
import { compileGraph, type CompiledGraph } from '../execution/plan.js';
import { validateRunInputs } from '../graph/run-inputs.js';
import type { NodeCatalog } from '../nodes/catalog.js';
import type { NodeServices } from '../nodes/node-type.js';
import { createRunnableCache, type RunnableCache } from './runnable-cache.js';

export type RunTarget = { kind: 'workflow'; workflowId: string; version?: number } | { kind: 'deployment'; slug: string };

export interface RunRequestOptions {
  target: RunTarget;
  inputs: unknown;
  trigger: Trigger;
  ctx: CallContext;
  /** Sees every event as it happens (a streaming client). */
  onEvent?: (event: RunEvent) => void;
  depth?: number;
  parentRunId?: string;
}

export interface StartedRun {
  runId: string;
  workflowId: string;
  version: number;
  /** Settles when the run ends; never rejects (a failure is a result). */
  result: Promise<RunResult>;
}

export interface RunServiceOptions {
  workflows: () => WorkflowsApi;
  catalog: NodeCatalog;
  config: EngineConfig;
  publisher: RunEventPublisher;
  logger: Logger;
  /** HTTP out of the platform, through the SSRF guard. */
  fetch: NodeServices['fetch'];
  /** Node types whose module is not installed, so saving a graph using them names the module. */
  unavailable?: Record<string, string>;
}

const subjects: Partial<Record<RunEvent['event'], string>> = {
  run_started: engineEvents.runStarted,
  node_started: engineEvents.nodeStarted,
  node_finished: engineEvents.nodeFinished,
  llm_usage: engineEvents.llmUsed,
  run_finished: engineEvents.runFinished,
};

/** Problems of a graph as a request sees them: under `/graph`. */
function underGraph(error: unknown): unknown {
  if (!(error instanceof ValidationError)) return error;
  return new ValidationError('The workflow graph is not valid', error.errors.map((problem) => ({ ...problem, path: `/graph${problem.path}` })));
}

/**
 * Starts and tracks runs: resolves what to run through the workflows module, compiles the graph
 * (once per published version), validates the inputs, executes, and hands every event (but text
 * chunks) to the bus publisher. In-flight runs can be cancelled by id.
 */
export class RunService {
  private readonly inFlight = new Map<string, AbortController>();
  /** What to run, kept until workflows announces a change to it. */
  readonly runnables: RunnableCache;
  /** One compilation per cached runnable (the same object until it changes). */
  private readonly compiled = new WeakMap<object, CompiledGraph>();

  constructor(private readonly options: RunServiceOptions) {
    this.runnables = createRunnableCache({ workflows: options.workflows });
  }

  compile(graph: unknown): CompiledGraph {
    try {
      return compileGraph(graph, this.options.catalog, { unavailable: this.options.unavailable });
    } catch (error) {
      throw underGraph(error);
    }
  }

  /**
   * An iteration's sub-graph is a frozen part of its compiled parent, the same object for every
   * item and every run of that version: compile it once.
   */
  private readonly subGraphs = new WeakMap<object, CompiledGraph>();

  private compileSubGraph(graph: unknown, scopeNames: string[]): CompiledGraph {
    const key = graph as object;
    let compiled = this.subGraphs.get(key);
    if (!compiled) {
      compiled = compileGraph(graph, this.options.catalog, { unavailable: this.options.unavailable, scopeNames });
      this.subGraphs.set(key, compiled);
    }
    return compiled;
  }

  async start(request: RunRequestOptions): Promise<StartedRun> {
    const service: CallContext = { ...request.ctx, principal: { kind: 'service', user_id: 'engine', email: '', name: 'engine', role: 'admin' } };
    const runnable =
      request.target.kind === 'workflow'
        ? await this.runnables.workflow(request.target.workflowId, request.target.version, service)
        : await this.runnables.deployment(request.target.slug, service);
    let compiled = this.compiled.get(runnable);
    if (!compiled) {
      compiled = this.compile(runnable.graph);
      this.compiled.set(runnable, compiled);
    }
    const inputs = validateRunInputs(compiled.startData, request.inputs ?? {});
    if (inputs.problems.length > 0) throw new ValidationError('The run inputs are not valid', inputs.problems);

    const runId = uuidv7();
    const controller = new AbortController();
    this.inFlight.set(runId, controller);
    const depth = request.depth ?? 0;
    let sequence = 0;
    const publish = (event: RunEvent) => {
      const subject = subjects[event.event];
      if (!subject) return;
      // The log system needs to know how a run was started and with what.
      const data = event.event === 'run_started' ? ({ ...event.data, trigger: request.trigger, inputs: inputs.values, parent_run_id: request.parentRunId ?? null } satisfies RunStartedEventData) : event.data;
      this.options.publisher.publish(subject, `${runId}:${sequence++}`, data);
    };
    const emit = (event: RunEvent) => {
      request.onEvent?.(event);
      publish(event);
    };
    const result = executeGraph(compiled, {
      runId,
      workflowId: runnable.workflow_id,
      version: runnable.version,
      inputs: inputs.values,
      catalog: this.options.catalog,
      services: this.servicesFor(runId, depth, request.ctx, emit),
      signal: controller.signal,
      runTimeoutMs: this.options.config.runTimeoutMs,
      depth,
      maxDepth: this.options.config.subWorkflowMaxDepth,
      logger: this.options.logger,
      onEvent: emit,
    }).finally(() => this.inFlight.delete(runId));
    return { runId, workflowId: runnable.workflow_id, version: runnable.version, result };
  }

  /** True when the run was in flight here and is now being cancelled. */
  cancel(runId: string): boolean {
    const controller = this.inFlight.get(runId);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  get running(): number {
    return this.inFlight.size;
  }

  /** `emit` is the run's own event sink: sub-graphs pass their text and LLM usage up through it. */
  private servicesFor(runId: string, depth: number, ctx: CallContext, emit: (event: RunEvent) => void): NodeServices {
    const service: CallContext = { ...ctx, principal: { kind: 'service', user_id: 'engine', email: '', name: 'engine', role: 'admin' } };
    return {
      fetch: this.options.fetch,
      llmProvider: (id) => this.options.workflows().getProviderConnection({ id }, service),
      runSubWorkflow: async ({ workflow_id, version, inputs, signal }) => {
        if (depth + 1 > this.options.config.subWorkflowMaxDepth) {
          throw new Error(`sub-workflows nest deeper than ${this.options.config.subWorkflowMaxDepth} levels`);
        }
        const child = await this.start({ target: { kind: 'workflow', workflowId: workflow_id, version }, inputs, trigger: 'sub_workflow', ctx, depth: depth + 1, parentRunId: runId });
        // The node's signal ends with its parent (cancelled, timed out, or the node's own timeout):
        // the child run goes with it.
        const cancelChild = () => this.cancel(child.runId);
        if (signal?.aborted) cancelChild();
        signal?.addEventListener('abort', cancelChild, { once: true });
        const outcome = await child.result.finally(() => signal?.removeEventListener('abort', cancelChild));
        if (outcome.status !== 'succeeded') throw new Error(`sub-workflow run ${child.runId} ${outcome.status}: ${outcome.error ?? 'no error given'}`);
        return outcome.outputs;
      },
      runSubGraph: async (graph, scope) => {
        // The graph was checked against its node's upstream when saved; here the sub-graph's own
        // ids shadow whatever else of the enclosing run has finished by now.
        const own = new Set(((graph as { nodes?: { id?: unknown }[] }).nodes ?? []).map((node) => node.id));
        const compiled = this.compileSubGraph(graph, Object.keys(scope).filter((name) => !own.has(name)));
        const outcome = await executeGraph(compiled, {
          runId,
          workflowId: '',
          version: 0,
          inputs: {},
          scope,
          catalog: this.options.catalog,
          services: this.servicesFor(runId, depth, ctx, emit),
          signal: this.inFlight.get(runId)?.signal,
          runTimeoutMs: this.options.config.runTimeoutMs,
          logger: this.options.logger,
          depth,
          // An item's node events stay inside the iteration; its streamed text and LLM usage do not.
          onEvent: (event) => {
            if (event.event === 'text_chunk' || event.event === 'llm_usage') emit(event);
          },
        });
        if (outcome.status !== 'succeeded') throw new Error(outcome.error ?? `sub-graph ${outcome.status}`);
        return outcome.outputs;
      },
    };
  }
}
