import { and, desc, eq, ne, sql } from 'drizzle-orm';
import { ConflictError, isUuid, NotFoundError, ValidationError, type CallContext, type FieldProblem, type SqlExecutor } from '@flowgate/kernel';
import { actorOf } from '../actors.js';
import type { LlmProvider, ProviderConnection, ProviderTestResult } from '../contract.js';
import { DEFAULT_LIMIT, olderThan, type Page } from '../pagination.js';
import type { ProviderTester, WorkflowsResources } from '../resources.js';
import { llmProviders, versionProviders, workflows, workflowVersions, type LlmProviderRow } from '../schema.js';
import { baseUrlProblems, modelProblems, normalizeBaseUrl } from './provider-rules.js';

/** Never the key: only whether there is one. */
export function toProvider(row: LlmProviderRow): LlmProvider {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    base_url: row.baseUrl,
    models: row.models,
    has_api_key: row.apiKeyEncrypted !== null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

interface NewProvider {
  name: string;
  kind: 'openai_compatible';
  base_url: string;
  api_key?: string;
  models: string[];
}

interface ProviderChange {
  id: string;
  name?: string;
  base_url?: string;
  /** null removes the key; absent keeps it. */
  api_key?: string | null;
  models?: string[];
}

const notFound = (id: string) => new NotFoundError(`No LLM provider ${id}`);
const nameTaken = (name: string) => new ConflictError(`An LLM provider named ${name} already exists`);

function assertValid(input: { base_url?: string; models?: string[] }): void {
  const problems: FieldProblem[] = [...(input.base_url === undefined ? [] : baseUrlProblems(input.base_url)), ...(input.models === undefined ? [] : modelProblems(input.models))];
  if (problems.length > 0) throw new ValidationError('The LLM provider is not valid', problems);
}

/**
 * LLM providers. The API key is encrypted with the kernel's SecretBox, bound to the provider's id
 * (aad), so a token copied onto another provider's row does not decrypt. It leaves this module
 * only through getProviderConnection, to services, and is never logged.
 */
export class Providers {
  constructor(
    private readonly r: WorkflowsResources,
    private readonly tester: ProviderTester,
  ) {}

  async create(input: NewProvider, ctx: CallContext): Promise<LlmProvider> {
    const actor = actorOf(ctx);
    assertValid(input);
    const id = this.r.newId();
    const now = this.r.clock();
    const [row] = await this.r.db.orm
      .insert(llmProviders)
      .values({
        id,
        name: input.name,
        kind: input.kind,
        baseUrl: normalizeBaseUrl(input.base_url),
        apiKeyEncrypted: input.api_key === undefined ? null : this.seal(id, input.api_key),
        models: input.models,
        createdAt: now,
        updatedAt: now,
        createdBy: actor,
      })
      // The only unique index besides the new key is lower(name).
      .onConflictDoNothing()
      .returning();
    if (!row) throw nameTaken(input.name);
    this.r.logger.info({ provider_id: row.id, name: row.name, has_api_key: row.apiKeyEncrypted !== null }, 'LLM provider created');
    return toProvider(row);
  }

  async list(input: { limit?: number; cursor?: string }): Promise<Page<LlmProvider>> {
    const limit = input.limit ?? DEFAULT_LIMIT;
    const after = this.r.pages.after('llm_providers', input.cursor);
    const rows = await this.r.db.orm
      .select()
      .from(llmProviders)
      .where(olderThan(llmProviders.createdAt, llmProviders.id, after))
      .orderBy(desc(llmProviders.createdAt), desc(llmProviders.id))
      .limit(limit + 1);
    return this.r.pages.page('llm_providers', rows, limit, toProvider);
  }

  async get(id: string): Promise<LlmProvider> {
    return toProvider(await this.row(this.r.db, id));
  }

  async update(input: ProviderChange, ctx: CallContext): Promise<LlmProvider> {
    actorOf(ctx);
    assertValid(input);
    const row = await this.r.db.transaction(async (tx) => {
      const current = await this.row(tx, input.id, true);
      if (input.name !== undefined) {
        const [other] = await tx.orm
          .select({ id: llmProviders.id })
          .from(llmProviders)
          .where(and(sql`lower(${llmProviders.name}) = lower(${input.name})`, ne(llmProviders.id, current.id)));
        if (other) throw nameTaken(input.name);
      }
      const [updated] = await tx.orm
        .update(llmProviders)
        .set({
          ...(input.name === undefined ? {} : { name: input.name }),
          ...(input.base_url === undefined ? {} : { baseUrl: normalizeBaseUrl(input.base_url) }),
          ...(input.models === undefined ? {} : { models: input.models }),
          ...(input.api_key === undefined ? {} : { apiKeyEncrypted: input.api_key === null ? null : this.seal(current.id, input.api_key) }),
          updatedAt: this.r.clock(),
        })
        .where(eq(llmProviders.id, current.id))
        .returning();
      return updated as LlmProviderRow;
    });
    const keyChange = input.api_key === undefined ? 'kept' : input.api_key === null ? 'removed' : 'replaced';
    this.r.logger.info({ provider_id: row.id, name: row.name, key_change: keyChange }, 'LLM provider changed');
    return toProvider(row);
  }

  /**
   * Deletes a provider no published version uses. Drafts may still name it: they fail validation
   * until they pick another, which is the editor's to fix, not a reason to keep the provider.
   */
  async delete(id: string): Promise<void> {
    await this.r.db.transaction(async (tx) => {
      // Publish takes a share lock on the providers it references: whichever commits first wins.
      await this.row(tx, id, true);
      const users = await tx.orm
        .select({ workflowId: workflowVersions.workflowId, name: workflows.name, version: workflowVersions.version })
        .from(versionProviders)
        .innerJoin(workflowVersions, eq(workflowVersions.id, versionProviders.versionId))
        .innerJoin(workflows, eq(workflows.id, workflowVersions.workflowId))
        .where(eq(versionProviders.providerId, id.toLowerCase()))
        .orderBy(workflows.name, workflowVersions.version)
        .limit(6);
      if (users.length > 0) {
        const named = users.slice(0, 5).map((u) => `${u.name} (${u.workflowId}) version ${u.version}`).join(', ') + (users.length > 5 ? ', …' : '');
        throw new ConflictError(`LLM provider ${id} is used by published versions: ${named}`);
      }
      await tx.orm.delete(llmProviders).where(eq(llmProviders.id, id));
    });
    this.r.logger.info({ provider_id: id }, 'LLM provider deleted');
  }

  /** Sends the provider a one-word prompt through the engine's LLM client. */
  async test(input: { id: string; model?: string }, ctx: CallContext): Promise<ProviderTestResult> {
    const connection = await this.connection(input.id);
    const model = input.model ?? connection.models[0];
    if (model === undefined || !connection.models.includes(model)) {
      throw new ValidationError('The model is not one of the provider\'s', [{ path: '/model', message: `must be one of ${connection.models.join(', ')}` }]);
    }
    const result = await this.tester(connection, model, ctx);
    const error = result.error === undefined ? {} : { error: scrubbed(result.error, connection.api_key) };
    return { ok: result.ok, latency_ms: result.latency_ms, ...error };
  }

  /** The provider with its key decrypted, for the engine. */
  async connection(id: string): Promise<ProviderConnection> {
    const row = await this.row(this.r.db, id);
    return {
      id: row.id,
      kind: row.kind,
      base_url: row.baseUrl,
      api_key: row.apiKeyEncrypted === null ? null : this.r.secrets.decrypt(row.apiKeyEncrypted, row.id),
      models: row.models,
    };
  }

  private seal(id: string, apiKey: string): string {
    return this.r.secrets.encrypt(apiKey, id);
  }

  private async row(executor: SqlExecutor, id: string, lock = false): Promise<LlmProviderRow> {
    if (!isUuid(id)) throw notFound(id);
    const query = executor.orm.select().from(llmProviders).where(eq(llmProviders.id, id));
    const [row] = lock ? await query.for('update') : await query;
    if (!row) throw notFound(id);
    return row;
  }
}

/** An upstream error may echo what it was sent; the key must not reach the caller that way. */
function scrubbed(error: string, apiKey: string | null): string {
  return apiKey ? error.split(apiKey).join('[redacted]') : error;
}
