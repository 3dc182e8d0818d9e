import { ValidationError, type FieldProblem, type Logger } from '@flowgate/kernel';
import { branchHandles, takenHandle } from '../graph/branches.js';
import { setField } from '../graph/references.js';
import { validateRunInputs } from '../graph/run-inputs.js';
import type { NodeCatalog } from '../nodes/catalog.js';
import type { LlmUsage, NodeContext, NodeServices } from '../nodes/node-type.js';
import { backoffDelay, RunAbortError, sleep, withTimeout } from './attempts.js';
import type { NodeStatus, RunEvent, RunStatus } from './events.js';
import { CompiledGraph, compileGraph, type PlannedNode } from './plan.js';

export const DEFAULT_RUN_TIMEOUT_MS = 600_000;
/** How deeply runs may start runs (sub-workflows) before the engine refuses. */
export const DEFAULT_MAX_RUN_DEPTH = 10;

export interface ExecuteGraphOptions {
  runId: string;
  workflowId: string;
  version: number;
  /** The run's inputs, validated here against the start node (defaults applied). */
  inputs: unknown;
  /** What `{{ env.NAME }}` reads. */
  env?: Readonly<Record<string, string>>;
  /** Variables besides the graph's nodes: a sub-graph's `item`, `index` and enclosing upstream outputs. */
  scope?: Readonly<Record<string, unknown>>;
  /** Used to compile `graph` when it is not compiled already. */
  catalog: NodeCatalog;
  services: NodeServices;
  /** Aborting it cancels the run: it ends `cancelled`, in-flight nodes' signals are aborted. */
  signal?: AbortSignal;
  /** Default 10 minutes; 0 or Infinity: no limit. */
  runTimeoutMs?: number;
  /** Called synchronously for every event, `run_started` first and `run_finished` last. */
  onEvent?: (event: RunEvent) => void;
  logger: Logger;
  /** 0 for a top-level run, one more for each sub-workflow level. */
  depth?: number;
  maxDepth?: number;
  /** Milliseconds since the epoch; injected by tests. */
  now?: () => number;
}

/** A finished run, as a blocking run request answers it (API.md "Running"). */
export interface RunResult {
  status: RunStatus;
  outputs: Record<string, unknown>;
  error: string | null;
  elapsed_ms: number;
  started_at: string;
  finished_at: string;
}

/**
 * Runs a graph (or a {@link CompiledGraph}, to skip validation on every run) to its end. Never
 * rejects: an invalid graph or inputs, a failed node, a timeout and a cancellation all end as a
 * result, after a `run_finished` event.
 *
 * How a run goes:
 * 1. A node starts once every node it has an edge from has finished or been skipped, if at least
 *    one of those edges was taken; if none was, it is skipped (`node_finished`, status
 *    `skipped`, no `node_started`), and so on downstream. An if_else takes the edges whose
 *    `source_handle` is its result. Independent branches run concurrently.
 * 2. Its data is resolved against the outputs of finished nodes, `start` (the validated inputs)
 *    and `env`; data without references is one frozen object shared by every run.
 * 3. Each attempt gets a signal aborted at `timeout_ms` (the attempt then fails "timed out after
 *    N ms", whether or not the node stops) or when the run ends. After a failed attempt, while
 *    attempts remain, it waits `backoff_ms`, doubling per attempt up to 60 s; cancellation
 *    cuts the wait short.
 * 4. A node that fails for good with `on_error: "continue"` reports status `failed` and outputs
 *    `{error}`, and the run goes on (a failed if_else takes neither branch). Otherwise the run
 *    fails with "node <id> failed: <error>".
 * 5. The run ends when every node has finished or been skipped, or at the first failure,
 *    cancellation or run timeout: nodes still in flight are aborted and reported `failed`
 *    ("aborted: …"), and nothing they do afterwards is reported. Its outputs are those of the
 *    first end node that finished (`{}` if none did), whatever its status.
 */
export function executeGraph(graph: unknown, options: ExecuteGraphOptions): Promise<RunResult> {
  return new GraphRun(options).run(graph);
}

interface InFlight {
  node: PlannedNode;
  startedMs: number;
  attempts: number;
  inputs: unknown;
}

/** Which out-edges of a settled node are taken: all, none (skipped), or those of one branch handle. */
const ALL = Symbol('all');
const NONE = Symbol('none');
type Choice = typeof ALL | typeof NONE | string;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function listProblems(problems: readonly FieldProblem[]): string {
  const shown = problems.slice(0, 3).map((problem) => `${problem.path || '/'}: ${problem.message}`);
  if (problems.length > 3) shown.push(`and ${problems.length - 3} more`);
  return shown.join('; ');
}

function errorMessage(error: unknown): string {
  if (error instanceof ValidationError) return `${error.message}: ${listProblems(error.errors)}`;
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : `non-error thrown: ${String(error)}`;
}

class GraphRun {
  private readonly now: () => number;
  private readonly controller = new AbortController();
  private startedMs = 0;
  private finished = false;
  private plan!: CompiledGraph;
  private readonly scope: Record<string, unknown> = Object.create(null);
  private remaining!: Int32Array;
  private taken!: Uint8Array;
  private settled = 0;
  private readonly inFlight = new Map<number, InFlight>();
  private outputs: Record<string, unknown> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private resolveResult!: (result: RunResult) => void;
  private readonly onCancel = (): void => this.finish('cancelled', 'run cancelled');

  constructor(private readonly options: ExecuteGraphOptions) {
    this.now = options.now ?? Date.now;
  }

  run(graph: unknown): Promise<RunResult> {
    const result = new Promise<RunResult>((resolve) => (this.resolveResult = resolve));
    this.startedMs = this.now();
    const { runId, workflowId, version } = this.options;
    this.emit({ event: 'run_started', data: { run_id: runId, workflow_id: workflowId, version, started_at: iso(this.startedMs) } });
    this.begin(graph);
    return result;
  }

  private begin(graph: unknown): void {
    const { options } = this;
    if (options.signal?.aborted) return this.finish('cancelled', 'run cancelled');
    const maxDepth = options.maxDepth ?? DEFAULT_MAX_RUN_DEPTH;
    if ((options.depth ?? 0) > maxDepth) return this.finish('failed', `runs nest deeper than ${maxDepth} levels`);
    try {
      this.plan = graph instanceof CompiledGraph ? graph : compileGraph(graph, options.catalog, { scopeNames: Object.keys(options.scope ?? {}) });
    } catch (error) {
      return this.finish('failed', error instanceof ValidationError ? `invalid graph: ${listProblems(error.errors)}` : errorMessage(error));
    }
    const { values, problems } = validateRunInputs(this.plan.startData, options.inputs);
    if (problems.length > 0) return this.finish('failed', `invalid inputs: ${listProblems(problems)}`);

    Object.assign(this.scope, options.scope);
    this.scope['start'] = values;
    this.scope['env'] = options.env ?? {};
    this.remaining = Int32Array.from(this.plan.nodes, (node) => node.incoming);
    this.taken = new Uint8Array(this.plan.nodes.length);
    options.signal?.addEventListener('abort', this.onCancel, { once: true });
    const timeoutMs = options.runTimeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
    if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
      this.timer = setTimeout(() => this.finish('failed', `run timed out after ${timeoutMs} ms`), timeoutMs);
    }
    this.start(this.plan.start);
  }

  private start(node: PlannedNode): void {
    this.runNode(node).catch((error: unknown) => {
      // Only an engine bug lands here; the run still ends, and says so.
      this.options.logger.error({ err: error, run_id: this.options.runId, node_id: node.id }, 'engine error while running a node');
      this.finish('failed', `engine error at node ${node.id}: ${errorMessage(error)}`);
    });
  }

  private async runNode(node: PlannedNode): Promise<void> {
    const state: InFlight = { node, startedMs: this.now(), attempts: 0, inputs: null };
    this.inFlight.set(node.index, state);
    this.emit({
      event: 'node_started',
      data: { run_id: this.options.runId, node_id: node.id, node_type: node.typeName, started_at: iso(state.startedMs) },
    });
    let outputs: unknown;
    let failure: unknown;
    let failed = false;
    try {
      const data = this.resolveData(node);
      state.inputs = data;
      outputs = await this.attempt(node, data, state);
    } catch (error) {
      failed = true;
      failure = error;
    }
    // The run may have ended meanwhile (cancelled, timed out, another node failed): then this
    // node's end was reported already, and whatever it produced is dropped.
    if (this.finished || this.inFlight.get(node.index) !== state) return;
    this.inFlight.delete(node.index);
    const branching = branchHandles(node.typeName) !== undefined;
    if (!failed) {
      setField(this.scope, node.id, outputs);
      this.emitNodeFinished(state, 'succeeded', outputs, null);
      if (node.typeName === 'end' && this.outputs === undefined) this.outputs = (outputs ?? {}) as Record<string, unknown>;
      return this.settle(node, branching ? (takenHandle(node.typeName, outputs) ?? NONE) : ALL);
    }
    const message = errorMessage(failure);
    if (node.continueOnError) {
      const errorOutputs = { error: message };
      setField(this.scope, node.id, errorOutputs);
      this.emitNodeFinished(state, 'failed', errorOutputs, message);
      // A failed branching node picked no branch: everything behind it only is skipped.
      return this.settle(node, branching ? NONE : ALL);
    }
    this.emitNodeFinished(state, 'failed', null, message);
    this.finish('failed', `node ${node.id} failed: ${message}`);
  }

  /** The node's data with references resolved; data without references is the same frozen object every run. */
  private resolveData(node: PlannedNode): unknown {
    if (node.data.constant) return node.data.value;
    const data = node.data.resolve(this.scope);
    if (node.check !== undefined && !node.check.Check(data)) {
      const first = node.check.Errors(data).First();
      throw new Error(`data${first?.path ?? ''} is invalid once references are resolved: ${first?.message ?? 'does not match its schema'}`);
    }
    return data;
  }

  /** Runs the node's attempts: each under its timeout, retried after a backoff while attempts remain. */
  private async attempt(node: PlannedNode, data: unknown, state: InFlight): Promise<unknown> {
    const runSignal = this.controller.signal;
    for (let attempt = 1; ; attempt++) {
      state.attempts = attempt;
      try {
        // No timer, no extra signal for nodes without a timeout: they share the run's signal.
        return await (node.timeoutMs === undefined
          ? node.type.execute(this.context(node, data, state, runSignal))
          : withTimeout(node.timeoutMs, runSignal, (signal) => node.type.execute(this.context(node, data, state, signal))));
      } catch (error) {
        if (this.finished || attempt >= node.maxAttempts) throw error;
        // A provider that said when to come back (429 Retry-After) is waited for at least that long.
        const asked = Number((error as { retryAfterMs?: unknown })?.retryAfterMs);
        const wait = Math.max(backoffDelay(node.backoffMs, attempt), Number.isFinite(asked) ? Math.min(asked, 60_000) : 0);
        this.options.logger.debug({ run_id: this.options.runId, node_id: node.id, attempt, wait_ms: wait, err: error }, 'node attempt failed; retrying');
        if (wait > 0) await sleep(wait, runSignal);
      }
    }
  }

  private context(node: PlannedNode, data: unknown, state: InFlight, signal: AbortSignal): NodeContext<never> {
    const { runId, services, logger } = this.options;
    const active = (): boolean => !this.finished && this.inFlight.get(node.index) === state;
    let nodeLogger: Logger | undefined;
    return {
      data: data as never,
      nodeId: node.id,
      runId,
      signal,
      scope: this.scope,
      emitText: (text: string) => {
        if (active()) this.emit({ event: 'text_chunk', data: { run_id: runId, node_id: node.id, text: String(text) } });
      },
      recordUsage: (usage: LlmUsage) => {
        if (active()) this.emit({ event: 'llm_usage', data: { run_id: runId, node_id: node.id, ...usage } });
      },
      services,
      // Most nodes never log: their child logger is made on first use.
      get logger() {
        return (nodeLogger ??= logger.child({ run_id: runId, node_id: node.id }));
      },
    };
  }

  /** Marks a node settled, releases its out-edges, skips what can no longer run, starts what can. */
  private settle(first: PlannedNode, firstChoice: Choice): void {
    const ready: PlannedNode[] = [];
    const stack: [PlannedNode, Choice][] = [[first, firstChoice]];
    while (stack.length > 0) {
      const [node, choice] = stack.pop()!;
      this.settled++;
      for (const edge of node.out) {
        if (choice === ALL || (choice !== NONE && edge.handle === choice)) this.taken[edge.target] = 1;
        const left = this.remaining[edge.target]! - 1;
        this.remaining[edge.target] = left;
        if (left > 0) continue;
        const target = this.plan.nodes[edge.target]!;
        if (this.taken[edge.target] === 1) {
          ready.push(target);
        } else {
          this.emitSkipped(target);
          stack.push([target, NONE]);
        }
      }
    }
    if (this.settled === this.plan.nodes.length) return this.finish('succeeded', null);
    for (const node of ready) this.start(node);
  }

  private emitNodeFinished(state: InFlight, status: NodeStatus, outputs: unknown, error: string | null, finishedMs = this.now()): void {
    this.emit({
      event: 'node_finished',
      data: {
        run_id: this.options.runId,
        node_id: state.node.id,
        node_type: state.node.typeName,
        status,
        outputs,
        error,
        elapsed_ms: finishedMs - state.startedMs,
        inputs: state.inputs,
        attempts: state.attempts,
        started_at: iso(state.startedMs),
        finished_at: iso(finishedMs),
      },
    });
  }

  private emitSkipped(node: PlannedNode): void {
    this.emitNodeFinished({ node, startedMs: this.now(), attempts: 0, inputs: null }, 'skipped', null, null);
  }

  /** Ends the run once: aborts what is in flight (reporting each such node failed), then `run_finished`. */
  private finish(status: RunStatus, error: string | null): void {
    if (this.finished) return;
    this.finished = true;
    if (status !== 'succeeded') this.controller.abort(new RunAbortError(error ?? status));
    const finishedMs = this.now();
    for (const state of this.inFlight.values()) this.emitNodeFinished(state, 'failed', null, `aborted: ${error ?? status}`, finishedMs);
    this.inFlight.clear();
    clearTimeout(this.timer);
    this.options.signal?.removeEventListener('abort', this.onCancel);
    const outputs = this.outputs ?? {};
    const elapsed = finishedMs - this.startedMs;
    const finishedAt = iso(finishedMs);
    this.emit({
      event: 'run_finished',
      data: { run_id: this.options.runId, status, outputs, error, elapsed_ms: elapsed, finished_at: finishedAt },
    });
    this.resolveResult({ status, outputs, error, elapsed_ms: elapsed, started_at: iso(this.startedMs), finished_at: finishedAt });
  }

  private emit(event: RunEvent): void {
    if (this.options.onEvent === undefined) return;
    try {
      this.options.onEvent(event);
    } catch (error) {
      this.options.logger.warn({ err: error, run_id: this.options.runId, event: event.event }, 'a run event listener threw');
    }
  }
}
