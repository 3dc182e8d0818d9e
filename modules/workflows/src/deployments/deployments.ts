import { and, desc, eq } from 'drizzle-orm';
import { ConflictError, isUuid, NotFoundError, ValidationError, type CallContext, type SqlExecutor } from '@flowgate/kernel';
import { actorOf } from '../actors.js';
import type { Deployment, Graph, ResolvedDeployment } from '../contract.js';
import { slugPattern } from '../contract.js';
import { DEFAULT_LIMIT, olderThan, type Page } from '../pagination.js';
import type { WorkflowsResources } from '../resources.js';
import { deployments, workflows, workflowVersions, type DeploymentRow } from '../schema.js';

const slugShape = new RegExp(slugPattern);

export function toDeployment(row: DeploymentRow): Deployment {
  return {
    id: row.id,
    slug: row.slug,
    workflow_id: row.workflowId,
    version: row.version,
    url: `/api/v1/run/${row.slug}`,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

const invalid = (path: string, message: string) => new ValidationError('The deployment is not valid', [{ path, message }]);
const notFound = (id: string) => new NotFoundError(`No deployment ${id}`);

/** Deployments: a slug that runs one published version of a workflow, re-pointed without downtime. */
export class Deployments {
  constructor(private readonly r: WorkflowsResources) {}

  async create(input: { workflow_id: string; slug: string; version?: number }, ctx: CallContext): Promise<Deployment> {
    const actor = actorOf(ctx);
    if (!slugShape.test(input.slug)) throw invalid('/slug', 'must be 3 to 64 lower-case letters, digits or dashes');
    const row = await this.r.db.transaction(async (tx) => {
      // Shared lock: the workflow cannot be deleted until this deployment is committed.
      const latest = await this.latestVersion(tx, input.workflow_id);
      if (input.version === undefined && latest === 0) throw invalid('/workflow_id', `Workflow ${input.workflow_id} has no published version: publish it first`);
      const version = input.version ?? latest;
      if (version > latest) throw invalid('/version', noSuchVersion(input.workflow_id, version, latest));
      const now = this.r.clock();
      const [inserted] = await tx.orm
        .insert(deployments)
        .values({ id: this.r.newId(), slug: input.slug, workflowId: input.workflow_id, version, createdAt: now, updatedAt: now, createdBy: actor })
        // Besides the new primary key, the slug is the only unique column.
        .onConflictDoNothing()
        .returning();
      if (!inserted) throw new ConflictError(`The slug ${input.slug} is already deployed`);
      return inserted;
    });
    this.r.logger.info({ deployment_id: row.id, slug: row.slug, workflow_id: row.workflowId, version: row.version }, 'workflow deployed');
    return toDeployment(row);
  }

  async list(input: { workflow_id?: string; limit?: number; cursor?: string }): Promise<Page<Deployment>> {
    const limit = input.limit ?? DEFAULT_LIMIT;
    const after = this.r.pages.after('deployments', input.cursor);
    if (input.workflow_id !== undefined && !isUuid(input.workflow_id)) return { items: [], next_cursor: null };
    const rows = await this.r.db.orm
      .select()
      .from(deployments)
      .where(and(input.workflow_id === undefined ? undefined : eq(deployments.workflowId, input.workflow_id), olderThan(deployments.createdAt, deployments.id, after)))
      .orderBy(desc(deployments.createdAt), desc(deployments.id))
      .limit(limit + 1);
    return this.r.pages.page('deployments', rows, limit, toDeployment);
  }

  async get(id: string): Promise<Deployment> {
    const [row] = isUuid(id) ? await this.r.db.orm.select().from(deployments).where(eq(deployments.id, id)) : [];
    if (!row) throw notFound(id);
    return toDeployment(row);
  }

  /** Re-points the slug: one row changes, so every run resolved after the commit gets the new version. */
  async update(input: { id: string; version: number }, ctx: CallContext): Promise<Deployment> {
    actorOf(ctx);
    const row = await this.r.db.transaction(async (tx) => {
      const [current] = isUuid(input.id) ? await tx.orm.select().from(deployments).where(eq(deployments.id, input.id)).for('update') : [];
      if (!current) throw notFound(input.id);
      const latest = await this.latestVersion(tx, current.workflowId);
      if (input.version > latest) throw invalid('/version', noSuchVersion(current.workflowId, input.version, latest));
      const [updated] = await tx.orm.update(deployments).set({ version: input.version, updatedAt: this.r.clock() }).where(eq(deployments.id, current.id)).returning();
      return updated as DeploymentRow;
    });
    this.r.logger.info({ deployment_id: row.id, slug: row.slug, version: row.version }, 'deployment re-pointed');
    return toDeployment(row);
  }

  async delete(id: string): Promise<void> {
    const [row] = isUuid(id) ? await this.r.db.orm.delete(deployments).where(eq(deployments.id, id)).returning({ slug: deployments.slug }) : [];
    if (!row) throw notFound(id);
    this.r.logger.info({ deployment_id: id, slug: row.slug }, 'deployment deleted');
  }

  /** A slug's deployment with the graph it runs: one indexed join. */
  async resolve(slug: string): Promise<ResolvedDeployment> {
    const [row] = await this.r.db.orm
      .select({ id: deployments.id, slug: deployments.slug, workflowId: deployments.workflowId, version: deployments.version, graph: workflowVersions.graph })
      .from(deployments)
      .innerJoin(workflowVersions, and(eq(workflowVersions.workflowId, deployments.workflowId), eq(workflowVersions.version, deployments.version)))
      .where(eq(deployments.slug, slug));
    if (!row) throw new NotFoundError(`No deployment with the slug ${slug}`);
    return { deployment_id: row.id, slug: row.slug, workflow_id: row.workflowId, version: row.version, graph: row.graph as Graph };
  }

  /**
   * The workflow's latest published version, the workflow locked against deletion meanwhile.
   * Versions are numbered 1..latest without gaps and never deleted on their own, so a version
   * exists exactly when it is at most this.
   */
  private async latestVersion(tx: SqlExecutor, workflowId: string): Promise<number> {
    const [row] = isUuid(workflowId) ? await tx.orm.select({ latest: workflows.latestVersion }).from(workflows).where(eq(workflows.id, workflowId)).for('share') : [];
    if (!row) throw invalid('/workflow_id', `No workflow ${workflowId}`);
    return row.latest;
  }
}

const noSuchVersion = (workflowId: string, version: number, latest: number) =>
  `Workflow ${workflowId} has no published version ${version}${latest === 0 ? ': it was never published' : ` (latest: ${latest})`}`;
