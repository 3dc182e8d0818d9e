import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { Logger } from '@flowgate/kernel';

/** A provider's connection details as the engine needs them (the key decrypted, never logged). */
export interface LlmProviderConnection {
  id: string;
  kind: 'openai_compatible';
  base_url: string;
  api_key: string | null;
  models: string[];
}

/** Usage of one LLM call, published for the log system. */
export interface LlmUsage {
  provider: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  latency_ms: number;
}

/** What the engine lends a node while it executes. */
export interface NodeServices {
  /** HTTP out of the platform, through the SSRF guard. */
  fetch(url: string, init: { method: string; headers?: Record<string, string>; body?: string; signal: AbortSignal; maxBytes: number }): Promise<{ status: number; headers: Record<string, string>; body: Uint8Array }>;
  /** An LLM provider by id (404 → the node fails with a clear error). */
  llmProvider(id: string): Promise<LlmProviderConnection>;
  /** Runs another workflow as a child of this run and returns its outputs; `signal` cancels the child. */
  runSubWorkflow(request: { workflow_id: string; version?: number; inputs: Record<string, unknown>; signal?: AbortSignal }): Promise<Record<string, unknown>>;
  /** Runs a sub-graph (iteration) with extra variables in scope, returning its end outputs. */
  runSubGraph(graph: unknown, scope: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export interface NodeContext<D> {
  /** The node's `data`, references already resolved (except the type's `raw` fields). */
  data: D;
  nodeId: string;
  runId: string;
  /** Aborted on cancellation, node timeout or run timeout: stop work and reject. */
  signal: AbortSignal;
  /** Every upstream node's outputs by node id, plus `start` and `env`: for Liquid and sub-graphs. */
  scope: Readonly<Record<string, unknown>>;
  /** Streams a piece of text to the client as a `text_chunk` event. */
  emitText(text: string): void;
  /** Records an LLM call's usage for the run's events. */
  recordUsage(usage: LlmUsage): void;
  services: NodeServices;
  logger: Logger;
}

/**
 * One kind of node: its data schema (validated when a graph is saved and run), its output schema
 * (documentation and the OpenAPI document), and its executor. Adding a node type is adding one
 * file that exports one of these, and listing it in `catalog.ts`.
 */
export interface NodeType<D extends TObject = TObject, O extends TSchema = TSchema> {
  type: string;
  /** One line for docs/nodes.md and the OpenAPI document. */
  summary: string;
  data: D;
  output: O;
  /**
   * Top-level data fields the engine passes through untouched: the type resolves them itself
   * (a Liquid template, JavaScript source, an iteration's sub-graph).
   */
  raw?: readonly (keyof Static<D> & string)[];
  /**
   * What a `raw` field holds, so that graph validation can still check its references: `liquid`
   * (Liquid templates, in the field's strings: their free variables must name upstream nodes) or
   * `graph` (a sub-graph, validated with `item`, `index` and this node's upstream in scope).
   * Raw fields not listed here (source code) are opaque.
   */
  rawKinds?: Partial<Record<keyof Static<D> & string, 'liquid' | 'graph'>>;
  /** Extra checks beyond the schema, each problem with its path inside `data` (e.g. `/url`). */
  validate?(data: Static<D>): { path: string; message: string }[];
  execute(context: NodeContext<Static<D>>): Promise<Static<O>>;
}

export function defineNode<D extends TObject, O extends TSchema>(node: NodeType<D, O>): NodeType<D, O> {
  return node;
}
