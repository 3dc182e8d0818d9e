import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import { ConflictError, isUuid, NotFoundError, type CallContext } from '@flowgate/kernel';
import { actorOf } from '../actors.js';
import type { Graph, Runnable, WorkflowVersion } from '../contract.js';
import { DEFAULT_LIMIT, type Page } from '../pagination.js';
import { providerIdsOf } from '../providers/provider-references.js';
import type { WorkflowsResources } from '../resources.js';
import { llmProviders, versionProviders, workflows, workflowVersions, type WorkflowVersionRow } from '../schema.js';
import type { GraphChecks } from './graph-checks.js';
import { workflowNotFound, type Workflows } from './workflows.js';

const toVersion = (row: WorkflowVersionRow): WorkflowVersion => ({
  version: row.version,
  graph: row.graph as Graph,
  created_at: row.createdAt.toISOString(),
  created_by: row.createdBy,
});

/** How often publish starts over when the draft changed while it was being validated. */
const PUBLISH_ATTEMPTS = 3;

/** Publishing drafts as immutable numbered versions, and reading graphs to run. */
export class Publishing {
  constructor(
    private readonly r: WorkflowsResources,
    private readonly workflows: Workflows,
    private readonly checks: GraphChecks,
  ) {}

  /**
   * Freezes the draft as version `latest + 1`:
   * 1. read the draft and validate it (the engine may be remote: no transaction is held meanwhile);
   * 2. in one transaction, lock the workflow and check that the draft is still the one validated
   *    (its revision); if it changed, start over;
   * 3. lock the providers the graph uses (a concurrent delete then sees this version), write the
   *    version and its provider references, and move the workflow's latest version.
   */
  async publish(id: string, ctx: CallContext): Promise<{ version: number }> {
    const actor = actorOf(ctx);
    for (let attempt = 1; ; attempt++) {
      const draft = await this.workflows.row(this.r.db, id);
      await this.checks.assertValid(draft.graph, ctx, 'The draft is not valid: fix it before publishing');
      const version = await this.r.db.transaction(async (tx) => {
        const current = await this.workflows.row(tx, id, 'update');
        if (current.revision !== draft.revision) return undefined;
        const next = current.latestVersion + 1;
        const providerIds = providerIdsOf(current.graph);
        if (providerIds.length > 0) await tx.orm.select({ id: llmProviders.id }).from(llmProviders).where(inArray(llmProviders.id, providerIds)).for('share');
        const versionId = this.r.newId();
        await tx.orm.insert(workflowVersions).values({ id: versionId, workflowId: id, version: next, graph: current.graph, createdAt: this.r.clock(), createdBy: actor });
        if (providerIds.length > 0) await tx.orm.insert(versionProviders).values(providerIds.map((providerId) => ({ versionId, providerId })));
        await tx.orm.update(workflows).set({ latestVersion: next }).where(eq(workflows.id, id));
        return next;
      });
      if (version !== undefined) {
        this.r.logger.info({ workflow_id: id, version }, 'workflow published');
        return { version };
      }
      if (attempt >= PUBLISH_ATTEMPTS) throw new ConflictError(`The draft of workflow ${id} kept changing while it was being published: try again`);
    }
  }

  /** Published versions, newest first. */
  async versions(input: { id: string; limit?: number; cursor?: string }): Promise<Page<WorkflowVersion>> {
    const limit = input.limit ?? DEFAULT_LIMIT;
    const before = this.r.pages.afterVersion(input.cursor);
    await this.workflows.row(this.r.db, input.id);
    const rows = await this.r.db.orm
      .select()
      .from(workflowVersions)
      .where(and(eq(workflowVersions.workflowId, input.id), before === undefined ? undefined : lt(workflowVersions.version, before)))
      .orderBy(desc(workflowVersions.version))
      .limit(limit + 1);
    return this.r.pages.versionPage(rows, limit, toVersion);
  }

  /** The graph the engine runs: a published version, or the draft (version 0). One indexed read when it exists. */
  async runnable(input: { workflow_id: string; version?: number }): Promise<Runnable> {
    const { workflow_id: id, version = 0 } = input;
    if (!isUuid(id)) throw workflowNotFound(id);
    if (version === 0) {
      const [draft] = await this.r.db.orm.select({ graph: workflows.graph }).from(workflows).where(eq(workflows.id, id));
      if (!draft) throw workflowNotFound(id);
      return { workflow_id: id, version: 0, graph: draft.graph as Graph };
    }
    const [published] = await this.r.db.orm
      .select({ graph: workflowVersions.graph })
      .from(workflowVersions)
      .where(and(eq(workflowVersions.workflowId, id), eq(workflowVersions.version, version)));
    if (published) return { workflow_id: id, version, graph: published.graph as Graph };
    // Only a miss pays for telling an unknown workflow from an unknown version.
    const workflow = await this.workflows.row(this.r.db, id);
    throw new NotFoundError(`Workflow ${id} has no version ${version} (latest published: ${workflow.latestVersion || 'none'})`);
  }
}
