import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { defineContract, type Access, type ApiOf } from '@flowgate/kernel';

const Timestamp = Type.String({ format: 'date-time' });
const Id = Type.String({ minLength: 1, maxLength: 64 });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.String({ maxLength: 4000 });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** Version numbers are PostgreSQL integers. */
const MAX_VERSION = 2_147_483_647;
/** A published version's number: 1, 2, … (0 is the draft, never a published version). */
const VersionNumber = Type.Integer({ minimum: 1, maximum: MAX_VERSION });
const Page = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 512, description: 'next_cursor of the previous page, unchanged' })),
};
const NextCursor = Nullable(Type.String());
const NoContent = Type.Null();

const read: Access = { kind: 'user', scope: 'workflows:read' };
const write: Access = { kind: 'user', role: 'editor', scope: 'workflows:write' };
const admin: Access = { kind: 'user', role: 'admin', scope: 'admin' };
const internal: Access = { kind: 'internal' };

/**
 * A workflow graph as API.md describes it. This module stores graphs without knowing node types:
 * the engine validates them, and every problem comes back with its path under `/graph`.
 */
export const GraphSchema = Type.Object(
  {
    nodes: Type.Array(Type.Unknown(), { maxItems: 2000 }),
    edges: Type.Array(Type.Unknown(), { maxItems: 10_000 }),
  },
  { additionalProperties: true, description: 'Nodes and edges; see "The graph" in the API reference' },
);
export type Graph = Static<typeof GraphSchema>;

export const AppSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  created_at: Timestamp,
  updated_at: Timestamp,
  created_by: Type.String(),
});
export type App = Static<typeof AppSchema>;

export const WorkflowSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  app_id: Nullable(Type.String()),
  description: Nullable(Type.String()),
  graph: GraphSchema,
  version: Type.Integer({ minimum: 0, description: 'The number of the latest published version; 0 before the first publish' }),
  published_version: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: 'The latest published version, or null before the first publish' }),
  created_at: Timestamp,
  updated_at: Timestamp,
  created_by: Type.String(),
  updated_by: Type.String(),
});
export type Workflow = Static<typeof WorkflowSchema>;

export const WorkflowVersionSchema = Type.Object({
  version: VersionNumber,
  graph: GraphSchema,
  created_at: Timestamp,
  created_by: Type.String(),
});
export type WorkflowVersion = Static<typeof WorkflowVersionSchema>;

export const DeploymentSchema = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  workflow_id: Type.String(),
  version: VersionNumber,
  url: Type.String({ description: 'Where the deployment runs: POST /api/v1/run/<slug>' }),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Deployment = Static<typeof DeploymentSchema>;

/** Lower-case letters, digits and dashes, 3 to 64 of them. */
export const slugPattern = '^[a-z0-9-]{3,64}$';
const Slug = Type.String({ pattern: slugPattern });

const ProviderKind = Type.Literal('openai_compatible');
const BaseUrl = Type.String({ minLength: 8, maxLength: 2048, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://', description: 'An http(s) URL; {base_url}/chat/completions is called' });
const Models = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 100 });
const ApiKey = Type.String({ minLength: 1, maxLength: 4096 });

/** An LLM provider as everyone sees it: never its key, only whether it has one. */
export const LlmProviderSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: ProviderKind,
  base_url: Type.String(),
  models: Type.Array(Type.String()),
  has_api_key: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type LlmProvider = Static<typeof LlmProviderSchema>;

export const ProviderTestResultSchema = Type.Object({
  ok: Type.Boolean(),
  latency_ms: Type.Number({ minimum: 0 }),
  error: Type.Optional(Type.String()),
});
export type ProviderTestResult = Static<typeof ProviderTestResultSchema>;

/** A graph ready to run, for the engine. */
export const RunnableSchema = Type.Object({
  workflow_id: Type.String(),
  version: Type.Integer({ minimum: 0, description: '0 is the draft' }),
  graph: GraphSchema,
});
export type Runnable = Static<typeof RunnableSchema>;

export const ResolvedDeploymentSchema = Type.Object({
  deployment_id: Type.String(),
  slug: Type.String(),
  workflow_id: Type.String(),
  version: VersionNumber,
  graph: GraphSchema,
});
export type ResolvedDeployment = Static<typeof ResolvedDeploymentSchema>;

/** A provider with its key decrypted: only ever answered to services (the engine). */
export const ProviderConnectionSchema = Type.Object({
  id: Type.String(),
  kind: ProviderKind,
  base_url: Type.String(),
  api_key: Nullable(Type.String()),
  models: Type.Array(Type.String()),
});
export type ProviderConnection = Static<typeof ProviderConnectionSchema>;

const listOf = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), next_cursor: NextCursor });

export const workflowsContract = defineContract({
  name: 'workflows',
  version: '1.0.0',
  operations: {
    // Apps: folders that group workflows.
    createApp: {
      method: 'POST', path: '/api/v1/apps', status: 201, access: write, tags: ['apps'],
      summary: 'Create an app',
      input: Type.Object({ name: Name, description: Type.Optional(Description) }),
      output: AppSchema,
    },
    listApps: {
      method: 'GET', path: '/api/v1/apps', access: read, tags: ['apps'],
      summary: 'List apps, newest first',
      input: Type.Object(Page),
      output: listOf(AppSchema),
    },
    getApp: {
      method: 'GET', path: '/api/v1/apps/:id', access: read, tags: ['apps'],
      summary: 'Read an app',
      input: Type.Object({ id: Id }),
      output: AppSchema,
    },
    updateApp: {
      method: 'PATCH', path: '/api/v1/apps/:id', access: write, tags: ['apps'],
      summary: 'Rename an app or change its description (null clears it)',
      input: Type.Object({ id: Id, name: Type.Optional(Name), description: Type.Optional(Nullable(Description)) }),
      output: AppSchema,
    },
    deleteApp: {
      method: 'DELETE', path: '/api/v1/apps/:id', status: 204, access: write, tags: ['apps'],
      summary: 'Delete an app that holds no workflows (409 while it does: move or delete them first)',
      input: Type.Object({ id: Id }),
      output: NoContent,
    },

    // Workflows: a draft graph and its immutable published versions.
    createWorkflow: {
      method: 'POST', path: '/api/v1/workflows', status: 201, access: write, tags: ['workflows'],
      summary: 'Create a workflow; its graph is the draft. An invalid graph is a 422 listing every problem under /graph',
      description:
        '`version` counts publishes: it is the number of the latest published version, 0 before the first publish, so the next publish makes `version + 1`. ' +
        '`published_version` is the same number, or null while nothing is published. A run without a version runs the draft, reported as version 0. ' +
        'Each `llm` node must name an existing provider and one of its models.',
      input: Type.Object({ name: Name, app_id: Type.Optional(Id), description: Type.Optional(Description), graph: GraphSchema }),
      output: WorkflowSchema,
    },
    listWorkflows: {
      method: 'GET', path: '/api/v1/workflows', access: read, tags: ['workflows'],
      summary: 'List workflows newest first, optionally those of one app or those matching a search',
      description:
        '`q` keeps the workflows whose name or description contains it, ignoring case; `%`, `_` and `\\` in it are matched literally. ' +
        'An empty `q` matches every workflow. It combines with `app_id` and with paging: pass the same `q` with each `cursor`.',
      input: Type.Object({ app_id: Type.Optional(Id), q: Type.Optional(Type.String({ maxLength: 200, description: 'Text the name or description contains (case-insensitive)' })), ...Page }),
      output: listOf(WorkflowSchema),
    },
    getWorkflow: {
      method: 'GET', path: '/api/v1/workflows/:id', access: read, tags: ['workflows'],
      summary: 'Read a workflow with its draft graph',
      input: Type.Object({ id: Id }),
      output: WorkflowSchema,
    },
    updateWorkflow: {
      method: 'PATCH', path: '/api/v1/workflows/:id', access: write, tags: ['workflows'],
      summary: 'Change the draft (published versions never change); app_id null takes it out of its app',
      description:
        '`updated_at` and `updated_by` record the last change of the draft, name, description or app; publishing does not change them. ' +
        'The graph is validated only when it is part of the change.',
      input: Type.Object({ id: Id, name: Type.Optional(Name), description: Type.Optional(Nullable(Description)), app_id: Type.Optional(Nullable(Id)), graph: Type.Optional(GraphSchema) }),
      output: WorkflowSchema,
    },
    deleteWorkflow: {
      method: 'DELETE', path: '/api/v1/workflows/:id', status: 204, access: write, tags: ['workflows'],
      summary: 'Delete a workflow and its versions; 409 while a deployment points at it',
      description:
        'A deployed workflow is not deleted along with its slugs: delete its deployments first, knowingly. Its published versions go with it.',
      input: Type.Object({ id: Id }),
      output: NoContent,
    },
    publishWorkflow: {
      method: 'POST', path: '/api/v1/workflows/:id/publish', access: write, tags: ['workflows'],
      summary: 'Freeze the draft as the next immutable version; an invalid draft is a 422',
      description:
        'The draft is validated again (node types may have changed since it was saved); every problem is listed under /graph and nothing is published. ' +
        'The version frozen is exactly the draft that was validated.',
      input: Type.Object({ id: Id }),
      output: Type.Object({ version: VersionNumber }),
    },
    listWorkflowVersions: {
      method: 'GET', path: '/api/v1/workflows/:id/versions', access: read, tags: ['workflows'],
      summary: 'The published versions of a workflow, newest first',
      input: Type.Object({ id: Id, ...Page }),
      output: listOf(WorkflowVersionSchema),
    },

    // Deployments: a slug that runs one published version.
    createDeployment: {
      method: 'POST', path: '/api/v1/deployments', status: 201, access: write, tags: ['deployments'],
      summary: 'Deploy a published version (default: the latest) under a slug; a duplicate slug is a 409',
      description:
        'A workflow_id that names no workflow, a version that was never published, or no version and a workflow never published, is a 422 naming the field: ' +
        'the body refers to something missing, the URL does not.',
      input: Type.Object({ workflow_id: Id, slug: Slug, version: Type.Optional(VersionNumber) }),
      output: DeploymentSchema,
    },
    listDeployments: {
      method: 'GET', path: '/api/v1/deployments', access: read, tags: ['deployments'],
      summary: 'List deployments newest first, optionally those of one workflow',
      input: Type.Object({ workflow_id: Type.Optional(Id), ...Page }),
      output: listOf(DeploymentSchema),
    },
    getDeployment: {
      method: 'GET', path: '/api/v1/deployments/:id', access: read, tags: ['deployments'],
      summary: 'Read a deployment',
      input: Type.Object({ id: Id }),
      output: DeploymentSchema,
    },
    updateDeployment: {
      method: 'PATCH', path: '/api/v1/deployments/:id', access: write, tags: ['deployments'],
      summary: 'Re-point the slug to another published version; runs after the answer use it',
      input: Type.Object({ id: Id, version: VersionNumber }),
      output: DeploymentSchema,
    },
    deleteDeployment: {
      method: 'DELETE', path: '/api/v1/deployments/:id', status: 204, access: write, tags: ['deployments'],
      summary: 'Delete a deployment; its slug stops running and is free again',
      input: Type.Object({ id: Id }),
      output: NoContent,
    },

    // LLM providers: administered by admins, read by everyone who edits graphs. Never the key.
    createLlmProvider: {
      method: 'POST', path: '/api/v1/llm/providers', status: 201, access: admin, tags: ['llm-providers'],
      summary: 'Add an OpenAI-compatible provider; api_key is encrypted at rest and never returned',
      input: Type.Object({ name: Name, kind: ProviderKind, base_url: BaseUrl, api_key: Type.Optional(ApiKey), models: Models }),
      output: LlmProviderSchema,
    },
    listLlmProviders: {
      method: 'GET', path: '/api/v1/llm/providers', access: read, tags: ['llm-providers'],
      summary: 'List LLM providers, newest first',
      input: Type.Object(Page),
      output: listOf(LlmProviderSchema),
    },
    getLlmProvider: {
      method: 'GET', path: '/api/v1/llm/providers/:id', access: read, tags: ['llm-providers'],
      summary: 'Read an LLM provider (never its key)',
      input: Type.Object({ id: Id }),
      output: LlmProviderSchema,
    },
    updateLlmProvider: {
      method: 'PATCH', path: '/api/v1/llm/providers/:id', access: admin, tags: ['llm-providers'],
      summary: 'Change a provider; api_key null removes the key, an absent api_key keeps it',
      input: Type.Object({ id: Id, name: Type.Optional(Name), base_url: Type.Optional(BaseUrl), api_key: Type.Optional(Nullable(ApiKey)), models: Type.Optional(Models) }),
      output: LlmProviderSchema,
    },
    deleteLlmProvider: {
      method: 'DELETE', path: '/api/v1/llm/providers/:id', status: 204, access: admin, tags: ['llm-providers'],
      summary: 'Delete a provider; 409 while a published version of a workflow uses it',
      description:
        'In use means named by an `llm` node (also inside iteration sub-graphs) of a published version. Drafts do not hold a provider: ' +
        'they fail validation until they name another.',
      input: Type.Object({ id: Id }),
      output: NoContent,
    },
    testLlmProvider: {
      method: 'POST', path: '/api/v1/llm/providers/:id/test', access: admin, tags: ['llm-providers'],
      summary: 'Send a one-word prompt to the provider (model: the first listed unless named)',
      input: Type.Object({ id: Id, model: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
      output: ProviderTestResultSchema,
    },

    // For the engine only.
    getRunnable: {
      method: 'GET', path: '/internal/workflows/runnable/:workflow_id', access: internal,
      summary: 'The graph to run: a published version, or the draft when version is 0 or absent (404 when unknown)',
      input: Type.Object({ workflow_id: Id, version: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_VERSION })) }),
      output: RunnableSchema,
    },
    resolveDeployment: {
      method: 'GET', path: '/internal/workflows/deployments/by-slug/:slug', access: internal,
      summary: 'The deployment of a slug with the graph of the version it points at (404 when unknown)',
      input: Type.Object({ slug: Type.String({ minLength: 1, maxLength: 64 }) }),
      output: ResolvedDeploymentSchema,
    },
    getProviderConnection: {
      method: 'GET', path: '/internal/workflows/llm/providers/:id/connection', access: internal,
      summary: 'A provider with its API key decrypted, to call it (404 when unknown)',
      input: Type.Object({ id: Id }),
      output: ProviderConnectionSchema,
    },
  },
});

export type WorkflowsContract = typeof workflowsContract;
export type WorkflowsApi = ApiOf<WorkflowsContract>;

/**
 * Bus subjects workflows publishes after a change is committed, so the engine's caches of
 * runnable graphs drop what changed (drafts, deletions, re-pointed deployments).
 */
export const workflowsEvents = {
  workflowChanged: 'workflows.workflow.changed',
  deploymentChanged: 'workflows.deployment.changed',
} as const;
