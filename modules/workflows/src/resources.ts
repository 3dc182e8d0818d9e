import type { CallContext, Database, FieldProblem, Logger, SecretBox } from '@flowgate/kernel';
import type { ProviderConnection, ProviderTestResult } from './contract.js';
import type { Pages } from './pagination.js';

/**
 * The engine's graph validation: every problem of a graph, paths relative to the graph
 * (`/nodes/3/data/url`). This module stores graphs; the engine knows node types.
 */
export type GraphValidator = (graph: unknown, ctx: CallContext) => Promise<FieldProblem[]>;

/** The engine's LLM client sends the provider a one-word prompt with `model`. */
export type ProviderTester = (connection: ProviderConnection, model: string, ctx: CallContext) => Promise<ProviderTestResult>;

/** What the parts of the workflows service share. */
export interface WorkflowsResources {
  db: Database;
  secrets: SecretBox;
  clock: () => Date;
  newId: () => string;
  pages: Pages;
  logger: Logger;
}
