import { createLocalCache, type CallContext } from '@flowgate/kernel';
import type { Runnable, WorkflowsApi } from '@flowgate/workflows/contract';

/**
 * What to run, remembered so a run costs no call to the workflows module (its database) once
 * warm. Workflows announces every change on the bus (`forgetWorkflow`, `forgetDeployment`);
 * the TTL only bounds how long a missed announcement can matter.
 */
export function createRunnableCache(options: { workflows: () => WorkflowsApi; ttlMs?: number; maxEntries?: number }) {
  const entries = createLocalCache<Runnable>({ maxEntries: options.maxEntries ?? 10_000, ttlMs: options.ttlMs ?? 300_000 });
  // Cache keys per workflow, so one announcement drops its draft, versions and deployments.
  const keysByWorkflow = new Map<string, Set<string>>();

  const remember = (key: string, runnable: Runnable) => {
    entries.set(key, runnable);
    let keys = keysByWorkflow.get(runnable.workflow_id);
    if (!keys) keysByWorkflow.set(runnable.workflow_id, (keys = new Set()));
    keys.add(key);
    return runnable;
  };

  return {
    async workflow(workflowId: string, version: number | undefined, ctx: CallContext): Promise<Runnable> {
      const key = `w:${workflowId}:${version ?? 'draft'}`;
      return entries.get(key) ?? remember(key, await options.workflows().getRunnable({ workflow_id: workflowId, version }, ctx));
    },
    async deployment(slug: string, ctx: CallContext): Promise<Runnable> {
      const key = `d:${slug}`;
      const cached = entries.get(key);
      if (cached) return cached;
      const { workflow_id, version, graph } = await options.workflows().resolveDeployment({ slug }, ctx);
      return remember(key, { workflow_id, version, graph });
    },
    forgetWorkflow(workflowId: string) {
      for (const key of keysByWorkflow.get(workflowId) ?? []) entries.delete(key);
      keysByWorkflow.delete(workflowId);
    },
    forgetDeployment(slug: string) {
      entries.delete(`d:${slug}`);
    },
  };
}

export type RunnableCache = ReturnType<typeof createRunnableCache>;
