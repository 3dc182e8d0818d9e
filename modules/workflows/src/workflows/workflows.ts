import { and, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import { ConflictError, isUuid, NotFoundError, ValidationError, type CallContext, type FieldProblem, type SqlExecutor } from '@flowgate/kernel';
import { actorOf } from '../actors.js';
import type { Graph, Workflow } from '../contract.js';
import { DEFAULT_LIMIT, olderThan, type Page } from '../pagination.js';
import type { WorkflowsResources } from '../resources.js';
import { apps, deployments, workflows, type WorkflowRow } from '../schema.js';
import type { GraphChecks } from './graph-checks.js';

export function toWorkflow(row: WorkflowRow): Workflow {
  return {
    id: row.id,
    name: row.name,
    app_id: row.appId,
    description: row.description,
    graph: row.graph as Graph,
    version: row.latestVersion,
    published_version: row.latestVersion > 0 ? row.latestVersion : null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    created_by: row.createdBy,
    updated_by: row.updatedBy,
  };
}

/**
 * Workflows whose name or description contains `q`, ignoring case; no condition for an empty `q`.
 * LIKE's wildcards and its escape character (backslash, PostgreSQL's default) are escaped, so a
 * search for `50%` or `a_b` finds exactly that text.
 */
function matching(q: string | undefined): SQL | undefined {
  if (!q) return undefined;
  const pattern = `%${q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
  return or(ilike(workflows.name, pattern), ilike(workflows.description, pattern));
}

export const workflowNotFound = (id: string) => new NotFoundError(`No workflow ${id}`);

interface WorkflowChange {
  id: string;
  name?: string;
  description?: string | null;
  app_id?: string | null;
  graph?: Graph;
}

/** Workflows and their drafts. Publishing and versions are in publishing.ts. */
export class Workflows {
  constructor(
    private readonly r: WorkflowsResources,
    private readonly checks: GraphChecks,
  ) {}

  async create(input: { name: string; app_id?: string; description?: string; graph: Graph }, ctx: CallContext): Promise<Workflow> {
    const actor = actorOf(ctx);
    await this.assertValid(input.graph, input.app_id, ctx);
    const now = this.r.clock();
    const row = await this.r.db.transaction(async (tx) => {
      // Held until commit, so the app cannot be deleted under the new workflow.
      if (input.app_id !== undefined) await this.lockApp(tx, input.app_id);
      const [inserted] = await tx.orm
        .insert(workflows)
        .values({
          id: this.r.newId(),
          appId: input.app_id ?? null,
          name: input.name,
          description: input.description ?? null,
          graph: input.graph,
          createdAt: now,
          updatedAt: now,
          createdBy: actor,
          updatedBy: actor,
        })
        .returning();
      return inserted as WorkflowRow;
    });
    return toWorkflow(row);
  }

  async list(input: { app_id?: string; q?: string; limit?: number; cursor?: string }): Promise<Page<Workflow>> {
    const limit = input.limit ?? DEFAULT_LIMIT;
    const after = this.r.pages.after('workflows', input.cursor);
    // A filter that names no app (not even a uuid) matches nothing.
    if (input.app_id !== undefined && !isUuid(input.app_id)) return { items: [], next_cursor: null };
    const rows = await this.r.db.orm
      .select()
      .from(workflows)
      .where(
        and(
          input.app_id === undefined ? undefined : eq(workflows.appId, input.app_id),
          matching(input.q),
          olderThan(workflows.createdAt, workflows.id, after),
        ),
      )
      .orderBy(desc(workflows.createdAt), desc(workflows.id))
      .limit(limit + 1);
    return this.r.pages.page('workflows', rows, limit, toWorkflow);
  }

  async get(id: string): Promise<Workflow> {
    return toWorkflow(await this.row(this.r.db, id));
  }

  /** Changes the draft and the workflow's name, description or app; published versions stay as they are. */
  async update(input: WorkflowChange, ctx: CallContext): Promise<Workflow> {
    const actor = actorOf(ctx);
    // Refuse an unknown workflow before asking the engine about its graph.
    await this.row(this.r.db, input.id);
    await this.assertValid(input.graph, input.app_id ?? undefined, ctx);
    const row = await this.r.db.transaction(async (tx) => {
      await this.row(tx, input.id, 'update');
      if (input.app_id) await this.lockApp(tx, input.app_id);
      const [updated] = await tx.orm
        .update(workflows)
        .set({
          ...(input.name === undefined ? {} : { name: input.name }),
          ...(input.description === undefined ? {} : { description: input.description }),
          ...(input.app_id === undefined ? {} : { appId: input.app_id }),
          ...(input.graph === undefined ? {} : { graph: input.graph, revision: sql`${workflows.revision} + 1` }),
          updatedAt: this.r.clock(),
          updatedBy: actor,
        })
        .where(eq(workflows.id, input.id))
        .returning();
      return updated as WorkflowRow;
    });
    return toWorkflow(row);
  }

  /**
   * Deletes a workflow with its versions. A deployed workflow is a conflict: its slugs would stop
   * answering, so the caller deletes the deployments first, knowingly.
   */
  async delete(id: string): Promise<void> {
    await this.r.db.transaction(async (tx) => {
      // Locked: a deployment created meanwhile waits, then finds the workflow gone.
      await this.row(tx, id, 'update');
      const deployed = await tx.orm.select({ slug: deployments.slug }).from(deployments).where(eq(deployments.workflowId, id)).orderBy(deployments.slug).limit(6);
      if (deployed.length > 0) {
        const slugs = deployed.slice(0, 5).map((d) => d.slug).join(', ') + (deployed.length > 5 ? ', …' : '');
        throw new ConflictError(`Workflow ${id} is deployed (${slugs}): delete its deployments first`);
      }
      await tx.orm.delete(workflows).where(eq(workflows.id, id));
    });
  }

  /** The workflow row, or NotFoundError; `lock` takes a row lock of that strength. */
  async row(executor: SqlExecutor, id: string, lock?: 'update' | 'share'): Promise<WorkflowRow> {
    if (!isUuid(id)) throw workflowNotFound(id);
    const query = executor.orm.select().from(workflows).where(eq(workflows.id, id));
    const [row] = lock ? await query.for(lock) : await query;
    if (!row) throw workflowNotFound(id);
    return row;
  }

  /** Every problem of a graph and an app reference, together, as one ValidationError. */
  private async assertValid(graph: Graph | undefined, appId: string | undefined, ctx: CallContext): Promise<void> {
    const [graphProblems, appProblems] = await Promise.all([graph === undefined ? [] : this.checks.problemsOf(graph, ctx), appId === undefined ? [] : this.appProblems(appId)]);
    const problems = [...appProblems, ...graphProblems];
    if (problems.length > 0) throw new ValidationError(graphProblems.length > 0 ? 'The graph is not valid' : 'The workflow is not valid', problems);
  }

  private async appProblems(appId: string): Promise<FieldProblem[]> {
    const [row] = isUuid(appId) ? await this.r.db.orm.select({ id: apps.id }).from(apps).where(eq(apps.id, appId)) : [];
    return row ? [] : [{ path: '/app_id', message: `No app ${appId}` }];
  }

  private async lockApp(tx: SqlExecutor, appId: string): Promise<void> {
    const [row] = isUuid(appId) ? await tx.orm.select({ id: apps.id }).from(apps).where(eq(apps.id, appId)).for('key share') : [];
    if (!row) throw new ValidationError('The workflow is not valid', [{ path: '/app_id', message: `No app ${appId}` }]);
  }
}
