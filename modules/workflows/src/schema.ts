import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, jsonb, pgSchema, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** The workflows module's own schema; nothing outside this module reads or references these tables. */
export const workflowsSchema = pgSchema('workflows');

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const apps = workflowsSchema.table(
  'apps',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [index('apps_created_at_id_idx').on(t.createdAt, t.id)],
);

export const workflows = workflowsSchema.table(
  'workflows',
  {
    id: uuid('id').primaryKey(),
    /** An app holding workflows cannot be deleted (RESTRICT): the service answers 409 first. */
    appId: uuid('app_id').references(() => apps.id),
    name: text('name').notNull(),
    description: text('description'),
    /** The draft. */
    graph: jsonb('graph').$type<unknown>().notNull(),
    /** Bumped by every change of the draft, so publishing freezes exactly the graph it validated. */
    revision: integer('revision').notNull().default(0),
    /** The number of the latest published version; 0 before the first publish. */
    latestVersion: integer('latest_version').notNull().default(0),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
    createdBy: text('created_by').notNull(),
    updatedBy: text('updated_by').notNull(),
  },
  (t) => [index('workflows_created_at_id_idx').on(t.createdAt, t.id), index('workflows_app_id_created_at_id_idx').on(t.appId, t.createdAt, t.id)],
);

/** Published versions: written once by publish, never changed, deleted only with their workflow. */
export const workflowVersions = workflowsSchema.table(
  'workflow_versions',
  {
    id: uuid('id').primaryKey(),
    workflowId: uuid('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    graph: jsonb('graph').$type<unknown>().notNull(),
    createdAt: at('created_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [unique('workflow_versions_workflow_id_version_key').on(t.workflowId, t.version)],
);

/**
 * Which LLM providers each published version uses, filled at publish: "is this provider in use?"
 * is then one indexed lookup instead of a scan of every published graph. provider_id is whatever
 * the graph names, so it is text and has no foreign key.
 */
export const versionProviders = workflowsSchema.table(
  'version_providers',
  {
    versionId: uuid('version_id')
      .notNull()
      .references(() => workflowVersions.id, { onDelete: 'cascade' }),
    providerId: text('provider_id').notNull(),
  },
  (t) => [primaryKey({ name: 'version_providers_pkey', columns: [t.versionId, t.providerId] }), index('version_providers_provider_id_idx').on(t.providerId)],
);

export const deployments = workflowsSchema.table(
  'deployments',
  {
    id: uuid('id').primaryKey(),
    slug: text('slug').notNull().unique('deployments_slug_key'),
    workflowId: uuid('workflow_id').notNull(),
    version: integer('version').notNull(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [
    // A deployment always points at a published version; a deployed workflow cannot be deleted.
    foreignKey({ name: 'deployments_version_fkey', columns: [t.workflowId, t.version], foreignColumns: [workflowVersions.workflowId, workflowVersions.version] }),
    index('deployments_created_at_id_idx').on(t.createdAt, t.id),
    index('deployments_workflow_id_idx').on(t.workflowId),
  ],
);

/** LLM providers; the API key is encrypted with the kernel's SecretBox, bound to the provider id. */
export const llmProviders = workflowsSchema.table(
  'llm_providers',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    kind: text('kind').$type<'openai_compatible'>().notNull(),
    baseUrl: text('base_url').notNull(),
    apiKeyEncrypted: text('api_key_encrypted'),
    models: text('models').array().notNull(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [
    uniqueIndex('llm_providers_name_key').on(sql`lower(${t.name})`),
    index('llm_providers_created_at_id_idx').on(t.createdAt, t.id),
    check('llm_providers_kind_check', sql`${t.kind} in ('openai_compatible')`),
  ],
);

export type AppRow = typeof apps.$inferSelect;
export type WorkflowRow = typeof workflows.$inferSelect;
export type WorkflowVersionRow = typeof workflowVersions.$inferSelect;
export type DeploymentRow = typeof deployments.$inferSelect;
export type LlmProviderRow = typeof llmProviders.$inferSelect;
