import { Type } from '@sinclair/typebox';
import { createLogger } from '@flowgate/kernel';
import { coreNodes, createNodeCatalog, type NodeCatalog } from '../src/nodes/catalog.js';
import { defineNode, type NodeContext, type NodeServices } from '../src/nodes/node-type.js';
import { executeGraph, type ExecuteGraphOptions, type RunResult } from '../src/execution/execute-graph.js';
import type { RunEvent } from '../src/execution/events.js';

export const silentLogger = createLogger({ level: 'silent' });

/** Services no core node needs; calling one is a test bug. */
export const noServices: NodeServices = {
  fetch: () => Promise.reject(new Error('fetch is not available in this test')),
  llmProvider: () => Promise.reject(new Error('llmProvider is not available in this test')),
  runSubWorkflow: () => Promise.reject(new Error('runSubWorkflow is not available in this test')),
  runSubGraph: () => Promise.reject(new Error('runSubGraph is not available in this test')),
};

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolves when the signal aborts, with its reason. */
export function aborted(signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(signal.reason);
    else signal.addEventListener('abort', () => resolve(signal.reason), { once: true });
  });
}

/** An iteration-like node type: a sub-graph run per item, to check references inside sub-graphs. */
export const testLoop = defineNode({
  type: 'test_loop',
  summary: 'runs a sub-graph per item',
  data: Type.Object({ items: Type.Unknown(), graph: Type.Unknown() }),
  output: Type.Object({ results: Type.Array(Type.Unknown()) }),
  raw: ['graph'],
  rawKinds: { graph: 'graph' },
  async execute() {
    return { results: [] };
  },
});

type Hook = (context: NodeContext<{ key: string; value?: unknown }>) => Promise<unknown> | unknown;

/**
 * A controllable node for executor tests: `test_wait` runs the hook registered under its
 * `data.key` (or echoes `data.value`), so a test decides when and how each node finishes.
 */
export function createTestWorld() {
  const hooks = new Map<string, Hook>();
  const testWait = defineNode({
    type: 'test_wait',
    summary: 'test node that runs a hook',
    data: Type.Object({ key: Type.String(), value: Type.Optional(Type.Unknown()) }),
    output: Type.Unknown(),
    async execute(context) {
      const hook = hooks.get(context.data.key);
      return hook === undefined ? { value: context.data.value } : await hook(context);
    },
  });
  const catalog: NodeCatalog = createNodeCatalog([...coreNodes, testWait, testLoop]);
  return { hooks, catalog };
}

/** Runs a graph and records its events. */
export async function run(
  graph: unknown,
  catalog: NodeCatalog,
  options: Partial<ExecuteGraphOptions> = {},
): Promise<{ result: RunResult; events: RunEvent[] }> {
  const events: RunEvent[] = [];
  const result = await executeGraph(graph, {
    runId: 'run_1',
    workflowId: 'wf_1',
    version: 1,
    inputs: {},
    catalog,
    services: noServices,
    logger: silentLogger,
    ...options,
    onEvent: (event) => {
      events.push(event);
      options.onEvent?.(event);
    },
  });
  return { result, events };
}

export function nodeFinished(events: readonly RunEvent[], nodeId: string) {
  const found = events.find((event) => event.event === 'node_finished' && event.data.node_id === nodeId);
  return found?.event === 'node_finished' ? found.data : undefined;
}

export function eventNames(events: readonly RunEvent[]): string[] {
  return events.map((event) => (event.event === 'run_started' || event.event === 'run_finished' ? event.event : `${event.event}:${event.data.node_id}`));
}

/** A graph from nodes and `a->b` / `a-true->b` edge shorthands. */
export function graphOf(nodes: { id: string; type: string; data?: Record<string, unknown>; [field: string]: unknown }[], edges: string[]) {
  return {
    nodes: nodes.map((node) => ({ ...node, data: node.data ?? {} })),
    edges: edges.map((edge) => {
      const [source, handle, target] = edge.split(/-(?:(\w+)-)?>/);
      return handle === undefined ? { source: source!, target: target! } : { source: source!, target: target!, source_handle: handle };
    }),
  };
}
