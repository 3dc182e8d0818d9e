import { count, desc, eq } from 'drizzle-orm';
import { ConflictError, isUuid, NotFoundError, type CallContext, type SqlExecutor } from '@flowgate/kernel';
import { actorOf } from '../actors.js';
import type { App } from '../contract.js';
import { DEFAULT_LIMIT, olderThan, type Page } from '../pagination.js';
import type { WorkflowsResources } from '../resources.js';
import { apps, workflows, type AppRow } from '../schema.js';

export function toApp(row: AppRow): App {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    created_by: row.createdBy,
  };
}

/** Apps: named folders of workflows. */
export class Apps {
  constructor(private readonly r: WorkflowsResources) {}

  async create(input: { name: string; description?: string }, ctx: CallContext): Promise<App> {
    const now = this.r.clock();
    const [row] = await this.r.db.orm
      .insert(apps)
      .values({ id: this.r.newId(), name: input.name, description: input.description ?? null, createdAt: now, updatedAt: now, createdBy: actorOf(ctx) })
      .returning();
    return toApp(row as AppRow);
  }

  async list(input: { limit?: number; cursor?: string }): Promise<Page<App>> {
    const limit = input.limit ?? DEFAULT_LIMIT;
    const after = this.r.pages.after('apps', input.cursor);
    const rows = await this.r.db.orm
      .select()
      .from(apps)
      .where(olderThan(apps.createdAt, apps.id, after))
      .orderBy(desc(apps.createdAt), desc(apps.id))
      .limit(limit + 1);
    return this.r.pages.page('apps', rows, limit, toApp);
  }

  async get(id: string): Promise<App> {
    return toApp(await this.row(this.r.db, id));
  }

  async update(input: { id: string; name?: string; description?: string | null }, ctx: CallContext): Promise<App> {
    actorOf(ctx);
    const [row] = isUuid(input.id)
      ? await this.r.db.orm
          .update(apps)
          .set({ ...(input.name === undefined ? {} : { name: input.name }), ...(input.description === undefined ? {} : { description: input.description }), updatedAt: this.r.clock() })
          .where(eq(apps.id, input.id))
          .returning()
      : [];
    if (!row) throw notFound(input.id);
    return toApp(row);
  }

  /** Deletes an empty app. One that holds workflows is a conflict: nothing disappears by surprise. */
  async delete(id: string): Promise<void> {
    await this.r.db.transaction(async (tx) => {
      // Locked, so a workflow cannot join the app between the count and the delete.
      await this.row(tx, id, true);
      const [held] = await tx.orm.select({ n: count() }).from(workflows).where(eq(workflows.appId, id));
      const n = Number(held?.n ?? 0);
      if (n > 0) throw new ConflictError(`App ${id} still holds ${n} workflow${n === 1 ? '' : 's'}: move them out (PATCH app_id) or delete them first`);
      await tx.orm.delete(apps).where(eq(apps.id, id));
    });
  }

  /** The app row, or NotFoundError; `lock` takes it FOR UPDATE. */
  async row(executor: SqlExecutor, id: string, lock = false): Promise<AppRow> {
    if (!isUuid(id)) throw notFound(id);
    const query = executor.orm.select().from(apps).where(eq(apps.id, id));
    const [row] = lock ? await query.for('update') : await query;
    if (!row) throw notFound(id);
    return row;
  }
}

const notFound = (id: string) => new NotFoundError(`No app ${id}`);
