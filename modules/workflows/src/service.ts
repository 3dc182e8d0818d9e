import { uuidv7 } from 'uuidv7';
import { createCursorCodec, type CallContext, type Database, type Logger, type SecretBox } from '@flowgate/kernel';
import { Apps } from './apps/apps.js';
import { workflowsEvents, type WorkflowsApi } from './contract.js';
import { Deployments } from './deployments/deployments.js';
import { Pages } from './pagination.js';
import { Providers } from './providers/providers.js';
import type { GraphValidator, ProviderTester, WorkflowsResources } from './resources.js';
import { GraphChecks } from './workflows/graph-checks.js';
import { Publishing } from './workflows/publishing.js';
import { Workflows } from './workflows/workflows.js';

export interface WorkflowsServiceOptions {
  db: Database;
  /** Encrypts LLM providers' API keys at rest. */
  secrets: SecretBox;
  /** Signs page cursors (a key of its own, e.g. `deriveKey('workflows-cursors')`). */
  cursorKey: Uint8Array;
  /** The engine's graph validation; asked on every save and publish. */
  validateGraph: GraphValidator;
  /** The engine's LLM client, for `POST /llm/providers/{id}/test`. */
  testProvider: ProviderTester;
  logger: Logger;
  clock?: () => Date;
  newId?: () => string;
  /** Announces a committed change on the bus; it must not fail the change (log and go on). */
  publish?: (subject: string, data: Record<string, string>) => Promise<void>;
}

type Input<K extends keyof WorkflowsApi> = Parameters<WorkflowsApi[K]>[0];

/** The local implementation of workflows: apps, drafts and versions, deployments, LLM providers. */
export class WorkflowsService implements WorkflowsApi {
  private readonly apps: Apps;
  private readonly workflows: Workflows;
  private readonly publishing: Publishing;
  private readonly deployments: Deployments;
  private readonly providers: Providers;
  private readonly publish: (subject: string, data: Record<string, string>) => Promise<void>;

  constructor(options: WorkflowsServiceOptions) {
    const resources: WorkflowsResources = {
      db: options.db,
      secrets: options.secrets,
      clock: options.clock ?? (() => new Date()),
      newId: options.newId ?? uuidv7,
      pages: new Pages(createCursorCodec(options.cursorKey)),
      logger: options.logger,
    };
    const checks = new GraphChecks(resources, options.validateGraph);
    this.apps = new Apps(resources);
    this.workflows = new Workflows(resources, checks);
    this.publishing = new Publishing(resources, this.workflows, checks);
    this.deployments = new Deployments(resources);
    this.providers = new Providers(resources, options.testProvider);
    this.publish = options.publish ?? (async () => {});
  }

  private workflowChanged<T>(workflowId: string, result: T): Promise<T> {
    return this.publish(workflowsEvents.workflowChanged, { workflow_id: workflowId }).then(() => result);
  }

  private deploymentChanged<T>(deployment: { id: string; slug: string }, result: T): Promise<T> {
    return this.publish(workflowsEvents.deploymentChanged, { deployment_id: deployment.id, slug: deployment.slug }).then(() => result);
  }

  createApp = (input: Input<'createApp'>, ctx: CallContext) => this.apps.create(input, ctx);
  listApps = (input: Input<'listApps'>) => this.apps.list(input);
  getApp = (input: Input<'getApp'>) => this.apps.get(input.id);
  updateApp = (input: Input<'updateApp'>, ctx: CallContext) => this.apps.update(input, ctx);
  deleteApp = async (input: Input<'deleteApp'>) => {
    await this.apps.delete(input.id);
    return null;
  };

  createWorkflow = (input: Input<'createWorkflow'>, ctx: CallContext) => this.workflows.create(input, ctx);
  listWorkflows = (input: Input<'listWorkflows'>) => this.workflows.list(input);
  getWorkflow = (input: Input<'getWorkflow'>) => this.workflows.get(input.id);
  updateWorkflow = async (input: Input<'updateWorkflow'>, ctx: CallContext) => this.workflowChanged(input.id, await this.workflows.update(input, ctx));
  deleteWorkflow = async (input: Input<'deleteWorkflow'>) => {
    await this.workflows.delete(input.id);
    return this.workflowChanged(input.id, null);
  };
  publishWorkflow = async (input: Input<'publishWorkflow'>, ctx: CallContext) => this.workflowChanged(input.id, await this.publishing.publish(input.id, ctx));
  listWorkflowVersions = (input: Input<'listWorkflowVersions'>) => this.publishing.versions(input);

  createDeployment = async (input: Input<'createDeployment'>, ctx: CallContext) => {
    const created = await this.deployments.create(input, ctx);
    return this.deploymentChanged(created, created);
  };
  listDeployments = (input: Input<'listDeployments'>) => this.deployments.list(input);
  getDeployment = (input: Input<'getDeployment'>) => this.deployments.get(input.id);
  updateDeployment = async (input: Input<'updateDeployment'>, ctx: CallContext) => {
    const updated = await this.deployments.update(input, ctx);
    return this.deploymentChanged(updated, updated);
  };
  deleteDeployment = async (input: Input<'deleteDeployment'>) => {
    const existing = await this.deployments.get(input.id);
    await this.deployments.delete(input.id);
    return this.deploymentChanged(existing, null);
  };

  createLlmProvider = (input: Input<'createLlmProvider'>, ctx: CallContext) => this.providers.create(input, ctx);
  listLlmProviders = (input: Input<'listLlmProviders'>) => this.providers.list(input);
  getLlmProvider = (input: Input<'getLlmProvider'>) => this.providers.get(input.id);
  updateLlmProvider = (input: Input<'updateLlmProvider'>, ctx: CallContext) => this.providers.update(input, ctx);
  deleteLlmProvider = async (input: Input<'deleteLlmProvider'>) => {
    await this.providers.delete(input.id);
    return null;
  };
  testLlmProvider = (input: Input<'testLlmProvider'>, ctx: CallContext) => this.providers.test(input, ctx);

  getRunnable = (input: Input<'getRunnable'>) => this.publishing.runnable(input);
  resolveDeployment = (input: Input<'resolveDeployment'>) => this.deployments.resolve(input.slug);
  getProviderConnection = (input: Input<'getProviderConnection'>) => this.providers.connection(input.id);
}
