import { uuidv7 } from 'uuidv7';
import { createCursorCodec, type CallContext, type Database, type Logger, type SecretBox } from '@flowgate/kernel';
import { Apps } from './apps/apps.js';
import type { WorkflowsApi } from './contract.js';
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
}

type Input<K extends keyof WorkflowsApi> = Parameters<WorkflowsApi[K]>[0];

/** The local implementation of workflows: apps, drafts and versions, deployments, LLM providers. */
export class WorkflowsService implements WorkflowsApi {
  private readonly apps: Apps;
  private readonly workflows: Workflows;
  private readonly publishing: Publishing;
  private readonly deployments: Deployments;
  private readonly providers: Providers;

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
  updateWorkflow = (input: Input<'updateWorkflow'>, ctx: CallContext) => this.workflows.update(input, ctx);
  deleteWorkflow = async (input: Input<'deleteWorkflow'>) => {
    await this.workflows.delete(input.id);
    return null;
  };
  publishWorkflow = (input: Input<'publishWorkflow'>, ctx: CallContext) => this.publishing.publish(input.id, ctx);
  listWorkflowVersions = (input: Input<'listWorkflowVersions'>) => this.publishing.versions(input);

  createDeployment = (input: Input<'createDeployment'>, ctx: CallContext) => this.deployments.create(input, ctx);
  listDeployments = (input: Input<'listDeployments'>) => this.deployments.list(input);
  getDeployment = (input: Input<'getDeployment'>) => this.deployments.get(input.id);
  updateDeployment = (input: Input<'updateDeployment'>, ctx: CallContext) => this.deployments.update(input, ctx);
  deleteDeployment = async (input: Input<'deleteDeployment'>) => {
    await this.deployments.delete(input.id);
    return null;
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
