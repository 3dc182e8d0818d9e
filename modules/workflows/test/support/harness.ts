import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  clientFor,
  createLogger,
  createSecretBox,
  injectTransport,
  migrate,
  openDatabase,
  type AssertionSigner,
  type CallContext,
  type Database,
  type FieldProblem,
  type HttpServer,
  type Logger,
  type SecretBox,
} from '@flowgate/kernel';
import { workflowsContract, type ProviderConnection, type ProviderTestResult, type WorkflowsApi } from '../../src/contract.js';
import { WorkflowsService } from '../../src/service.js';

export const migrationsDir = fileURLToPath(new URL('../../src/migrations', import.meta.url));
export const silentLogger = createLogger({ level: 'silent' });

import { contractService, testClock, type TestClock } from '@flowgate/kernel/testing';
export { testClock, type TestClock };

export const newSecretBox = (): SecretBox => createSecretBox({ current: randomBytes(32).toString('base64') });

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * Stands in for the engine, which owns node types and is tested by its own engineer. Its rule is
 * small on purpose: a graph needs a `start` node, and a node whose type was "withdrawn" is unknown.
 * It remembers what it was asked and with which context.
 */
export class FakeEngine {
  readonly withdrawnTypes = new Set<string>();
  readonly validated: { graph: unknown; ctx: CallContext }[] = [];
  readonly tested: { connection: ProviderConnection; model: string }[] = [];
  testResult: ProviderTestResult = { ok: true, latency_ms: 12 };
  /** Runs once, while the next validation is in flight (then is cleared). */
  duringNextValidation: (() => Promise<void>) | undefined;

  validateGraph = async (graph: unknown, ctx: CallContext): Promise<FieldProblem[]> => {
    this.validated.push({ graph, ctx });
    const during = this.duringNextValidation;
    this.duringNextValidation = undefined;
    await during?.();
    const nodes = isObject(graph) && Array.isArray(graph.nodes) ? graph.nodes : [];
    const problems: FieldProblem[] = [];
    if (!nodes.some((node) => isObject(node) && node.type === 'start')) problems.push({ path: '/nodes', message: 'needs exactly one start node' });
    nodes.forEach((node, index) => {
      if (isObject(node) && typeof node.type === 'string' && this.withdrawnTypes.has(node.type)) problems.push({ path: `/nodes/${index}/type`, message: `unknown node type ${node.type}` });
    });
    return problems;
  };

  testProvider = async (connection: ProviderConnection, model: string): Promise<ProviderTestResult> => {
    this.tested.push({ connection, model });
    return this.testResult;
  };
}

/** A database holding workflows' schema, shared by the tests of one file. */
export interface TestDatabase {
  db: Database;
  close(): Promise<void>;
}

export async function migratedPglite(): Promise<TestDatabase> {
  const db = await openDatabase({ dataDir: 'memory://' });
  await migrate(db, { name: 'workflows', dir: migrationsDir });
  return { db, close: () => db.close() };
}

/** Empties workflows' tables, so each test starts from nothing. */
export async function resetWorkflows(db: Database): Promise<void> {
  await db.exec('truncate workflows.version_providers, workflows.deployments, workflows.workflow_versions, workflows.workflows, workflows.apps, workflows.llm_providers');
}

export type Via = 'local' | 'remote';

/** One workflows module under test: the local service, reached directly or through its HTTP routes. */
export interface WorkflowsTarget {
  api: WorkflowsApi;
  service: WorkflowsService;
  db: Database;
  secrets: SecretBox;
  clock: TestClock;
  engine: FakeEngine;
  close(): Promise<void>;
}

export interface ServiceParts {
  db: Database;
  clock?: TestClock;
  secrets?: SecretBox;
  engine?: FakeEngine;
  logger?: Logger;
}

export function newService(parts: ServiceParts) {
  const clock = parts.clock ?? testClock();
  const secrets = parts.secrets ?? newSecretBox();
  const engine = parts.engine ?? new FakeEngine();
  const service = new WorkflowsService({
    db: parts.db,
    secrets,
    cursorKey: randomBytes(32),
    validateGraph: engine.validateGraph,
    testProvider: engine.testProvider,
    logger: parts.logger ?? silentLogger,
    clock,
  });
  return { service, clock, secrets, engine };
}

export async function startTarget(db: Database, via: Via): Promise<WorkflowsTarget> {
  const parts = newService({ db });
  const base = { ...parts, db };
  if (via === 'local') return { ...base, api: parts.service, close: async () => {} };
  const { app, signer } = await serviceApp(parts.service);
  return { ...base, api: clientFor(workflowsContract, injectTransport(app, signer)), close: () => app.close() };
}

/** workflows as it runs behind the gateway in split mode (see the kernel's `contractService`). */
export async function serviceApp(service: WorkflowsApi, logger: Logger = silentLogger): Promise<{ app: HttpServer; signer: AssertionSigner }> {
  const { app, signer } = await contractService(workflowsContract, service, { logger });
  return { app, signer };
}
